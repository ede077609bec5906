# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import copy

import pytest

from ansible_collections.vodia.pbx.plugins.module_utils import hunt_group_converge as converge_module
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group_converge import NotAHuntGroupError, converge
from ansible_collections.vodia.pbx.plugins.module_utils.vodia_client import VodiaApiError


def run(pbx, name, state='present', check_mode=False, **desired):
    return converge(pbx, 'localhost', name, state, desired, check_mode)


def test_create_adds_the_account_writes_settings_and_reads_back(pbx):
    outcome = run(pbx, '1005', display='Support', st1_ext='444')
    assert outcome['action'] == 'created' and outcome['changed']
    assert outcome['before'] == {}
    assert outcome['after']['display_name'] == 'Support'
    assert [request[0:2] for request in pbx.requests] == [
        ('GET', '/rest/domain/localhost/hunts'),
        ('GET', '/rest/domain/localhost/user_settings/1005'),
        ('POST', '/rest/domain/localhost/addacc'),
        ('POST', '/rest/domain/localhost/user_settings/1005'),
        ('GET', '/rest/domain/localhost/user_settings/1005'),
    ]
    assert pbx.requests[2][2] == {'type': 'hunts', 'account': '1005'}


def test_an_unchanged_group_costs_two_reads_and_no_write(pbx):
    outcome = run(pbx, '1002', display='Hunt', st1_ext='444')
    assert outcome['action'] == 'unchanged' and not outcome['changed']
    assert pbx.writes == []
    assert len(pbx.requests) == 2
    assert outcome['before'] == outcome['after']


def test_update_sends_only_the_changed_fields(pbx):
    outcome = run(pbx, '1002', display='Sales', st1_ext='444')
    assert outcome['action'] == 'updated'
    assert pbx.writes == [('POST', '/rest/domain/localhost/user_settings/1002', {'display': 'Sales'})]
    assert outcome['before']['display_name'] == 'Hunt'
    assert outcome['after']['display_name'] == 'Sales'


@pytest.mark.parametrize('state, name, desired', [
    ('present', '1005', {'display': 'Support'}),
    ('present', '1002', {'display': 'Sales'}),
    ('present', '1002', {'display': 'Hunt'}),
    ('absent', '1002', {}),
    ('absent', '1009', {}),
])
def test_check_mode_writes_nothing_and_predicts_the_real_run(pbx, state, name, desired):
    real_pbx = copy.deepcopy(pbx)
    predicted = run(pbx, name, state, check_mode=True, **desired)
    assert pbx.writes == []
    real = run(real_pbx, name, state, **desired)
    assert predicted['changed'] == real['changed']
    assert predicted['action'] == real['action']
    assert predicted['before'] == real['before']
    if state == 'present' and real['action'] == 'created':
        # The PBX adds defaults of its own on creation; every typed option and every predicted field is exact.
        for key, value in predicted['after'].items():
            if key != 'settings' and value is not None:
                assert real['after'][key] == value
        for key, value in predicted['after']['settings'].items():
            assert real['after']['settings'][key] == value
    else:
        assert predicted['after'] == real['after']


def test_absent_deletes_and_confirms(pbx):
    outcome = run(pbx, '1002', 'absent')
    assert outcome['action'] == 'deleted'
    assert outcome['after'] == {}
    assert outcome['before']['name'] == '1002'
    assert ('DELETE', '/rest/domain/localhost/addacc/1002', None) in pbx.requests
    assert '1002' not in pbx.accounts['localhost']


def test_absent_when_already_absent_is_ok(pbx):
    outcome = run(pbx, '1009', 'absent')
    assert outcome['action'] == 'unchanged' and not outcome['changed']
    assert pbx.writes == []


@pytest.mark.parametrize('state', ['present', 'absent'])
def test_an_extension_is_never_touched_through_hunt_group_calls(pbx, state):
    before = copy.deepcopy(pbx.accounts)
    with pytest.raises(NotAHuntGroupError, match='not a hunt group'):
        run(pbx, '444', state, display='Hijacked')
    assert pbx.writes == []
    assert pbx.accounts == before


def test_a_write_the_pbx_ignores_is_reported(pbx):
    pbx.ignore_settings_writes = True
    with pytest.raises(VodiaApiError, match=r"did not keep them \(display: sent 'Sales', the PBX holds 'Hunt'\)"):
        run(pbx, '1002', display='Sales')


def test_a_create_the_pbx_silently_drops_is_reported(pbx):
    pbx.create_silently_fails = True
    with pytest.raises(VodiaApiError, match='does not exist afterwards'):
        run(pbx, '1005', display='Support')


