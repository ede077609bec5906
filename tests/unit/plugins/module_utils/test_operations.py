# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The operations with parameters as Ansible validates them, against the fake PBX."""

from __future__ import annotations

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.vodia.pbx.plugins.module_utils.argument_specs import account_info_spec, account_spec, accounts_spec
from ansible_collections.vodia.pbx.plugins.module_utils import operations
from ansible_collections.vodia.pbx.plugins.module_utils.call_queue import CALL_QUEUE
from ansible_collections.vodia.pbx.plugins.module_utils.errors import (
    PartialConvergeError, VodiaInputError, VodiaReferenceError, WrongKindError,
)
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import HUNT_GROUP
from ansible_collections.vodia.pbx.plugins.module_utils.operations import (
    MAX_PARALLEL,
    checked_parallel,
    manage_many,
    manage_one,
    read_accounts,
)
from ansible_collections.vodia.pbx.plugins.module_utils.runner import HANDED_ON, Report, RunMode

from ansible_collections.vodia.pbx.tests.unit.plugins.conftest import (
    BAD_HUNT_GROUP_INPUT, CONNECTION, NEW_CALL_QUEUE_SETTINGS, NEW_HUNT_GROUP_SETTINGS,
)

HUNTS = '/rest/domain/localhost/hunts'
SETTINGS_1002 = '/rest/domain/localhost/user_settings/1002'
SETTINGS_1005 = '/rest/domain/localhost/user_settings/1005'
SETTINGS_1006 = '/rest/domain/localhost/user_settings/1006'
NORMAL = RunMode()
DIFF = RunMode(diff_mode=True)
CHECK = RunMode(check_mode=True, diff_mode=True)


def params(spec, kind=HUNT_GROUP, **given):
    validation = ArgumentSpecValidator(spec(kind)).validate(dict(CONNECTION, **given))
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
    assert result == {'changed': True, 'url': 'http://fake-pbx', 'domain': 'localhost', 'name': '1002', 'hunt_group': {}}
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


@pytest.mark.parametrize('operation, spec, given', [
    (manage_one, account_spec, {'name': '1002'}),
    (read_accounts, account_info_spec, {}),
    (manage_many, accounts_spec, {'items': [{'name': '1002'}]}),
], ids=['one', 'info', 'many'])
@pytest.mark.parametrize('kind', [HUNT_GROUP, CALL_QUEUE], ids=['hunt_groups', 'call_queues'])
def test_every_result_names_the_pbx_and_the_tenant(pbx, operation, spec, given, kind):
    """From ansible-core 2.21 a result has no invocation unless asked for; the audit queries and reports over many
    PBXs find the PBX and tenant in the result itself, as the transport describes the PBX (never with credentials)."""
    pbx.add('1002', kind.addacc_type)
    given = dict((kind.results_key if option == 'items' else option, value) for option, value in given.items())
    result = result_of(operation(kind, params(spec, kind, **dict({'domain': 'localhost'}, **given)), NORMAL, pbx))
    assert (result['url'], result['domain']) == (pbx.describe(), 'localhost')


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


