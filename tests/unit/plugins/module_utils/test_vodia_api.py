# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.vodia.pbx.plugins.module_utils import transport as transport_module
from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaApiError
from ansible_collections.vodia.pbx.plugins.module_utils.transport import RetryRecord
from ansible_collections.vodia.pbx.plugins.module_utils.vodia_api import Transport, VodiaApi, rest_path, settings_path

from ansible_collections.vodia.pbx.tests.unit.plugins.conftest import FakePbx

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
    assert api.account_names('localhost', 'hunts', 'hunt groups') == ['1002', '1003']
    assert pbx.requests == [('GET', '/rest/domain/localhost/hunts', None)]


def test_the_names_of_another_kind_come_from_its_own_list(api, pbx):
    pbx.add('3000', 'acds')
    assert api.account_names('localhost', 'acds', 'call queues') == ['3000']
    assert pbx.requests == [('GET', '/rest/domain/localhost/acds', None)]


def test_hunt_group_names_are_strings_even_when_the_pbx_sends_numbers(pbx):
    pbx.get = lambda path, missing_ok=False: [{'name': 1002}]
    assert VodiaApi(pbx).account_names('localhost', 'hunts', 'hunt groups') == ['1002']


@pytest.mark.parametrize('answer', [{'error': 'login'}, [{'display': 'no name'}], ['1002'], None])
def test_a_hunts_list_that_is_not_a_list_of_hunt_groups_is_not_guessed_at(pbx, answer):
    pbx.get = lambda path, missing_ok=False: answer
    with pytest.raises(VodiaApiError, match='not a list of hunt groups; refusing to guess which hunt groups exist') as caught:
        VodiaApi(pbx).account_names('localhost', 'hunts', 'hunt groups')
    assert (caught.value.method, caught.value.path) == ('GET', '/rest/domain/localhost/hunts')


def test_a_list_of_another_kind_that_is_not_a_list_is_named_with_its_plural(pbx):
    pbx.get = lambda path, missing_ok=False: {'error': 'login'}
    with pytest.raises(VodiaApiError, match='not a list of call queues; refusing to guess which call queues exist') as caught:
        VodiaApi(pbx).account_names('localhost', 'acds', 'call queues')
    assert caught.value.path == '/rest/domain/localhost/acds'


def test_the_tenant_s_accounts_of_every_type_come_from_one_read_of_the_users_list(api, pbx):
    pbx.add('3000', 'acds', alias=['3000', 'support'])
    assert api.tenant_accounts('localhost') == [
        {'name': '1002', 'alias': ['1002'], 'usertype': 'hunts'},
        {'name': '444', 'alias': ['444'], 'usertype': 'extensions'},
        {'name': '3000', 'alias': ['3000', 'support'], 'usertype': 'acds'},
    ]
    assert pbx.requests == [('GET', '/rest/domain/localhost/users', None)]


def test_tenant_accounts_are_strings_and_missing_aliases_and_types_are_empty(pbx):
    answer = [{'name': 444, 'alias': [444, '+15551234567'], 'usertype': 'extensions'}, {'name': 'x', 'alias': None}, {'name': 'y'}]
    pbx.get = lambda path, missing_ok=False: answer
    assert VodiaApi(pbx).tenant_accounts('localhost') == [
        {'name': '444', 'alias': ['444', '+15551234567'], 'usertype': 'extensions'},
        {'name': 'x', 'alias': [], 'usertype': ''},
        {'name': 'y', 'alias': [], 'usertype': ''},
    ]


@pytest.mark.parametrize('answer', [{'error': 'login'}, [{'alias': ['444']}], ['444'], None])
def test_a_users_list_of_the_wrong_shape_stops_the_check_and_says_how_to_go_on(pbx, answer):
    pbx.get = lambda path, missing_ok=False: answer
    with pytest.raises(VodiaApiError, match='not a list of accounts, so the names the task refers to cannot be checked') as caught:
        VodiaApi(pbx).tenant_accounts('localhost')
    assert 'set reference_check to warn' in caught.value.message
    assert (caught.value.method, caught.value.path) == ('GET', '/rest/domain/localhost/users')


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
    api.add_account('localhost', 'hunts', '1005')
    assert pbx.requests == [('POST', ADDACC, {'type': 'hunts', 'account': '1005'})]
    assert pbx.single_shot == [('POST', ADDACC)]
    assert pbx.accounts['localhost']['1005']['type'] == 'hunts'


