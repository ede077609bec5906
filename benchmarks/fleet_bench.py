# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fleet benchmark: converge N simulated PBXs x G hunt groups three ways, side by side.

    .venv/bin/python benchmarks/fleet_bench.py --collections build/collections [--pbxs 20] [--groups 50]
        [--latency 0] [--repeat 3] [--approaches uri,loop,role] [--scenarios first,rerun,check] [--forks 5] [--json FILE]

Approaches:
  uri   benchmarks/uri_baseline.yml: ansible.builtin.uri tasks, idempotent by hand (what users write today)
  loop  benchmarks/module_loop.yml: one vodia.pbx.vodia_hunt_group task per hunt group
  role  examples/fleet/playbook.yml: the vodia.pbx.hunt_groups role (one vodia_hunt_groups task per PBX)
  export  examples/backup/export.yml: the vodia.pbx.hunt_groups_export role writing one file per PBX
          (its only scenario is "export", of the converged fleet; compare it with the role's rerun)

Scenarios, each timed as the median of --repeat runs:
  first     every hunt group is missing and gets created (the PBXs are reset before each run)
  rerun     nothing to do
  check     --check after 10% of the hunt groups were changed by hand on every PBX
  export    (export only) the hunt groups of every PBX written to files; every run must give the same bytes

For each it reports wall time, the ratio to the uri baseline, HTTP requests and writes per hunt group
(from the simulator's journal), and the peak resident memory of the largest process of the run.
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

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO_ROOT, 'tests'))

from pbxsim import seed  # noqa: E402  pylint: disable=wrong-import-position
from pbxsim.process import launch  # noqa: E402  pylint: disable=wrong-import-position

PLAYBOOKS = {
    'uri': os.path.join(HERE, 'uri_baseline.yml'),
    'loop': os.path.join(HERE, 'module_loop.yml'),
    'role': os.path.join(REPO_ROOT, 'examples', 'fleet', 'playbook.yml'),
    'export': os.path.join(REPO_ROOT, 'examples', 'backup', 'export.yml'),
}
FIRST_GROUP = 5000
# Runs a command and prints what its processes used: peak RSS of the largest (KiB) and CPU seconds of all of them.
MEASURE = (
    'import resource, subprocess, sys\n'
    'code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)\n'
    'usage = resource.getrusage(resource.RUSAGE_CHILDREN)\n'
    'print(usage.ru_maxrss, usage.ru_utime + usage.ru_stime)\n'
    'sys.exit(code)\n'
)


def desired_hunt_groups(count):
    """The same desired state in module form (for loop and role) and wire form (for uri)."""
    module_form, wire_form = [], []
    for index in range(count):
        name = str(FIRST_GROUP + index)
        module_form.append({
            'name': name,
            'display_name': 'Group %d' % index,
            'stages': [{'extensions': ['444', '445'], 'duration': 20}, {'extensions': ['446'], 'duration': 30}],
            'record_calls': index % 2 == 0,
        })
        wire_form.append({'name': name, 'settings': {
            'display': 'Group %d' % index,
            'st1_ext': '444 445', 'st1_dur': '20', 'st2_ext': '446', 'st2_dur': '30', 'st3_ext': '', 'st3_dur': '',
            'rec': 'true' if index % 2 == 0 else 'false',
        }})
    return module_form, wire_form


def write_inventory(path, urls, groups):
    module_form, wire_form = desired_hunt_groups(groups)
    hosts = dict(('pbx-%02d' % (index + 1), {'vodia_url': url}) for index, url in enumerate(urls))
    inventory = {'pbxs': {
        'hosts': hosts,
        'vars': {
            'ansible_python_interpreter': sys.executable,
            'hunt_groups_domain': 'localhost',
            'hunt_groups_list': module_form,
            'hunt_groups_wire': wire_form,
        },
    }}
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(inventory, handle)


