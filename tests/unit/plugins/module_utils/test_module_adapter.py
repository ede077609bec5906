# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""run_module inside a real AnsibleModule, with a recording operation and the fake PBX."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from ansible_collections.vodia.pbx.plugins.module_utils import module_adapter
from ansible_collections.vodia.pbx.plugins.module_utils.argument_specs import account_info_spec
from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaApiError
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import HUNT_GROUP
from ansible_collections.vodia.pbx.plugins.module_utils.module_adapter import run_module
from ansible_collections.vodia.pbx.plugins.module_utils.runner import Report, RunMode

from ansible_collections.vodia.pbx.tests.unit.plugins.conftest import CONNECTION, PASSWORD, RecordingOperation

TASK = dict(CONNECTION, domain='localhost')


def hunt_group_info_spec():
    return account_info_spec(HUNT_GROUP)


def module_running(operation):
    """A module file, as plugins/modules/ has them: main() runs run_module with a spec and an operation."""
    return SimpleNamespace(main=lambda: run_module(hunt_group_info_spec(), operation))


def test_the_operation_gets_the_validated_parameters_and_a_transport(run_main, pbx):
    operation = RecordingOperation({'changed': False, 'hunt_groups': []})
    run = run_main(module_running(operation), dict(TASK, timeout='12'))
    assert not run.failed
    assert run.result['hunt_groups'] == []
    [(params, mode, transport)] = operation.calls
    assert params['timeout'] == 12 and params['parallel'] == 4 and params['name'] is None
    assert mode == RunMode()
    assert transport is pbx
    assert pbx.closed


@pytest.mark.parametrize('check_mode, diff', [(False, False), (True, False), (False, True), (True, True)])
def test_check_mode_and_diff_mode_reach_the_operation(run_main, pbx, check_mode, diff):
    operation = RecordingOperation()
    run_main(module_running(operation), TASK, check_mode=check_mode, diff=diff)
    assert operation.calls[0][1] == RunMode(check_mode=check_mode, diff_mode=diff)


def test_the_password_is_masked_in_the_invocation(run_main, pbx):
    run = run_main(module_running(RecordingOperation()), TASK)
    assert 'Unit-Test-Secret-4711' not in str(run.result)
    # ansible-core 2.21 returns the invocation only when the caller asks for it; where it is returned, it is masked.
    if 'invocation' in run.result:
        assert run.result['invocation']['module_args']['password'] == 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'


def test_a_failed_operation_fails_the_task_with_the_request_facts(run_main, pbx):
    error = VodiaApiError('GET /rest/x failed with HTTP 500.', 'GET', '/rest/x', 500, 'boom')
    run = run_main(module_running(RecordingOperation(error=error)), TASK)
    assert run.failed
    assert run.result['failed'] is True
    assert run.result['msg'] == 'GET /rest/x failed with HTTP 500.'
    assert (run.result['method'], run.result['path'], run.result['status'], run.result['response']) == ('GET', '/rest/x', 500, 'boom')
    assert run.result['changed'] is False


def test_a_failure_after_a_write_reports_changed(run_main, pbx):
    run = run_main(module_running(RecordingOperation(error=VodiaApiError('HTTP 500'), write_first=True)), TASK)
    assert run.failed
    assert run.result['changed'] is True


def test_the_password_never_appears_in_a_failure(run_main, pbx):
    error = VodiaApiError('The PBX answered %s.' % PASSWORD, 'GET', '/rest/x', 401, 'echo: %s' % PASSWORD)
    run = run_main(module_running(RecordingOperation(error=error)), TASK)
    assert run.failed
    assert run.result['response'] == 'echo: ********'


def test_warnings_about_the_settings_reach_the_task(run_main, pbx):
    run = run_main(module_running(RecordingOperation()), dict(TASK, url='http://pbx.example.com'))
    assert not run.failed
    assert run.warnings == ['url http://pbx.example.com uses http: the PBX password crosses the network unencrypted. Use https.']


def test_the_operation_s_warnings_reach_the_task_after_those_about_the_settings(run_main, pbx):
    run = run_main(module_running(RecordingOperation(warnings=['from the PBX'])), dict(TASK, url='http://pbx.example.com'))
    assert not run.failed
    assert len(run.warnings) == 2
    assert 'unencrypted' in run.warnings[0] and run.warnings[1] == 'from the PBX'


def test_retries_reach_the_task_result(run_main, pbx):
    def operation(params, mode, transport):
        pbx.fail_with('POST', '/rest/domain/localhost/addacc', 503)
        transport.create('/rest/domain/localhost/addacc', {'type': 'hunts', 'account': '1005'}, created=lambda: False)
        return Report({'changed': True})

    run = run_main(SimpleNamespace(main=lambda: run_module(hunt_group_info_spec(), operation)), TASK)
    assert run.result['http_retries'] == [{'method': 'POST', 'path': '/rest/domain/localhost/addacc', 'reason': 'HTTP 503',
                                           'attempt': 1, 'wait_seconds': 0.0}]


def test_without_requests_the_task_fails_with_the_usual_hint_before_the_operation(run_main, pbx, monkeypatch):
    monkeypatch.setattr(module_adapter, 'HAS_REQUESTS', False)
    monkeypatch.setattr(module_adapter, 'REQUESTS_IMPORT_ERROR', ImportError('No module named requests'))
    operation = RecordingOperation()
    run = run_main(module_running(operation), TASK)
    assert run.failed
    assert 'Failed to import the required Python library (requests)' in run.result['msg']
    assert operation.calls == []
    assert pbx.opened_with is None


def test_unsupported_parameters_fail_the_task_as_ansible_says_it(run_main, pbx):
    operation = RecordingOperation()
    run = run_main(module_running(operation), dict(TASK, bogus=1), module_name='vodia.pbx.vodia_hunt_group_info')
    assert run.failed
    assert run.result['msg'].startswith('Unsupported parameters for (vodia.pbx.vodia_hunt_group_info) module: bogus.')
    assert operation.calls == []
