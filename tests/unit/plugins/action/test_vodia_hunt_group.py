# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The action plugin vodia.pbx.vodia_hunt_group, in the controller process against the fake PBX."""

from __future__ import annotations

from ansible_collections.vodia.pbx.plugins.action.vodia_hunt_group import ActionModule
from ansible_collections.vodia.pbx.plugins.module_utils.argument_specs import account_spec
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import HUNT_GROUP
from ansible_collections.vodia.pbx.plugins.module_utils.operations import manage_one
from ansible_collections.vodia.pbx.plugins.plugin_utils import action_adapter

from ansible_collections.vodia.pbx.tests.unit.plugins.conftest import run_action

ACTION = 'vodia.pbx.vodia_hunt_group'


def run(args, **surroundings):
    return run_action(ActionModule, ACTION, args, **surroundings)


def test_the_plugin_runs_the_module_s_operation_with_the_module_s_spec():
    assert ActionModule.argument_spec() == account_spec(HUNT_GROUP)
    assert (ActionModule.operation.func, ActionModule.operation.args, ActionModule.operation.keywords) == (manage_one, (HUNT_GROUP,), {})


def test_a_hunt_group_is_created_in_process_with_its_diff(pbx):
    result = run({'name': '1005', 'display_name': 'Support'}, diff=True)
    assert result['changed']
    assert result['hunt_group']['display_name'] == 'Support'
    assert result['diff']['before'] == {}
    assert '1005' in pbx.accounts['localhost']


def test_the_result_names_the_pbx_the_tenant_and_the_account_without_an_invocation(pbx, monkeypatch):
    """As on ansible-core 2.21 without INJECT_INVOCATION: the audit queries read the PBX, the tenant and, after a
    deletion (an empty hunt_group), the account from the result."""
    monkeypatch.setattr(action_adapter, 'shows_invocation', lambda task_vars: False)
    result = run({'name': '1002', 'state': 'absent'})
    assert 'invocation' not in result and result['changed']
    assert (result['url'], result['domain'], result['name'], result['hunt_group']) == (pbx.describe(), 'localhost', '1002', {})


def test_check_mode_writes_nothing(pbx):
    result = run({'name': '1002', 'display_name': 'Sales'}, check_mode=True)
    assert result['changed'] and result['hunt_group']['display_name'] == 'Sales'
    assert pbx.writes == []


def test_a_failure_after_a_write_reports_changed(pbx):
    pbx.fail_with('POST', '/rest/domain/localhost/user_settings/1005', 500)
    result = run({'name': '1005', 'display_name': 'New'})
    assert result['failed'] and result['changed']
    assert 'run the task again' in result['msg']


def test_an_account_of_another_type_fails_without_a_write(pbx):
    result = run({'name': '444', 'display_name': 'x'})
    assert result['failed'] and not result['changed']
    assert pbx.writes == []


def test_unsupported_parameters_name_the_module(pbx):
    result = run({'name': '1002', 'colour': 'red'})
    assert result['msg'].startswith('Unsupported parameters for (vodia.pbx.vodia_hunt_group) module: colour.')
    assert pbx.requests == []


def test_a_task_delegated_over_ssh_runs_the_module(pbx):
    assert run({'name': '1002'}, connection_type='ssh') == {'changed': False, 'ran_as': 'module'}
    assert pbx.requests == []