def test_bulk_diff_shows_each_changed_hunt_group_by_the_options_that_change(pbx):
    """An update shows the options that change, a creation or deletion the options that are not empty; an unchanged
    hunt group shows nothing, and the results carry no second copy."""
    pbx.add('1003', 'hunts', display='Old', rec='true')
    pbx.add('1004', 'hunts', display='Same')
    result = bulk(pbx, [{'name': '1002', 'display_name': 'Main'}, {'name': '1004', 'display_name': 'Same'},
                        {'name': '1005', 'display_name': 'New'}, {'name': '1003', 'state': 'absent'}], DIFF)
    assert [(entry['before_header'], entry['after_header']) for entry in result['diff']] == [
        ('hunt group 1002', 'hunt group 1002'), ('hunt group 1005', 'hunt group 1005'), ('hunt group 1003', 'hunt group 1003')]
    updated, created, deleted = result['diff']
    assert (updated['before'], updated['after']) == ({'name': '1002', 'display_name': 'Hunt'}, {'name': '1002', 'display_name': 'Main'})
    assert created['before'] == {}
    assert created['after'] == {
        'name': '1005', 'display_name': 'New', 'aliases': ['1005'], 'record_calls': False, 'settings.connect': 'true',
        'settings.from_header': 'id', 'settings.ncf': 'false', 'settings.st1_miss': 'false', 'settings.st2_miss': 'false',
        'settings.st3_miss': 'false'}
    assert deleted['before'] == {'name': '1003', 'display_name': 'Old', 'aliases': ['1003'], 'record_calls': True}
    assert deleted['after'] == {}
    assert [sorted(item) for item in result['results']] == [
        ['action', 'changed', 'changes', 'name'], ['action', 'changed', 'name'], ['action', 'changed', 'name'],
        ['action', 'changed', 'name']]


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
    assert 'diff' not in error.results[0]


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


# Accounts a check-mode run predicts it would create ------------------------------------------------

PLANNED_KEY = 'http://fake-pbx localhost'


def full_hunt_group_1002(pbx):
    """Hunt group 1002 with every field a hunt group has, so that a write to any typed option is sent."""
    pbx.accounts['localhost']['1002']['settings'] = dict(NEW_HUNT_GROUP_SETTINGS, display='Hunt', st1_ext='444', st1_dur='5',
                                                         alias=['1002'])


def test_check_mode_leaves_the_accounts_it_would_create_in_a_fact_keyed_by_pbx_and_domain(pbx):
    result = single(pbx, CHECK, name='1005', display_name='Support')
    assert result['ansible_facts'] == {'vodia_pbx_planned_accounts': {PLANNED_KEY: ['1005']}}
    assert pbx.writes == []


def test_the_fact_adds_to_the_accounts_earlier_tasks_planned(pbx):
    planned = {PLANNED_KEY: ['2000', '999'], 'https://other.example.com localhost': ['7']}
    result = bulk(pbx, [{'name': '1006'}, {'name': '1002', 'display_name': 'Main'}, {'name': '1005'}], CHECK,
                  planned_accounts=planned)
    assert result['ansible_facts']['vodia_pbx_planned_accounts'] == {
        PLANNED_KEY: ['999', '1005', '1006', '2000'], 'https://other.example.com localhost': ['7']}
    assert planned == {PLANNED_KEY: ['2000', '999'], 'https://other.example.com localhost': ['7']}


def test_a_name_planned_twice_is_listed_once(pbx):
    result = single(pbx, CHECK, name='1005', planned_accounts={PLANNED_KEY: ['1005']})
    assert result['ansible_facts']['vodia_pbx_planned_accounts'] == {PLANNED_KEY: ['1005']}


@pytest.mark.parametrize('mode, given', [
    (NORMAL, {'name': '1005'}),
    (DIFF, {'name': '1005'}),
    (NORMAL, {'name': '1002', 'state': 'absent'}),
    (CHECK, {'name': '1002', 'display_name': 'Sales'}),
])
def test_no_fact_without_a_creation_deletion_or_reference_change_in_check_mode(pbx, mode, given):
    assert 'ansible_facts' not in single(pbx, mode, **given)


def test_a_check_mode_deletion_plans_no_account(pbx):
    assert 'vodia_pbx_planned_accounts' not in single(pbx, CHECK, name='1002', state='absent')['ansible_facts']


def test_a_bulk_run_without_creations_in_check_mode_sets_no_fact(pbx):
    assert 'ansible_facts' not in bulk(pbx, [{'name': '1002', 'display_name': 'Main'}], CHECK)


def test_planned_names_given_as_numbers_are_names(pbx):
    result = single(pbx, CHECK, name='1005', planned_accounts={PLANNED_KEY: [1005, 2000]})
    assert result['ansible_facts']['vodia_pbx_planned_accounts'] == {PLANNED_KEY: ['1005', '2000']}


