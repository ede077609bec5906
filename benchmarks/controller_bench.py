# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Controller benchmark: what the action plugins changed, with ansible.builtin.debug as the floor.

    .venv/bin/python benchmarks/controller_bench.py --collections build/collections [--cases fleet,loop]
        [--paths controller,module] [--pbxs 200] [--groups 20] [--forks 20] [--items 1000] [--repeat 3]
        [--ca-bundle pbx|full] [--json FILE]

Cases:
  fleet  examples/fleet/playbook.yml (the vodia.pbx.hunt_groups role) re-run unchanged over --pbxs simulated PBXs
         x --groups hunt groups with --forks forks, against benchmarks/debug_play.yml (one debug task per PBX) over
         the same inventory. For each path the PBXs are reset first and the role's creating run is timed once.
  tenants examples/tenants/playbook.yml (the role on the hosts of the vodia.pbx.tenants inventory plugin) re-run unchanged
         over --tenant-pbxs simulated PBXs x --tenants tenants x --tenant-groups hunt groups, against
         benchmarks/debug_tenants_play.yml (one debug task per tenant) over the same inventory; the inventory is
         built by the plugin in every run. The PBXs are reset and the creating run is timed once per path.
  loop   benchmarks/module_loop.yml (vodia.pbx.vodia_hunt_group in a loop) over --items unchanged hunt groups of one
         PBX, against benchmarks/debug_loop.yml (a debug loop over the same items on one host). The role creates the
         hunt groups once beforehand, with the same settings (timed once, for information).

Paths:
  controller  the default: the action plugins do the work in the controller's worker process
  module      -e vodia_pbx_execution=module: a module run (its own Python process) per task, as before the action plugins

Wall time is that of the whole ansible-playbook process, the median of --repeat runs. The runs of a case go round
by round (debug, controller, module, debug, ...) so that a slow spell of the machine hits every candidate alike;
nothing runs in parallel with a timed run (the simulator only answers its requests). Requests per hunt group and
writes come from the simulator's journal; an unchanged re-run that writes anything fails the benchmark (exit 1).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import statistics
import sys
import tempfile

from ansible.release import __version__ as ANSIBLE_CORE_VERSION

from fleet_bench import (PLAYBOOKS, REPO_ROOT, Fleet, ansible_environment, append_rows, desired_hunt_groups, exit_code, run_playbook,
                         write_inventory)

HERE = os.path.dirname(os.path.abspath(__file__))
DEBUG_PLAY = os.path.join(HERE, 'debug_play.yml')
DEBUG_LOOP = os.path.join(HERE, 'debug_loop.yml')
DEBUG_TENANTS_PLAY = os.path.join(HERE, 'debug_tenants_play.yml')
TENANTS_PLAYBOOK = os.path.join(REPO_ROOT, 'examples', 'tenants', 'playbook.yml')
PATH_ARGUMENTS = {'controller': (), 'module': ('-e', 'vodia_pbx_execution=module')}
CASES = ('fleet', 'loop', 'tenants')
# The inventory holds the tenants the simulator generates (--tenants), which have the extensions the hunt groups name;
# the seed's own tenants do not, so the reference check would refuse their hunt groups.
GENERATED_TENANTS = 'tenant-*'

# One playbook to time: approach is debug, role or loop; path is None for debug, which has no vodia.pbx task.
Candidate = collections.namedtuple('Candidate', 'approach path playbook arguments')


def full_bundle_with(ca_file):
    """certifi's bundle with the simulator's CA added: what verifying a PBX with a public certificate loads."""
    import certifi  # pylint: disable=import-outside-toplevel
    handle, path = tempfile.mkstemp(prefix='vodia-bench-bundle-', suffix='.pem')
    with os.fdopen(handle, 'w', encoding='utf-8') as bundle:
        for source in (certifi.where(), ca_file):
            with open(source, encoding='utf-8') as part:
                bundle.write(part.read())
    return path


def progress(message):
    print(message, file=sys.stderr, flush=True)


def time_once(fleet, candidate, inventory, env, forks):
    """One run: wall time (s), peak RSS (KiB), and the requests and writes it made according to the journal."""
    fleet.clear_journals()
    elapsed, peak_kib = run_playbook(candidate.playbook, inventory, env, forks, candidate.arguments)
    requests, writes, _account_list_reads = fleet.requests()
    return {'times': [elapsed], 'peak_kib': peak_kib, 'requests': requests, 'writes': writes}


