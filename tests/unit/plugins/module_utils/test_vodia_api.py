# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaApiError
from ansible_collections.vodia.pbx.plugins.module_utils.vodia_api import VodiaApi, rest_path, settings_path

ADDACC = '/rest/domain/localhost/addacc'
SETTINGS_1005 = '/rest/domain/localhost/user_settings/1005'


@pytest.fixture
def api(pbx):
    return VodiaApi(pbx)


def test_every_path_segment_is_quoted_so_that_no_input_reaches_another_endpoint():
    assert rest_path('domain', 'a b', 'user_settings', '../x') == '/rest/domain/a%20b/user_settings/..%2Fx'
    assert rest_path('domain', 'x?y#z') == '/rest/domain/x%3Fy%23z'


def test_the_settings_of_an_account_live_under_user_settings():
    assert settings_path('local host', 'a/b') == '/rest/domain/local%20host/user_settings/a%2Fb'


def test_the_api_describes_the_pbx_it_talks_to(api):
    assert api.describe() == 'http://fake-pbx'


# Reads ---------------------------------------------------------------------------------------

def test_the_hunt_group_names_come_from_one_read_of_the_hunts_list(api, pbx):
    pbx.accounts['localhost']['1003'] = {'type': 'hunts', 'settings': {}}
    assert api.hunt_group_names('localhost') == ['1002', '1003']
    assert pbx.requests == [('GET', '/rest/domain/localhost/hunts', None)]


def test_hunt_group_names_are_strings_even_when_the_pbx_sends_numbers(pbx):
    pbx.get = lambda path, missing_ok=False: [{'name': 1002}]
    assert VodiaApi(pbx).hunt_group_names('localhost') == ['1002']


@pytest.mark.parametrize('answer', [{'error': 'login'}, [{'display': 'no name'}], ['1002'], None])
def test_a_hunts_list_that_is_not_a_list_of_hunt_groups_is_not_guessed_at(pbx, answer):
    pbx.get = lambda path, missing_ok=False: answer
    with pytest.raises(VodiaApiError, match='refusing to guess') as caught:
        VodiaApi(pbx).hunt_group_names('localhost')
    assert (caught.value.method, caught.value.path) == ('GET', '/rest/domain/localhost/hunts')


def test_the_settings_of_an_existing_account_are_read(api, pbx):
    assert api.read_settings('localhost', '1002')['display'] == 'Hunt'
    assert pbx.requests == [('GET', '/rest/domain/localhost/user_settings/1002', None)]


def test_reading_the_settings_of_a_missing_account_is_an_error(api):
    with pytest.raises(VodiaApiError) as caught:
        api.read_settings('localhost', '1009')
    assert caught.value.status == 404


def test_finding_the_settings_of_a_missing_account_gives_none(api):
    assert api.find_settings('localhost', '1009') is None
    assert api.find_settings('localhost', '444')['display'] == 'Desk 444'


@pytest.mark.parametrize('method', ['read_settings', 'find_settings'])
def test_settings_that_are_not_an_object_stop_the_task(pbx, method):
    pbx.get = lambda path, missing_ok=False: ['not', 'settings']
    with pytest.raises(VodiaApiError, match='not a settings object'):
        getattr(VodiaApi(pbx), method)('localhost', '1002')


# Writes --------------------------------------------------------------------------------------

def test_settings_are_written_as_the_fields_given_and_the_answer_returned(api, pbx):
    answer = api.write_settings('localhost', '1002', {'display': 'Sales'})
    assert answer['display'] == 'Sales'
    assert pbx.writes == [('POST', '/rest/domain/localhost/user_settings/1002', {'display': 'Sales'})]


def test_a_hunt_group_account_is_created_with_one_request_that_is_never_repeated_blindly(api, pbx):
    api.add_hunt_group_account('localhost', '1005')
    assert pbx.requests == [('POST', ADDACC, {'type': 'hunts', 'account': '1005'})]
    assert pbx.single_shot == [('POST', ADDACC)]
    assert pbx.accounts['localhost']['1005']['type'] == 'hunts'


@pytest.mark.parametrize('status', [500, 503, None])
def test_a_create_that_happened_despite_an_unclear_answer_is_not_repeated(api, pbx, status):
    pbx.fail_with('POST', ADDACC, status, applied=True)
    api.add_hunt_group_account('localhost', '1005')
    assert pbx.paths('POST') == [ADDACC]
    assert pbx.paths('GET') == [SETTINGS_1005]
    assert pbx.manual_retries == []


@pytest.mark.parametrize('status, reason', [(503, 'HTTP 503'), (None, 'no answer')])
def test_a_create_that_did_not_happen_is_sent_again_after_a_read_and_a_recorded_wait(api, pbx, status, reason):
    pbx.fail_with('POST', ADDACC, status)
    api.add_hunt_group_account('localhost', '1005')
    assert [request[:2] for request in pbx.requests] == [('POST', ADDACC), ('GET', SETTINGS_1005), ('POST', ADDACC)]
    assert pbx.manual_retries == [('POST', ADDACC, reason, 1)]
    assert '1005' in pbx.accounts['localhost']