def test_planned_names_that_are_not_a_list_are_refused(pbx):
    with pytest.raises(VodiaInputError, match='must be a list of account names'):
        single(pbx, CHECK, name='1005', planned_accounts={PLANNED_KEY: '2000'})


def test_planned_accounts_count_as_existing_in_check_mode(pbx):
    full_hunt_group_1002(pbx)
    result = single(pbx, CHECK, name='1002', final_destinations=['2000'], planned_accounts={PLANNED_KEY: ['2000']})
    assert result['changed'] and result['hunt_group']['final_destinations'] == ['2000']


def test_planned_accounts_do_not_count_in_a_real_run(pbx):
    full_hunt_group_1002(pbx)
    with pytest.raises(VodiaReferenceError, match='final_destinations names 2000'):
        single(pbx, name='1002', final_destinations=['2000'], planned_accounts={PLANNED_KEY: ['2000']})
    assert pbx.writes == []


def test_accounts_planned_for_another_pbx_or_domain_do_not_count(pbx):
    full_hunt_group_1002(pbx)
    planned = {'http://fake-pbx other': ['2000'], 'https://other.example.com localhost': ['2000']}
    with pytest.raises(VodiaReferenceError):
        single(pbx, CHECK, name='1002', final_destinations=['2000'], planned_accounts=planned)


def test_a_bulk_run_in_check_mode_counts_planned_accounts_too(pbx):
    result = bulk(pbx, [{'name': '1005', 'stages': [{'extensions': ['444', '2000']}]}], CHECK,
                  planned_accounts={PLANNED_KEY: ['2000']})
    assert [item['action'] for item in result['results']] == ['created']


# Reference checks through the operations -------------------------------------------------------------

def test_a_reference_error_stops_the_single_module_before_any_write(pbx):
    with pytest.raises(VodiaReferenceError) as caught:
        single(pbx, name='1005', stages=[{'extensions': ['4444']}])
    assert 'Did you mean 444?' in caught.value.message
    assert pbx.writes == []


def test_reference_check_warn_returns_the_problem_as_a_warning_and_writes(pbx):
    result = single(pbx, name='1005', stages=[{'extensions': ['4444']}], reference_check='warn')
    assert result['changed']
    [warning] = result['warnings']
    assert 'stages item 1 extensions names 4444' in warning and warning.endswith('as reference_check is warn.')
    assert pbx.accounts['localhost']['1005']['settings']['st1_ext'] == '4444'


def test_reference_warnings_come_before_the_unknown_field_warnings(pbx):
    result = bulk(pbx, [{'name': '1002', 'display_name': 'Main', 'ring_strategy': 'sequential', 'stages': [{'extensions': ['4444']}]}],
                  reference_check='warn')
    assert len(result['warnings']) == 2
    assert result['warnings'][0].startswith('References in domain localhost do not hold')
    assert 'this PBX has no field algo' in result['warnings'][1]


# Call queues through the same operations -----------------------------------------------------------------

def queue(pbx, mode=NORMAL, **given):
    return result_of(manage_one(CALL_QUEUE, params(account_spec, CALL_QUEUE, **dict({'domain': 'localhost'}, **given)), mode, pbx))


def add_call_queue(pbx, name, **settings):
    pbx.add(name, 'acds', **dict(NEW_CALL_QUEUE_SETTINGS, **settings))


def test_a_call_queue_is_created_and_returned_under_its_own_key(pbx):
    result = queue(pbx, DIFF, name='3000', display_name='Support', agents=['444'], escalation_time=30)
    assert result['changed']
    assert result['call_queue']['agents'] == ['444'] and result['call_queue']['escalation_time'] == 30
    assert 'hunt_group' not in result
    assert result['diff']['before'] == {}
    assert pbx.accounts['localhost']['3000']['type'] == 'acds'
    assert not queue(pbx, name='3000', display_name='Support', agents=['444'], escalation_time=30)['changed']


