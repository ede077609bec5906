# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The AWX change-control workflow with a saved plan, run as AWX runs its jobs: through ansible-runner.

    PYTHONPATH=tests VODIA_COLLECTIONS_PATH=<dir holding ansible_collections/vodia/pbx> .venv/bin/pytest -q tests/runner

Workflow node 1, the check job, runs the hunt_groups role's call_flow in check mode with hunt_groups_save_plan over
three simulated PBXs: the plan of the play is published with set_stats, which AWX keeps as the job's artifacts (the
artifact_data of its playbook_on_stats event). Node 2 is the approval, which runs nothing. Node 3, the apply job,
receives the artifacts as extra variables, as AWX hands a workflow node's artifacts to the nodes after it, so the role
finds hunt_groups_plan. The simulators' journals prove that the apply wrote exactly the planned writes; with one hunt
group changed by hand between the nodes, that PBX's host is refused with the diff and its PBX gets no write. A check
job sliced in two publishes a part per slice, which the apply job joins. The exact-writes workflow runs on both paths:
the action plugins in the controller's process, and the modules (vodia_pbx_execution=module).
"""

from __future__ import annotations

import json
import os
import sys

import ansible_runner
import pytest
import requests

from pbxsim import seed
from pbxsim.process import launch

HOSTS = ('pbx-a', 'pbx-b', 'pbx-c')
DOMAIN = 'localhost'
PLAYBOOK = '''
- name: Call flow of every PBX
  hosts: pbxs
  connection: local
  gather_facts: false
  tasks:
    - name: Converge the call flow
      ansible.builtin.include_role:
        name: vodia.pbx.hunt_groups
        tasks_from: call_flow
'''
# What every PBX should hold: a new call queue, a changed and a new hunt group ending in the queue.
GROUP_VARS = {
    'hunt_groups_domain': DOMAIN,
    'hunt_groups_call_queues': [{'name': '5000', 'display_name': 'Support', 'agents': ['444']}],
    'hunt_groups_list': [
        {'name': '1002', 'display_name': 'Sales'},
        {'name': '2000', 'display_name': 'Reception', 'final_destinations': ['5000']},
    ],
}
# AWX keeps a workflow node's artifacts in the database; a plan of three PBXs must stay far below what a job event holds.
MAX_EVENT_RES_DATA = 700000


@pytest.fixture(scope='module')
def simulator():
    sim = launch(['--pbx-count', str(len(HOSTS))])
    yield sim
    sim.stop()


def project(base, sim, extra_vars=None):
    """A private data directory: the playbook, an inventory of the three PBXs, the credentials in the environment (as
    the "Vodia PBX" credential type injects them), and the extra variables AWX gives the job."""
    pdd = os.path.join(str(base), 'job')
    os.makedirs(os.path.join(pdd, 'project'))
    os.makedirs(os.path.join(pdd, 'inventory'))
    os.makedirs(os.path.join(pdd, 'env'))
    with open(os.path.join(pdd, 'project', 'playbook.yml'), 'w', encoding='utf-8') as handle:
        handle.write(PLAYBOOK)
    hosts = dict((host, {'vodia_url': url, 'ansible_python_interpreter': sys.executable})
                 for host, url in zip(HOSTS, sim.urls))
    with open(os.path.join(pdd, 'inventory', 'hosts.json'), 'w', encoding='utf-8') as handle:
        json.dump({'pbxs': {'hosts': hosts, 'vars': GROUP_VARS}}, handle)
    if extra_vars:
        with open(os.path.join(pdd, 'env', 'extravars'), 'w', encoding='utf-8') as handle:
            json.dump(extra_vars, handle)
    return pdd


def run_job(pdd, collections_path, ident, cmdline=''):
    env = {
        'ANSIBLE_COLLECTIONS_PATH': collections_path,
        'ANSIBLE_NOCOLOR': '1',
        'VODIA_USERNAME': seed.SYSTEM_ADMIN[0],
        'VODIA_PASSWORD': seed.SYSTEM_ADMIN[1],
        'PATH': os.pathsep.join([os.path.dirname(sys.executable), os.environ.get('PATH', '')]),
    }
    result = ansible_runner.run(private_data_dir=pdd, playbook='playbook.yml', envvars=env, cmdline=cmdline,
                                ident=ident, quiet=True)
    events = list(result.events)
    stdout = result.stdout.read()
    return result.status, events, stdout


def artifacts(events):
    """What AWX keeps as a job's artifacts: the artifact_data of its playbook_on_stats event."""
    [stats] = [event for event in events if event.get('event') == 'playbook_on_stats']
    return stats['event_data'].get('artifact_data') or {}


def write_requests(sim, index):
    journal = sim.control('GET', '/_sim/journal', index=index)[1]
    return [(entry['method'], entry['path']) for entry in journal['entries'] if entry['method'] in ('POST', 'PUT', 'DELETE')]


def forget_requests(sim):
    for index in range(len(HOSTS)):
        sim.control('DELETE', '/_sim/journal', index=index)


