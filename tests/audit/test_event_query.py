# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The indirect node counting queries of extensions/audit/event_query.yml, run as automation controller runs them.

    PYTHONPATH=tests VODIA_COLLECTIONS_PATH=<dir holding ansible_collections/vodia/pbx> .venv/bin/pytest -q tests/audit

The controller runs the query of a job event's resolved action over the event's result (event_data.res) with the
jq Python package, keeps each object that has canonical_facts it can hash, and merges objects with equal
canonical_facts into one node per job, counting the events. indirect_nodes() does the same here.

The results are real: tests/audit/fixtures/core-*.json hold the job events of tests/audit/record.yml, recorded by
tests/audit/record_results.py through ansible-runner against two simulated PBXs (pbx-a, pbx-b), on ansible-core
2.19 (results show the task's invocation) and 2.21 (they do not). The last test records them again from the
collection as it is now and expects the same nodes, so a change to what a module returns cannot leave the queries
behind unnoticed.
"""

from __future__ import annotations

import copy
import glob
import json
import os
import sys

import jq
import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)

import record_results  # noqa: E402  pylint: disable=wrong-import-position

QUERY_FILE = os.path.join(REPO_ROOT, 'extensions', 'audit', 'event_query.yml')
# Modules that touch no tenant or account of a PBX: there is nothing for a query of theirs to count.
NO_NODES = {'vodia.pbx.git_publish'}
MODULES = sorted('vodia.pbx.' + os.path.basename(path)[:-3]
                 for path in glob.glob(os.path.join(REPO_ROOT, 'plugins', 'modules', '*.py'))
                 if not os.path.basename(path).startswith('_')
                 and 'vodia.pbx.' + os.path.basename(path)[:-3] not in NO_NODES)
FIXTURES = sorted(glob.glob(os.path.join(HERE, 'fixtures', 'core-*.json')))
CANONICAL_KEYS = {'tenant': {'pbx', 'domain'}, 'hunt_group': {'pbx', 'domain', 'account'},
                  'call_queue': {'pbx', 'domain', 'account'}, 'service_flag': {'pbx', 'domain', 'account'}}
FACT_KEYS = {'tenant': {'device_type', 'platform', 'pbx_url', 'domain'},
             'hunt_group': {'device_type', 'platform', 'pbx_url', 'domain', 'account'},
             'call_queue': {'device_type', 'platform', 'pbx_url', 'domain', 'account'},
             'service_flag': {'device_type', 'platform', 'pbx_url', 'domain', 'account'}}

# What each task of record.yml touches on the PBX it runs against, as (device_type, domain, account) with account
# None for the tenant. Tasks not listed touch nothing a query can see. Accounts a check-mode task would create,
# tasks that failed before they wrote, and the unreachable PBX give no node.
TENANT = 'tenant'
HG = 'hunt_group'
CQ = 'call_queue'
SF = 'service_flag'
TOUCHES = {
    'Many hunt groups - create one, keep one': [(TENANT, 'localhost', None), (HG, 'localhost', '1002'), (HG, 'localhost', '2000')],
    'Many hunt groups - the same again': [(TENANT, 'localhost', None), (HG, 'localhost', '1002'), (HG, 'localhost', '2000')],
    'Many hunt groups - check mode create and update': [(TENANT, 'localhost', None), (HG, 'localhost', '1003')],
    'Many hunt groups - purge without state': [
        (TENANT, 'branch.example.com', None), (HG, 'branch.example.com', '2100'), (HG, 'branch.example.com', '2101')],
    'Many hunt groups - in a loop over tenants': [
        (TENANT, 'acme.example.com', None), (HG, 'acme.example.com', '2200'),
        (TENANT, 'globex.example.com', None), (HG, 'globex.example.com', '2200')],
    'Many hunt groups - skipped': [(TENANT, 'localhost', None), (HG, 'localhost', '2000')],  # runs on pbx-b only
    'One hunt group - create': [(TENANT, 'branch.example.com', None), (HG, 'branch.example.com', '2110')],
    'One hunt group - update': [(TENANT, 'branch.example.com', None), (HG, 'branch.example.com', '2110')],
    'One hunt group - check mode create': [(TENANT, 'branch.example.com', None)],
    'One hunt group - delete': [(TENANT, 'localhost', None), (HG, 'localhost', '1004')],
    'One hunt group - delete absent': [(TENANT, 'localhost', None)],
    'One hunt group - check mode delete': [(TENANT, 'localhost', None), (HG, 'localhost', '1003')],
    'Hunt group info - all': [
        (TENANT, 'localhost', None), (HG, 'localhost', '1002'), (HG, 'localhost', '1003'), (HG, 'localhost', '2000')],
    'Hunt group info - one': [(TENANT, 'branch.example.com', None), (HG, 'branch.example.com', '2110')],
    'Hunt group info - missing': [(TENANT, 'localhost', None)],
    'Hunt group info - export': [
        (TENANT, 'acme.example.com', None), (HG, 'acme.example.com', '2200'), (HG, 'acme.example.com', '3100')],
    'Many call queues - create and keep': [(TENANT, 'localhost', None), (CQ, 'localhost', '5000'), (CQ, 'localhost', '700')],
    'Many call queues - check mode create': [(TENANT, 'localhost', None)],
    'Many call queues - purge': [(TENANT, 'localhost', None), (CQ, 'localhost', '5000'), (CQ, 'localhost', '700')],
    'One call queue - create': [(TENANT, 'branch.example.com', None), (CQ, 'branch.example.com', '5100')],
    'One call queue - check mode create': [(TENANT, 'branch.example.com', None)],
    'One call queue - delete': [(TENANT, 'branch.example.com', None), (CQ, 'branch.example.com', '5100')],
    'Call queue info - all': [(TENANT, 'localhost', None), (CQ, 'localhost', '5000')],
    'Call queue info - missing': [(TENANT, 'branch.example.com', None)],
    'Many service flags - create and keep': [(TENANT, 'localhost', None), (SF, 'localhost', '800'), (SF, 'localhost', '801')],
    'Many service flags - check mode create': [(TENANT, 'localhost', None)],
    'One service flag - create': [(TENANT, 'branch.example.com', None), (SF, 'branch.example.com', '810')],
    'One service flag - check mode create': [(TENANT, 'branch.example.com', None)],
    'One service flag - delete': [(TENANT, 'branch.example.com', None), (SF, 'branch.example.com', '810')],
    'Service flag info - all': [(TENANT, 'localhost', None), (SF, 'localhost', '800'), (SF, 'localhost', '801')],
}
# Accounts that must never be counted: planned in check mode only (2002, 2111, 5001, 5101, 802, 811), refused (2003),
# absent when deleted (2999).
NEVER = {'2002', '2111', '5001', '5101', '802', '811', '2003', '2999'}


# The controller's side ----------------------------------------------------------------------------------------------

def load_queries():
    with open(QUERY_FILE, encoding='utf-8') as handle:
        return yaml.safe_load(handle)


QUERIES = load_queries()
COMPILED = dict((module, jq.compile(entry['query'])) for module, entry in QUERIES.items())


def hashable(value):
    """Canonical facts as a dictionary key, as the controller makes one; None (JSON null) cannot be one."""
    if isinstance(value, dict):
        return tuple(sorted((hashable(key), hashable(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(hashable(item) for item in value)
    if isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError('canonical facts hold a %s' % type(value).__name__)


def query_for(action):
    """The query for a resolved action: its own entry, else a namespace.collection.* entry."""
    if action in COMPILED:
        return COMPILED[action]
    return COMPILED.get('.'.join(action.split('.')[:2] + ['*']))


def run_query(action, res):
    program = query_for(action)
    return [] if program is None else program.input(res).all()


def indirect_nodes(events):
    """The nodes the controller records for a job: canonical facts (hashable) -> name, facts, events, count."""
    nodes = {}
    for event in events:
        action = event.get('resolved_action')
        if 'res' not in event or not action or len(action.split('.')) != 3:
            continue
        for found in run_query(action, event['res']):
            if not found.get('canonical_facts'):
                continue
            key = hashable(found['canonical_facts'])
            node = nodes.setdefault(key, {'name': found.get('name'), 'canonical_facts': found['canonical_facts'],
                                          'facts': found.get('facts'), 'events': [], 'count': 0})
            if action not in node['events']:
                node['events'].append(action)
            node['count'] += 1
    return nodes


# The recorded results -----------------------------------------------------------------------------------------------

def load_fixture(path):
    with open(path, encoding='utf-8') as handle:
        return json.load(handle)


def pbx_addresses(fixture):
    """Host name -> the PBX as the queries name it: https://127.0.0.1:PORT gives 127.0.0.1:PORT."""
    return dict((host, url.split('://', 1)[1]) for host, url in fixture['pbx_urls'].items())


def shows_invocation(fixture):
    """Whether the recording's results hold their task's invocation (ansible-core before 2.21)."""
    return any('invocation' in event['res'] for event in fixture['events'])


def expected_triples(host, task, item=None):
    """What the task touched on the host's PBX; with item, in that loop item's tenant. Every module's result names
    its PBX and tenant (url, domain), so the queries see the same on every ansible-core, invocation or not."""
    if task == 'Many hunt groups - skipped' and host != 'pbx-b':
        return []
    return [triple for triple in TOUCHES.get(task, []) if item is None or triple[1] == item]


def as_triples(found, addresses, host):
    triples = []
    for node in found:
        facts = node['canonical_facts']
        assert facts['pbx'] == addresses[host], node
        triples.append((node['facts']['device_type'], facts['domain'], facts.get('account')))
    return sorted(triples, key=str)


def expected_job_nodes(fixture):
    """Canonical facts of every node of the recorded job."""
    addresses = pbx_addresses(fixture)
    expected = set()
    for host in sorted(addresses):
        for task in TOUCHES:
            for _device_type, domain, account in expected_triples(host, task):
                facts = {'pbx': addresses[host], 'domain': domain}
                if account is not None:
                    facts['account'] = account
                expected.add(hashable(facts))
    return expected


@pytest.fixture(params=FIXTURES, ids=[os.path.basename(path)[:-5] for path in FIXTURES])
def recorded(request):
    return load_fixture(request.param)


# The query file -----------------------------------------------------------------------------------------------------

def test_fixtures_present():
    assert [os.path.basename(path) for path in FIXTURES] == ['core-2.19.json', 'core-2.21.json']


def test_every_module_has_a_query():
    assert MODULES, 'no modules found'
    assert sorted(QUERIES) == MODULES
    for module, entry in QUERIES.items():
        assert sorted(entry) == ['query'], module
        assert isinstance(entry['query'], str) and entry['query'].strip(), module


def test_each_kind_shares_one_query():
    assert len(set(QUERIES['vodia.pbx.' + name]['query']
                   for name in ('vodia_hunt_groups', 'vodia_hunt_group', 'vodia_hunt_group_info'))) == 1
    assert len(set(QUERIES['vodia.pbx.' + name]['query']
                   for name in ('vodia_call_queues', 'vodia_call_queue', 'vodia_call_queue_info'))) == 1
    assert len(set(QUERIES['vodia.pbx.' + name]['query']
                   for name in ('vodia_service_flags', 'vodia_service_flag', 'vodia_service_flag_info'))) == 1


# Each recorded result -----------------------------------------------------------------------------------------------

def test_every_task_of_the_play_was_recorded(recorded):
    tasks = set(event['task'] for event in recorded['events'])
    assert set(TOUCHES) <= tasks
    assert {'Many hunt groups - refused reference', 'Many hunt groups - unreachable PBX'} <= tasks
    assert set(event['resolved_action'] for event in recorded['events']) == set(MODULES)


def test_each_result_gives_the_nodes_it_touched(recorded):
    addresses = pbx_addresses(recorded)
    checked = 0
    for event in recorded['events']:
        found = run_query(event['resolved_action'], event['res'])
        item = event['res'].get('item') if event['event'].startswith('runner_item_') else None
        expected = expected_triples(event['host'], event['task'], item)
        assert as_triples(found, addresses, event['host']) == sorted(expected, key=str), (event['task'], event['event'])
        checked += 1
    assert checked == len(recorded['events']) > 40


def test_nodes_are_well_formed(recorded):
    for event in recorded['events']:
        for node in run_query(event['resolved_action'], event['res']):
            device_type = node['facts']['device_type']
            assert set(node) == {'name', 'canonical_facts', 'facts'}
            assert set(node['canonical_facts']) == CANONICAL_KEYS[device_type]
            assert set(node['facts']) == FACT_KEYS[device_type]
            assert all(isinstance(value, str) and value for value in node['canonical_facts'].values()), node
            assert node['facts']['platform'] == 'vodia_pbx'
            assert node['facts']['pbx_url'] == 'https://' + node['canonical_facts']['pbx']
            hashable(node['canonical_facts'])
            if device_type == TENANT:
                assert node['name'] == '%(domain)s on %(pbx)s' % node['canonical_facts']
            else:
                assert node['name'] == '%(account)s@%(domain)s on %(pbx)s' % node['canonical_facts']
                assert device_type == (HG if 'hunt_group' in event['resolved_action']
                                       else SF if 'service_flag' in event['resolved_action'] else CQ)


def test_no_secret_in_results_or_nodes(recorded):
    assert record_results.SECRET not in json.dumps(recorded)
    for event in recorded['events']:
        found = json.dumps(run_query(event['resolved_action'], event['res']))
        assert record_results.SECRET not in found
        assert 'password' not in found and record_results.USERNAME not in found


# The job, as the controller counts it -------------------------------------------------------------------------------

def test_job_nodes(recorded):
    nodes = indirect_nodes(recorded['events'])
    assert set(nodes) == expected_job_nodes(recorded)
    accounts = [node['canonical_facts'].get('account') for node in nodes.values()]
    assert not NEVER & set(accounts)
    # The unreachable PBX (url https://127.0.0.1:9) appears nowhere.
    assert all(node['canonical_facts']['pbx'] != '127.0.0.1:9' for node in nodes.values())


def test_job_node_counts(recorded):
    nodes = indirect_nodes(recorded['events'])
    by_type = {}
    for node in nodes.values():
        by_type[node['facts']['device_type']] = by_type.get(node['facts']['device_type'], 0) + 1
    # Per PBX: 4 tenants, 10 hunt groups, 3 call queues, 3 service flags, with the task's invocation in the results
    # (2.19) or without (2.21): before the modules that manage one account and the _info modules returned url and
    # domain, 2.21 counted only 7 hunt groups and 2 call queues per PBX.
    assert by_type == {TENANT: 8, HG: 20, CQ: 6, SF: 6}


def test_one_node_many_events(recorded):
    """A hunt group touched by several tasks and modules is one node; every event that touched it is counted."""
    nodes = indirect_nodes(recorded['events'])
    pbx = pbx_addresses(recorded)['pbx-a']
    reception = nodes[hashable({'pbx': pbx, 'domain': 'localhost', 'account': '2000'})]
    hunt_1003 = nodes[hashable({'pbx': pbx, 'domain': 'localhost', 'account': '1003'})]
    localhost = nodes[hashable({'pbx': pbx, 'domain': 'localhost'})]
    assert reception['count'] == 3  # created, the same again, read by vodia_hunt_group_info
    assert sorted(reception['events']) == ['vodia.pbx.vodia_hunt_group_info', 'vodia.pbx.vodia_hunt_groups']
    assert sorted(hunt_1003['events']) == [
        'vodia.pbx.vodia_hunt_group', 'vodia.pbx.vodia_hunt_group_info', 'vodia.pbx.vodia_hunt_groups']
    assert localhost['count'] == 15  # every task on localhost but the refused one
    # The same tenant and account on the other PBX are other nodes.
    other = pbx_addresses(recorded)['pbx-b']
    assert hashable({'pbx': other, 'domain': 'localhost', 'account': '2000'}) in nodes


def nodes_by_host(fixture):
    """The job's nodes with each PBX named by its inventory host (the recordings ran against other ports)."""
    hosts = dict((address, host) for host, address in pbx_addresses(fixture).items())
    return sorted((hosts.get(node['canonical_facts']['pbx'], '?'), node['facts']['device_type'],
                   node['canonical_facts']['domain'], node['canonical_facts'].get('account', ''), node['count'],
                   tuple(sorted(node['events'])))
                  for node in indirect_nodes(fixture['events']).values())


def test_every_module_is_counted_without_the_invocation():
    """ansible-core 2.21 without INJECT_INVOCATION: no result holds its task's invocation, and the job's nodes, with
    the events and modules that touched each, are those of 2.19, whose results hold it."""
    with_invocation, without = (load_fixture(path) for path in FIXTURES)
    assert shows_invocation(with_invocation)
    assert not shows_invocation(without)
    assert nodes_by_host(without) == nodes_by_host(with_invocation)
    counted = set(module for node in indirect_nodes(without['events']).values() for module in node['events'])
    assert counted == set(MODULES)


def test_loop_summary_adds_no_node(recorded):
    """A loop gives an event per item and one summary event holding every item's result: the same nodes."""
    loop = [event for event in recorded['events'] if event['task'] == 'Many hunt groups - in a loop over tenants'
            and event['host'] == 'pbx-a']
    assert sorted(event['event'] for event in loop) == ['runner_item_on_ok', 'runner_item_on_ok', 'runner_on_ok']
    items = [event for event in loop if event['event'] == 'runner_item_on_ok']
    summary = [event for event in loop if event['event'] == 'runner_on_ok']
    assert set(indirect_nodes(items)) == set(indirect_nodes(summary)) and len(indirect_nodes(items)) == 4


# Results the recording does not hold --------------------------------------------------------------------------------

def recorded_result(task, host='pbx-a', path=FIXTURES[0]):
    for event in load_fixture(path)['events']:
        if event['task'] == task and event['host'] == host and event['event'] == 'runner_on_ok':
            return copy.deepcopy(event['res'])
    raise AssertionError('no result of %r' % task)


ODD_RESULTS = [
    {},  # ansible-runner and the controller empty a result of more than 700,000 bytes
    {'censored': "the output has been hidden due to the fact that 'no_log: true' was specified for this result"},
    {'changed': False, 'skipped': True, 'skip_reason': 'Conditional result was False'},
    {'unreachable': True, 'msg': 'Failed to connect', 'changed': False},
    {'changed': False, 'msg': 'url is empty', 'invocation': {'module_args': {'url': '', 'domain': 'localhost'}}},
    {'changed': False, 'msg': 'oops', 'invocation': {'module_args': {'url': 'https://pbx.example.com', 'domain': ''}}},
    {'changed': False, 'msg': 'oops', 'invocation': 'hidden'},
    {'changed': False, 'msg': 'oops', 'invocation': {'module_args': None}},
    {'results': 'not a list', 'url': 'https://pbx.example.com', 'domain': 'localhost'},
    {'results': [None, 1, 'x', {'name': None}, {'name': 5}, {'name': ''}], 'url': 'https://pbx.example.com',
     'domain': 'localhost'},
    {'results': [{'ansible_loop_var': 'item', 'skipped': True}, 'x', None], 'changed': False},
    {'hunt_group': 'x', 'call_queue': [], 'hunt_groups': {}, 'call_queues': 'y', 'url': 7, 'domain': ['localhost']},
    {'url': 'pbx.example.com', 'domain': 'localhost', 'results': [{'name': '2000', 'action': 'unchanged'}]},
    {'url': 'https://pbx.example.com', 'domain': 'localhost', 'ansible_facts': 'x', 'check_mode': True,
     'results': [{'name': '2000', 'action': 'created'}]},
    {'url': 'https://pbx.example.com', 'domain': 'localhost',
     'ansible_facts': {'vodia_pbx_planned_accounts': {'x': 1, 'https://pbx.example.com localhost': 'x'}},
     'results': [{'name': '2000', 'action': 'unchanged'}]},
]


@pytest.mark.parametrize('module', MODULES)
@pytest.mark.parametrize('res', ODD_RESULTS, ids=[str(index) for index in range(len(ODD_RESULTS))])
def test_odd_results_never_break_the_query(module, res):
    """An error in a query makes the controller drop the indirect nodes of the whole job, so a query must take any
    result: what it gives is well formed, or nothing."""
    for node in run_query(module, res):
        assert set(node['canonical_facts']) in ({'pbx', 'domain'}, {'pbx', 'domain', 'account'}), node
        assert all(isinstance(value, str) and value for value in node['canonical_facts'].values()), node
        hashable(node['canonical_facts'])


def test_odd_results_count_only_what_they_show():
    nodes = dict((index, run_query('vodia.pbx.vodia_hunt_groups', res)) for index, res in enumerate(ODD_RESULTS))
    assert [index for index, found in nodes.items() if found] == [9, 13, 14]
    assert [node['name'] for node in nodes[9]] == ['localhost on pbx.example.com']  # no account has a usable name
    assert [node['name'] for node in nodes[13]] == ['localhost on pbx.example.com']  # 2000 would only be created
    assert [node['name'] for node in nodes[14]] == ['localhost on pbx.example.com', '2000@localhost on pbx.example.com']


@pytest.mark.parametrize('url,pbx', [
    ('https://127.0.0.1:8443', '127.0.0.1:8443'),
    ('https://PBX.Example.COM', 'pbx.example.com'),
    ('https://pbx.example.com:443/', 'pbx.example.com'),
    ('http://pbx.example.com:80', 'pbx.example.com'),
    ('http://pbx.example.com:443', 'pbx.example.com:443'),
    ('https://pbx.example.com.:8443//', 'pbx.example.com:8443'),
    ('https://proxy.example.com/pbx-2/', 'proxy.example.com/pbx-2'),
    ('  https://pbx.example.com:8443  ', 'pbx.example.com:8443'),
    ('https://[2001:db8::1]:8443', '[2001:db8::1]:8443'),
    ('https://admin:Sup3r-Secret@pbx.example.com', 'pbx.example.com'),
])
def test_pbx_address(url, pbx):
    """One PBX is one pbx fact however the task spells its url, and a credential in it never reaches a node."""
    for task, module in (('Many hunt groups - create one, keep one', 'vodia.pbx.vodia_hunt_groups'),
                         ('One hunt group - create', 'vodia.pbx.vodia_hunt_group')):
        res = recorded_result(task)
        res.pop('url', None)
        res.pop('domain', None)
        res['invocation']['module_args']['url'] = url
        res['invocation']['module_args']['domain'] = 'Branch.Example.com'
        found = run_query(module, res)
        assert found and all(node['canonical_facts']['pbx'] == pbx for node in found)
        assert all(node['canonical_facts']['domain'] == 'branch.example.com' for node in found)
        assert 'Sup3r-Secret' not in json.dumps(found) and 'admin' not in json.dumps(found)


def test_result_url_wins_over_invocation():
    res = recorded_result('Many hunt groups - create one, keep one')
    res['invocation']['module_args'].update(url='https://elsewhere.example.com', domain='elsewhere.example.com')
    found = run_query('vodia.pbx.vodia_hunt_groups', res)
    assert set(node['canonical_facts']['domain'] for node in found) == {'localhost'}
    assert set(node['canonical_facts']['pbx'] for node in found) == {pbx_addresses(load_fixture(FIXTURES[0]))['pbx-a']}


def test_partial_failure_counts_what_was_written():
    """A many-accounts task that fails part way returns the accounts it converged before the failure."""
    res = recorded_result('Many hunt groups - purge without state')
    for key in ('url', 'domain', 'check_mode'):
        res.pop(key)
    res.update(changed=True, msg='PUT failed. The hunt groups before it were converged; run the task again.')
    res['results'] = res['results'][:1]
    found = run_query('vodia.pbx.vodia_hunt_groups', res)
    assert [node['canonical_facts'].get('account') for node in found] == [None, '2101']


def test_planned_accounts_of_other_tenants_still_count():
    """A check-mode task's planned accounts are per PBX and tenant: the same name planned in another tenant does not
    hide this tenant's account."""
    res = recorded_result('One hunt group - check mode create')
    res['ansible_facts']['vodia_pbx_planned_accounts'] = {'https://127.0.0.1:1 localhost': [res['hunt_group']['name']]}
    found = run_query('vodia.pbx.vodia_hunt_group', res)
    assert [node['canonical_facts'].get('account') for node in found] == [None, res['hunt_group']['name']]


def test_a_result_without_url_and_domain_is_counted_from_its_invocation():
    """Results of an earlier vodia.pbx, whose modules that manage one account and whose _info modules did not return
    url and domain, are counted from the invocation where the result holds it, and give no node where it does not."""
    res = recorded_result('Hunt group info - all')
    assert (res.pop('url'), res.pop('domain')) == (res['invocation']['module_args']['url'], 'localhost')
    assert len(run_query('vodia.pbx.vodia_hunt_group_info', res)) == 4
    del res['invocation']
    assert run_query('vodia.pbx.vodia_hunt_group_info', res) == []


# The modules as they are now ----------------------------------------------------------------------------------------

def test_fresh_results_give_the_recorded_nodes(tmp_path):
    """Record the play again with the collection as it is now (ansible-core of this venv) and expect the nodes the
    committed recording of the same core gives."""
    collections_path = os.environ.get('VODIA_COLLECTIONS_PATH')
    if not collections_path or not os.path.isdir(os.path.join(collections_path, 'ansible_collections', 'vodia', 'pbx')):
        pytest.fail('set VODIA_COLLECTIONS_PATH to a directory that holds ansible_collections/vodia/pbx '
                    '(tests/tools/collection_tree.sh DIR makes one)')
    fresh = record_results.record(collections_path, os.path.dirname(sys.executable), str(tmp_path))
    minor = '.'.join(fresh['ansible_core'].split('.')[:2])
    committed_path = os.path.join(HERE, 'fixtures', 'core-%s.json' % minor)
    assert os.path.exists(committed_path), 'no recording of ansible-core %s' % minor
    committed = load_fixture(committed_path)

    assert nodes_by_host(fresh) == nodes_by_host(committed)
    assert set(indirect_nodes(fresh['events'])) == expected_job_nodes(fresh)
    assert sorted((event['task'], event['host'], event['event']) for event in fresh['events']) == \
        sorted((event['task'], event['host'], event['event']) for event in committed['events'])
