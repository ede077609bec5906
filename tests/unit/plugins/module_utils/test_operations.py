# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The operations with parameters as Ansible validates them, against the fake PBX."""

from __future__ import annotations

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.vodia.pbx.plugins.module_utils.argument_specs import account_info_spec, account_spec, accounts_spec
from ansible_collections.vodia.pbx.plugins.module_utils.errors import PartialConvergeError, VodiaInputError, WrongKindError
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import HUNT_GROUP
from ansible_collections.vodia.pbx.plugins.module_utils.operations import (
    MAX_PARALLEL,
    checked_parallel,
    manage_many,
    manage_one,
    read_accounts,
)
from ansible_collections.vodia.pbx.plugins.module_utils.runner import Report, RunMode

from ansible_collections.vodia.pbx.tests.unit.plugins.conftest import BAD_HUNT_GROUP_INPUT, CONNECTION

HUNTS = '/rest/domain/localhost/hunts'
SETTINGS_1002 = '/rest/domain/localhost/user_settings/1002'
SETTINGS_1005 = '/rest/domain/localhost/user_settings/1005'
SETTINGS_1006 = '/rest/domain/localhost/user_settings/1006'
NORMAL = RunMode()
DIFF = RunMode(diff_mode=True)
CHECK = RunMode(check_mode=True, diff_mode=True)


def params(spec, **given):
    validation = ArgumentSpecValidator(spec(HUNT_GROUP)).validate(dict(CONNECTION, **given))
    assert not validation.error_messages
    return validation.validated_parameters


def result_of(report):
    """The task result of an operation's Report, with its warnings where a task shows them (none: no key)."""
    assert isinstance(report, Report)
    assert 'warnings' not in report.result
    result = dict(report.result)
    if report.warnings:
        result['warnings'] = list(report.warnings)
    return result


def single(pbx, mode=NORMAL, **given):
    return result_of(manage_one(HUNT_GROUP, params(account_spec, **dict({'domain': 'localhost'}, **given)), mode, pbx))


def info(pbx, **given):
    return result_of(read_accounts(HUNT_GROUP, params(account_info_spec, **dict({'domain': 'localhost'}, **given)), NORMAL, pbx))


def bulk(pbx, hunt_groups, mode=NORMAL, **given):
    return result_of(manage_many(HUNT_GROUP, params(accounts_spec, **dict({'domain': 'localhost', 'hunt_groups': hunt_groups}, **given)),
                                 mode, pbx))


# vodia_hunt_group ----------------------------------------------------------------------------

def test_a_new_hunt_group_is_created_and_returned(pbx):
    result = single(pbx, name='1005', display_name='Support', stages=[{'extensions': ['444'], 'duration': 10}], record_calls=True)
    assert result['changed']
    assert result['hunt_group']['display_name'] == 'Support'
    assert result['hunt_group']['stages'] == [{'extensions': ['444'], 'duration': 10}]
    assert 'diff' not in result
    # Only what differs from the new account's defaults is written: the empty stages 2 and 3 are no change.
    assert pbx.writes[1] == ('POST', SETTINGS_1005, {'display': 'Support', 'rec': 'true', 'st1_ext': '444', 'st1_dur': '10'})


def test_diff_mode_adds_before_and_after(pbx):
    result = single(pbx, DIFF, name='1005', display_name='Support')
    assert result['diff']['before'] == {}
    assert result['diff']['after'] == result['hunt_group']


def test_a_second_identical_run_changes_nothing_and_writes_nothing(pbx):
    single(pbx, name='1005', display_name='Support', record_calls=True)
    writes = len(pbx.writes)
    assert not single(pbx, name='1005', display_name='Support', record_calls=True)['changed']
    assert len(pbx.writes) == writes


def test_the_next_unchanged_item_of_a_loop_reads_no_hunts_list(pbx):
    single(pbx, name='1002', display_name='Hunt')
    single(pbx, name='1002', display_name='Hunt')
    assert pbx.paths('GET') == [HUNTS, SETTINGS_1002, SETTINGS_1002]