def test_a_hunts_list_that_is_not_a_list_stops_before_any_write(pbx):
    pbx.get = lambda path, missing_ok=False: {'error': 'login'}
    with pytest.raises(VodiaApiError, match='refusing to guess'):
        run(pbx, '1005', display='Support')
    assert pbx.writes == []


def test_a_caller_with_the_hunts_list_saves_the_read(pbx):
    converge(pbx, 'localhost', '1002', 'present', {'display': 'Hunt'}, False, hunt_group_names=['1002'])
    assert [request[1] for request in pbx.requests] == ['/rest/domain/localhost/user_settings/1002']


def test_names_are_quoted_in_paths():
    assert converge_module.settings_path('local host', 'a/b') == '/rest/domain/local%20host/user_settings/a%2Fb'


def server_error(method, path, status=500):
    return VodiaApiError('%s %s failed with HTTP %d' % (method, path, status), method, path, status)


ADDACC = '/rest/domain/localhost/addacc'


def test_a_create_that_happened_despite_an_error_is_not_repeated(pbx):
    pbx.retries = 3
    pbx.fail_next('POST', ADDACC, (server_error('POST', ADDACC), True))
    outcome = run(pbx, '1005', display='Support')
    assert outcome['action'] == 'created'
    assert [request[1] for request in pbx.requests].count(ADDACC) == 1
    assert pbx.pauses == []


def test_a_create_that_did_not_happen_is_tried_again_after_a_read(pbx):
    pbx.retries = 3
    pbx.fail_next('POST', ADDACC, (server_error('POST', ADDACC, 503), False))
    outcome = run(pbx, '1005', display='Support')
    assert outcome['after']['display_name'] == 'Support'
    methods_paths = [request[:2] for request in pbx.requests]
    assert methods_paths.count(('POST', ADDACC)) == 2
    assert methods_paths.index(('GET', '/rest/domain/localhost/user_settings/1005'), 2) < len(methods_paths)
    assert pbx.pauses == [('POST', ADDACC, 0, 'HTTP 503')]


def test_a_create_is_not_retried_beyond_the_budget(pbx):
    pbx.retries = 1
    pbx.fail_next('POST', ADDACC, (server_error('POST', ADDACC), False), (server_error('POST', ADDACC), False))
    with pytest.raises(VodiaApiError):
        run(pbx, '1005', display='Support')
    assert [request[1] for request in pbx.requests].count(ADDACC) == 2
    assert '1005' not in pbx.accounts['localhost']


def test_a_rejected_create_is_not_retried(pbx):
    pbx.retries = 3
    pbx.fail_next('POST', ADDACC, (server_error('POST', ADDACC, 400), False))
    with pytest.raises(VodiaApiError):
        run(pbx, '1005', display='Support')
    assert [request[1] for request in pbx.requests].count(ADDACC) == 1


def test_a_failed_settings_write_after_a_create_is_completed_by_the_next_run(pbx):
    settings = '/rest/domain/localhost/user_settings/1005'
    pbx.fail_next('POST', settings, (server_error('POST', settings), False))
    with pytest.raises(VodiaApiError, match='run the task again'):
        run(pbx, '1005', display='Support')
    assert '1005' in pbx.accounts['localhost']
    outcome = run(pbx, '1005', display='Support')
    assert outcome['action'] == 'updated'
    assert outcome['after']['display_name'] == 'Support'


def test_a_delete_answered_404_while_the_account_stays_is_an_error(pbx):
    pbx.delete_answers_404 = True
    with pytest.raises(VodiaApiError, match='still exists'):
        run(pbx, '1002', 'absent')


def test_converge_many_reads_the_list_once_and_reports_partial_progress(pbx):
    wanted = [('1002', 'present', {'display': 'Main'}), ('1005', 'present', {'display': 'New'}), ('1006', 'present', {})]
    pbx.fail_next('POST', '/rest/domain/localhost/user_settings/1005', (server_error('POST', '/x'), False))
    with pytest.raises(converge_module.PartialConvergeError) as caught:
        converge_module.converge_many(pbx, 'localhost', wanted, False, False, 2)
    assert caught.value.name == '1005'
    assert [done['action'] for done in caught.value.done] == ['updated']
    assert [request[1] for request in pbx.requests].count('/rest/domain/localhost/hunts') == 1


def test_converge_many_purges_only_hunt_groups_after_the_listed_ones(pbx):
    pbx.accounts['localhost']['1003'] = {'type': 'hunts', 'settings': {'display': 'Old', 'alias': ['1003']}}
    outcomes = converge_module.converge_many(pbx, 'localhost', [('1002', 'present', {})], True, False, 4)
    assert [(o['name'], o['action']) for o in outcomes] == [('1002', 'unchanged'), ('1003', 'deleted')]
    assert '444' in pbx.accounts['localhost']
