# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The module vodia.pbx.vodia_hunt_groups: main() through AnsibleModule against the fake PBX."""

from __future__ import annotations

import pytest

from ansible_collections.vodia.pbx.plugins.modules import vodia_hunt_groups

from ansible_collections.vodia.pbx.tests.unit.plugins.conftest import CONNECTION


def task(hunt_groups, **given):
    return dict(CONNECTION, domain='localhost', hunt_groups=hunt_groups, **given)


def test_every_hunt_group_is_reported_with_its_diff(run_main, pbx):
    run = run_main(vodia_hunt_groups, task([{'name': '1002', 'display_name': 'Main'}, {'name': '1005', 'display_name': 'New'}]),
                   diff=True)
    assert not run.failed and run.result['changed']
    assert [(item['name'], item['action']) for item in run.result['results']] == [('1002', 'updated'), ('1005', 'created')]
    assert [group['display_name'] for group in run.result['hunt_groups']] == ['Main', 'New']
    assert [entry['before_header'] for entry in run.result['diff']] == ['hunt group 1002', 'hunt group 1005']


def test_a_failure_midway_reports_the_progress_and_changed(run_main, pbx):
    pbx.fail_with('POST', '/rest/domain/localhost/user_settings/1006', 500)
    run = run_main(vodia_hunt_groups, task([{'name': '1002', 'display_name': 'Again'}, {'name': '1006', 'display_name': 'Broken'}]))
    assert run.failed and run.result['changed']
    assert run.result['msg'].startswith('Hunt group 1006: ')
    assert [item['action'] for item in run.result['results']] == ['updated']
    assert run.result['status'] == 500


def test_check_mode_with_purge_writes_nothing(run_main, pbx):
    pbx.accounts['localhost']['1003'] = {'type': 'hunts', 'settings': {'display': 'Old', 'alias': ['1003']}}
    run = run_main(vodia_hunt_groups, task([{'name': '1002'}], purge=True), check_mode=True)
    assert run.result['changed']
    assert [(item['name'], item['action']) for item in run.result['results']] == [('1002', 'unchanged'), ('1003', 'deleted')]
    assert pbx.writes == []


@pytest.mark.parametrize('args', [
    {'hunt_groups': [{'name': '1002'}], 'parallel': 0},
    {'hunt_groups': [{'name': '1002'}], 'parallel': 17},
    {'hunt_groups': [], 'purge': True},
    {'hunt_groups': [{'name': '1002'}, {'name': '1002'}]},
    {'hunt_groups': [{'name': '1002', 'stages': [{'extensions': ['1'], 'duration': -1}]}]},
    {'hunt_groups': [{'name': '1002', 'state': 'gone'}]},
    {'hunt_groups': [{'name': '1002', 'colour': 'red'}]},
])
def test_bad_input_fails_before_any_request(run_main, pbx, args):
    run = run_main(vodia_hunt_groups, dict(task(**args)))
    assert run.failed
    assert pbx.requests == []