def test_a_hunt_group_created_by_the_item_before_is_recognised_by_the_next(pbx):
    single(pbx, name='1005', display_name='Support')
    writes = len(pbx.writes)
    assert not single(pbx, name='1005', display_name='Support')['changed']
    assert len(pbx.writes) == writes


def test_an_earlier_hunts_list_is_used_only_for_the_same_domain(pbx):
    pbx.accounts['other'] = {'1002': {'type': 'hunts', 'settings': {'display': 'Hunt', 'alias': ['1002']}}}
    single(pbx, name='1002', display_name='Hunt')
    single(pbx, name='1002', domain='other', display_name='Hunt')
    assert pbx.paths('GET') == [HUNTS, SETTINGS_1002, '/rest/domain/other/hunts', '/rest/domain/other/user_settings/1002']


def test_check_mode_reports_the_change_and_writes_nothing(pbx):
    result = single(pbx, CHECK, name='1002', display_name='Sales')
    assert result['changed']
    assert result['hunt_group']['display_name'] == 'Sales'
    assert result['diff']['before']['display_name'] == 'Hunt'
    assert pbx.writes == []


def test_absent_deletes_and_ignores_the_hunt_group_options(pbx):
    result = single(pbx, name='1002', state='absent', display_name='Ignored')
    assert result == {'changed': True, 'hunt_group': {}}
    assert [request[0] for request in pbx.writes] == ['DELETE']


@pytest.mark.parametrize('given, message', BAD_HUNT_GROUP_INPUT)
def test_bad_input_is_refused_before_any_request(pbx, given, message):
    with pytest.raises(VodiaInputError, match=message):
        single(pbx, **dict({'name': '1005'}, **given))
    assert pbx.requests == []


def test_an_account_of_another_type_is_refused(pbx):
    with pytest.raises(WrongKindError, match=r'is not a hunt group \(it is not in the hunts list'):
        single(pbx, name='444', display_name='x')
    assert pbx.writes == []


# vodia_hunt_group_info -----------------------------------------------------------------------

def test_info_returns_every_hunt_group_of_the_domain_without_change(pbx):
    pbx.accounts['localhost']['1003'] = {'type': 'hunts', 'settings': {'display': 'Other', 'alias': ['1003']}}
    result = info(pbx, parallel=2)
    assert result['changed'] is False
    assert [group['name'] for group in result['hunt_groups']] == ['1002', '1003']
    assert result['hunt_groups'][0]['stages'] == [{'extensions': ['444'], 'duration': 5}]
    assert pbx.writes == []


def test_info_returns_one_hunt_group_by_name(pbx):
    assert [group['display_name'] for group in info(pbx, name='1002')['hunt_groups']] == ['Hunt']


@pytest.mark.parametrize('name', ['444', '1009'])
def test_info_returns_nothing_for_a_name_that_is_not_a_hunt_group(pbx, name):
    assert info(pbx, name=name)['hunt_groups'] == []
    assert pbx.paths() == ['/rest/domain/localhost/hunts']


@pytest.mark.parametrize('given', [{'parallel': 0}, {'parallel': MAX_PARALLEL + 1}, {'name': 'a b'}, {'domain': ''}])
def test_info_refuses_bad_input_before_any_request(pbx, given):
    with pytest.raises(VodiaInputError):
        info(pbx, **given)
    assert pbx.requests == []


def test_settings_the_pbx_does_not_have_are_not_sent_and_are_named_in_a_warning(pbx):
    result = single(pbx, name='1002', display_name='Sales', ring_strategy='sequential')
    assert pbx.writes == [('POST', SETTINGS_1002, {'display': 'Sales'})]
    assert result['warnings'] == [
        'Hunt group 1002 in domain localhost: this PBX has no field algo, so ring_strategy was not sent. PBX versions '
        'differ in their fields (see docs/compatibility.md of vodia.pbx): remove it from the task for this PBX, or '
        'check the spelling.']


def test_a_result_without_unknown_fields_has_no_warnings_key(pbx):
    assert 'warnings' not in single(pbx, name='1002', display_name='Sales')


# vodia_hunt_groups ---------------------------------------------------------------------------

