# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The action plugin vodia.pbx.vodia_hunt_groups, in the controller process against the fake PBX."""

from __future__ import annotations

from ansible_collections.vodia.pbx.plugins.action.vodia_hunt_groups import ActionModule
from ansible_collections.vodia.pbx.plugins.module_utils.argument_specs import accounts_spec
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import HUNT_GROUP
from ansible_collections.vodia.pbx.plugins.module_utils.operations import manage_many

from ansible_collections.vodia.pbx.tests.unit.plugins.conftest import run_action

ACTION = 'vodia.pbx.vodia_hunt_groups'


def run(args, **surroundings):
    return run_action(ActionModule, ACTION, args, **surroundings)


def test_the_plugin_runs_the_module_s_operation_with_the_module_s_spec():
    assert ActionModule.argument_spec() == accounts_spec(HUNT_GROUP)
    assert (ActionModule.operation.func, ActionModule.operation.args, ActionModule.operation.keywords) == (manage_many, (HUNT_GROUP,), {})


def test_the_hunt_groups_are_converged_in_process_with_a_diff_each(pbx):
    result = run({'hunt_groups': [{'name': '1002', 'display_name': 'Main'}, {'name': '1005'}]}, diff=True)
    assert [(item['name'], item['action']) for item in result['results']] == [('1002', 'updated'), ('1005', 'created')]
    assert [entry['before_header'] for entry in result['diff']] == ['hunt group 1002', 'hunt group 1005']


def test_check_mode_with_purge_writes_nothing(pbx):
    result = run({'hunt_groups': [{'name': '1005'}], 'purge': True}, check_mode=True)
    assert [(item['name'], item['action']) for item in result['results']] == [('1005', 'created'), ('1002', 'deleted')]
    assert pbx.writes == []


def test_a_failure_midway_reports_the_progress_and_changed(pbx):
    pbx.fail_with('POST', '/rest/domain/localhost/user_settings/1006', 500)
    result = run({'hunt_groups': [{'name': '1002', 'display_name': 'Again'}, {'name': '1006', 'display_name': 'Broken'}]})
    assert result['failed'] and result['changed']
    assert [item['action'] for item in result['results']] == ['updated']


def test_item_options_are_validated_like_the_module_does(pbx):
    result = run({'hunt_groups': [{'name': '1002', 'colour': 'red'}]})
    assert result['failed']
    assert "Unsupported parameters for (vodia.pbx.vodia_hunt_groups) module: hunt_groups.colour." in result['msg']
    assert pbx.requests == []


def test_an_async_task_runs_the_module(pbx):
    assert run({'hunt_groups': []}, async_val=30) == {'changed': False, 'ran_as': 'module'}
    assert pbx.requests == []
