# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Per-PBX load under AWX job slicing: the most requests each PBX answers at once with 1 to N slices side by side,
without and with max_concurrent_requests.

    .venv/bin/python benchmarks/slice_load.py --collections build/collections [--slices 1,2,3,4] [--pbxs 3]
        [--tenants 12] [--groups 2] [--forks 5] [--parallel 4] [--latency 50] [--limit 4] [--json FILE]

The inventory is that of the vodia.pbx.tenants plugin over --pbxs simulated PBXs (HTTPS) with --tenants generated
tenants each; every tenant gets --groups hunt groups from the vodia.pbx.hunt_groups role (examples/tenants/playbook.yml)
with hunt_groups_parallel --parallel. A run of S slices splits the hosts as AWX does (get_sliced_hosts(): sorted by
name, slice k of S gets hosts[k-1::S]) and starts S ansible-playbook processes at once, each with --forks forks and
--limit on its slice, as S slices of one AWX job would run on one execution node.

For each number of slices and each of "no limit" and "limit" (VODIA_MAX_CONCURRENT_REQUESTS=--limit, one lock
directory for the run), the PBXs are reset and the role's first run (creating every hunt group) and its unchanged
re-run are measured. Reported per run: the peak of requests in flight of every PBX (the simulator's load gauge,
GET /_sim/load), the requests and writes (its journal), and the wall time until the last slice ended. The peaks and
the counts do not depend on the machine's load; the wall times do. A run with a failed slice, an unchanged re-run
that writes, or a limited run above its limit fails the benchmark (exit 1).

The bound it checks: without a limit a PBX answers at most slices x min(forks, tenants) x P requests at once, where P is
min(parallel, groups - 2) and at least 1 (a task reads its first two hunt groups one at a time, then up to `parallel`
at once, and writes one at a time; a slice reads the tenant lists before its tasks start); with the limit, at most
--limit from the processes of this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from fleet_bench import REPO_ROOT, Fleet, ansible_environment, append_rows, desired_hunt_groups, exit_code
from pbxsim import seed  # fleet_bench puts tests/ on the path  pylint: disable=wrong-import-order

PLAYBOOK = os.path.join(REPO_ROOT, 'examples', 'tenants', 'playbook.yml')
SEED_TENANTS = len(seed.DEFAULT_SEED['domains'])
GENERATED = 'tenant-*'
MODES = ('none', 'limit')


def progress(message):
    print(message, file=sys.stderr, flush=True)


def write_inventory(directory, urls, groups, parallel):
    """The tenants plugin's file over the PBXs (their generated tenants only), the hunt groups in group_vars."""
    module_form, _wire_form = desired_hunt_groups(groups)
    os.makedirs(os.path.join(directory, 'group_vars'))
    pbxs = [{'name': pbx_name(index), 'url': url} for index, url in enumerate(urls)]
    # JSON is YAML: the plugin reads the file with Ansible's YAML loader.
    with open(os.path.join(directory, 'bench.vodia_tenants.yml'), 'w', encoding='utf-8') as handle:
        json.dump({'plugin': 'vodia.pbx.tenants', 'pbxs': pbxs, 'include': [GENERATED]}, handle)
    with open(os.path.join(directory, 'group_vars', 'vodia_tenants.json'), 'w', encoding='utf-8') as handle:
        json.dump({'ansible_python_interpreter': sys.executable, 'hunt_groups_list': module_form,
                   'hunt_groups_parallel': parallel}, handle)
    return directory


def pbx_name(index):
    return 'pbx-%02d' % (index + 1)


def host_names(pbxs, tenants):
    return [seed.GENERATED_TENANT % number + '@' + pbx_name(index) for index in range(pbxs) for number in range(1, tenants + 1)]


def awx_slices(hosts, count):
    """AWX's split: hosts sorted by name, slice k of ``count`` gets hosts[k-1::count]."""
    ordered = sorted(hosts)
    return [ordered[start::count] for start in range(count)]


def run_slices(inventory, env, slices, forks):
    """Start one ansible-playbook per slice at once; wall time until the last ends, and the exit codes."""
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), PLAYBOOK, '-i', inventory,
               '--forks', str(forks)]
    started = time.monotonic()
    processes = [subprocess.Popen(command + ['--limit', ','.join(part)], env=env,  # pylint: disable=consider-using-with
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) for part in slices]
    codes = [process.wait() for process in processes]
    return time.monotonic() - started, codes


def load_of(fleet):
    """Peak in flight of each PBX, and all requests and writes, since the last clear."""
    loads = fleet.each('GET', '/_sim/load')
    journals = fleet.each('GET', '/_sim/journal')
    return ([load['peak_in_flight'] for load in loads], sum(j['reads'] + j['writes'] for j in journals),
            sum(j['writes'] for j in journals))


def measure(fleet, inventory, env, options, slices, mode):
    """The first run and the unchanged re-run of one number of slices in one mode; a row for each."""
    parts = awx_slices(host_names(options.pbxs, options.tenants), slices)
    fleet.reset()
    rows = []
    for scenario in ('first', 'rerun'):
        fleet.clear_journals()
        seconds, codes = run_slices(inventory, env, parts, options.forks)
        peaks, requests, writes = load_of(fleet)
        rows.append({
            'bench': 'slice_load', 'slices': slices, 'mode': mode, 'limit': options.limit if mode == 'limit' else None,
            'scenario': scenario, 'pbxs': options.pbxs, 'tenants': options.tenants, 'groups': options.groups,
            'forks': options.forks, 'parallel': options.parallel, 'latency_ms': options.latency,
            'peaks': peaks, 'peak': max(peaks), 'requests': requests, 'writes': writes, 'seconds': round(seconds, 2),
            'exit_codes': codes,
        })
        rows[-1]['bound'] = bound(rows[-1])
        progress('%d slice(s), %s, %s: peaks %s, %d requests, %d writes, %.1f s'
                 % (slices, mode, scenario, peaks, requests, writes, seconds))
    return rows