def test_a_hunt_group_name_is_refused_by_the_call_queue_module(pbx):
    with pytest.raises(WrongKindError, match=r'is not a call queue \(it is not in the acds list'):
        queue(pbx, name='1002', display_name='x')
    assert pbx.writes == []


def test_the_call_queue_info_returns_only_call_queues(pbx):
    add_call_queue(pbx, '3001', display='Second', esctime='15')
    add_call_queue(pbx, '3000', display='First', lastwait='123')
    report = read_accounts(CALL_QUEUE, params(account_info_spec, CALL_QUEUE, domain='localhost', form='export'), NORMAL, pbx)
    assert [item['name'] for item in report.result['call_queues']] == ['3000', '3001']
    assert report.result['call_queues'][1]['escalation_time'] == 15
    assert 'lastwait' not in report.result['call_queues'][0]['settings']
    assert pbx.paths()[0] == '/rest/domain/localhost/acds'


def test_call_queues_in_bulk_with_purge_delete_only_call_queues(pbx):
    add_call_queue(pbx, '3001')
    report = manage_many(CALL_QUEUE, params(accounts_spec, CALL_QUEUE, domain='localhost', purge=True,
                                            call_queues=[{'name': '3000', 'agents': ['444']}]), DIFF, pbx)
    assert [(item['name'], item['action']) for item in report.result['results']] == [('3000', 'created'), ('3001', 'deleted')]
    assert [item['name'] for item in report.result['call_queues']] == ['3000']
    assert [entry['before_header'] for entry in report.result['diff']] == ['call queue 3000', 'call queue 3001']
    assert '1002' in pbx.accounts['localhost']


def test_a_bad_call_queue_item_is_named_by_its_option_and_position(pbx):
    with pytest.raises(VodiaInputError, match=r'call_queues item 1 \(3000\): escalation_time must not be negative'):
        manage_many(CALL_QUEUE, params(accounts_spec, CALL_QUEUE, domain='localhost',
                                       call_queues=[{'name': '3000', 'escalation_time': -5}]), NORMAL, pbx)
    assert pbx.requests == []


def test_the_earlier_list_is_kept_per_kind(pbx):
    add_call_queue(pbx, '3000', display='Support')
    single(pbx, name='1002', display_name='Hunt')
    queue(pbx, name='3000', display_name='Support')
    queue(pbx, name='3000', display_name='Support')
    assert pbx.paths('GET') == [HUNTS, SETTINGS_1002, '/rest/domain/localhost/acds', '/rest/domain/localhost/user_settings/3000',
                                '/rest/domain/localhost/user_settings/3000']
    assert list(operations.EARLIER_LISTS) == [(pbx.identity, 'localhost', 'acds')]


# References a check-mode run predicts accounts would hold after it -----------------------------------------

def handed_on(result):
    """The options through which the adapters hand a check-mode task's facts to the next task."""
    facts = result.get('ansible_facts', {})
    return dict((option, facts[fact]) for fact, option in HANDED_ON if fact in facts)


def test_check_mode_leaves_the_references_it_would_change_create_and_delete_in_a_fact(pbx):
    add_call_queue(pbx, '3000')
    full_hunt_group_1002(pbx)
    pbx.add('1003', 'hunts', display='Other')
    result = bulk(pbx, [{'name': '1002', 'final_destinations': ['3000']}, {'name': '1005', 'night_service': '3000'},
                        {'name': '1006', 'display_name': 'No references'}, {'name': '1003', 'state': 'absent'}], CHECK)
    planned = result['ansible_facts']['vodia_pbx_planned_references'][PLANNED_KEY]
    held = pbx.accounts['localhost']['1002']['settings']
    naming = dict((field, value) for field, value in held.items() if field in HUNT_GROUP.fields.reference_fields())
    assert planned['1002'] == {'kind': 'hunt group', 'fields': dict(naming, st4_ext='3000')}
    assert planned['1005'] == {'kind': 'hunt group', 'fields': {'night': '3000'}}
    assert planned['1003'] is None
    assert '1006' not in planned  # created, but naming nothing: it cannot keep a deletion from happening
    assert pbx.writes == []


