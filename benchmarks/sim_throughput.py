# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Throughput of the PBX simulator under concurrent keep-alive clients.

    .venv/bin/python benchmarks/sim_throughput.py --clients 50 --duration 10

Starts the simulator as a subprocess (so clients and server do not share a GIL), runs
CLIENTS threads, each with its own requests.Session, doing a mix of
GET user_settings/{hunt group} and GET hunts until DURATION seconds or REQUESTS
requests in total, then prints requests per second and latency percentiles.
"""

import argparse
import itertools
import json
import os
import platform
import random
import sys
import threading
import time

import requests

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))

from pbxsim.process import launch  # noqa: E402 pylint: disable=wrong-import-position
from pbxsim.seed import SYSTEM_ADMIN  # noqa: E402 pylint: disable=wrong-import-position

DOMAIN = "/rest/domain/localhost"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50, help="concurrent client threads (default 50)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds to run (default 10)")
    parser.add_argument("--requests", type=int, default=0, help="stop after this many requests in total (0: no limit)")
    parser.add_argument("--hunt-groups", type=int, default=20, help="extra hunt groups in the simulator (default 20)")
    parser.add_argument("--hunts-share", type=float, default=0.25, help="share of GET hunts in the mix (default 0.25)")
    parser.add_argument("--tls", action="store_true", help="benchmark over HTTPS")
    parser.add_argument("--random-seed", type=int, default=1, help="seed for the request mix")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    return parser.parse_args(argv)


class Budget:
    """Shared stop condition: a deadline and an optional request count."""

    def __init__(self, duration, limit):
        self.deadline = time.monotonic() + duration
        self._limit = limit
        self._taken = itertools.count(1)

    def take(self):
        """True while another request may be sent."""
        if time.monotonic() >= self.deadline:
            return False
        return not self._limit or next(self._taken) <= self._limit


def client_loop(base_url, verify, paths, hunts_share, seed, budget, results):
    """One client: its own session, its own random mix; appends (latencies, errors)."""
    chooser = random.Random(seed)
    session = requests.Session()
    session.auth = SYSTEM_ADMIN
    latencies = []
    errors = 0
    while budget.take():
        path = DOMAIN + "/hunts" if chooser.random() < hunts_share else chooser.choice(paths)
        started = time.perf_counter()
        try:
            # verify per request: a session-level verify loses against REQUESTS_CA_BUNDLE in the environment.
            answer = session.get(base_url + path, timeout=10, verify=verify)
            answer.content  # pylint: disable=pointless-statement
            if answer.status_code != 200:
                errors += 1
        except requests.RequestException:
            errors += 1
        latencies.append(time.perf_counter() - started)
    session.close()
    results.append((latencies, errors))


def percentile(sorted_values, share):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, max(0, int(round(share * len(sorted_values))) - 1))
    return sorted_values[index]


def run(args):
    sim_args = ["--hunt-groups", str(args.hunt_groups)] + (["--tls"] if args.tls else [])
    sim = launch(sim_args)
    try:
        verify = sim.ca_file if args.tls else True
        hunts = requests.get(sim.url + DOMAIN + "/hunts", auth=SYSTEM_ADMIN, verify=verify, timeout=10).json()
        paths = [DOMAIN + "/user_settings/" + entry["name"] for entry in hunts]
        results = []
        budget = Budget(args.duration, args.requests)
        threads = [
            threading.Thread(target=client_loop, args=(sim.url, verify, paths, args.hunts_share, args.random_seed + index, budget, results))
            for index in range(args.clients)
        ]
        started = time.monotonic()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        journal_reads = sim.control("GET", "/_sim/journal?since=0")[1]["reads"]
    finally:
        exit_code = sim.stop()
    latencies = sorted(latency for thread_latencies, _errors in results for latency in thread_latencies)
    return {
        "clients": args.clients,
        "requests": len(latencies),
        "errors": sum(errors for _latencies, errors in results),
        "seconds": round(elapsed, 2),
        "requests_per_second": round(len(latencies) / elapsed, 1),
        "latency_ms": dict((name, round(percentile(latencies, share) * 1000, 2)) for name, share in (
            ("p50", 0.50), ("p90", 0.90), ("p99", 0.99), ("max", 1.0))),
        "journal_reads": journal_reads,
        "simulator_exit_code": exit_code,
        "tls": args.tls,
        "machine": "%s, %d CPUs, Python %s" % (platform.platform(), os.cpu_count() or 0, platform.python_version()),
    }


def main(argv=None):
    args = parse_args(argv)
    result = run(args)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print("clients            %d" % result["clients"])
        print("requests           %d (errors %d)" % (result["requests"], result["errors"]))
        print("duration           %.2f s" % result["seconds"])
        print("throughput         %.1f req/s" % result["requests_per_second"])
        print("latency ms         p50 %(p50).2f  p90 %(p90).2f  p99 %(p99).2f  max %(max).2f" % result["latency_ms"])
        print("machine            %s" % result["machine"])
    return 0 if result["errors"] == 0 and result["simulator_exit_code"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
