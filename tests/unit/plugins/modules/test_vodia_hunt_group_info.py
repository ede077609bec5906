# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The module vodia.pbx.vodia_hunt_group_info: main() through AnsibleModule against the fake PBX."""

from __future__ import annotations

import pytest

from ansible_collections.vodia.pbx.plugins.modules import vodia_hunt_group_info

from ansible_collections.vodia.pbx.tests.unit.plugins.conftest import CONNECTION


def task(**given):
    return dict(CONNECTION, domain='localhost', **given)


def test_info_returns_every_hunt_group_without_change(run_main, pbx):
    run = run_main(vodia_hunt_group_info, task())
    assert not run.failed
    assert [group['name'] for group in run.result['hunt_groups']] == ['1002']
    assert run.result['hunt_groups'][0]['settings'] == pbx.accounts['localhost']['1002']['settings']
    assert run.result['changed'] is False
    assert pbx.writes == []


def test_the_result_names_the_pbx_and_the_tenant(run_main, pbx):
    """Also on ansible-core 2.21, whose results hold no invocation unless asked for."""
    run = run_main(vodia_hunt_group_info, task(name='1002'))
    assert (run.result['url'], run.result['domain']) == (pbx.describe(), 'localhost')


def test_info_returns_one_hunt_group_by_name(run_main, pbx):
    assert run_main(vodia_hunt_group_info, task(name='1002')).result['hunt_groups'][0]['display_name'] == 'Hunt'


def test_info_returns_nothing_for_an_account_that_is_not_a_hunt_group(run_main, pbx):
    assert run_main(vodia_hunt_group_info, task(name='444')).result['hunt_groups'] == []


def test_info_runs_in_check_mode_too(run_main, pbx):
    run = run_main(vodia_hunt_group_info, task(), check_mode=True)
    assert not run.failed and [group['name'] for group in run.result['hunt_groups']] == ['1002']


@pytest.mark.parametrize('args', [{'parallel': 0}, {'parallel': 17}, {'name': 'a/b'}, {'retries': 11}])
def test_limits_fail_before_any_request(run_main, pbx, args):
    run = run_main(vodia_hunt_group_info, task(**args))
    assert run.failed
    assert pbx.requests == []


def test_a_missing_domain_fails_with_the_request_facts(run_main, pbx):
    run = run_main(vodia_hunt_group_info, dict(task(), domain='nowhere'))
    assert run.failed
    assert run.result['status'] == 404
    assert 'nowhere' in run.result['path']