class Fleet:
    """The simulated PBXs and what their journals say."""

    def __init__(self, pbxs, latency, tenants=0):
        args = ['--pbx-count', str(pbxs), '--tls']
        if latency:
            args += ['--latency-ms', str(latency)]
        if tenants:
            args += ['--tenants', str(tenants)]
        self.simulator = launch(args)
        self.urls = self.simulator.urls

    def each(self, method, path, body=None):
        return [self.simulator.control(method, path, body, index)[1] for index in range(len(self.urls))]

    def reset(self):
        self.each('POST', '/_sim/reset')

    def clear_journals(self):
        self.each('DELETE', '/_sim/journal')

    def requests(self):
        """All requests, the writes among them, and the reads of a tenant's account list (``GET .../users``,
        which the reference check makes only when a write is planned)."""
        journals = self.each('GET', '/_sim/journal')
        account_list_reads = sum(1 for journal in journals for entry in journal['entries']
                                 if entry['method'] == 'GET' and entry['path'].rstrip('/').endswith('/users'))
        return (sum(j['reads'] + j['writes'] for j in journals), sum(j['writes'] for j in journals),
                account_list_reads)

    def drift(self, groups, share=0.1):
        """Change a share of the hunt groups by hand on every PBX, as a colleague in the web UI would."""
        changed = max(1, int(groups * share))
        for index in range(changed):
            name = str(FIRST_GROUP + index * (groups // changed))
            for url in self.urls:
                _rest(url, self.simulator.ca_file, 'POST', '/rest/domain/localhost/user_settings/%s' % name,
                      {'display': 'Changed by hand'})

    def stop(self):
        self.simulator.stop()


def _rest(url, ca_file, method, path, body):
    import requests  # pylint: disable=import-outside-toplevel
    answer = requests.request(method, url + path, json=body, verify=ca_file, timeout=30, auth=seed.SYSTEM_ADMIN)
    answer.raise_for_status()


def run_playbook(playbook, inventory, env, forks, extra_args=()):
    """Wall time (s) of one whole ansible-playbook run, and the peak RSS (KiB) of its largest process."""
    elapsed, peak_kib, _cpu_seconds = run_playbook_measured(playbook, inventory, env, forks, extra_args)
    return elapsed, peak_kib


def run_playbook_measured(playbook, inventory, env, forks, extra_args=()):
    """Wall time (s), peak RSS of the largest process (KiB) and CPU time of all processes (s) of one ansible-playbook
    run: ansible-playbook and its workers."""
    command = [sys.executable, '-c', MEASURE, os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'),
               playbook, '-i', inventory, '--forks', str(forks)] + list(extra_args)
    started = time.monotonic()
    completed = subprocess.run(command, env=env, text=True, stdout=subprocess.PIPE, check=False)
    elapsed = time.monotonic() - started
    if completed.returncode != 0:
        raise SystemExit('%s failed (exit %d); run it by hand with -i %s %s to see why'
                         % (os.path.relpath(playbook, REPO_ROOT), completed.returncode, inventory, ' '.join(extra_args)))
    peak_kib, cpu_seconds = completed.stdout.strip().splitlines()[-1].split()
    return elapsed, int(peak_kib), float(cpu_seconds)


def append_rows(path, rows):
    """Append result rows to a JSON lines file (--json), if one was given."""
    if path:
        with open(path, 'a', encoding='utf-8') as handle:
            for row in rows:
                handle.write(json.dumps(row) + '\n')


def exit_code(found):
    """Print each failure found and return the benchmark's exit code: 1 if there was any."""
    for failure in found:
        print('FAILED: %s' % failure, file=sys.stderr)
    return 1 if found else 0


def ansible_environment(collections, ca_file):
    """The environment of every run: this collection copy, and the simulator's credentials and CA in VODIA_*."""
    return dict(
        os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.abspath(collections), ANSIBLE_NOCOLOR='1',
        VODIA_USERNAME=seed.SYSTEM_ADMIN[0], VODIA_PASSWORD=seed.SYSTEM_ADMIN[1], VODIA_CA_PATH=ca_file,
    )


def measure(fleet, approach, scenario, inventory, env, options, extra_args=(), after_run=None):
    """Median wall time of --repeat runs of one scenario, with requests and memory of the last run."""
    times, memory = [], 0
    for _run in range(options.repeat):
        if scenario == 'first':
            fleet.reset()
        fleet.clear_journals()
        extra = list(extra_args) + (['--check'] if scenario == 'check' else [])
        elapsed, peak_kib = run_playbook(PLAYBOOKS[approach], inventory, env, options.forks, extra)
        times.append(elapsed)
        memory = max(memory, peak_kib)
        if after_run:
            after_run()
    total, writes, account_list_reads = fleet.requests()
    groups = options.pbxs * options.groups
    return {
        'approach': approach, 'scenario': scenario, 'pbxs': options.pbxs, 'groups': options.groups,
        'latency_ms': options.latency, 'seconds': round(statistics.median(times), 2),
        'runs': [round(t, 2) for t in times], 'requests_per_group': round(total / groups, 2),
        'writes': writes, 'account_list_reads': account_list_reads, 'peak_rss_mib': round(memory / 1024.0, 1),
    }


def run_export(fleet, inventory, env, options):
    """Converge the fleet with the role (not timed), then time its export; every export must give the same bytes."""
    fleet.reset()
    run_playbook(PLAYBOOKS['role'], inventory, env, options.forks)
    export_dir = tempfile.mkdtemp(prefix='vodia-bench-export-')
    exported = []

    def read_export():
        exported.append(dict((name, open(os.path.join(export_dir, name), 'rb').read()) for name in sorted(os.listdir(export_dir))))

    result = measure(fleet, 'export', 'export', inventory, env, options, ['-e', 'hunt_groups_export_dir=%s' % export_dir], read_export)
    if len(exported[0]) != options.pbxs or any(files != exported[0] for files in exported):
        raise SystemExit('the exports of the unchanged fleet differ, or a file is missing: see %s' % export_dir)
    return [result]


def run_approach(fleet, approach, inventory, env, options):
    if approach == 'export':
        return run_export(fleet, inventory, env, options)
    scenarios = options.scenarios.split(',')
    results = []
    if 'first' in scenarios:
        results.append(measure(fleet, approach, 'first', inventory, env, options))
    else:
        # The other scenarios start from converged PBXs: the role converges them, untimed.
        fleet.reset()
        run_playbook(PLAYBOOKS['role'], inventory, env, options.forks)
    if 'rerun' in scenarios:
        results.append(measure(fleet, approach, 'rerun', inventory, env, options))
    if 'check' in scenarios:
        fleet.drift(options.groups)
        results.append(measure(fleet, approach, 'check', inventory, env, options))
    return results


def print_table(results):
    baseline = dict(((r['scenario'], r['pbxs'], r['groups'], r['latency_ms']), r['seconds'])
                    for r in results if r['approach'] == 'uri')
    print('| approach | PBXs x groups | latency | scenario | wall time (s, median) | vs uri | requests/group | writes '
          '| account list reads | peak RSS (MiB) |')
    print('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |')
    for r in results:
        reference = baseline.get((r['scenario'], r['pbxs'], r['groups'], r['latency_ms']))
        ratio = '%.1fx faster' % (reference / r['seconds']) if reference and r['approach'] != 'uri' else '-'
        print('| %s | %d x %d | %d ms | %s | %.2f | %s | %.2f | %d | %d | %.1f |' % (
            r['approach'], r['pbxs'], r['groups'], r['latency_ms'], r['scenario'], r['seconds'], ratio,
            r['requests_per_group'], r['writes'], r['account_list_reads'], r['peak_rss_mib']))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--collections', help='a directory that holds ansible_collections/vodia/pbx')
    parser.add_argument('--pbxs', type=int, default=20)
    parser.add_argument('--groups', type=int, default=50)
    parser.add_argument('--latency', type=int, default=0, help='milliseconds the simulated PBXs wait before answering')
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--forks', type=int, default=5, help='Ansible forks (5 is Ansible\'s default)')
    parser.add_argument('--approaches', default='uri,loop,role', help='uri, loop, role and/or export, comma-separated')
    parser.add_argument('--scenarios', default='first,rerun,check',
                        help='scenarios to time, in this order; without first, the role converges the PBXs untimed')
    parser.add_argument('--json', help='append the results as JSON lines to this file')
    parser.add_argument('--report', help='only print the table of the JSON lines in this file (several runs combined)')
    options = parser.parse_args()
    if options.report:
        with open(options.report, encoding='utf-8') as handle:
            # The file may also hold controller_bench.py's rows (other fields), which its own --report prints.
            print_table([r for r in map(json.loads, filter(str.strip, handle)) if r.get('bench', 'fleet') == 'fleet'])
        return 0

    if not options.collections:
        parser.error('--collections is required to run the benchmark')
    fleet = Fleet(options.pbxs, options.latency)
    workdir = tempfile.mkdtemp(prefix='vodia-bench-')
    inventory = os.path.join(workdir, 'inventory.json')
    write_inventory(inventory, fleet.urls, options.groups)
    env = ansible_environment(options.collections, fleet.simulator.ca_file)
    results = []
    try:
        for approach in options.approaches.split(','):
            print('running %s: %d PBXs x %d hunt groups, latency %d ms' % (approach, options.pbxs, options.groups, options.latency),
                  file=sys.stderr, flush=True)
            results += run_approach(fleet, approach, inventory, env, options)
    finally:
        fleet.stop()
    print_table(results)
    append_rows(options.json, results)
    return 0


if __name__ == '__main__':
    sys.exit(main())