def test_a_create_is_not_sent_again_beyond_the_retry_budget(api, pbx):
    pbx.retries = 1
    pbx.fail_with('POST', ADDACC, 500)
    pbx.fail_with('POST', ADDACC, 500)
    with pytest.raises(VodiaApiError):
        api.add_hunt_group_account('localhost', '1005')
    assert pbx.paths('POST') == [ADDACC, ADDACC]
    assert [attempt for _method, _path, _reason, attempt in pbx.manual_retries] == [1]
    assert '1005' not in pbx.accounts['localhost']


def test_a_create_is_sent_once_without_a_retry_budget(api, pbx):
    pbx.retries = 0
    pbx.fail_with('POST', ADDACC, 500)
    with pytest.raises(VodiaApiError):
        api.add_hunt_group_account('localhost', '1005')
    assert pbx.paths('POST') == [ADDACC]


@pytest.mark.parametrize('status', [400, 403, 409])
def test_a_rejected_create_is_not_retried(api, pbx, status):
    pbx.fail_with('POST', ADDACC, status)
    with pytest.raises(VodiaApiError) as caught:
        api.add_hunt_group_account('localhost', '1005')
    assert caught.value.status == status
    assert pbx.paths() == [ADDACC]


def test_a_deleted_account_is_proven_gone(api, pbx):
    api.delete_account('localhost', '1002')
    assert [request[:2] for request in pbx.requests] == [
        ('DELETE', '/rest/domain/localhost/addacc/1002'),
        ('GET', '/rest/domain/localhost/user_settings/1002'),
    ]
    assert '1002' not in pbx.accounts['localhost']


def test_a_deletion_answered_404_for_an_account_already_gone_is_fine(api, pbx):
    del pbx.accounts['localhost']['1002']
    api.delete_account('localhost', '1002')


def test_a_deletion_answered_404_while_the_account_stays_is_an_error(api, pbx):
    pbx.delete_answers_404 = True
    with pytest.raises(VodiaApiError, match='still exists') as caught:
        api.delete_account('localhost', '1002')
    assert (caught.value.method, caught.value.path) == ('DELETE', '/rest/domain/localhost/addacc/1002')


# The tenant list -----------------------------------------------------------------------------

def answering(pbx, answer):
    """The fake PBX answers every GET with ``answer`` and records the path."""
    def get(path, missing_ok=False):
        pbx.requests.append(('GET', path, None))
        return answer
    pbx.get = get
    return VodiaApi(pbx)


def test_the_tenants_come_from_one_read_of_the_system_tenant_list_keyed_by_id(pbx):
    api = answering(pbx, {
        '1': {'name': 'localhost', 'display': 'Localhost', 'alias': ['localhost'], 'country': '1', 'area': ''},
        '7': {'name': 'acme.example.com', 'display': 'ACME', 'alias': ['acme.example.com', 'pbx.acme.example']},
    })
    tenants = api.tenants()
    assert pbx.requests == [('GET', '/rest/system/domains', None)]
    assert [(tenant['id'], tenant['name']) for tenant in tenants] == [('1', 'localhost'), ('7', 'acme.example.com')]
    assert tenants[1]['alias'] == ['acme.example.com', 'pbx.acme.example']
    assert tenants[0]['country'] == '1'


def test_an_id_the_pbx_puts_in_the_entry_wins_over_the_key(pbx):
    assert answering(pbx, {'1': {'name': 'a.example.com', 'id': '42'}}).tenants()[0]['id'] == '42'


def test_a_tenant_list_sent_as_a_list_is_taken_as_it_is(pbx):
    assert answering(pbx, [{'name': 'a.example.com'}, {'name': 'b.example.com'}]).tenants() == [
        {'name': 'a.example.com'}, {'name': 'b.example.com'}]


def test_a_pbx_without_tenants_has_an_empty_list(pbx):
    assert answering(pbx, {}).tenants() == []


@pytest.mark.parametrize('answer', [None, 'localhost', {'1': 'localhost'}, {'1': {'display': 'no name'}}, [{'name': ''}],
                                    [{'name': 7}]])
def test_a_tenant_list_of_the_wrong_shape_is_not_guessed_at(pbx, answer):
    with pytest.raises(VodiaApiError, match='not a list of tenants; refusing to guess') as caught:
        answering(pbx, answer).tenants()
    assert (caught.value.method, caught.value.path) == ('GET', '/rest/system/domains')


def test_a_refused_tenant_list_says_that_it_needs_a_system_administrator(pbx):
    pbx.fail_with('GET', '/rest/system/domains', status=403)
    with pytest.raises(VodiaApiError) as caught:
        VodiaApi(pbx).tenants()
    assert 'the tenant list needs a system administrator' in caught.value.message
    assert 'admin@<domain>' in caught.value.message
    assert caught.value.status == 403


@pytest.mark.parametrize('status', [401, 500, None])
def test_other_failures_of_the_tenant_list_keep_their_own_message(pbx, status):
    pbx.fail_with('GET', '/rest/system/domains', status=status)
    with pytest.raises(VodiaApiError) as caught:
        VodiaApi(pbx).tenants()
    assert 'system administrator' not in caught.value.message
    assert caught.value.status == status