def planned_requests(part):
    """The write requests a host's part of a plan stands for, in its order."""
    requests = []
    for entry in part['entries']:
        for account in entry['accounts']:
            path = '/rest/domain/%s/user_settings/%s' % (entry['domain'], account['name'])
            if account['action'] == 'created':
                requests += [('POST', '/rest/domain/%s/addacc' % entry['domain']), ('POST', path)]
            elif account['action'] == 'updated':
                requests.append(('POST', path))
    return requests


def check_then_apply(sim, collections_path, tmp_path, between=None, execution='auto'):
    """The workflow: the check job, the approval (nothing runs), the apply job with the check job's artifacts. Both
    jobs run the collection's action plugins in the controller's process, or with execution=module its modules."""
    sim.reset_all()
    check_dir = project(tmp_path / 'check', sim)
    status, events, stdout = run_job(check_dir, collections_path, 'check',
                                     '--check -e hunt_groups_save_plan=%s -e vodia_pbx_execution=%s'
                                     % (tmp_path / 'plan.json', execution))
    assert status == 'successful', stdout
    assert [write_requests(sim, index) for index in range(len(HOSTS))] == [[]] * len(HOSTS)
    published = artifacts(events)
    if between is not None:
        between()
    forget_requests(sim)
    apply_dir = project(tmp_path / 'apply', sim, extra_vars=published)
    status, events, stdout = run_job(apply_dir, collections_path, 'apply', '-e vodia_pbx_execution=%s' % execution)
    return published, status, events, stdout


@pytest.mark.parametrize('execution', ['auto', 'module'])
def test_the_apply_node_writes_exactly_what_the_check_node_planned(simulator, collections_path, tmp_path, execution):
    published, status, _events, stdout = check_then_apply(simulator, collections_path, tmp_path, execution=execution)
    plan = published['hunt_groups_plan']
    assert status == 'successful', stdout
    assert sorted(plan['hosts']) == sorted(HOSTS)
    # The file the check job wrote is the artifact, and neither holds a secret.
    with open(tmp_path / 'plan.json', encoding='utf-8') as handle:
        assert json.load(handle) == plan
    text = json.dumps(published)
    assert seed.SYSTEM_ADMIN[1] not in text
    assert len(text) < MAX_EVENT_RES_DATA / 100
    for index, host in enumerate(HOSTS):
        part = plan['hosts'][host]
        assert [entry['kind'] for entry in part['entries']] == ['call queues', 'hunt groups']
        assert write_requests(simulator, index) == planned_requests(part), host
        assert len(write_requests(simulator, index)) == 5  # queue created (2), 1002 updated (1), 2000 created (2)


def test_a_hunt_group_changed_between_the_nodes_refuses_its_host_with_the_diff(simulator, collections_path, tmp_path):
    def change_by_hand():
        answer = requests.post(simulator.urls[1] + '/rest/domain/%s/user_settings/1002' % DOMAIN,
                               json={'display': 'Changed by hand'}, auth=seed.SYSTEM_ADMIN, timeout=30)
        answer.raise_for_status()

    published, status, events, stdout = check_then_apply(simulator, collections_path, tmp_path, change_by_hand)
    plan = published['hunt_groups_plan']
    assert status == 'failed'
    # The host of the changed PBX is refused at its first task, before any write, naming the hunt group...
    assert write_requests(simulator, 1) == []
    failed = [event['event_data'] for event in events if event.get('event') == 'runner_on_failed']
    assert [data['host'] for data in failed] == [HOSTS[1]]
    result = failed[0]['res']
    assert "1002 (hunt groups of domain localhost): changed on the PBX since the plan (display was 'Hunt', " \
           "is 'Changed by hand')" in result['msg']
    assert result['plan_differences'][0]['account'] == '1002'
    # ... while the other PBXs, unchanged since the plan, get exactly their planned writes.
    for index in (0, 2):
        assert write_requests(simulator, index) == planned_requests(plan['hosts'][HOSTS[index]])


def test_the_parts_of_a_sliced_check_job_reach_the_apply_job(simulator, collections_path, tmp_path):
    """A check job sliced in two, as AWX slices it (hosts sorted by name, slice k gets hosts[k-1::2], awx_job_id set):
    each slice publishes its part under a key of its own, AWX merges the slices' artifacts with a dictionary update,
    and the apply job joins the parts."""
    simulator.reset_all()
    published = {}
    for job_id, hosts in ((101, sorted(HOSTS)[0::2]), (102, sorted(HOSTS)[1::2])):
        check_dir = project(tmp_path / ('check-%d' % job_id), simulator)
        status, events, stdout = run_job(check_dir, collections_path, 'check', '--check --limit %s -e awx_job_id=%d '
                                         '-e hunt_groups_save_plan=%s' % (','.join(hosts), job_id, tmp_path / 'plan.json'))
        assert status == 'successful', stdout
        assert sorted(artifacts(events)) == ['hunt_groups_plan_slice_%d' % job_id]
        published.update(artifacts(events))
    forget_requests(simulator)
    status, _events, stdout = run_job(project(tmp_path / 'apply', simulator, extra_vars=published), collections_path, 'apply')
    assert status == 'successful', stdout
    parts = dict((host, part) for plan in published.values() for host, part in plan['hosts'].items())
    assert sorted(parts) == sorted(HOSTS)
    for index, host in enumerate(HOSTS):
        assert write_requests(simulator, index) == planned_requests(parts[host]), host
