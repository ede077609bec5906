# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Command line: ``PYTHONPATH=tests python3 -m pbxsim [options]``.

Stdout carries the start-up contract only: one ``listening on URL`` line per PBX, then
``ca certificate PATH`` with --tls. Everything else goes to stderr.
"""

import argparse
import signal
import sys
import threading

from pbxsim.faults import FaultConfigError, normalise_update
from pbxsim.profiles import DEFAULT_PROFILE, PROFILES
from pbxsim.seed import SeedError
from pbxsim.server import start_simulators
from pbxsim.state import DUPLICATE_MODES


def build_parser():
    """The argument parser (also used by pbxsim.process to know how many lines to read)."""
    parser = argparse.ArgumentParser(prog="python -m pbxsim", description="Vodia PBX REST API simulator for tests.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port of the first PBX; 0 picks free ports (default 0)")
    parser.add_argument("--seed", help="YAML or JSON seed file replacing the built-in seed")
    parser.add_argument("--pbx-count", type=int, default=1, help="number of independent PBXs, one port each")
    parser.add_argument("--on-duplicate", choices=DUPLICATE_MODES, default="ok",
                        help="addacc for an existing account: ok (200, untouched) or error (400)")
    parser.add_argument("--hunt-groups", type=int, default=0, help="extra hunt groups 2000.. in domain localhost")
    parser.add_argument("--call-queues", type=int, default=0,
                        help="call queues 5000.. (agents 444 445) in domain localhost (default 0)")
    parser.add_argument("--tenants", type=int, default=0,
                        help="extra generated tenants tenant-0001.example.com.. after the seed's (default 0)")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a freshly generated CA")
    parser.add_argument("--tls-dir", help="directory for ca.pem/server.pem/server-key.pem (default: a temp dir)")
    parser.add_argument("--profile", choices=PROFILES, default=DEFAULT_PROFILE,
                        help="release line to answer as: v58 (vendor page), v69 or v70 (default %s)" % DEFAULT_PROFILE)
    parser.add_argument("--verbose", action="store_true", help="log requests and connection errors to stderr")
    faults = parser.add_argument_group("faults (apply to /rest/* only)")
    faults.add_argument("--latency-ms", type=float, help="fixed delay before every answer")
    faults.add_argument("--jitter-ms", type=float, help="extra random delay, uniform in [0, jitter]")
    faults.add_argument("--error-rate", type=float, help="share (0..1) of requests answered with an error code")
    faults.add_argument("--error-codes", help="comma-separated codes for --error-rate (default 500,502,503)")
    faults.add_argument("--retry-after", help="Retry-After value sent with injected errors")
    faults.add_argument("--drop-rate", type=float, help="share (0..1) of connections closed without an answer")
    faults.add_argument("--hang-rate", type=float, help="share (0..1) of answers delayed by --hang-seconds")
    faults.add_argument("--hang-seconds", type=float, help="delay of a hanging answer (default 30)")
    faults.add_argument("--fail-next", action="append", default=[], metavar="'METHOD PATH STATUS [COUNT]'",
                        help="fail the next COUNT (default 1) matching requests; STATUS is a code, drop or hang; repeatable")
    faults.add_argument("--random-seed", type=int, help="seed for the fault dice, for reproducible runs")
    return parser


def _fail_next_rule(spec, retry_after):
    parts = spec.split()
    if len(parts) not in (3, 4):
        raise FaultConfigError("--fail-next wants 'METHOD PATH STATUS [COUNT]', got %r" % spec)
    status = parts[2] if parts[2] in ("drop", "hang") else _integer(parts[2], "--fail-next STATUS")
    rule = {"method": parts[0], "path": parts[1], "status": status, "retry_after": retry_after}
    if len(parts) == 4:
        rule["count"] = _integer(parts[3], "--fail-next COUNT")
    return rule


def _integer(text, what):
    try:
        return int(text)
    except ValueError:
        raise FaultConfigError("%s must be an integer, got %r" % (what, text)) from None


def faults_from_args(args):
    """Translate the fault flags into a fault configuration (validated)."""
    faults = {}
    for key in ("latency_ms", "jitter_ms", "error_rate", "drop_rate", "hang_rate", "hang_seconds"):
        if getattr(args, key) is not None:
            faults[key] = getattr(args, key)
    if args.error_codes:
        faults["error_codes"] = [_integer(code, "--error-codes") for code in args.error_codes.split(",")]
    if args.retry_after:
        faults["retry_after"] = args.retry_after
    if args.fail_next:
        faults["fail_next"] = [_fail_next_rule(spec, args.retry_after) for spec in args.fail_next]
    normalise_update(faults)
    return faults


def _install_stop_handlers():
    """Turn SIGTERM and SIGINT into an event, installed before serving so no signal is lost."""
    stop = threading.Event()

    def request_stop(_signum, _frame):
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    return stop


def main(argv=None):
    """Run until SIGTERM or SIGINT; exit 0 then, 2 on bad options or seed, 1 if a port is taken."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.pbx_count < 1:
        parser.error("--pbx-count must be at least 1")
    if args.hunt_groups < 0:
        parser.error("--hunt-groups must not be negative")
    if args.tenants < 0:
        parser.error("--tenants must not be negative")
    if args.call_queues < 0:
        parser.error("--call-queues must not be negative")
    stop = _install_stop_handlers()
    try:
        group = start_simulators(
            count=args.pbx_count, host=args.host, port=args.port, seed=args.seed, tls=args.tls, tls_dir=args.tls_dir,
            on_duplicate=args.on_duplicate, faults=faults_from_args(args), random_seed=args.random_seed,
            hunt_groups=args.hunt_groups, tenants=args.tenants, verbose=args.verbose, profile=args.profile,
            call_queues=args.call_queues,
        )
    except (SeedError, FaultConfigError) as exc:
        sys.stderr.write("pbxsim: %s\n" % exc)
        return 2
    except OSError as exc:
        sys.stderr.write("pbxsim: cannot start: %s\n" % exc)
        return 1
    lines = ["listening on %s" % url for url in group.urls]
    if group.ca_file:
        lines.append("ca certificate %s" % group.ca_file)
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()
    try:
        while not stop.wait(1.0):
            pass
    finally:
        group.stop()
    return 0
