# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The call queue modules: main() through AnsibleModule against the fake PBX."""

from __future__ import annotations

import pytest

from ansible_collections.vodia.pbx.plugins.modules import vodia_call_queue, vodia_call_queue_info, vodia_call_queues

from ansible_collections.vodia.pbx.tests.unit.plugins.conftest import CONNECTION


def task(**given):
    return dict(CONNECTION, domain='localhost', **given)


def test_a_call_queue_is_created_updated_and_left_alone(run_main, pbx):
    args = task(name='3000', display_name='Support', agents=['444'], escalation_time=20)
    run = run_main(vodia_call_queue, args, diff=True)
    assert not run.failed and run.result['changed']
    assert run.result['call_queue']['escalation_time'] == 20
    assert run.result['diff']['after'] == run.result['call_queue']
    assert pbx.accounts['localhost']['3000']['settings']['esctime'] == '20'
    assert not run_main(vodia_call_queue, args).result['changed']
    assert run_main(vodia_call_queue, dict(args, agents=['444', '445']), check_mode=True).result['changed']


@pytest.mark.parametrize('module, given, account', [
    (vodia_call_queue, {'state': 'absent'}, {'name': '3000', 'call_queue': {}}),
    (vodia_call_queue_info, {}, {}),
], ids=['vodia_call_queue', 'vodia_call_queue_info'])
def test_the_result_names_the_pbx_and_the_tenant(run_main, pbx, module, given, account):
    """Also after a deletion (the account by name), and on ansible-core 2.21, whose results hold no invocation unless
    asked for."""
    pbx.add('3000', 'acds', display='Support')
    run = run_main(module, task(name='3000', **given))
    assert not run.failed
    assert (run.result['url'], run.result['domain']) == (pbx.describe(), 'localhost')
    assert dict((key, run.result[key]) for key in account) == account


def test_a_missing_agent_fails_with_the_problems_as_data(run_main, pbx):
    run = run_main(vodia_call_queue, task(name='3000', agents=['4444']))
    assert run.failed and run.result['changed'] is False
    assert 'agents names 4444' in run.result['msg'] and 'Did you mean 444?' in run.result['msg']
    assert run.result['reference_problems'][0]['value'] == '4444'
    assert pbx.writes == []


def test_reference_check_warn_writes_and_warns(run_main, pbx):
    run = run_main(vodia_call_queue, task(name='3000', agents=['4444'], reference_check='warn'))
    assert not run.failed and run.result['changed']
    assert any('agents names 4444' in warning for warning in run.warnings)


def test_check_mode_returns_the_queue_it_would_create_as_a_fact(run_main, pbx):
    run = run_main(vodia_call_queue, task(name='3000'), check_mode=True)
    assert run.result['ansible_facts'] == {'vodia_pbx_planned_accounts': {'http://fake-pbx localhost': ['3000']}}
    assert pbx.writes == []


def test_the_info_module_reads_only_call_queues(run_main, pbx):
    pbx.add('3000', 'acds', display='Support', agents='444 445')
    run = run_main(vodia_call_queue_info, task())
    assert [(item['name'], item['agents']) for item in run.result['call_queues']] == [('3000', ['444', '445'])]


def test_the_bulk_module_converges_and_purges_call_queues(run_main, pbx):
    pbx.add('3001', 'acds')
    run = run_main(vodia_call_queues, task(call_queues=[{'name': '3000', 'display_name': 'Support'}], purge=True))
    assert not run.failed
    assert [(item['name'], item['action']) for item in run.result['results']] == [('3000', 'created'), ('3001', 'deleted')]
    assert set(pbx.accounts['localhost']) == {'1002', '444', '3000'}