def test_a_real_run_leaves_no_planned_references(pbx):
    add_call_queue(pbx, '3000')
    assert 'ansible_facts' not in single(pbx, name='1002', final_destinations=['3000'])


def test_a_deletion_in_check_mode_counts_a_reference_an_earlier_task_would_remove(pbx):
    add_call_queue(pbx, '3000')
    full_hunt_group_1002(pbx)
    pbx.accounts['localhost']['1002']['settings']['st4_ext'] = '3000'
    dropped = handed_on(bulk(pbx, [{'name': '1002', 'final_destinations': []}], CHECK))
    result = queue(pbx, CHECK, name='3000', state='absent', **dropped)
    assert result['changed'] and pbx.writes == []


def test_a_deletion_in_check_mode_fails_on_a_reference_an_earlier_task_leaves_in_place(pbx):
    add_call_queue(pbx, '3000')
    full_hunt_group_1002(pbx)
    pbx.accounts['localhost']['1002']['settings']['st4_ext'] = '3000'
    # The earlier task changes the hunt group, but not the field that names the queue.
    earlier = bulk(pbx, [{'name': '1002', 'display_name': 'Renamed', 'stages': [{'extensions': ['444']}]}], CHECK)
    with pytest.raises(VodiaReferenceError, match='Hunt group 1002 still names 3000 in final_destinations'):
        queue(pbx, CHECK, name='3000', state='absent', **handed_on(earlier))
    assert pbx.writes == []


def test_a_deletion_in_check_mode_fails_on_a_reference_an_earlier_task_would_create(pbx):
    add_call_queue(pbx, '3000')
    earlier = handed_on(single(pbx, CHECK, name='1005', night_service='3000'))
    with pytest.raises(VodiaReferenceError, match='Hunt group 1005 still names 3000 in night_service'):
        queue(pbx, CHECK, name='3000', state='absent', **earlier)


def test_a_reference_to_an_account_an_earlier_check_mode_task_would_delete_fails(pbx):
    add_call_queue(pbx, '3000')
    full_hunt_group_1002(pbx)
    earlier = handed_on(queue(pbx, CHECK, name='3000', state='absent'))
    with pytest.raises(VodiaReferenceError, match='night_service names 3000, which is neither'):
        single(pbx, CHECK, name='1002', night_service='3000', **earlier)


def test_an_account_an_earlier_check_mode_task_would_delete_holds_no_reference(pbx):
    add_call_queue(pbx, '3000')
    pbx.add('1003', 'hunts', night='3000')
    earlier = handed_on(single(pbx, CHECK, name='1003', state='absent'))
    assert queue(pbx, CHECK, name='3000', state='absent', **earlier)['changed']


def test_planned_references_add_to_those_of_earlier_tasks_and_do_not_count_in_a_real_run(pbx):
    add_call_queue(pbx, '3000')
    pbx.add('1003', 'hunts', night='3000')
    earlier = {PLANNED_KEY: {'1003': None}, 'https://other.example.com localhost': {'7': None}}
    result = single(pbx, CHECK, name='1005', night_service='3000', planned_references=earlier)
    assert result['ansible_facts']['vodia_pbx_planned_references'] == {
        PLANNED_KEY: {'1003': None, '1005': {'kind': 'hunt group', 'fields': {'night': '3000'}}},
        'https://other.example.com localhost': {'7': None}}
    with pytest.raises(VodiaReferenceError, match='Hunt group 1003 still names 3000'):
        queue(pbx, name='3000', state='absent', planned_references=earlier)


@pytest.mark.parametrize('entries', [['1003'], {'1003': 'gone'}, {'1003': {'kind': 'hunt group'}}])
def test_malformed_planned_references_are_refused_before_any_request(pbx, entries):
    with pytest.raises(VodiaInputError, match='planned_references'):
        single(pbx, CHECK, name='1002', display_name='Sales', planned_references={PLANNED_KEY: entries})
    assert pbx.requests == []