def bound(row):
    """The most requests at once one PBX can get: the limit, or every slice's forks on that PBX's tenants, each task
    with its parallel reads. A task reads its first two hunt groups one at a time (they tell whether the PBX answers
    slowly), so at most the rest, up to hunt_groups_parallel, go at once."""
    if row['mode'] == 'limit':
        return row['limit']
    reads_at_once = max(1, min(row['parallel'], row['groups'] - 2))
    return row['slices'] * min(row['forks'], row['tenants']) * reads_at_once


def failures(rows):
    found = []
    for row in rows:
        where = '%d slice(s), %s, %s' % (row['slices'], row['mode'], row['scenario'])
        if any(row['exit_codes']):
            found.append('%s: a slice failed (exit codes %s)' % (where, row['exit_codes']))
        if row['scenario'] == 'rerun' and row['writes']:
            found.append('%s: the unchanged re-run wrote %d times' % (where, row['writes']))
        if row['peak'] > bound(row):
            found.append('%s: a PBX answered %d requests at once, above the bound of %d' % (where, row['peak'], bound(row)))
    return found


def print_table(rows):
    print('| slices | limit | run | peak in flight per PBX | highest | bound | requests | writes | wall time (s) |')
    print('| --- | --- | --- | --- | --- | --- | --- | --- | --- |')
    for row in rows:
        print('| %d | %s | %s | %s | %d | %d | %d | %d | %.1f |' % (
            row['slices'], row['limit'] or 'none', 'first run' if row['scenario'] == 'first' else 'unchanged re-run',
            ', '.join(map(str, row['peaks'])), row['peak'], bound(row), row['requests'], row['writes'], row['seconds']))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--collections', help='a directory that holds ansible_collections/vodia/pbx')
    parser.add_argument('--slices', default='1,2,3,4', help='numbers of slices to run, comma-separated (default 1,2,3,4)')
    parser.add_argument('--pbxs', type=int, default=3, help='simulated PBXs (default 3)')
    parser.add_argument('--tenants', type=int, default=12, help='generated tenants per PBX (default 12)')
    parser.add_argument('--groups', type=int, default=2, help='hunt groups per tenant (default 2)')
    parser.add_argument('--forks', type=int, default=5, help='forks of each slice (default 5)')
    parser.add_argument('--parallel', type=int, default=4, help='hunt_groups_parallel (default 4)')
    parser.add_argument('--latency', type=int, default=50,
                        help='ms added to every answer, as from a PBX far away (default 50; the role reads in parallel '
                             'once answers take over 40 ms on average)')
    parser.add_argument('--limit', type=int, default=4, help='max_concurrent_requests of the limited runs (default 4)')
    parser.add_argument('--modes', default=','.join(MODES), help='none, limit or both (default)')
    parser.add_argument('--json', help='append the results as JSON lines to this file')
    parser.add_argument('--report', help='only print the table of the JSON lines in this file')
    options = parser.parse_args()
    if options.report:
        with open(options.report, encoding='utf-8') as handle:
            print_table([row for row in map(json.loads, filter(str.strip, handle)) if row.get('bench') == 'slice_load'])
        return 0
    if not options.collections:
        parser.error('--collections is required to run the benchmark')
    try:
        slice_counts = [int(count) for count in options.slices.split(',')]
    except ValueError:
        parser.error('--slices takes numbers, comma-separated, such as 1,2,3,4')
    modes = options.modes.split(',')
    if not modes or set(modes) - set(MODES):
        parser.error('--modes takes a comma-separated subset of %s' % ','.join(MODES))
    if min(slice_counts + [options.pbxs, options.tenants, options.groups, options.forks, options.parallel, options.limit]) < 1:
        parser.error('--slices, --pbxs, --tenants, --groups, --forks, --parallel and --limit must be at least 1')

    progress('starting %d simulated PBXs with %d tenants each, %d ms per answer'
             % (options.pbxs, options.tenants, options.latency))
    fleet = Fleet(options.pbxs, options.latency, tenants=options.tenants)
    work = tempfile.mkdtemp(prefix='vodia-slice-load-')
    rows = []
    try:
        inventory = write_inventory(os.path.join(work, 'inventory'), fleet.urls, options.groups, options.parallel)
        plain = ansible_environment(options.collections, fleet.simulator.ca_file)
        for variable in ('VODIA_MAX_CONCURRENT_REQUESTS', 'VODIA_REQUEST_LOCK_DIR'):
            plain.pop(variable, None)
        for slices in slice_counts:
            for mode in modes:
                env = plain
                if mode == 'limit':
                    # A directory of its own per run: slots of an earlier run cannot be held any more, but this keeps
                    # the runs apart for anyone looking at the files.
                    env = dict(plain, VODIA_MAX_CONCURRENT_REQUESTS=str(options.limit),
                               VODIA_REQUEST_LOCK_DIR=os.path.join(work, 'locks-%d' % slices))
                rows += measure(fleet, inventory, env, options, slices, mode)
    finally:
        fleet.stop()
        shutil.rmtree(work, ignore_errors=True)
    print_table(rows)
    append_rows(options.json, rows)
    return exit_code(failures(rows))


if __name__ == '__main__':
    sys.exit(main())
