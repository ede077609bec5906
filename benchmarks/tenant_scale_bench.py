# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A provider's fleet as tenant hosts: the vodia.pbx.hunt_groups role over the vodia.pbx.tenants inventory of
--pbxs simulated PBXs x --tenants tenants x --groups hunt groups (default 50 x 100 x 3: 5,000 hosts, 15,000 hunt
groups), each step side by side with ansible.builtin.debug over the same inventory, then the same fleet as AWX slices.

    .venv/bin/python benchmarks/tenant_scale_bench.py --collections build/collections [--pbxs 50] [--tenants 100]
        [--groups 3] [--forks 20] [--slices 2,4] [--drifted 10] [--json FILE]
    .venv/bin/python benchmarks/tenant_scale_bench.py --report FILE

Steps, on one simulated fleet (one simulator process, HTTPS), in this order:

  inventory  `ansible-inventory --list` over the plugin's source (one tenant list read per PBX), and over a static
             file of the same hosts and variables: what Ansible itself costs for that many hosts.
  first      the PBXs reset, then the debug play (benchmarks/debug_tenants_play.yml) and the role's first run
             (examples/tenants/playbook.yml), which creates every hunt group.
  rerun      the debug play and the role's unchanged re-run, which must write nothing.
  check      --drifted percent of the tenants of every PBX get one hunt group changed by hand; then the debug play,
             the role with --check, and the role with --check and the drift report (hunt_groups_report).
  slices     the check with the drift report through ansible-runner, as AWX runs a job: once unsliced, then as 2 and
             4 slices started at once (AWX's split, tests/tools/awx_slices.py), their artifacts merged as AWX merges
             them and the merge playbook vodia.pbx.drift_merge run on them. The merged report must equal the unsliced
             one byte for byte. Reported: the wall time until the last slice ended and until the merged report was
             written, and the peak of requests in flight on each PBX (the simulator's load gauge).

Every ansible-playbook run is one process tree measured whole: wall time, the CPU time of ansible-playbook and its
workers, the peak RSS of the largest process (the controller), and the simulator's CPU time over the run. Requests
and writes come from the simulator's journal, grouped by endpoint, which tells where a run's time goes. Each step
runs once: at this size one run takes minutes, and the steps alternate debug and role runs so that a slow spell of
the machine shows in both. A re-run or check that writes, a failed slice or a merged report that differs from the
unsliced one fails the benchmark (exit 1).
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import re
import shutil
import sys
import tempfile
import time

import yaml
from ansible.release import __version__ as ANSIBLE_CORE_VERSION

from controller_bench import DEBUG_TENANTS_PLAY, TENANTS_PLAYBOOK, write_tenants_inventory
from fleet_bench import FIRST_GROUP, REPO_ROOT, Fleet, _rest, ansible_environment, append_rows, exit_code, run_playbook_measured
from inventory_bench import time_inventory

sys.path.insert(0, os.path.join(REPO_ROOT, 'tests', 'tools'))
import awx_slices  # noqa: E402  pylint: disable=wrong-import-position

CLOCK_TICKS = os.sysconf('SC_CLK_TCK')
WORKFLOW_JOB_ID = 9000
MERGE_PLAYBOOK = [{'name': 'Merge the drift report of the sliced job', 'ansible.builtin.import_playbook': 'vodia.pbx.drift_merge'}]
# The journal's paths with the tenant and the account made generic: /rest/domain/{tenant}/user_settings/{account}.
TENANT_IN_PATH = re.compile(r'^/rest/domain/[^/]+')
ACCOUNT_IN_PATH = re.compile(r'/(user_settings|accounts?)/[^/?]+')


def progress(message):
    print('%s %s' % (time.strftime('%H:%M:%S'), message), file=sys.stderr, flush=True)


class ScaleFleet(Fleet):
    """The simulated PBXs of the benchmark, with the simulator's CPU time and its journal grouped by endpoint."""

    def simulator_cpu_seconds(self):
        with open('/proc/%d/stat' % self.simulator.process.pid, encoding='ascii') as handle:
            fields = handle.read().rsplit(')', 1)[1].split()
        # utime and stime are fields 14 and 15 of /proc/PID/stat; the split above starts at field 3.
        return (int(fields[11]) + int(fields[12])) / float(CLOCK_TICKS)

    def requests_by_endpoint(self):
        counted = collections.Counter()
        for journal in self.each('GET', '/_sim/journal'):
            for entry in journal['entries']:
                if entry['path'].startswith('/rest/'):
                    path = ACCOUNT_IN_PATH.sub(r'/\1/{account}', TENANT_IN_PATH.sub('/rest/domain/{tenant}', entry['path']))
                    counted['%s %s' % (entry['method'], path.split('?')[0])] += 1
        return dict(counted.most_common())

    def peaks(self):
        return [load['peak_in_flight'] for load in self.each('GET', '/_sim/load')]

    def clear_load(self):
        self.each('DELETE', '/_sim/load')

    def change_by_hand(self, tenants, share_percent):
        """The first hunt group of share_percent of the tenants of every PBX gets a new display name, as a colleague
        in the web UI would give it; returns how many were changed."""
        step = max(1, round(100.0 / share_percent))
        changed = 0
        for url in self.urls:
            for tenant in tenants[::step]:
                _rest(url, self.simulator.ca_file, 'POST', '/rest/domain/%s/user_settings/%d' % (tenant, FIRST_GROUP),
                      {'display': 'Changed by hand'})
                changed += 1
        return changed


# One run --------------------------------------------------------------------------------------------------------

def measured_run(fleet, step, approach, playbook, inventory, env, options, extra_args=()):
    """One ansible-playbook run, measured whole; a row of the results."""
    fleet.clear_journals()
    simulator_before = fleet.simulator_cpu_seconds()
    elapsed, peak_kib, cpu_seconds = run_playbook_measured(playbook, inventory, env, options.forks, extra_args)
    simulator_cpu = fleet.simulator_cpu_seconds() - simulator_before
    endpoints = fleet.requests_by_endpoint() if approach != 'debug' else {}
    requests, writes, _account_list_reads = fleet.requests()
    row = dict(size_of(options), step=step, approach=approach, seconds=round(elapsed, 2),
               controller_cpu_seconds=round(cpu_seconds, 2), simulator_cpu_seconds=round(simulator_cpu, 2),
               peak_rss_mib=round(peak_kib / 1024.0, 1), requests=requests, writes=writes, endpoints=endpoints)
    progress('%s, %s: %.1f s, controller CPU %.1f s, simulator CPU %.1f s, %d requests, %d writes, peak RSS %.0f MiB'
             % (step, approach, elapsed, cpu_seconds, simulator_cpu, requests, writes, peak_kib / 1024.0))
    return row


def size_of(options):
    return {'bench': 'tenant_scale', 'pbxs': options.pbxs, 'tenants': options.tenants, 'groups': options.groups,
            'hosts': options.pbxs * options.tenants, 'forks': options.forks, 'ansible_core': ANSIBLE_CORE_VERSION,
            'load_average': round(os.getloadavg()[0], 1)}


# The steps ------------------------------------------------------------------------------------------------------

def inventory_step(fleet, inventory, work, env, options):
    """ansible-inventory over the plugin, then over a static file of what it produced; also returns the hosts."""
    fleet.clear_journals()
    plugin_seconds, listed = time_inventory(inventory, env)
    hosts = sorted(listed['_meta']['hostvars'])
    static = write_static_inventory(os.path.join(work, 'static-inventory'), listed, inventory)
    static_seconds, static_listed = time_inventory(static, env)
    if static_listed['_meta']['hostvars'] != listed['_meta']['hostvars']:
        raise SystemExit('the static copy of the inventory gives other hosts or variables than the plugin')
    row = dict(size_of(options), step='inventory', approach='ansible-inventory --list', seconds=round(plugin_seconds, 2),
               static_seconds=round(static_seconds, 2), inventory_hosts=len(hosts), requests=fleet.requests()[0])
    progress('inventory: plugin %.1f s, static file of the same hosts %.1f s, %d hosts, %d requests'
             % (plugin_seconds, static_seconds, len(hosts), row['requests']))
    return row, hosts


def write_static_inventory(directory, listed, plugin_inventory):
    """What the plugin made, as an inventory file beside the same group_vars: every group with its hosts, each host's
    variables (less those group_vars gives it) where the host first appears. JSON, which Ansible's YAML loader reads."""
    shutil.copytree(os.path.join(plugin_inventory, 'group_vars'), os.path.join(directory, 'group_vars'))
    with open(os.path.join(plugin_inventory, 'group_vars', 'vodia_tenants.json'), encoding='utf-8') as handle:
        from_group_vars = set(json.load(handle))
    hostvars, placed, groups = listed['_meta']['hostvars'], set(), {}
    for name, group in listed.items():
        if name in ('_meta', 'all'):
            continue
        groups[name] = {'hosts': {}, 'children': dict.fromkeys(group.get('children', []))}
        for host in group.get('hosts', []):
            own = {} if host in placed else dict((key, value) for key, value in hostvars.get(host, {}).items()
                                                 if key not in from_group_vars)
            groups[name]['hosts'][host] = own or None
            placed.add(host)
    path = os.path.join(directory, 'hosts.json')
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump({'all': {'children': groups}}, handle)
    return directory


def first_step(fleet, inventory, env, options):
    fleet.reset()
    rows = [measured_run(fleet, 'first', 'debug', DEBUG_TENANTS_PLAY, inventory, env, options)]
    rows.append(measured_run(fleet, 'first', 'role', TENANTS_PLAYBOOK, inventory, env, options))
    return rows


def rerun_step(fleet, inventory, env, options):
    return [measured_run(fleet, 'rerun', 'debug', DEBUG_TENANTS_PLAY, inventory, env, options),
            measured_run(fleet, 'rerun', 'role', TENANTS_PLAYBOOK, inventory, env, options)]


def check_step(fleet, inventory, work, env, options, tenants):
    changed = fleet.change_by_hand(tenants, options.drifted)
    progress('check: %d hunt groups changed by hand' % changed)
    report = os.path.join(work, 'unsliced-playbook', 'drift.json')
    rows = [measured_run(fleet, 'check', 'debug', DEBUG_TENANTS_PLAY, inventory, env, options),
            measured_run(fleet, 'check', 'role --check', TENANTS_PLAYBOOK, inventory, env, options, ('--check',)),
            measured_run(fleet, 'check', 'role --check, drift report', TENANTS_PLAYBOOK, inventory, env, options,
                         ('--check', '-e', 'hunt_groups_report=%s' % report))]
    with open(report, encoding='utf-8') as handle:
        summary = json.load(handle)['summary']
    rows[-1]['report_summary'] = summary
    rows[-1]['changed_by_hand'] = changed
    return rows


# Slices through ansible-runner ----------------------------------------------------------------------------------

def runner_env(collections_dir, ca_file):
    env = ansible_environment(collections_dir, ca_file)
    keep = ('ANSIBLE_COLLECTIONS_PATH', 'ANSIBLE_NOCOLOR', 'VODIA_USERNAME', 'VODIA_PASSWORD', 'VODIA_CA_PATH')
    runner = dict((name, env[name]) for name in keep)
    runner['PATH'] = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get('PATH', '')])
    return runner


