# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The module vodia.pbx.vodia_hunt_group: main() through AnsibleModule against the fake PBX."""

from __future__ import annotations

import pytest

from ansible_collections.vodia.pbx.plugins.modules import vodia_hunt_group

from ansible_collections.vodia.pbx.tests.unit.plugins.conftest import BAD_HUNT_GROUP_INPUT, CONNECTION

SETTINGS_1005 = '/rest/domain/localhost/user_settings/1005'


def task(**given):
    return dict(CONNECTION, domain='localhost', **given)


def test_a_create_returns_the_hunt_group_and_a_full_diff(run_main, pbx):
    run = run_main(vodia_hunt_group, task(name='1005', display_name='Support', stages=[{'extensions': ['444'], 'duration': 10}]),
                   diff=True)
    assert not run.failed and run.result['changed']
    assert run.result['hunt_group']['stages'] == [{'extensions': ['444'], 'duration': 10}]
    assert run.result['diff']['before'] == {}
    assert run.result['diff']['after'] == run.result['hunt_group']
    assert '1005' in pbx.accounts['localhost']


def test_a_second_identical_run_is_unchanged_without_writes(run_main, pbx):
    args = task(name='1005', display_name='Support', record_calls=True)
    run_main(vodia_hunt_group, args)
    writes = len(pbx.writes)
    assert not run_main(vodia_hunt_group, args).result['changed']
    assert len(pbx.writes) == writes


def test_the_result_names_the_pbx_the_tenant_and_the_account(run_main, pbx):
    """Also after a deletion, and on ansible-core 2.21, whose results hold no invocation unless asked for."""
    run = run_main(vodia_hunt_group, task(name='1002', state='absent'))
    assert not run.failed and run.result['changed']
    assert (run.result['url'], run.result['domain'], run.result['name'], run.result['hunt_group']) == (
        pbx.describe(), 'localhost', '1002', {})


def test_there_is_no_diff_without_diff_mode(run_main, pbx):
    assert 'diff' not in run_main(vodia_hunt_group, task(name='1002')).result


def test_check_mode_reports_the_change_and_writes_nothing(run_main, pbx):
    run = run_main(vodia_hunt_group, task(name='1002', display_name='Sales'), check_mode=True, diff=True)
    assert run.result['changed']
    assert run.result['diff']['after']['display_name'] == 'Sales'
    assert pbx.writes == []


def test_absent_deletes_the_hunt_group(run_main, pbx):
    run = run_main(vodia_hunt_group, task(name='1002', state='absent'))
    assert run.result['changed'] and run.result['hunt_group'] == {}
    assert '1002' not in pbx.accounts['localhost']


@pytest.mark.parametrize('args, message', BAD_HUNT_GROUP_INPUT + [
    ({'url': 'ftp://pbx'}, 'https://'),
    ({'timeout': 0}, 'timeout must be at least 1 second'),
    ({'retries': 11}, 'retries must be between 0 and 10'),
    ({'ca_path': '/nonexistent/pbx-ca.pem'}, 'ca_path /nonexistent/pbx-ca.pem is not a readable file'),
])
def test_bad_input_fails_before_any_request(run_main, pbx, args, message):
    run = run_main(vodia_hunt_group, dict(task(name='1005'), **args))
    assert run.failed
    assert message in run.result['msg']
    assert run.result['changed'] is False
    assert pbx.requests == []


def test_an_extension_name_fails_and_nothing_is_written(run_main, pbx):
    run = run_main(vodia_hunt_group, task(name='444', display_name='x'))
    assert run.failed and 'not a hunt group' in run.result['msg']
    assert pbx.writes == []


def test_a_failed_request_fails_with_its_facts(run_main, pbx):
    run = run_main(vodia_hunt_group, dict(task(name='1002'), domain='nowhere'))
    assert run.failed
    assert (run.result['method'], run.result['path'], run.result['status']) == ('GET', '/rest/domain/nowhere/hunts', 404)


def test_a_failure_after_a_write_reports_changed(run_main, pbx):
    pbx.fail_with('POST', SETTINGS_1005, 500)
    run = run_main(vodia_hunt_group, task(name='1005', display_name='New'))
    assert run.failed and run.result['changed']
    assert 'run the task again' in run.result['msg']


def test_an_http_url_warns(run_main, pbx):
    run = run_main(vodia_hunt_group, dict(task(name='1002'), url='http://pbx.example.com'))
    assert not run.failed
    assert any('unencrypted' in warning for warning in run.warnings)


def test_the_connection_may_come_from_the_environment(run_main, pbx, monkeypatch):
    monkeypatch.setenv('VODIA_URL', 'https://env-pbx.example.com:8443/')
    monkeypatch.setenv('VODIA_USERNAME', 'env-admin')
    monkeypatch.setenv('VODIA_PASSWORD', CONNECTION['password'])
    monkeypatch.setenv('VODIA_RETRIES', '1')
    run = run_main(vodia_hunt_group, {'domain': 'localhost', 'name': '1002'})
    assert not run.failed
    assert (pbx.opened_with['base_url'], pbx.opened_with['username'], pbx.opened_with['retries']) == (
        'https://env-pbx.example.com:8443', 'env-admin', 1)


def test_the_password_is_masked_in_the_invocation(run_main, pbx):
    run = run_main(vodia_hunt_group, task(name='1002'))
    assert 'Unit-Test-Secret-4711' not in str(run.result)
    # ansible-core 2.21 returns the invocation only when the caller asks for it; where it is returned, it is masked.
    if 'invocation' in run.result:
        assert run.result['invocation']['module_args']['password'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


def test_unsupported_parameters_fail_before_any_request(run_main, pbx):
    run = run_main(vodia_hunt_group, task(name='1002', color='red'), module_name='vodia.pbx.vodia_hunt_group')
    assert run.failed
    assert run.result['msg'].startswith('Unsupported parameters for (vodia.pbx.vodia_hunt_group) module: color.')
    assert pbx.requests == []