def time_in_rounds(fleet, candidates, inventory, env, options):
    """Time every candidate --repeat times, one run of each per round; writes add up over all runs."""
    samples = {}
    for round_number in range(options.repeat):
        for candidate in candidates:
            progress('  round %d/%d: %s' % (round_number + 1, options.repeat, ' '.join(filter(None, (candidate.approach, candidate.path)))))
            run = time_once(fleet, candidate, inventory, env, options.forks)
            sample = samples.setdefault(candidate, {'times': [], 'peak_kib': 0, 'requests': 0, 'writes': 0})
            sample['times'] += run['times']
            sample['peak_kib'] = max(sample['peak_kib'], run['peak_kib'])
            sample['requests'] = run['requests']  # the same in every run of an unchanged re-run; the last one is kept
            sample['writes'] += run['writes']
    return samples


def result_row(case, candidate, scenario, sample, size):
    """size: pbxs, groups (per PBX), forks, units (hosts for fleet, loop items for loop)."""
    seconds = statistics.median(sample['times'])
    return dict(size, **{
        'bench': 'controller', 'case': case, 'approach': candidate.approach, 'path': candidate.path or '-', 'scenario': scenario,
        'seconds': round(seconds, 2), 'runs': [round(t, 2) for t in sample['times']],
        'per_unit_ms': round(1000.0 * seconds / size['units'], 1),
        'requests_per_group': round(sample['requests'] / float(size['pbxs'] * size['groups']), 2),
        'writes': sample['writes'], 'peak_rss_mib': round(sample['peak_kib'] / 1024.0, 1), 'ansible_core': ANSIBLE_CORE_VERSION,
    })


def compare(rows):
    """Add to each vodia.pbx row its ratio to the debug floor of its case, and to each controller row the module path's time over its own."""
    by_key = dict(((r['case'], r['approach'], r['path'], r['scenario']), r) for r in rows)
    for row in rows:
        floor = by_key.get((row['case'], 'debug', '-', 'rerun'))
        if row['approach'] != 'debug' and row['scenario'] == 'rerun' and floor:
            row['debug_seconds'] = floor['seconds']
            row['times_debug'] = round(row['seconds'] / floor['seconds'], 2)
            row['extra_per_unit_ms'] = round(1000.0 * (row['seconds'] - floor['seconds']) / row['units'], 1)
        as_module = by_key.get((row['case'], row['approach'], 'module', row['scenario']))
        if row['path'] == 'controller' and as_module:
            row['module_over_controller'] = round(as_module['seconds'] / row['seconds'], 2)
    return rows


def first_runs_and_reruns(case, fleet, inventory, env, options, size, playbook, debug_playbook):
    """The role's creating run on each path (timed once), then its unchanged re-runs in rounds with the debug play."""
    roles = [Candidate('role', path, playbook, PATH_ARGUMENTS[path]) for path in options.paths]
    rows = []
    for candidate in roles:
        # Each path creates the hunt groups from scratch, so both first runs do the same work.
        fleet.reset()
        progress('%s: first run (creates %d hunt groups), %s path' % (case, size['pbxs'] * size['groups'], candidate.path))
        rows.append(result_row(case, candidate, 'first', time_once(fleet, candidate, inventory, env, options.forks), size))
    progress('%s: unchanged re-runs' % case)
    samples = time_in_rounds(fleet, [Candidate('debug', None, debug_playbook, ())] + roles, inventory, env, options)
    rows += [result_row(case, candidate, 'rerun', sample, size) for candidate, sample in samples.items()]
    return rows


def run_fleet_case(options, env_for):
    """Case A: the role over many PBXs, first run per path (timed once) and unchanged re-runs against a debug play."""
    size = {'pbxs': options.pbxs, 'groups': options.groups, 'forks': options.forks, 'units': options.pbxs, 'unit': 'host'}
    progress('fleet: starting %d simulated PBXs' % options.pbxs)
    fleet = Fleet(options.pbxs, 0)
    try:
        inventory = os.path.join(tempfile.mkdtemp(prefix='vodia-controller-bench-'), 'fleet.json')
        write_inventory(inventory, fleet.urls, options.groups)
        env = env_for(fleet)
        return first_runs_and_reruns('fleet', fleet, inventory, env, options, size, PLAYBOOKS['role'], DEBUG_PLAY)
    finally:
        fleet.stop()