def test_bulk_warns_once_for_every_hunt_group_lacking_the_same_fields(pbx):
    pbx.accounts['localhost']['1003'] = {'type': 'hunts', 'settings': {'display': 'Old', 'alias': ['1003']}}
    extra = {'sani': '1', 'teams_number': '+15551234'}
    result = bulk(pbx, [{'name': '1002', 'settings': extra}, {'name': '1003', 'settings': extra},
                        {'name': '1004', 'settings': {'sani': '2'}}])
    assert result['warnings'] == [
        'Hunt groups 1002, 1003 in domain localhost: this PBX has no field sani, teams_number, so settings.sani, '
        'settings.teams_number were not sent. PBX versions differ in their fields (see docs/compatibility.md of '
        'vodia.pbx): remove them from the task for this PBX, or check the spelling.',
        'Hunt group 1004 in domain localhost: this PBX has no field sani, so settings.sani was not sent. PBX versions '
        'differ in their fields (see docs/compatibility.md of vodia.pbx): remove it from the task for this PBX, or '
        'check the spelling.']
    assert [item['action'] for item in result['results']] == ['unchanged', 'unchanged', 'created']


def test_bulk_reports_each_hunt_group_and_returns_the_present_ones(pbx):
    pbx.accounts['localhost']['1003'] = {'type': 'hunts', 'settings': {'display': 'Old', 'alias': ['1003']}}
    result = bulk(pbx, [{'name': '1002', 'display_name': 'Main'}, {'name': '1005', 'display_name': 'New'},
                        {'name': '1003', 'state': 'absent'}])
    assert result['changed']
    assert result['results'] == [{'name': '1002', 'action': 'updated', 'changed': True,
                                  'changes': {'display_name': {'before': 'Hunt', 'after': 'Main'}}},
                                 {'name': '1005', 'action': 'created', 'changed': True},
                                 {'name': '1003', 'action': 'deleted', 'changed': True}]
    assert [group['display_name'] for group in result['hunt_groups']] == ['Main', 'New']
    assert 'diff' not in result


def test_bulk_without_return_state_reports_what_happened_but_not_the_state(pbx):
    result = bulk(pbx, [{'name': '1002', 'display_name': 'Main'}, {'name': '1005', 'display_name': 'New'}],
                  return_state=False)
    assert 'hunt_groups' not in result
    assert [(item['name'], item['action']) for item in result['results']] == [('1002', 'updated'), ('1005', 'created')]
    assert result['results'][0]['changes'] == {'display_name': {'before': 'Hunt', 'after': 'Main'}}


def test_bulk_diff_lists_only_the_changed_hunt_groups_with_headers(pbx):
    result = bulk(pbx, [{'name': '1002', 'display_name': 'Hunt'}, {'name': '1005', 'display_name': 'New'}], DIFF)
    assert [(entry['before_header'], entry['after_header']) for entry in result['diff']] == [('hunt group 1005', 'hunt group 1005')]
    assert result['diff'][0]['after']['display_name'] == 'New'
    assert [entry['diff']['after']['name'] for entry in result['results']] == ['1002', '1005']


def test_bulk_without_a_change_reports_unchanged(pbx):
    result = bulk(pbx, [{'name': '1002', 'display_name': 'Hunt'}])
    assert not result['changed']
    assert pbx.writes == []


def test_bulk_in_check_mode_writes_nothing(pbx):
    result = bulk(pbx, [{'name': '1002', 'display_name': 'Main'}, {'name': '1005'}], CHECK, purge=True)
    assert result['changed']
    assert [item['action'] for item in result['results']] == ['updated', 'created']
    assert pbx.writes == []


def test_purge_deletes_the_unlisted_hunt_groups_but_does_not_return_them(pbx):
    pbx.accounts['localhost']['1003'] = {'type': 'hunts', 'settings': {'display': 'Old', 'alias': ['1003']}}
    result = bulk(pbx, [{'name': '1002'}], purge=True)
    assert [(item['name'], item['action']) for item in result['results']] == [('1002', 'unchanged'), ('1003', 'deleted')]
    assert [group['name'] for group in result['hunt_groups']] == ['1002']


