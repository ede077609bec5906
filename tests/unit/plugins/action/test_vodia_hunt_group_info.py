# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The action plugin vodia.pbx.vodia_hunt_group_info, in the controller process against the fake PBX."""

from __future__ import annotations

from ansible_collections.vodia.pbx.plugins.action.vodia_hunt_group_info import ActionModule
from ansible_collections.vodia.pbx.plugins.module_utils.argument_specs import account_info_spec
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import HUNT_GROUP
from ansible_collections.vodia.pbx.plugins.module_utils.operations import read_accounts
from ansible_collections.vodia.pbx.plugins.plugin_utils import action_adapter

from ansible_collections.vodia.pbx.tests.unit.plugins.conftest import run_action

ACTION = 'vodia.pbx.vodia_hunt_group_info'


def run(args, **surroundings):
    return run_action(ActionModule, ACTION, args, **surroundings)


def test_the_plugin_runs_the_module_s_operation_with_the_module_s_spec():
    assert ActionModule.argument_spec() == account_info_spec(HUNT_GROUP)
    assert (ActionModule.operation.func, ActionModule.operation.args, ActionModule.operation.keywords) == (read_accounts, (HUNT_GROUP,), {})


def test_the_hunt_groups_are_read_in_process(pbx):
    result = run({})
    assert result['changed'] is False
    assert [group['name'] for group in result['hunt_groups']] == ['1002']
    assert pbx.writes == []


def test_the_result_names_the_pbx_and_the_tenant_without_an_invocation(pbx, monkeypatch):
    """As on ansible-core 2.21 without INJECT_INVOCATION: the audit queries read the PBX and tenant from the result."""
    monkeypatch.setattr(action_adapter, 'shows_invocation', lambda task_vars: False)
    result = run({'name': '1002'})
    assert 'invocation' not in result
    assert (result['url'], result['domain']) == (pbx.describe(), 'localhost')


def test_one_hunt_group_is_read_by_name_in_check_mode_too(pbx):
    assert [group['display_name'] for group in run({'name': '1002'}, check_mode=True)['hunt_groups']] == ['Hunt']


def test_a_parallelism_out_of_range_fails_before_any_request(pbx):
    result = run({'parallel': 0})
    assert result['failed'] and 'parallel must be between 1 and 16' in result['msg']
    assert pbx.requests == []


def test_unsupported_parameters_name_the_module(pbx):
    assert run({'state': 'present'})['msg'].startswith('Unsupported parameters for (vodia.pbx.vodia_hunt_group_info) module: state.')


def test_become_runs_the_module(pbx):
    assert run({}, become=True) == {'changed': False, 'ran_as': 'module'}
    assert pbx.requests == []