def test_an_account_of_another_kind_is_created_with_its_addacc_type(api, pbx):
    api.add_account('localhost', 'acds', '3000')
    assert pbx.requests == [('POST', ADDACC, {'type': 'acds', 'account': '3000'})]
    assert pbx.accounts['localhost']['3000']['type'] == 'acds'


def test_a_create_goes_through_the_transport_s_create_with_a_read_of_the_account_as_proof(api, pbx):
    calls = []

    def create(path, body, created):
        calls.append((path, body))
        assert created() is False        # 1005 does not exist yet: the read says so
        pbx.add('1005', 'hunts')
        assert created() is True         # and now it does
    pbx.create = create
    api.add_account('localhost', 'hunts', '1005')
    assert calls == [(ADDACC, {'type': 'hunts', 'account': '1005'})]
    assert pbx.paths() == [SETTINGS_1005, SETTINGS_1005]


@pytest.mark.parametrize('status', [500, 503, None])
def test_a_create_that_happened_despite_an_unclear_answer_is_not_repeated(api, pbx, status):
    pbx.fail_with('POST', ADDACC, status, applied=True)
    api.add_account('localhost', 'hunts', '1005')
    assert pbx.paths('POST') == [ADDACC]
    assert pbx.paths('GET') == [SETTINGS_1005]
    assert pbx.retry_log == []


@pytest.mark.parametrize('status, reason', [(503, 'HTTP 503'), (None, 'no answer')])
def test_a_create_that_did_not_happen_is_sent_again_after_a_read_and_a_recorded_wait(api, pbx, status, reason):
    pbx.fail_with('POST', ADDACC, status)
    api.add_account('localhost', 'hunts', '1005')
    assert [request[:2] for request in pbx.requests] == [('POST', ADDACC), ('GET', SETTINGS_1005), ('POST', ADDACC)]
    assert pbx.retry_log == [RetryRecord('POST', ADDACC, reason, 1, 0.0)]
    assert '1005' in pbx.accounts['localhost']


def test_a_create_is_not_sent_again_beyond_the_retry_budget(api, pbx):
    pbx.retries = 1
    pbx.fail_with('POST', ADDACC, 500)
    pbx.fail_with('POST', ADDACC, 500)
    with pytest.raises(VodiaApiError):
        api.add_account('localhost', 'hunts', '1005')
    assert pbx.paths('POST') == [ADDACC, ADDACC]
    assert [record.attempt for record in pbx.retry_log] == [1]
    assert '1005' not in pbx.accounts['localhost']


def test_a_create_is_sent_once_without_a_retry_budget(api, pbx):
    pbx.retries = 0
    pbx.fail_with('POST', ADDACC, 500)
    with pytest.raises(VodiaApiError):
        api.add_account('localhost', 'hunts', '1005')
    assert pbx.paths('POST') == [ADDACC]


@pytest.mark.parametrize('status', [400, 403, 409])
def test_a_rejected_create_is_not_retried(api, pbx, status):
    pbx.fail_with('POST', ADDACC, status)
    with pytest.raises(VodiaApiError) as caught:
        api.add_account('localhost', 'hunts', '1005')
    assert caught.value.status == status
    assert pbx.paths() == [ADDACC]


def test_a_deleted_account_is_proven_gone(api, pbx):
    api.delete_account('localhost', '1002', 'hunt group')
    assert [request[:2] for request in pbx.requests] == [
        ('DELETE', '/rest/domain/localhost/addacc/1002'),
        ('GET', '/rest/domain/localhost/user_settings/1002'),
    ]
    assert '1002' not in pbx.accounts['localhost']


def test_a_deletion_answered_404_for_an_account_already_gone_is_fine(api, pbx):
    del pbx.accounts['localhost']['1002']
    api.delete_account('localhost', '1002', 'hunt group')