def check_job(work, job_id, inventory, env, options, hosts=None, workflow_job_id=None):
    """A job of the role's job template in check mode with the drift report, written in the job's own directory."""
    pdd = awx_slices.job_dir(work, 'job_%d' % job_id)
    extravars = dict(awx_slices.awx_meta_vars(job_id, workflow_job_id),
                     hunt_groups_report=os.path.join(pdd, 'report', 'drift.json'))
    kwargs = {'playbook': TENANTS_PLAYBOOK, 'inventory': inventory, 'envvars': env, 'extravars': extravars,
              'forks': options.forks, 'cmdline': '--check'}
    if hosts is not None:
        kwargs['limit'] = ','.join(hosts)
    return awx_slices.JobSpec(job_id=job_id, private_data_dir=pdd, runner_kwargs=kwargs)


def merge_job(work, job_id, project, artifacts, env):
    pdd = awx_slices.job_dir(work, 'job_%d' % job_id)
    extravars = dict(artifacts, hunt_groups_report=os.path.join(pdd, 'report', 'drift.json'),
                     **awx_slices.awx_meta_vars(job_id, WORKFLOW_JOB_ID))
    return awx_slices.JobSpec(job_id=job_id, private_data_dir=pdd, runner_kwargs={
        'playbook': os.path.join(project, 'merge.yml'), 'envvars': env, 'extravars': extravars})


