# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWX job slicing reproduced without AWX: a sliced job's slices as ansible-runner jobs that run at once against three
simulated PBXs, their artifacts merged as AWX merges them, and the merge step vodia.pbx.drift_merge after them.

    PYTHONPATH=tests VODIA_COLLECTIONS_PATH=<dir holding ansible_collections/vodia/pbx> .venv/bin/pytest -q tests/slicing

The fleet: a vodia.pbx.tenants inventory over three PBXs of one simulator process, eight tenant hosts in all, each with the
two hunt groups the inventory describes, after hand edits on five of them. The PBXs serve different tenants (the
inventory reads each PBX with its own include list, since the simulator's PBXs share one seed), so that AWX's split
deals tenants of every PBX to several slices, as it does in a real fleet.

What AWX does and where the test does it (tests/tools/awx_slices.py cites AWX's code):

- the hosts sorted by name, slice k of 3 gets hosts[k-1::3]: each slice is a job with --limit of its hosts;
- the slices run at once, each with awx_job_id of its own and the shared awx_workflow_job_id in its extra variables;
- a job's artifacts are its set_stats data from the playbook_on_stats event; the next workflow node gets the slices'
  artifacts merged with dict.update in the order the slices finished;
- the merge node is a job template whose playbook imports vodia.pbx.drift_merge, run with those artifacts as extra
  variables.

The sliced converge also runs the export role, every slice pushing its tenants' files to one bare git repository at
the same moment; and each PBX's peak of requests at once (the simulator's load gauge) is held against the bound of
docs/pbx-load.md. docs/awx-slicing-test.md says what this proves and what it does not.
"""

from __future__ import annotations

import collections
import glob
import json
import os
import subprocess
import sys

import pytest
import requests
import yaml

from pbxsim import seed
from pbxsim.process import launch

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TESTS_DIR, 'tools'))
sys.path.insert(0, os.path.join(TESTS_DIR, 'git'))

import awx_slices  # noqa: E402  pylint: disable=wrong-import-position
from git_servers import hold_pushes  # noqa: E402  pylint: disable=wrong-import-position

USERNAME = 'admin'
SECRET = 'Slicing-Secret-7c41d8'
VENV_BIN = os.path.dirname(sys.executable)
SLICES = 3
WORKFLOW_JOB_ID = 100
# Ansible's default, set explicitly because the load bound below counts with it.
FORKS = 5
# How late the PBXs answer in the converge test, so that the requests of different tasks and slices meet on a PBX.
LATENCY_MS = 60
# Which tenants each PBX serves. Sorted, the hosts interleave the PBXs, so that each slice holds tenants of two PBXs
# and each PBX has tenants in two slices.
TENANTS = {
    'pbx-a': ['alpha.example.com', 'bravo.example.com', 'delta.example.com'],
    'pbx-b': ['bravo.example.com', 'charlie.example.com'],
    'pbx-c': ['alpha.example.com', 'charlie.example.com', 'delta.example.com'],
}
PBXS = sorted(TENANTS)
HOSTS = sorted('%s@%s' % (tenant, pbx) for pbx, tenants in TENANTS.items() for tenant in tenants)
EXTENSIONS = ('444', '445', '446')
# What every tenant should have (the inventory's group_vars), and how the seed holds it: the converged state.
HUNT_GROUPS = [
    {'name': '7001', 'display_name': 'Sales', 'stages': [{'extensions': ['444', '445'], 'duration': 20}]},
    {'name': '7002', 'display_name': 'Support'},
]
SEEDED_HUNT_GROUPS = {
    '7001': {'display': 'Sales', 'st1_ext': '444 445', 'st1_dur': '20'},
    '7002': {'display': 'Support'},
}
# Hand edits on the PBXs after the converge: (PBX, tenant, method, path under /rest/domain/<tenant>/, body).
HAND_EDITS = [
    ('pbx-a', 'alpha.example.com', 'POST', 'user_settings/7001', {'display': 'Sales (old name)'}),
    ('pbx-a', 'bravo.example.com', 'DELETE', 'addacc/7001', None),
    ('pbx-a', 'bravo.example.com', 'DELETE', 'addacc/7002', None),
    ('pbx-b', 'bravo.example.com', 'DELETE', 'addacc/7002', None),
    ('pbx-c', 'charlie.example.com', 'POST', 'user_settings/7001', {'st1_ext': '446'}),
    ('pbx-c', 'delta.example.com', 'POST', 'addacc', {'type': 'hunts', 'account': '7099'}),
    ('pbx-c', 'delta.example.com', 'POST', 'user_settings/7099', {'display': 'Temporary'}),
]
# The most hunt groups a tenant's task reads: the listed ones, and those the hand edits added.
MOST_HUNT_GROUPS_PER_TENANT = len(HUNT_GROUPS) + max(collections.Counter(
    (pbx, tenant) for pbx, tenant, _method, path, _body in HAND_EDITS if path == 'addacc').values())
# What the drift report must count after those edits (16 listed hunt groups, 5 of them touched, 7099 unlisted).
EXPECTED_SUMMARY = {'pbxs': 3, 'failed_pbxs': 0, 'tenants': len(HOSTS), 'failed_tenants': 0,
                    'created': 3, 'updated': 2, 'deleted': 1, 'unchanged': 11}
PLAYBOOK = [{
    'name': 'Hunt groups of every tenant',
    'hosts': 'vodia_tenants',
    'connection': 'local',
    'gather_facts': False,
    'roles': [{'role': 'vodia.pbx.hunt_groups'}],
}]
# The sliced converge also exports every tenant, each slice pushing its hosts' files to one git repository.
EXPORT_PLAYBOOK = [dict(PLAYBOOK[0], roles=PLAYBOOK[0]['roles'] + [{'role': 'vodia.pbx.hunt_groups_export'}])]
EXPORT_PATH = 'exports'
# How long the repository's hook holds a push for the other slices' (they start within seconds of each other).
PUSH_HOLD_SECONDS = 120
# The merge node's job template: AWX runs playbooks of projects, so its playbook imports the collection's.
MERGE_PLAYBOOK = [{'name': 'Merge the drift report of the sliced job', 'ansible.builtin.import_playbook': 'vodia.pbx.drift_merge'}]


# The simulated fleet ----------------------------------------------------------------------------------------------

def fleet_seed(path):
    """The default seed, the distinctive password, and the fleet's tenants with their hunt groups converged."""
    with open(seed.write_seed_with_password(path, USERNAME, SECRET), encoding='utf-8') as handle:
        data = json.load(handle)
    for tenant in sorted(set(name for names in TENANTS.values() for name in names)):
        accounts = dict((number, {'type': 'extensions', 'settings': {'display': 'Agent %s' % number}}) for number in EXTENSIONS)
        accounts.update((name, {'type': 'hunts', 'settings': dict(settings)}) for name, settings in SEEDED_HUNT_GROUPS.items())
        data['domains'][tenant] = {'display': tenant.split('.')[0].title(), 'accounts': accounts}
    with open(str(path), 'w', encoding='utf-8') as handle:
        json.dump(data, handle)
    return str(path)


class Fleet:
    """The simulator, the drifted state of each PBX as a snapshot, and the project and inventory every job uses."""

    def __init__(self, simulator, snapshots, project, inventory, collections):
        self.simulator = simulator
        self.snapshots = snapshots
        self.project = project
        self.inventory = inventory
        self.collections = collections

    def back_to_drifted(self):
        """Every PBX in the state after the hand edits, with an empty journal and a cleared load gauge."""
        for index, snapshot in enumerate(self.snapshots):
            status, body = self.simulator.control('POST', '/_sim/restore', {'snapshot': snapshot}, index=index)
            assert status == 200, body
            self.simulator.control('DELETE', '/_sim/journal', index=index)

    def writes(self):
        """Every write request since the journals were cleared, as a multiset of (PBX, method, path)."""
        counted = collections.Counter()
        for index, pbx in enumerate(PBXS):
            for entry in self.simulator.control('GET', '/_sim/journal', index=index)[1]['entries']:
                if entry['method'] in ('POST', 'PUT', 'DELETE'):
                    counted[(pbx, entry['method'], entry['path'])] += 1
        return counted

    def accounts(self):
        """What each PBX holds for the fleet's tenants, without the internal account IDs that creation order sets."""
        held = {}
        for index, pbx in enumerate(PBXS):
            domains = self.simulator.control('GET', '/_sim/state', index=index)[1]['domains']
            for tenant in TENANTS[pbx]:
                held[(pbx, tenant)] = dict((name, {'type': account['type'], 'settings': account['settings']})
                                           for name, account in domains[tenant]['accounts'].items())
        return held

    def clear_load(self):
        """A new peak on every PBX; the journals stay."""
        for index in range(len(PBXS)):
            self.simulator.control('DELETE', '/_sim/load', index=index)

    def peaks(self):
        """The most requests each PBX answered at once since the journals were cleared (the simulator's load gauge)."""
        return dict((pbx, self.simulator.control('GET', '/_sim/load', index=index)[1]['peak_in_flight'])
                    for index, pbx in enumerate(PBXS))

    def parallel_reads(self):
        """hunt_groups_parallel as the role's defaults set it: how many reads one task sends at once to a slow PBX."""
        with open(os.path.join(self.collections, 'ansible_collections', 'vodia', 'pbx', 'roles', 'hunt_groups', 'defaults',
                               'main.yml'), encoding='utf-8') as handle:
            return yaml.safe_load(handle)['hunt_groups_parallel']

    def environment(self, credential=True):
        """Where ansible-runner finds ansible-playbook and the collection, and for the role's jobs what their credential
        injects (the merge job has none, and no inventory: a source that cannot be read fails only the role's jobs)."""
        env = {
            'ANSIBLE_COLLECTIONS_PATH': self.collections,
            'ANSIBLE_NOCOLOR': '1',
            'PATH': os.pathsep.join([VENV_BIN, os.environ.get('PATH', '')]),
        }
        if credential:
            env.update(ANSIBLE_INVENTORY_UNPARSED_FAILED='true', VODIA_USERNAME=USERNAME, VODIA_PASSWORD=SECRET)
        return env


def hand_edit(simulator, pbx, tenant, method, path, body):
    answer = requests.request(method, '%s/rest/domain/%s/%s' % (simulator.urls[PBXS.index(pbx)], tenant, path),
                              json=body, auth=(USERNAME, SECRET), timeout=10)
    assert answer.status_code == 200, answer.text


def write_yaml(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as handle:
        yaml.safe_dump(data, handle, sort_keys=False)


def write_inventory(directory, urls):
    """One vodia.pbx.tenants source per PBX, each with that PBX's tenants, and the hunt groups every tenant has."""
    for pbx, url in zip(PBXS, urls):
        write_yaml(os.path.join(directory, '%s.vodia_tenants.yml' % pbx),
                   {'plugin': 'vodia.pbx.tenants', 'pbxs': [{'name': pbx, 'url': url}], 'include': TENANTS[pbx]})
    write_yaml(os.path.join(directory, 'group_vars', 'vodia_tenants.yml'),
               {'hunt_groups_list': HUNT_GROUPS, 'hunt_groups_purge': True})


@pytest.fixture(scope='module')
def fleet(tmp_path_factory):
    collections_path = os.environ.get('VODIA_COLLECTIONS_PATH')
    if not collections_path or not os.path.isdir(os.path.join(collections_path, 'ansible_collections', 'vodia', 'pbx')):
        pytest.fail('set VODIA_COLLECTIONS_PATH to a directory that holds ansible_collections/vodia/pbx '
                    '(tests/tools/collection_tree.sh DIR makes one)')
    base = tmp_path_factory.mktemp('fleet')
    simulator = launch(['--pbx-count', str(len(PBXS)), '--seed', fleet_seed(base / 'seed.json')])
    try:
        for edit in HAND_EDITS:
            hand_edit(simulator, *edit)
        snapshots = [simulator.control('POST', '/_sim/snapshot', index=index)[1]['snapshot'] for index in range(len(PBXS))]
        project = str(base / 'project')
        write_yaml(os.path.join(project, 'playbook.yml'), PLAYBOOK)
        write_yaml(os.path.join(project, 'export.yml'), EXPORT_PLAYBOOK)
        write_yaml(os.path.join(project, 'merge.yml'), MERGE_PLAYBOOK)
        inventory = str(base / 'inventory')
        write_inventory(inventory, simulator.urls)
        yield Fleet(simulator, snapshots, project, inventory, collections_path)
    finally:
        simulator.stop()


# Jobs --------------------------------------------------------------------------------------------------------------

def role_job(fleet, base, job_id, hosts=None, workflow_job_id=None, check=False, export_repo=None):
    """A job of the role's job template: the whole inventory, or the hosts of one slice. A check job writes the drift
    report in its own directory, as each job runs in an execution environment of its own. (A converge job writes
    none: the report's three file writes cost more CPU than converging the tenants, see docs/awx-slicing-test.md.)
    With export_repo, the job also runs the export role, which pushes its hosts' files to that repository."""
    pdd = awx_slices.job_dir(base, 'job_%d' % job_id)
    extravars = awx_slices.awx_meta_vars(job_id, workflow_job_id)
    playbook = 'playbook.yml'
    if export_repo:
        playbook = 'export.yml'
        extravars.update(hunt_groups_export_git_repo=export_repo, hunt_groups_export_git_path=EXPORT_PATH)
    kwargs = {'playbook': os.path.join(fleet.project, playbook), 'inventory': fleet.inventory,
              'envvars': fleet.environment(), 'extravars': extravars, 'forks': FORKS}
    if check:
        kwargs['cmdline'] = '--check'
        extravars['hunt_groups_report'] = os.path.join(pdd, 'report', 'drift.json')
    if hosts is not None:
        kwargs['limit'] = ','.join(hosts)
    return awx_slices.JobSpec(job_id=job_id, private_data_dir=pdd, runner_kwargs=kwargs)


def run_one(spec):
    [job] = awx_slices.run_jobs([spec])
    assert job.status == 'successful', job.stdout
    return job


def run_slices(fleet, base, first_job_id, check, export_repo=None):
    """The sliced job: its slices at once, in the order they finished, each checked to have ended well."""
    slices = awx_slices.split(HOSTS, SLICES)
    specs = [role_job(fleet, base, first_job_id + number, hosts, WORKFLOW_JOB_ID, check, export_repo)
             for number, hosts in enumerate(slices)]
    jobs = awx_slices.run_jobs(specs)
    by_id = dict((spec.job_id, hosts) for spec, hosts in zip(specs, slices))
    assert len(jobs) == SLICES
    for job in jobs:
        assert job.status == 'successful', job.stdout
        # Each slice ran its own hosts and no other.
        assert job.processed_hosts == by_id[job.job_id], job.job_id
    return jobs


def merge_job(fleet, base, job_id, artifacts):
    """The workflow node after the sliced job: the merged artifacts, then AWX's own job IDs, as extra variables."""
    pdd = awx_slices.job_dir(base, 'job_%d' % job_id)
    extravars = dict(artifacts, hunt_groups_report=os.path.join(pdd, 'report', 'drift.json'),
                     **awx_slices.awx_meta_vars(job_id, WORKFLOW_JOB_ID))
    return awx_slices.JobSpec(job_id=job_id, private_data_dir=pdd, runner_kwargs={
        'playbook': os.path.join(fleet.project, 'merge.yml'), 'envvars': fleet.environment(credential=False),
        'extravars': extravars})


def read(path):
    with open(path, encoding='utf-8') as handle:
        return handle.read()


def report_files(job):
    folder = os.path.join(job.private_data_dir, 'report')
    return read(os.path.join(folder, 'drift.json')), read(os.path.join(folder, 'drift.md'))


def part_hosts(artifacts):
    """The hosts of every slice's part of the report, per part key."""
    return dict((key, sorted(entry['host'] for entry in value['pbxs']))
                for key, value in artifacts.items() if key.startswith('hunt_groups_drift_slice_'))


def reads_at_once(parallel):
    """P of docs/pbx-load.md for this fleet: a task reads at most hunt_groups_parallel at once, and at most its
    tenant's hunt groups less 2 (the first two are read one at a time); one at least."""
    return max(1, min(parallel, MOST_HUNT_GROUPS_PER_TENANT - 2))


def load_bound(jobs_hosts, pbx, reads):
    """The most requests docs/pbx-load.md allows one PBX from jobs running at once: each job adds at most
    min(forks, that PBX's hosts in the job) x P; a job without any of its hosts still reads its tenant list (one
    request) while it builds the inventory, before its own tasks start."""
    bound = 0
    for hosts in jobs_hosts:
        mine = sum(1 for host in hosts if host.endswith('@' + pbx))
        bound += max(1, min(FORKS, mine) * reads)
    return bound


def assert_load_within_bound(fleet, jobs_hosts):
    """Each PBX's measured peak is within the bound docs/pbx-load.md gives for these jobs, which is itself within its
    headline bound, slices x forks x hunt_groups_parallel."""
    parallel = fleet.parallel_reads()
    peaks = fleet.peaks()
    bounds = dict((pbx, load_bound(jobs_hosts, pbx, reads_at_once(parallel))) for pbx in PBXS)
    print('\nper-PBX peak of requests at once (bound): %s'
          % ', '.join('%s %d (%d)' % (pbx, peaks[pbx], bounds[pbx]) for pbx in PBXS))
    for pbx in PBXS:
        assert 1 <= peaks[pbx] <= bounds[pbx] <= len(jobs_hosts) * FORKS * parallel, (pbx, peaks, bounds)
    return peaks


def git(repo, *args):
    return subprocess.run(['git', '--git-dir', repo] + list(args), check=True, text=True, stdout=subprocess.PIPE).stdout


def bare_repository(path):
    """A shared repository, as a git server holds it: bare, with nothing in it yet. Its hook holds the slices' first
    pushes until all of them have arrived (tests/git/git_servers.py), so that the server takes them at the same moment,
    whichever slice finished its work first."""
    subprocess.run(['git', 'init', '--quiet', '--bare', str(path)], check=True)
    hold_pushes(str(path), SLICES, timeout_seconds=PUSH_HOLD_SECONDS)
    return str(path)


def pushes(job):
    """What the export's git delivery reported in a job: its task results, from the job's events."""
    results = []
    for path in glob.glob(os.path.join(job.private_data_dir, 'artifacts', '*', 'job_events', '*.json')):
        with open(path, encoding='utf-8') as handle:
            event = json.load(handle)
        if event.get('event') == 'runner_on_ok' and event['event_data'].get('task_action') == 'vodia.pbx.git_publish':
            results.append(event['event_data']['res'])
    return results


def assert_every_export_arrived(repo, slices):
    """Every tenant's file is in the branch, as the tenant holds it after the converge; one commit per slice, in one
    line of history, each with exactly its slice's files."""
    expected = dict(('%s/%s.yml' % (EXPORT_PATH, host), host) for host in HOSTS)
    assert sorted(git(repo, 'ls-tree', '-r', '--name-only', 'main').split()) == sorted(expected)
    for path, host in expected.items():
        exported = yaml.safe_load(git(repo, 'show', 'main:' + path))
        assert exported['hunt_groups_domain'] == host.rsplit('@', 1)[0], path
        assert [(group['name'], group.get('display_name')) for group in exported['hunt_groups_list']] == [
            (group['name'], group['display_name']) for group in HUNT_GROUPS], path
    commits = [line.split(' ') for line in git(repo, 'log', '--format=%H %P', 'main').splitlines()]
    assert len(commits) == SLICES and all(len(parents) <= 2 for parents in commits), commits  # no merge commit
    committed = sorted(sorted(git(repo, 'show', '--name-only', '--format=', commit[0]).split()) for commit in commits)
    assert committed == sorted(sorted('%s/%s.yml' % (EXPORT_PATH, host) for host in job.processed_hosts) for job in slices)
    attempts = [result['push_attempts'] for job in slices for result in pushes(job)]
    print('push attempts of the slices: %s' % attempts)
    # The pushes met: one went through, the others were refused, rebased and pushed again.
    assert len(attempts) == SLICES and sorted(attempts)[0] == 1 and max(attempts) > 1, attempts


def assert_secret_absent(directories):
    """No file a job left holds the password, but runner's own record of the environment it was given."""
    looked_at = 0
    for directory in directories:
        for root, _dirs, files in os.walk(directory):
            for name in files:
                if name in ('envvars', 'command'):
                    continue
                looked_at += 1
                with open(os.path.join(root, name), encoding='utf-8', errors='replace') as handle:
                    assert SECRET not in handle.read(), os.path.join(root, name)
    assert looked_at > 10


# Tests --------------------------------------------------------------------------------------------------------------

def test_the_fleet_split_mixes_the_pbxs_as_a_real_fleet_does():
    """A precondition of the tests below: every slice holds tenants of more than one PBX, and every PBX has tenants in
    more than one slice (with equal tenant lists on 3 PBXs, 3 slices would each hold exactly one PBX)."""
    slices = awx_slices.split(HOSTS, SLICES)
    assert len(slices) == SLICES and len(HOSTS) == 8
    for hosts in slices:
        assert len(set(host.rsplit('@', 1)[1] for host in hosts)) > 1, hosts
    for pbx in PBXS:
        assert sum(1 for hosts in slices if any(host.endswith('@' + pbx) for host in hosts)) > 1, pbx


def test_sliced_check_merged_by_drift_merge_gives_the_unsliced_report(fleet, tmp_path):
    fleet.back_to_drifted()
    unsliced = run_one(role_job(fleet, tmp_path, 200, check=True))
    assert unsliced.processed_hosts == HOSTS

    fleet.clear_load()
    slices = run_slices(fleet, tmp_path, 101, check=True)
    assert_load_within_bound(fleet, [job.processed_hosts for job in slices])
    artifacts = awx_slices.merge_artifacts(slices)
    merge = run_one(merge_job(fleet, tmp_path, 104, artifacts))

    # Nothing lost: each slice's part survived the merge of the artifacts, with exactly that slice's hosts.
    assert part_hosts(artifacts) == dict(('hunt_groups_drift_slice_%d' % job.job_id, job.processed_hosts) for job in slices)
    # The key every slice publishes holds the last slice's summary only: why the parts exist.
    assert artifacts['hunt_groups_drift'] == slices[-1].artifacts['hunt_groups_drift']
    assert artifacts['hunt_groups_drift'] != unsliced.artifacts['hunt_groups_drift']

    json_report, markdown = report_files(merge)
    assert (json_report, markdown) == report_files(unsliced)
    assert merge.artifacts == {'hunt_groups_drift': unsliced.artifacts['hunt_groups_drift']}
    report = json.loads(json_report)
    assert report['check_mode'] is True
    assert report['summary'] == EXPECTED_SUMMARY
    assert [entry['host'] for entry in report['pbxs']] == HOSTS

    # Check mode: no job wrote to any PBX.
    assert not fleet.writes()
    assert_secret_absent([job.private_data_dir for job in [unsliced, merge] + slices])


@pytest.fixture
def slow_pbxs(fleet):
    """Every PBX answers LATENCY_MS late, so that the requests of the slices' tasks overlap."""
    for index in range(len(PBXS)):
        assert fleet.simulator.control('POST', '/_sim/faults', {'latency_ms': LATENCY_MS}, index=index)[0] == 200
    yield fleet
    for index in range(len(PBXS)):
        fleet.simulator.control('DELETE', '/_sim/faults', index=index)


def test_sliced_converge_makes_the_writes_of_the_unsliced_converge(slow_pbxs, tmp_path):
    fleet = slow_pbxs
    fleet.back_to_drifted()
    run_one(role_job(fleet, tmp_path, 300))
    unsliced_writes, unsliced_accounts = fleet.writes(), fleet.accounts()
    assert_load_within_bound(fleet, [HOSTS])

    fleet.back_to_drifted()
    repo = bare_repository(tmp_path / 'exports.git')
    slices = run_slices(fleet, tmp_path, 301, check=False, export_repo=repo)
    sliced_writes, sliced_accounts = fleet.writes(), fleet.accounts()
    peaks = assert_load_within_bound(fleet, [job.processed_hosts for job in slices])
    # The slices' requests did meet on a PBX: the bound is not met by running one request at a time.
    assert max(peaks.values()) > 1, peaks

    assert sum(unsliced_writes.values()) >= 6  # 3 hunt groups created, 2 updated, 1 deleted
    assert sliced_writes == unsliced_writes
    assert sliced_accounts == unsliced_accounts
    # Every tenant converged: the listed hunt groups as the seed holds them, 7099 gone.
    for (pbx, tenant), accounts in sliced_accounts.items():
        hunt_groups = dict((name, account['settings']) for name, account in accounts.items() if account['type'] == 'hunts')
        assert sorted(hunt_groups) == sorted(SEEDED_HUNT_GROUPS), (pbx, tenant)
        for name, settings in SEEDED_HUNT_GROUPS.items():
            assert dict((key, hunt_groups[name].get(key)) for key in settings) == settings, (pbx, tenant, name)
    # Every host was in one slice (run_slices checked that each slice processed exactly its own hosts).
    assert sorted(host for job in slices for host in job.processed_hosts) == HOSTS
    assert_every_export_arrived(repo, slices)
