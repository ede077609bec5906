# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.vodia.pbx.plugins.module_utils.errors import (
    PartialConvergeError,
    VodiaApiError,
    VodiaInputError,
    VodiaReferenceError,
    WrongKindError,
)
from ansible_collections.vodia.pbx.plugins.module_utils.runner import Report, RunMode, TaskOutcome, run_operation
from ansible_collections.vodia.pbx.plugins.module_utils.transport import RetryRecord

from ansible_collections.vodia.pbx.tests.unit.plugins.conftest import PASSWORD

PARAMS = dict(url='https://pbx.example.com/', username='admin', password=PASSWORD, validate_certs=True, ca_path=None,
              timeout=30, retries=3, domain='localhost')


def params(**given):
    return dict(PARAMS, **given)


def test_the_operation_gets_the_parameters_the_mode_and_a_transport_to_the_pbx_they_name(pbx):
    calls = []

    def operation(task_params, mode, transport):
        calls.append((task_params, mode, transport))
        return Report({'changed': False, 'answer': 42})

    outcome = run_operation(operation, params(timeout=7, retries=2), RunMode(check_mode=True, diff_mode=True))
    assert outcome == TaskOutcome({'changed': False, 'answer': 42})
    assert calls == [(params(timeout=7, retries=2), RunMode(check_mode=True, diff_mode=True), pbx)]
    assert pbx.opened_with == {'base_url': 'https://pbx.example.com', 'username': 'admin', 'password': PASSWORD,
                               'verify': True, 'timeout': 7, 'retries': 2, 'request_slots': None}


def test_the_transport_is_closed_after_the_operation(pbx):
    run_operation(lambda *args: Report({'changed': False}), params(), RunMode())
    assert pbx.closed


def test_the_transport_is_closed_even_when_the_operation_breaks(pbx):
    def broken(*args):
        raise KeyError('a bug, not a PBX failure')

    with pytest.raises(KeyError):
        run_operation(broken, params(), RunMode())
    assert pbx.closed


def test_settings_that_cannot_work_fail_the_task_before_the_operation_runs(pbx):
    calls = []
    outcome = run_operation(lambda *args: calls.append(args), params(timeout=0), RunMode())
    assert outcome.failed
    assert outcome.result == {'msg': 'timeout must be at least 1 second; got 0.', 'changed': False}
    assert calls == []
    assert pbx.opened_with is None


@pytest.mark.parametrize('error', [VodiaInputError('bad name'), WrongKindError('an extension')],
                         ids=lambda error: type(error).__name__)
def test_an_error_of_the_collection_fails_the_task_with_its_message(pbx, error):
    def operation(*args):
        raise error

    outcome = run_operation(operation, params(), RunMode())
    assert outcome == TaskOutcome({'msg': error.message, 'changed': False}, failed=True)


def test_a_failed_request_adds_its_facts_to_the_result(pbx):
    def operation(*args):
        raise VodiaApiError('HTTP 500', 'POST', '/rest/x', 500, 'boom')

    outcome = run_operation(operation, params(), RunMode())
    assert outcome.failed
    assert outcome.result == {'msg': 'HTTP 500', 'method': 'POST', 'path': '/rest/x', 'status': 500, 'response': 'boom',
                              'changed': False}


def test_a_failure_after_a_write_reports_changed(pbx):
    def operation(task_params, mode, transport):
        transport.post('/rest/domain/localhost/user_settings/1002', {'display': 'Written'})
        raise PartialConvergeError('Hunt group 1003: HTTP 500', VodiaApiError('HTTP 500', 'POST', '/rest/y', 500), [{'name': '1002'}])

    outcome = run_operation(operation, params(), RunMode())
    assert outcome.failed
    assert outcome.result['changed'] is True
    assert outcome.result['results'] == [{'name': '1002'}]
    assert outcome.result['msg'] == 'Hunt group 1003: HTTP 500'


def test_every_retry_is_reported_in_the_result(pbx):
    def operation(task_params, mode, transport):
        transport.retry_log.append(RetryRecord('GET', '/rest/x', 'HTTP 503', 1, 0.4))
        return Report({'changed': False})

    outcome = run_operation(operation, params(), RunMode())
    assert outcome.result['http_retries'] == [{'method': 'GET', 'path': '/rest/x', 'reason': 'HTTP 503', 'attempt': 1, 'wait_seconds': 0.4}]


def test_retries_are_reported_on_failure_too(pbx):
    def operation(task_params, mode, transport):
        # A creation that got no answer, was not made, and got no answer again: retried once, then given up.
        transport.retries = 1
        pbx.fail_with('POST', '/rest/domain/localhost/addacc', None)
        pbx.fail_with('POST', '/rest/domain/localhost/addacc', None)
        transport.create('/rest/domain/localhost/addacc', {'type': 'hunts', 'account': '1005'}, created=lambda: False)

    outcome = run_operation(operation, params(), RunMode())
    assert outcome.failed
    assert outcome.result['status'] is None
    assert [(record['reason'], record['attempt']) for record in outcome.result['http_retries']] == [('no answer', 1)]


def test_a_result_without_retries_has_no_retry_key(pbx):
    assert 'http_retries' not in run_operation(lambda *args: Report({'changed': False}), params(), RunMode()).result


@pytest.mark.parametrize('fails', [False, True])
def test_the_warnings_about_the_settings_come_with_the_outcome(pbx, fails):
    def operation(*args):
        if fails:
            raise VodiaInputError('bad')
        return Report({'changed': False})

    outcome = run_operation(operation, params(url='http://pbx.example.com'), RunMode())
    assert outcome.failed == fails
    assert outcome.warnings == ['url http://pbx.example.com uses http: the PBX password crosses the network unencrypted. Use https.']


def test_the_warnings_of_the_operation_follow_those_about_the_settings_and_stay_out_of_the_result(pbx):
    outcome = run_operation(lambda *args: Report({'changed': False}, ('from the PBX', 'and another')),
                            params(url='http://pbx.example.com'), RunMode())
    assert outcome.result == {'changed': False}
    assert outcome.warnings[1:] == ['from the PBX', 'and another'] and outcome.warnings[0].startswith('url http://pbx.example.com')


def test_a_report_without_warnings_adds_none(pbx):
    outcome = run_operation(lambda *args: Report({'changed': True}), params(), RunMode())
    assert outcome == TaskOutcome({'changed': True})
    assert Report({'changed': True}).warnings == ()


def test_the_result_of_a_report_is_copied_not_shared(pbx):
    report = Report({'changed': False})
    outcome = run_operation(lambda *args: report, params(), RunMode())
    outcome.result['extra'] = 1
    assert report.result == {'changed': False}


def test_a_reference_failure_reports_its_problems_as_data(pbx):
    problems = [{'kind': 'hunt group', 'holder': '2000', 'option': 'final_destinations', 'value': '4444',
                 'suggestions': ('444',), 'target': None}]

    def operation(*args):
        raise VodiaReferenceError('References in domain localhost do not hold: ...', problems)

    outcome = run_operation(operation, params(), RunMode())
    assert outcome.failed
    assert outcome.result == {'msg': 'References in domain localhost do not hold: ...', 'reference_problems': problems,
                              'changed': False}


def test_the_run_mode_defaults_to_a_normal_run():
    assert RunMode() == RunMode(check_mode=False, diff_mode=False)