def report_of(job):
    with open(os.path.join(job.private_data_dir, 'report', 'drift.json'), encoding='utf-8') as handle:
        return handle.read()


def finished_well(jobs):
    failed = [job for job in jobs if job.status != 'successful']
    if failed:
        raise SystemExit('job %d ended %s:\n%s' % (failed[0].job_id, failed[0].status, failed[0].stdout[-3000:]))
    return jobs


def slices_step(fleet, inventory, work, env, options, hosts):
    """The check with the report unsliced, then as each number of slices with the merge after it."""
    project = os.path.join(work, 'project')
    os.makedirs(project, exist_ok=True)
    with open(os.path.join(project, 'merge.yml'), 'w', encoding='utf-8') as handle:
        yaml.safe_dump(MERGE_PLAYBOOK, handle)
    rows, unsliced_report = [], None
    for count in [1] + options.slices:
        fleet.clear_journals()
        fleet.clear_load()
        parts = awx_slices.split(hosts, count) if count > 1 else [None]
        first_id = 100 * count
        specs = [check_job(work, first_id + number, inventory, env, options, part, WORKFLOW_JOB_ID if count > 1 else None)
                 for number, part in enumerate(parts)]
        started = time.monotonic()
        jobs = finished_well(awx_slices.run_jobs(specs, timeout=options.timeout))
        jobs_seconds = time.monotonic() - started
        peaks = fleet.peaks()
        requests, writes, _account_list_reads = fleet.requests()
        if count == 1:
            unsliced_report, merge_seconds, same = report_of(jobs[0]), 0.0, True
        else:
            merge_started = time.monotonic()
            merge = finished_well(awx_slices.run_jobs([merge_job(work, first_id + 99, project,
                                                                 awx_slices.merge_artifacts(jobs), env)]))[0]
            merge_seconds = time.monotonic() - merge_started
            same = report_of(merge) == unsliced_report
        rows.append(dict(size_of(options), step='slices', approach='%d slice%s' % (count, 's' if count > 1 else ''),
                         slices=count, seconds=round(jobs_seconds + merge_seconds, 2), jobs_seconds=round(jobs_seconds, 2),
                         merge_seconds=round(merge_seconds, 2), peaks=peaks, peak=max(peaks), requests=requests,
                         writes=writes, report_equals_unsliced=same))
        progress('slices: %d, jobs %.1f s, merge %.1f s, peak per PBX %d (median %d), report equal: %s'
                 % (count, jobs_seconds, merge_seconds, max(peaks), sorted(peaks)[len(peaks) // 2], same))
        for job in jobs:
            shutil.rmtree(os.path.join(job.private_data_dir, 'artifacts'), ignore_errors=True)
    return rows


# Results ----------------------------------------------------------------------------------------------------------

def compare(rows):
    """Each role row against the debug play of its step; the report against the check without it."""
    by_step = dict(((row['step'], row['approach']), row) for row in rows)
    for row in rows:
        debug = by_step.get((row['step'], 'debug'))
        if debug and row['approach'] != 'debug':
            row['times_debug'] = round(row['seconds'] / debug['seconds'], 2)
    with_report = by_step.get(('check', 'role --check, drift report'))
    without = by_step.get(('check', 'role --check'))
    if with_report and without:
        with_report['report_adds_percent'] = round(100.0 * (with_report['seconds'] / without['seconds'] - 1), 1)
    unsliced = by_step.get(('slices', '1 slice'))
    for row in rows:
        if row['step'] == 'slices' and unsliced:
            row['times_unsliced'] = round(row['seconds'] / unsliced['seconds'], 2)
    return rows


def failures(rows):
    found = []
    for row in rows:
        if row['step'] in ('rerun', 'check', 'slices') and row.get('writes'):
            found.append('%s, %s: wrote %d times' % (row['step'], row['approach'], row['writes']))
        if row['step'] == 'slices' and not row['report_equals_unsliced']:
            found.append('%s: the merged drift report differs from the unsliced one' % row['approach'])
    return found


def _cell(row, key, form='%s'):
    return form % row[key] if key in row else ''


def print_tables(rows):
    print('| step | run | wall time (s) | times debug | CPU of ansible-playbook and workers (s) | CPU of the simulator (s) '
          '| peak RSS (MiB) | requests | writes | load average at the start |')
    print('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |')
    for row in rows:
        if row['step'] == 'inventory':
            print('| inventory (%d hosts) | %s | %.2f | (static file of the same hosts: %.2f s) | | | | %d | 0 | %s |' % (
                row['inventory_hosts'], row['approach'], row['seconds'], row['static_seconds'], row['requests'],
                row['load_average']))
        elif row['step'] != 'slices':
            extra = _cell(row, 'report_adds_percent', ', report adds %s %%')
            print('| %s | %s | %.2f | %s%s | %.1f | %.1f | %.0f | %d | %d | %s |' % (
                row['step'], row['approach'], row['seconds'], _cell(row, 'times_debug', '%.2fx'), extra,
                row['controller_cpu_seconds'], row['simulator_cpu_seconds'], row['peak_rss_mib'], row['requests'],
                row['writes'], row['load_average']))
    print()
    print('| check with the drift report, through ansible-runner | until the last slice ended (s) | merge (s) | in all (s) '
          '| times unsliced | peak requests in flight per PBX (highest, median) | requests | writes | merged report = unsliced |')
    print('| --- | --- | --- | --- | --- | --- | --- | --- | --- |')
    for row in rows:
        if row['step'] == 'slices':
            peaks = sorted(row['peaks'])
            print('| %s | %.1f | %.1f | %.1f | %s | %d, %d | %d | %d | %s |' % (
                row['approach'], row['jobs_seconds'], row['merge_seconds'], row['seconds'], _cell(row, 'times_unsliced', '%.2fx'),
                peaks[-1], peaks[len(peaks) // 2], row['requests'], row['writes'], 'yes' if row['report_equals_unsliced'] else 'NO'))
    for row in rows:
        if row['step'] == 'first' and row['approach'] == 'role':
            print()
            created = row['hosts'] * row['groups']
            print('Requests of the first run, by endpoint (%d hunt groups created, %.2f requests each):'
                  % (created, row['requests'] / float(created)))
            for endpoint, count in row['endpoints'].items():
                print('- %s: %d' % (endpoint, count))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--collections', help='a directory that holds ansible_collections/vodia/pbx')
    parser.add_argument('--pbxs', type=int, default=50, help='simulated PBXs (default 50)')
    parser.add_argument('--tenants', type=int, default=100,
                        help='tenants per PBX, generated by the simulator (default 100)')
    parser.add_argument('--groups', type=int, default=3, help='hunt groups per tenant (default 3)')
    parser.add_argument('--forks', type=int, default=20, help='Ansible forks of every run and every slice (default 20)')
    parser.add_argument('--slices', default='2,4', help='numbers of slices to compare with the unsliced run (default 2,4)')
    parser.add_argument('--drifted', type=float, default=10.0,
                        help='percent of the tenants of every PBX with a hunt group changed by hand before the check (default 10)')
    parser.add_argument('--timeout', type=int, default=3600, help='seconds a runner job may take (default 3600)')
    parser.add_argument('--json', help='append the results as JSON lines to this file')
    parser.add_argument('--report', help='only print the tables of the JSON lines in this file')
    options = parser.parse_args()
    if options.report:
        with open(options.report, encoding='utf-8') as handle:
            print_tables([row for row in map(json.loads, filter(str.strip, handle)) if row.get('bench') == 'tenant_scale'])
        return 0
    if not options.collections:
        parser.error('--collections is required to run the benchmark')
    try:
        options.slices = [int(count) for count in options.slices.split(',') if count]
    except ValueError:
        parser.error('--slices takes numbers, comma-separated, such as 2,4')
    if min([options.pbxs, options.tenants, options.groups, options.forks] + options.slices) < 1 or min(options.slices or [2]) < 2:
        parser.error('--pbxs, --tenants, --groups and --forks must be at least 1, and every number of --slices at least 2')
    if not 0 < options.drifted <= 100:
        parser.error('--drifted is a percentage above 0, at most 100')

    progress('starting %d simulated PBXs with %d tenants each' % (options.pbxs, options.tenants))
    fleet = ScaleFleet(options.pbxs, 0, tenants=options.tenants)
    work = tempfile.mkdtemp(prefix='vodia-tenant-scale-')
    try:
        inventory = write_tenants_inventory(os.path.join(work, 'inventory'), fleet.urls, options.groups)
        env = ansible_environment(options.collections, fleet.simulator.ca_file)
        inventory_row, hosts = inventory_step(fleet, inventory, work, env, options)
        rows = [inventory_row]
        rows += first_step(fleet, inventory, env, options)
        rows += rerun_step(fleet, inventory, env, options)
        tenants = sorted(set(host.rsplit('@', 1)[0] for host in hosts))
        rows += check_step(fleet, inventory, work, env, options, tenants)
        rows += slices_step(fleet, inventory, work, runner_env(options.collections, fleet.simulator.ca_file), options, hosts)
    finally:
        fleet.stop()
        shutil.rmtree(work, ignore_errors=True)
    compare(rows)
    print_tables(rows)
    append_rows(options.json, rows)
    return exit_code(failures(rows))


if __name__ == '__main__':
    sys.exit(main())