def test_purge_with_an_empty_list_is_refused_before_any_request(pbx):
    with pytest.raises(VodiaInputError, match='would delete every hunt group'):
        bulk(pbx, [], purge=True)
    assert pbx.requests == []


def test_an_empty_list_without_purge_changes_nothing(pbx):
    assert bulk(pbx, []) == {'changed': False, 'check_mode': False, 'domain': 'localhost', 'hunt_groups': [], 'results': [], 'url': 'http://fake-pbx'}


def test_a_hunt_group_named_twice_is_refused_before_any_request(pbx):
    with pytest.raises(VodiaInputError, match="names hunt group '1002' more than once"):
        bulk(pbx, [{'name': '1002'}, {'name': '1002', 'state': 'absent'}])
    assert pbx.requests == []


@pytest.mark.parametrize('item, message', [
    ({'name': '1005', 'stages': [{'extensions': ['1'], 'duration': -1}]}, r'hunt_groups item 2 \(1005\): stages item 1 duration must not be negative'),
    ({'name': 'a/b'}, "hunt_groups item 2 name 'a/b' is not valid"),
])
def test_a_bad_item_is_named_by_its_position_before_any_request(pbx, item, message):
    with pytest.raises(VodiaInputError, match=message):
        bulk(pbx, [{'name': '1002'}, item])
    assert pbx.requests == []


@pytest.mark.parametrize('parallel', [0, MAX_PARALLEL + 1])
def test_bulk_refuses_a_parallelism_out_of_range_before_any_request(pbx, parallel):
    with pytest.raises(VodiaInputError, match='parallel must be between 1 and %d' % MAX_PARALLEL):
        bulk(pbx, [{'name': '1002'}], parallel=parallel)
    assert pbx.requests == []


@pytest.mark.parametrize('mode', [NORMAL, DIFF])
def test_a_failure_midway_reports_what_was_done_and_asks_for_another_run(pbx, mode):
    pbx.fail_with('POST', SETTINGS_1006, 500)
    with pytest.raises(PartialConvergeError) as caught:
        bulk(pbx, [{'name': '1002', 'display_name': 'Again'}, {'name': '1006', 'display_name': 'Broken'}], mode)
    error = caught.value
    assert error.message.startswith('Hunt group 1006: ')
    assert error.message.endswith('The hunt groups before it were converged; run the task again to continue.')
    assert error.cause.path == SETTINGS_1006
    assert [(item['name'], item['action'], item['changed']) for item in error.results] == [('1002', 'updated', True)]
    assert ('diff' in error.results[0]) == mode.diff_mode


@pytest.mark.parametrize('parallel', [1, MAX_PARALLEL])
def test_parallel_may_be_anything_from_one_to_the_maximum(parallel):
    assert checked_parallel(parallel) == parallel


def test_info_in_export_form_returns_exportable_hunt_groups_in_name_order(pbx):
    pbx.accounts['localhost']['999'] = {'type': 'hunts', 'settings': {'display': 'Early', 'dialog_state': 'busy'}}
    result = read_accounts(HUNT_GROUP, params(account_info_spec, domain='localhost', form='export'), NORMAL, pbx).result
    assert [group['name'] for group in result['hunt_groups']] == ['999', '1002']
    assert result['hunt_groups'][0]['settings'] == {'disabled': '', 'rec': ''}
    assert result['hunt_groups'][1]['stages'] == [{'extensions': ['444'], 'duration': 5}]
    assert pbx.writes == []


def test_bulk_names_the_changed_options_of_each_updated_hunt_group_and_the_pbx(pbx):
    result = manage_many(HUNT_GROUP, params(accounts_spec, domain='localhost', hunt_groups=[
        {'name': '1002', 'display_name': 'Sales'}, {'name': '1005', 'display_name': 'New'}]), CHECK, pbx).result
    assert result['url'] == 'http://fake-pbx'
    assert result['results'][0]['changes'] == {'display_name': {'before': 'Hunt', 'after': 'Sales'}}
    assert 'changes' not in result['results'][1]