def write_tenants_inventory(directory, urls, groups):
    """The layout of examples/tenants: the plugin's file naming the PBXs (their generated tenants), and the hunt groups
    of every tenant in group_vars."""
    module_form, _wire_form = desired_hunt_groups(groups)
    os.makedirs(os.path.join(directory, 'group_vars'))
    pbxs = [{'name': 'pbx-%02d' % (index + 1), 'url': url} for index, url in enumerate(urls)]
    # JSON is YAML: the plugin reads the file with Ansible's YAML loader.
    with open(os.path.join(directory, 'bench.vodia_tenants.yml'), 'w', encoding='utf-8') as handle:
        json.dump({'plugin': 'vodia.pbx.tenants', 'pbxs': pbxs, 'include': [GENERATED_TENANTS]}, handle)
    with open(os.path.join(directory, 'group_vars', 'vodia_tenants.json'), 'w', encoding='utf-8') as handle:
        json.dump({'ansible_python_interpreter': sys.executable, 'hunt_groups_list': module_form}, handle)
    return directory


def run_tenants_case(options, env_for):
    """Case C: the role on every tenant host of the inventory plugin, unchanged re-runs against a debug play."""
    hosts = options.tenant_pbxs * options.tenants
    size = {'pbxs': options.tenant_pbxs, 'groups': options.tenants * options.tenant_groups, 'forks': options.forks,
            'units': hosts, 'unit': 'host', 'tenants': options.tenants}
    progress('tenants: starting %d simulated PBXs with %d tenants each' % (options.tenant_pbxs, options.tenants))
    fleet = Fleet(options.tenant_pbxs, 0, tenants=options.tenants)
    try:
        inventory = write_tenants_inventory(os.path.join(tempfile.mkdtemp(prefix='vodia-controller-bench-'), 'tenants'),
                                            fleet.urls, options.tenant_groups)
        env = env_for(fleet)
        return first_runs_and_reruns('tenants', fleet, inventory, env, options, size, TENANTS_PLAYBOOK, DEBUG_TENANTS_PLAY)
    finally:
        fleet.stop()


def run_loop_case(options, env_for):
    """Case B: a loop of vodia_hunt_group over many unchanged hunt groups of one PBX, against a debug loop."""
    size = {'pbxs': 1, 'groups': options.items, 'forks': options.forks, 'units': options.items, 'unit': 'item'}
    fleet = Fleet(1, 0)
    try:
        inventory = os.path.join(tempfile.mkdtemp(prefix='vodia-controller-bench-'), 'loop.json')
        write_inventory(inventory, fleet.urls, options.items)
        env = env_for(fleet)
        # The role creates the items exactly as the loop describes them (same inventory, same list), in one task.
        setup = Candidate('role', 'controller', PLAYBOOKS['role'], PATH_ARGUMENTS['controller'])
        progress('loop: creating %d hunt groups on one PBX with the role' % options.items)
        rows = [result_row('loop', setup, 'first', time_once(fleet, setup, inventory, env, options.forks), size)]
        progress('loop: unchanged loops')
        loops = [Candidate('loop', path, PLAYBOOKS['loop'], PATH_ARGUMENTS[path]) for path in options.paths]
        samples = time_in_rounds(fleet, [Candidate('debug', None, DEBUG_LOOP, ())] + loops, inventory, env, options)
        rows += [result_row('loop', candidate, 'rerun', sample, size) for candidate, sample in samples.items()]
        return rows
    finally:
        fleet.stop()


def _cell(row, key, form):
    return form % row[key] if key in row else '-'


