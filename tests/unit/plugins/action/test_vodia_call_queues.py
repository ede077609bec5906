# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The call queue action plugins, in the controller process against the fake PBX."""

from __future__ import annotations

from unittest.mock import MagicMock

import pytest

from ansible_collections.vodia.pbx.plugins.action import vodia_call_queue, vodia_call_queue_info, vodia_call_queues, vodia_hunt_group
from ansible_collections.vodia.pbx.plugins.module_utils.argument_specs import account_info_spec, account_spec, accounts_spec
from ansible_collections.vodia.pbx.plugins.module_utils.call_queue import CALL_QUEUE
from ansible_collections.vodia.pbx.plugins.module_utils.operations import manage_many, manage_one, read_accounts
from ansible_collections.vodia.pbx.plugins.plugin_utils import action_adapter
from ansible_collections.vodia.pbx.plugins.plugin_utils.action_adapter import run_identity

from ansible_collections.vodia.pbx.tests.unit.plugins.conftest import CONNECTION, NEW_HUNT_GROUP_SETTINGS, make_action, run_action


@pytest.mark.parametrize('plugin, spec, operation', [
    (vodia_call_queue, account_spec, manage_one),
    (vodia_call_queue_info, account_info_spec, read_accounts),
    (vodia_call_queues, accounts_spec, manage_many),
], ids=['vodia_call_queue', 'vodia_call_queue_info', 'vodia_call_queues'])
def test_each_plugin_runs_the_operation_of_its_shape_for_call_queues(plugin, spec, operation):
    action = plugin.ActionModule
    assert action.argument_spec() == spec(CALL_QUEUE)
    assert (action.operation.func, action.operation.args, action.operation.keywords) == (operation, (CALL_QUEUE,), {})


def test_a_call_queue_is_created_in_process(pbx):
    result = run_action(vodia_call_queue.ActionModule, 'vodia.pbx.vodia_call_queue',
                        {'name': '3000', 'display_name': 'Support', 'agents': ['444']}, diff=True)
    assert result['changed'] and result['call_queue']['agents'] == ['444']
    assert result['diff']['before'] == {}
    assert pbx.accounts['localhost']['3000']['type'] == 'acds'


def test_the_call_queues_are_read_in_process(pbx):
    pbx.add('3000', 'acds', display='Support')
    result = run_action(vodia_call_queue_info.ActionModule, 'vodia.pbx.vodia_call_queue_info', {})
    assert [item['display_name'] for item in result['call_queues']] == ['Support']


@pytest.mark.parametrize('plugin, args, account', [
    (vodia_call_queue, {'name': '3000', 'state': 'absent'}, {'name': '3000', 'call_queue': {}}),
    (vodia_call_queue_info, {'name': '3000'}, {}),
], ids=['vodia_call_queue', 'vodia_call_queue_info'])
def test_the_result_names_the_pbx_and_the_tenant_without_an_invocation(pbx, monkeypatch, plugin, args, account):
    """As on ansible-core 2.21 without INJECT_INVOCATION: the audit queries read the PBX, the tenant and, after a
    deletion (an empty call_queue), the account from the result."""
    pbx.add('3000', 'acds', display='Support')
    monkeypatch.setattr(action_adapter, 'shows_invocation', lambda task_vars: False)
    result = run_action(plugin.ActionModule, 'vodia.pbx.' + plugin.__name__.rsplit('.', 1)[1], args)
    assert 'invocation' not in result and 'failed' not in result
    assert (result['url'], result['domain']) == (pbx.describe(), 'localhost')
    assert dict((key, result[key]) for key in account) == account


def test_call_queues_are_converged_in_process_and_a_missing_agent_fails_before_any_write(pbx):
    result = run_action(vodia_call_queues.ActionModule, 'vodia.pbx.vodia_call_queues',
                        {'call_queues': [{'name': '3000', 'agents': ['444']}, {'name': '3001', 'agents': ['4444']}]})
    assert result['failed'] and not result['changed']
    assert 'Call queue 3001: agents names 4444' in result['msg']
    assert [(problem['holder'], problem['value']) for problem in result['reference_problems']] == [('3001', '4444')]
    assert pbx.writes == []


def test_a_check_mode_play_counts_the_queue_an_earlier_task_would_create(pbx):
    """Task 1 would create call queue 3000; task 2, a hunt group ending in it, passes in the same check-mode run."""
    pbx.accounts['localhost']['1002']['settings'] = dict(NEW_HUNT_GROUP_SETTINGS, display='Hunt', alias=['1002'])
    args = dict(CONNECTION, domain='localhost', name='3000')
    first = make_action(vodia_call_queue.ActionModule, args, action='vodia.pbx.vodia_call_queue', check_mode=True)
    facts = first.run(task_vars={})['ansible_facts']
    # With the mark of the run they belong to (action_adapter.RUN_FACT), so that a fact cache cannot carry them on.
    assert facts == {'vodia_pbx_planned_accounts': {'http://fake-pbx localhost': ['3000']},
                     'vodia_pbx_check_run': run_identity()}
    args = dict(CONNECTION, domain='localhost', name='1002', final_destinations=['3000'])
    second = make_action(vodia_hunt_group.ActionModule, args, check_mode=True)
    result = second.run(task_vars=dict(facts))
    assert 'failed' not in result and result['changed']
    assert pbx.writes == []
    # Without the fact, the same task fails: nothing tells it that 3000 will exist.
    alone = make_action(vodia_hunt_group.ActionModule, args, check_mode=True)
    alone._execute_module = MagicMock(name='_execute_module')
    assert alone.run(task_vars={})['failed']
