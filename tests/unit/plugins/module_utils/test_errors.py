# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.vodia.pbx.plugins.module_utils.errors import (
    PartialConvergeError,
    VodiaApiError,
    VodiaConfigError,
    VodiaError,
    VodiaInputError,
    VodiaReferenceError,
    WrongKindError,
)


@pytest.mark.parametrize('error', [
    VodiaConfigError('bad url'),
    VodiaInputError('bad name'),
    VodiaApiError('HTTP 500'),
    WrongKindError('an extension'),
    VodiaReferenceError('names 4444', [{'value': '4444'}]),
    PartialConvergeError('stopped', VodiaApiError('HTTP 500'), []),
], ids=lambda error: type(error).__name__)
def test_every_error_of_the_collection_is_a_vodia_error_whose_message_is_its_text(error):
    assert isinstance(error, VodiaError)
    assert str(error) == error.message


@pytest.mark.parametrize('error', [VodiaConfigError('x'), VodiaInputError('x'), WrongKindError('x')],
                         ids=lambda error: type(error).__name__)
def test_errors_raised_before_any_request_add_no_facts(error):
    assert error.facts() == {}


def test_an_api_error_reports_the_request_and_the_answer():
    error = VodiaApiError('failed', 'POST', '/rest/domain/localhost/addacc', 503, '{"error": "busy"}')
    assert error.facts() == {'method': 'POST', 'path': '/rest/domain/localhost/addacc', 'status': 503,
                             'response': '{"error": "busy"}'}


def test_an_api_error_without_an_answer_has_no_status():
    assert VodiaApiError('no answer', 'GET', '/rest/x').facts()['status'] is None


def test_an_api_error_explained_differently_is_still_the_same_failed_request():
    original = VodiaApiError('HTTP 500', 'POST', '/rest/x', 500, 'boom')
    explained = original.with_message('HTTP 500. Run the task again.')
    assert isinstance(explained, VodiaApiError)
    assert explained.message == 'HTTP 500. Run the task again.'
    assert explained.facts() == original.facts()
    assert original.message == 'HTTP 500'


def test_a_partial_converge_reports_the_failed_request_and_the_results_before_it():
    cause = VodiaApiError('HTTP 500', 'POST', '/rest/domain/localhost/user_settings/1005', 500, 'boom')
    results = [{'name': '1002', 'action': 'updated', 'changed': True}]
    error = PartialConvergeError('Hunt group 1005: HTTP 500', cause, results)
    assert error.cause is cause
    assert error.facts() == dict(cause.facts(), results=results)


def test_a_reference_error_reports_every_problem_as_data_and_no_request():
    problems = [{'kind': 'hunt group', 'holder': '2000', 'option': 'final_destinations', 'value': '4444',
                 'suggestions': ('444',), 'target': None}]
    error = VodiaReferenceError('References in domain localhost do not hold.', problems)
    assert error.problems is problems
    assert error.facts() == {'reference_problems': problems}