def test_a_deletion_answered_404_while_the_account_stays_is_an_error(api, pbx):
    pbx.delete_answers_404 = True
    with pytest.raises(VodiaApiError, match="deletion of call queue '1002' in domain 'localhost' but the account still exists") as caught:
        api.delete_account('localhost', '1002', 'call queue')
    assert (caught.value.method, caught.value.path) == ('DELETE', '/rest/domain/localhost/addacc/1002')


def test_a_settings_error_names_the_account_s_settings_path(api):
    error = api.settings_error('POST', 'local host', '1005', 'not kept', 404)
    assert (error.message, error.method, error.path, error.status) == (
        'not kept', 'POST', '/rest/domain/local%20host/user_settings/1005', 404)
    assert api.settings_error('GET', 'localhost', '1005', 'gone').status is None


# Lists of values the PBX offers -------------------------------------------------------------------

@pytest.mark.parametrize('answer, values', [
    ([{'id': 'ringer1', 'name': 'Ringer 1'}, {'id': 'custom1', 'name': 'Custom'}], {'ringer1', 'custom1'}),
    ([{'name': 'Default'}, {'id': 7, 'name': 'Seven'}], {'Default', '7'}),
    (['ringer1', 7], {'ringer1', '7'}),
    ({'1': {'name': 'Default'}, '2': {'id': 'x2'}}, {'1', '2', 'Default', 'x2'}),
    ({'1': 'Default'}, {'1', 'Default'}),
    ([], set()),
])
def test_the_values_a_pbx_offers_are_the_ids_else_the_names_of_its_list(api, pbx, answer, values):
    pbx.offered['ringtones/en'] = answer
    assert api.offered_values('localhost', 'ringtones/en') == values
    assert pbx.requests == [('GET', '/rest/domain/localhost/ringtones/en', None)]


def test_a_list_the_pbx_does_not_have_offers_nothing_to_check(api, pbx):
    assert api.offered_values('localhost', 'dialplans') is None
    assert pbx.requests == [('GET', '/rest/domain/localhost/dialplans', None)]


@pytest.mark.parametrize('answer', ['ringer1', 7, [True], [None], [{'display': 'x'}], [['a']], {'1': {'display': 'x'}}])
def test_a_list_of_a_shape_that_shows_no_values_is_not_checked_against(api, pbx, answer):
    pbx.offered['moh'] = answer
    assert api.offered_values('localhost', 'moh') is None


def test_the_domain_of_an_offered_list_is_quoted_but_its_endpoint_keeps_its_segments(pbx):
    answering(pbx, [])
    VodiaApi(pbx).offered_values('a b', 'ringtones/en')
    assert pbx.requests == [('GET', '/rest/domain/a%20b/ringtones/en', None)]


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


# The transport interface ---------------------------------------------------------------------

def test_the_real_transport_and_the_fake_both_provide_what_the_api_needs():
    real = transport_module.Transport('https://pbx.example.com', 'admin', 'secret')
    try:
        assert isinstance(real, Transport)
    finally:
        real.close(keep_session=False)
    assert isinstance(FakePbx(), Transport)


# Every member of the interface, on something that has nothing else.
TRANSPORT_MEMBERS = {
    'retries': 3, 'retry_log': [], 'writes_done': 0,
    'describe': lambda self: 'http://pbx', 'identity': property(lambda self: ('http://pbx', 'admin')),
    'get': lambda self, path, missing_ok=False: None, 'post': lambda self, path, body, repeatable=True: None,
    'delete': lambda self, path, missing_ok=False: None, 'create': lambda self, path, body, created: None,
    'close': lambda self, keep_session=True: None,
}


def test_the_members_listed_here_are_the_whole_interface():
    assert isinstance(type('Complete', (), dict(TRANSPORT_MEMBERS))(), Transport)


@pytest.mark.parametrize('missing', sorted(TRANSPORT_MEMBERS))
def test_something_without_part_of_the_interface_is_no_transport(missing):
    members = dict((name, value) for name, value in TRANSPORT_MEMBERS.items() if name != missing)
    assert not isinstance(type('Partial', (), members)(), Transport)
