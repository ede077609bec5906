# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Inventory benchmark: how long the vodia.pbx.tenants inventory plugin takes to build the inventory of many PBXs.

    .venv/bin/python benchmarks/inventory_bench.py --collections build/collections [--pbxs 50] [--tenants 100]
        [--parallel 8] [--repeat 5] [--json FILE]

Starts --pbxs simulated PBXs (HTTPS, one simulator process) with --tenants tenants each, and times whole
`ansible-inventory -i bench.vodia_tenants.yml --list` runs (interpreter start, plugin, JSON output), the median of
--repeat. For scale it also times the same command over an empty inventory (Ansible's own start-up), and checks in
every run that the output has one host per tenant and that each PBX was asked once.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from fleet_bench import Fleet, ansible_environment
from pbxsim import seed  # fleet_bench puts tests/ on the path  pylint: disable=wrong-import-order

ANSIBLE_INVENTORY = os.path.join(os.path.dirname(sys.executable), 'ansible-inventory')


def time_inventory(source, env):
    """Wall time (s) of one ansible-inventory --list, and its output."""
    started = time.monotonic()
    completed = subprocess.run([ANSIBLE_INVENTORY, '-i', source, '--list'], env=env, text=True, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, check=False)
    elapsed = time.monotonic() - started
    if completed.returncode != 0:
        raise SystemExit('ansible-inventory failed (exit %d): %s' % (completed.returncode, completed.stderr))
    return elapsed, json.loads(completed.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--collections', required=True, help='a directory that holds ansible_collections/vodia/pbx')
    parser.add_argument('--pbxs', type=int, default=50)
    parser.add_argument('--tenants', type=int, default=100, help='tenants per PBX, the seed\'s included (default 100)')
    parser.add_argument('--parallel', type=int, default=8, help='the plugin\'s parallel option (default 8)')
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--json', help='append the result as a JSON line to this file')
    options = parser.parse_args()
    seed_tenants = len(seed.DEFAULT_SEED['domains'])
    if options.tenants < seed_tenants:
        parser.error('--tenants must be at least %d, the tenants of the simulator\'s seed' % seed_tenants)

    print('starting %d simulated PBXs with %d tenants each' % (options.pbxs, options.tenants), file=sys.stderr, flush=True)
    fleet = Fleet(options.pbxs, 0, tenants=options.tenants - seed_tenants)
    try:
        workdir = tempfile.mkdtemp(prefix='vodia-inventory-bench-')
        source = os.path.join(workdir, 'bench.vodia_tenants.yml')
        with open(source, 'w', encoding='utf-8') as handle:
            json.dump({'plugin': 'vodia.pbx.tenants', 'parallel': options.parallel,
                       'pbxs': [{'name': 'pbx-%02d' % (index + 1), 'url': url} for index, url in enumerate(fleet.urls)]}, handle)
        empty = os.path.join(workdir, 'empty.yml')
        with open(empty, 'w', encoding='utf-8') as handle:
            handle.write('all: {}\n')
        env = ansible_environment(options.collections, fleet.simulator.ca_file)
        times, floor = [], []
        for _run in range(options.repeat):
            floor.append(time_inventory(empty, env)[0])
            fleet.clear_journals()
            elapsed, listed = time_inventory(source, env)
            times.append(elapsed)
            hosts = len(listed['_meta']['hostvars'])
            requests, writes, _account_list_reads = fleet.requests()
            if hosts != options.pbxs * options.tenants or (requests, writes) != (options.pbxs, 0):
                raise SystemExit('unexpected run: %d hosts, %d requests, %d writes' % (hosts, requests, writes))
    finally:
        fleet.stop()
    result = {
        'bench': 'inventory', 'pbxs': options.pbxs, 'tenants': options.tenants, 'hosts': options.pbxs * options.tenants,
        'parallel': options.parallel, 'seconds': round(statistics.median(times), 2), 'runs': [round(t, 2) for t in times],
        'empty_inventory_seconds': round(statistics.median(floor), 2),
    }
    print('| PBXs x tenants | hosts | parallel | ansible-inventory --list (s, median) | runs (s) | same command, empty inventory (s) |')
    print('| --- | --- | --- | --- | --- | --- |')
    print('| %d x %d | %d | %d | %.2f | %s | %.2f |' % (
        result['pbxs'], result['tenants'], result['hosts'], result['parallel'], result['seconds'],
        ', '.join('%.2f' % t for t in result['runs']), result['empty_inventory_seconds']))
    if options.json:
        with open(options.json, 'a', encoding='utf-8') as handle:
            handle.write(json.dumps(result) + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