def print_table(rows):
    print('| case | approach | path | scenario | wall time (s, median) | runs (s) | ms per host / item | x debug '
          '| extra ms per host / item over debug | module path takes | requests/group | writes | peak RSS (MiB) |')
    print('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |')
    for row in rows:
        if row['case'] == 'fleet':
            setup = '%d PBXs x %d groups, %d forks' % (row['pbxs'], row['groups'], row['forks'])
        elif row['case'] == 'tenants':
            setup = '%d PBXs x %d tenants x %d groups, %d forks' % (
                row['pbxs'], row['tenants'], row['groups'] // row['tenants'], row['forks'])
        else:
            setup = '1 PBX, %d items' % row['units']
        print('| %s: %s | %s | %s | %s | %.2f | %s | %.1f / %s | %s | %s | %s | %.2f | %d | %.1f |' % (
            row['case'], setup, row['approach'], row['path'], row['scenario'], row['seconds'], ', '.join('%.2f' % t for t in row['runs']),
            row['per_unit_ms'], row['unit'], _cell(row, 'times_debug', '%.2fx'), _cell(row, 'extra_per_unit_ms', '%.1f'),
            _cell(row, 'module_over_controller', '%.2fx as long'), row['requests_per_group'], row['writes'], row['peak_rss_mib']))


def writing_reruns(rows):
    return [r for r in rows if r['scenario'] == 'rerun' and r['writes']]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--collections', help='a directory that holds ansible_collections/vodia/pbx')
    parser.add_argument('--cases', default='fleet,loop', help='fleet (case A), loop (case B), tenants (case C); default fleet,loop')
    parser.add_argument('--paths', default=','.join(PATH_ARGUMENTS), help='execution paths to time: controller, module or both (default)')
    parser.add_argument('--pbxs', type=int, default=200, help='simulated PBXs of the fleet case (default 200)')
    parser.add_argument('--groups', type=int, default=20, help='hunt groups per PBX of the fleet case (default 20)')
    parser.add_argument('--forks', type=int, default=20, help='Ansible forks (default 20)')
    parser.add_argument('--items', type=int, default=1000, help='hunt groups (loop items) of the loop case (default 1000)')
    parser.add_argument('--tenant-pbxs', type=int, default=10, help='simulated PBXs of the tenants case (default 10)')
    parser.add_argument('--tenants', type=int, default=50, help='tenants per PBX of the tenants case (default 50)')
    parser.add_argument('--tenant-groups', type=int, default=5, help='hunt groups per tenant of the tenants case (default 5)')
    parser.add_argument('--repeat', type=int, default=3, help='timed runs per candidate, median reported (default 3)')
    parser.add_argument('--ca-bundle', choices=('pbx', 'full'), default='pbx',
                        help="what verifies the PBXs' certificates: their CA alone (default), or certifi's full bundle "
                             'with it, as for a PBX with a public certificate')
    parser.add_argument('--json', help='append the results as JSON lines to this file')
    parser.add_argument('--report', help='only print the table of the JSON lines in this file')
    options = parser.parse_args()
    if options.report:
        with open(options.report, encoding='utf-8') as handle:
            print_table([row for row in map(json.loads, filter(str.strip, handle)) if row.get('bench') == 'controller'])
        return 0

    if not options.collections:
        parser.error('--collections is required to run the benchmark')
    cases, options.paths = options.cases.split(','), options.paths.split(',')
    for name, chosen, known in (('--cases', cases, CASES), ('--paths', options.paths, tuple(PATH_ARGUMENTS))):
        if not chosen or set(chosen) - set(known):
            parser.error('%s takes a comma-separated subset of %s' % (name, ','.join(known)))
    if min(options.pbxs, options.groups, options.forks, options.items, options.repeat, options.tenant_pbxs, options.tenants,
           options.tenant_groups) < 1:
        parser.error('--pbxs, --groups, --forks, --items, --repeat, --tenant-pbxs, --tenants and --tenant-groups must be at least 1')

    def env_for(fleet):
        ca_file = fleet.simulator.ca_file
        if options.ca_bundle == 'full':
            ca_file = full_bundle_with(ca_file)
        return ansible_environment(options.collections, ca_file)

    rows = []
    if 'fleet' in cases:
        rows += run_fleet_case(options, env_for)
    if 'loop' in cases:
        rows += run_loop_case(options, env_for)
    if 'tenants' in cases:
        rows += run_tenants_case(options, env_for)
    for row in rows:
        row['ca_bundle'] = options.ca_bundle
    compare(rows)
    print_table(rows)
    append_rows(options.json, rows)
    return exit_code(['the unchanged %s re-run (%s path, %s case) wrote %d times' % (row['approach'], row['path'], row['case'], row['writes'])
                      for row in writing_reruns(rows)])


if __name__ == '__main__':
    sys.exit(main())
