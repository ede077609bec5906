# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The engine's reference check against the fake PBX: when it reads the tenant's account list, what it refuses
before any write, what it lets through, and call queues as a second kind."""

from __future__ import annotations

import pytest

from ansible_collections.vodia.pbx.plugins.module_utils import engine
from ansible_collections.vodia.pbx.plugins.module_utils.call_queue import CALL_QUEUE
from ansible_collections.vodia.pbx.plugins.module_utils.engine import Wanted
from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaReferenceError, WrongKindError
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import HUNT_GROUP
from ansible_collections.vodia.pbx.plugins.module_utils.references import LENIENT, STRICT, Policy
from ansible_collections.vodia.pbx.plugins.module_utils.vodia_api import VodiaApi

from ansible_collections.vodia.pbx.tests.unit.plugins.conftest import NEW_CALL_QUEUE_SETTINGS, NEW_HUNT_GROUP_SETTINGS

USERS = '/rest/domain/localhost/users'
ACDS = '/rest/domain/localhost/acds'
ADDACC = '/rest/domain/localhost/addacc'


def settings_path(name):
    return '/rest/domain/localhost/user_settings/%s' % name


def add_hunt_group(pbx, name, **settings):
    """A hunt group with every field a new one has (a field missing from an account is never written)."""
    pbx.add(name, 'hunts', **dict(NEW_HUNT_GROUP_SETTINGS, **settings))


def add_call_queue(pbx, name, **settings):
    pbx.add(name, 'acds', **dict(NEW_CALL_QUEUE_SETTINGS, **settings))


@pytest.fixture
def tenant(pbx):
    """The fake PBX with extensions 444 to 447 (444 is there already) and hunt group 1002 ringing 444."""
    for name in ('445', '446', '447'):
        pbx.add(name, 'extensions', display='Desk %s' % name)
    add_hunt_group(pbx, '1002', display='Hunt', st1_ext='444', st1_dur='5')
    return pbx


def converge(pbx, name, state='present', kind=HUNT_GROUP, check_mode=False, policy=Policy(), **desired):
    return engine.converge(VodiaApi(pbx), kind, 'localhost', Wanted(name, state, desired), check_mode, None, policy)


def converge_many(pbx, wanted, purge=False, kind=HUNT_GROUP, check_mode=False, policy=Policy()):
    return engine.converge_many(VodiaApi(pbx), kind, 'localhost', wanted, purge, check_mode, 2, policy)


def users_reads(pbx):
    return pbx.paths('GET').count(USERS)


def refused(call):
    with pytest.raises(VodiaReferenceError) as caught:
        call()
    return caught.value


# When the account list is read --------------------------------------------------------------------------

def test_an_unchanged_bulk_run_reads_no_account_list(tenant):
    converged = converge_many(tenant, [Wanted('1002', 'present', {'display': 'Hunt', 'st1_ext': '444', 'st4_ext': ''})])
    assert [outcome.action for outcome in converged.outcomes] == [engine.UNCHANGED]
    assert users_reads(tenant) == 0
    assert converged.reference_warnings == []


def test_an_update_of_the_display_name_only_reads_no_account_list(tenant):
    assert converge(tenant, '1002', display='Sales').outcomes[0].action == engine.UPDATED
    assert converge_many(tenant, [Wanted('1002', 'present', {'display': 'Main', 'st1_ext': '444'})]).outcomes[0].action == engine.UPDATED
    assert users_reads(tenant) == 0


def test_a_create_that_names_no_account_reads_no_account_list(tenant):
    assert converge(tenant, '1005', display='New').outcomes[0].action == engine.CREATED
    assert users_reads(tenant) == 0


def test_an_update_that_writes_a_reference_field_reads_the_account_list_before_writing(tenant):
    converge(tenant, '1002', st4_ext='445')
    assert [request[:2] for request in tenant.requests] == [
        ('GET', '/rest/domain/localhost/hunts'), ('GET', settings_path('1002')), ('GET', USERS),
        ('POST', settings_path('1002'))]


def test_an_unchanged_reference_field_is_not_checked_again(tenant):
    # 444 is what the PBX holds already: only what a task writes is checked.
    converge(tenant, '1002', st1_ext='444', display='Sales')
    assert users_reads(tenant) == 0


def test_a_bulk_run_reads_the_account_list_once_for_every_write_and_deletion(tenant):
    add_hunt_group(tenant, '1003')
    wanted = [Wanted('1002', 'present', {'st4_ext': '445'}), Wanted('1005', 'present', {'st1_ext': '446'}),
              Wanted('1006', 'present', {'night': '447'})]
    converged = converge_many(tenant, wanted, purge=True)
    assert [outcome.action for outcome in converged.outcomes] == [engine.UPDATED, engine.CREATED, engine.CREATED, engine.DELETED]
    assert users_reads(tenant) == 1


@pytest.mark.parametrize('check_mode', [False, True])
def test_a_planned_deletion_reads_the_account_list(tenant, check_mode):
    converge(tenant, '1002', 'absent', check_mode=check_mode)
    assert users_reads(tenant) == 1


def test_an_absent_account_that_is_already_gone_reads_no_account_list(tenant):
    assert converge(tenant, '1009', 'absent').outcomes[0].action == engine.UNCHANGED
    assert users_reads(tenant) == 0


def test_check_references_without_plans_reads_nothing(tenant):
    assert engine.check_references(VodiaApi(tenant), HUNT_GROUP, 'localhost', [], Policy()) == []
    assert tenant.requests == []


# A strict check fails before any write -------------------------------------------------------------------

def test_a_name_the_tenant_does_not_have_fails_the_update_before_any_write(tenant):
    error = refused(lambda: converge(tenant, '1002', st4_ext='4444', display='Sales'))
    assert tenant.writes == []
    assert error.message.startswith('References in domain localhost do not hold: Hunt group 1002: final_destinations names '
                                    '4444, which is neither an account of this tenant')
    assert 'Did you mean 444?' in error.message
    [problem] = error.problems
    assert (problem['holder'], problem['option'], problem['value'], problem['suggestions'][0]) == (
        '1002', 'final_destinations', '4444', '444')
    assert error.facts() == {'reference_problems': error.problems}


def test_a_name_the_tenant_does_not_have_fails_a_create_before_the_account_is_made(tenant):
    refused(lambda: converge(tenant, '1005', display='New', st1_ext='444 9999'))
    assert tenant.writes == []
    assert '1005' not in tenant.accounts['localhost']


def test_check_mode_fails_as_the_real_run_would(tenant):
    error = refused(lambda: converge(tenant, '1002', check_mode=True, night='9999'))
    assert 'night_service names 9999' in error.message
    assert tenant.writes == []


def test_one_bad_item_of_a_bulk_run_blocks_every_write(tenant):
    add_hunt_group(tenant, '1003')
    wanted = [Wanted('1002', 'present', {'display': 'Main'}), Wanted('1005', 'present', {'st1_ext': '445'}),
              Wanted('1006', 'present', {'st4_ext': '12345'})]
    error = refused(lambda: converge_many(tenant, wanted, purge=True))
    assert tenant.writes == []
    assert [(problem['holder'], problem['value']) for problem in error.problems] == [('1006', '12345')]
    assert set(tenant.accounts['localhost']) >= {'1002', '1003'}


def test_every_problem_of_a_bulk_run_is_reported_at_once(tenant):
    wanted = [Wanted('1005', 'present', {'st1_ext': '9999'}), Wanted('1006', 'present', {'st4_ext': '4444', 'night': 'nobody'})]
    error = refused(lambda: converge_many(tenant, wanted))
    assert sorted((problem['holder'], problem['value']) for problem in error.problems) == [
        ('1005', '9999'), ('1006', '4444'), ('1006', 'nobody')]


def test_outside_numbers_aliases_and_known_names_pass(tenant):
    add_hunt_group(tenant, '2000', alias=['2000', 'sales'])
    converged = converge(tenant, '1002', st4_ext='8572665588 +15551234567 sales', night='2000')
    assert converged.outcomes[0].action == engine.UPDATED
    assert converged.reference_warnings == []


# A lenient check warns and writes --------------------------------------------------------------------------

def test_a_lenient_check_returns_the_problems_as_a_warning_and_writes(tenant):
    converged = converge(tenant, '1002', st4_ext='4444', policy=Policy(LENIENT))
    assert converged.outcomes[0].action == engine.UPDATED
    assert tenant.writes == [('POST', settings_path('1002'), {'st4_ext': '4444'})]
    [warning] = converged.reference_warnings
    assert 'final_destinations names 4444' in warning
    assert warning.endswith('The task went on, as reference_check is warn.')


def test_a_lenient_bulk_run_writes_every_item_and_warns_once(tenant):
    wanted = [Wanted('1005', 'present', {'st1_ext': '9999'}), Wanted('1006', 'present', {'st4_ext': '4444'})]
    converged = converge_many(tenant, wanted, policy=Policy(LENIENT))
    assert [outcome.action for outcome in converged.outcomes] == [engine.CREATED, engine.CREATED]
    assert len(converged.reference_warnings) == 1
    assert '9999' in converged.reference_warnings[0] and '4444' in converged.reference_warnings[0]


# What counts as existing --------------------------------------------------------------------------------------

def test_an_account_created_by_the_same_bulk_run_counts(tenant):
    wanted = [Wanted('1005', 'present', {'display': 'Overflow'}), Wanted('1006', 'present', {'st4_ext': '1005'})]
    converged = converge_many(tenant, wanted)
    assert [outcome.action for outcome in converged.outcomes] == [engine.CREATED, engine.CREATED]
    assert tenant.accounts['localhost']['1006']['settings']['st4_ext'] == '1005'


def test_an_alias_the_same_bulk_run_gives_counts(tenant):
    wanted = [Wanted('1005', 'present', {'alias': ['1005', 'sales']}), Wanted('1006', 'present', {'st4_ext': 'sales'})]
    converged = converge_many(tenant, wanted)
    assert [outcome.action for outcome in converged.outcomes] == [engine.CREATED, engine.CREATED]
    refused(lambda: converge_many(tenant, [Wanted('1007', 'present', {'st4_ext': 'support'})]))


def test_an_account_the_policy_assumes_counts(tenant):
    # As an earlier task's check-mode run predicted it would create 2009.
    converged = converge(tenant, '1002', check_mode=True, st4_ext='2009', policy=Policy(STRICT, frozenset(['2009'])))
    assert converged.outcomes[0].action == engine.UPDATED
    refused(lambda: converge(tenant, '1002', check_mode=True, st4_ext='2009'))


def test_an_account_deleted_by_the_same_bulk_run_does_not_count(tenant):
    add_hunt_group(tenant, '2000')
    wanted = [Wanted('2000', 'absent', {}), Wanted('1005', 'present', {'st4_ext': '2000'})]
    error = refused(lambda: converge_many(tenant, wanted))
    assert [(problem['holder'], problem['value']) for problem in error.problems] == [('1005', '2000')]
    assert tenant.writes == []


# Deleting an account that others name --------------------------------------------------------------------------

def test_deleting_a_call_queue_a_hunt_group_names_fails_naming_both(tenant):
    add_call_queue(tenant, '3000', display='Support')
    tenant.accounts['localhost']['1002']['settings']['st4_ext'] = '3000'
    error = refused(lambda: converge(tenant, '3000', 'absent', kind=CALL_QUEUE))
    assert error.message == (
        'References in domain localhost do not hold: Hunt group 1002 still names 3000 in final_destinations (call queue '
        '3000); remove it there first, or in the same task. Nothing was written.')
    [problem] = error.problems
    assert (problem['kind'], problem['holder'], problem['option'], problem['value'], problem['target']) == (
        'hunt group', '1002', 'final_destinations', '3000', '3000')
    assert tenant.writes == []
    assert '3000' in tenant.accounts['localhost']


def test_a_reference_by_alias_counts_too(tenant):
    add_call_queue(tenant, '3000', alias=['3000', 'support'])
    tenant.accounts['localhost']['1002']['settings']['night'] = 'support'
    error = refused(lambda: converge(tenant, '3000', 'absent', kind=CALL_QUEUE, check_mode=True))
    assert 'Hunt group 1002 still names support in night_service (call queue 3000)' in error.message


def test_a_queue_that_names_a_hunt_group_being_purged_blocks_the_purge(tenant):
    add_call_queue(tenant, '3000', night='1002')
    error = refused(lambda: converge_many(tenant, [Wanted('1005', 'present', {})], purge=True))
    assert [(problem['kind'], problem['holder'], problem['option'], problem['target']) for problem in error.problems] == [
        ('call queue', '3000', 'night_service', '1002')]
    assert tenant.writes == []


def test_only_accounts_of_managed_kinds_are_read_as_holders(tenant):
    add_hunt_group(tenant, '2000')
    add_call_queue(tenant, '3000')
    tenant.add('500', 'attendants', night='1002')
    converge(tenant, '1002', 'absent')
    read = set(tenant.paths('GET'))
    assert {settings_path('2000'), settings_path('3000')} <= read
    assert not {settings_path(name) for name in ('444', '445', '446', '447', '500')} & read
    assert '1002' not in tenant.accounts['localhost']


def test_service_flags_name_no_account_so_a_deletion_does_not_read_them(tenant):
    tenant.add('800', 'srvflags', display='Office hours')
    add_call_queue(tenant, '3000')
    converge(tenant, '1002', 'absent')
    read = set(tenant.paths('GET'))
    assert settings_path('3000') in read
    assert settings_path('800') not in read
    assert '1002' not in tenant.accounts['localhost']


def test_a_lenient_check_deletes_all_the_same_and_warns(tenant):
    add_call_queue(tenant, '3000')
    tenant.accounts['localhost']['1002']['settings']['st4_ext'] = '3000'
    converged = converge(tenant, '3000', 'absent', kind=CALL_QUEUE, policy=Policy(LENIENT))
    assert converged.outcomes[0].action == engine.DELETED
    assert 'Hunt group 1002 still names 3000' in converged.reference_warnings[0]
    assert '3000' not in tenant.accounts['localhost']


def hunt_group_2001_ending_in_2000(tenant):
    add_hunt_group(tenant, '2000', display='Overflow')
    add_hunt_group(tenant, '2001', display='Front', st1_ext='444', st4_ext='2000')


def test_a_purge_may_delete_a_hunt_group_that_the_same_task_stops_naming(tenant):
    hunt_group_2001_ending_in_2000(tenant)
    converged = converge_many(tenant, [Wanted('1002', 'present', {}), Wanted('2001', 'present', {'st4_ext': ''})], purge=True)
    assert [(outcome.name, outcome.action) for outcome in converged.outcomes] == [
        ('1002', engine.UNCHANGED), ('2001', engine.UPDATED), ('2000', engine.DELETED)]
    assert '2000' not in tenant.accounts['localhost']
    assert tenant.accounts['localhost']['2001']['settings']['st4_ext'] == ''
    # The task's own plan stood for 2001: its settings were read for the plan only.
    assert tenant.paths('GET').count(settings_path('2001')) == 1


def test_a_purge_may_not_delete_a_hunt_group_that_another_keeps_naming(tenant):
    hunt_group_2001_ending_in_2000(tenant)
    error = refused(lambda: converge_many(tenant, [Wanted('1002', 'present', {}), Wanted('2001', 'present', {})], purge=True))
    assert 'Hunt group 2001 still names 2000 in final_destinations (hunt group 2000)' in error.message
    assert tenant.writes == []


def test_a_hunt_group_that_the_same_task_deletes_keeps_no_reference(tenant):
    hunt_group_2001_ending_in_2000(tenant)
    converged = converge_many(tenant, [Wanted('2000', 'absent', {}), Wanted('2001', 'absent', {})])
    assert [outcome.action for outcome in converged.outcomes] == [engine.DELETED, engine.DELETED]


def test_a_hunt_group_the_task_changes_but_still_names_the_deleted_one_blocks_it(tenant):
    hunt_group_2001_ending_in_2000(tenant)
    wanted = [Wanted('2000', 'absent', {}), Wanted('2001', 'present', {'display': 'Renamed'})]
    error = refused(lambda: converge_many(tenant, wanted))
    assert [(problem['holder'], problem['target']) for problem in error.problems] == [('2001', '2000')]


# Values the PBX offers ---------------------------------------------------------------------------------------

RINGTONES = '/rest/domain/localhost/ringtones/en'
MOH = '/rest/domain/localhost/moh'


@pytest.fixture
def offering(tenant):
    """The tenant's PBX with lists of melodies and music on hold, and without a list of dial plans."""
    tenant.offered['ringtones/en'] = [{'id': 'ringer%d' % number, 'name': 'Ringer %d' % number} for number in range(1, 11)]
    tenant.offered['moh'] = [{'id': '1', 'name': 'Default'}]
    return tenant


def test_a_write_of_a_melody_reads_the_melody_list_once_and_no_account_list(offering):
    converge(offering, '1002', melody='ringer3')
    assert [request[:2] for request in offering.requests] == [
        ('GET', '/rest/domain/localhost/hunts'), ('GET', settings_path('1002')), ('GET', RINGTONES),
        ('POST', settings_path('1002'))]


def test_a_melody_the_pbx_does_not_offer_fails_before_any_write(offering):
    error = refused(lambda: converge(offering, '1002', melody='ringer11', display='Sales'))
    assert offering.writes == []
    assert 'ring_melody is ringer11, which is not among the values this PBX offers (GET /rest/domain/localhost/ringtones/en)' in (
        error.message)
    assert error.problems[0]['offered_by'] == 'ringtones/en'
    assert error.problems[0]['suggestions'][0] == 'ringer1'


def test_a_bulk_run_reads_each_offered_list_once_and_only_the_lists_it_needs(offering):
    wanted = [Wanted('1002', 'present', {'melody': 'ringer2'}), Wanted('1005', 'present', {'melody': 'ringer3', 'moh': '1'}),
              Wanted('1006', 'present', {'melody': 'ringer4', 'dial_plan': '9'})]
    converged = converge_many(offering, wanted)
    assert [outcome.action for outcome in converged.outcomes] == [engine.UPDATED, engine.CREATED, engine.CREATED]
    reads = offering.paths('GET')
    assert (reads.count(RINGTONES), reads.count(MOH), reads.count('/rest/domain/localhost/dialplans')) == (1, 1, 1)
    assert users_reads(offering) == 0


@pytest.mark.parametrize('desired', [{'display': 'Sales'}, {'melody': ''}, {'moh': ''}])
def test_a_write_without_an_offered_value_reads_no_offered_list(offering, desired):
    converge(offering, '1002', **desired)
    assert not {RINGTONES, MOH} & set(offering.paths())


def test_an_unchanged_offered_value_reads_no_list(offering):
    offering.accounts['localhost']['1002']['settings']['melody'] = 'ringer6'
    converge_many(offering, [Wanted('1002', 'present', {'melody': 'ringer6'})])
    assert RINGTONES not in offering.paths()


def test_a_pbx_without_the_list_is_not_checked(offering):
    converged = converge(offering, '1002', dial_plan='whatever')
    assert converged.outcomes[0].action == engine.UPDATED and converged.reference_warnings == []


def test_a_lenient_check_writes_a_value_the_pbx_does_not_offer_and_warns(offering):
    converged = converge(offering, '1002', moh='2', policy=Policy(LENIENT))
    assert offering.writes == [('POST', settings_path('1002'), {'moh': '2'})]
    assert 'music_on_hold is 2' in converged.reference_warnings[0]


def test_an_unknown_name_and_an_unoffered_value_are_reported_together(offering):
    error = refused(lambda: converge(offering, '1002', melody='nope', st4_ext='4444'))
    assert sorted((problem['option'], problem['value']) for problem in error.problems) == [
        ('final_destinations', '4444'), ('ring_melody', 'nope')]
    assert offering.writes == []


# Call queues: the second kind ----------------------------------------------------------------------------------

def test_a_call_queue_is_created_from_the_acds_list_with_its_addacc_type(tenant):
    desired = CALL_QUEUE.fields.desired_fields({'display_name': 'Support', 'agents': ['444', '445'], 'escalation_time': 30})
    converged = converge(tenant, '3000', kind=CALL_QUEUE, **desired)
    [outcome] = converged.outcomes
    assert outcome.action == engine.CREATED
    assert outcome.after['agents'] == ['444', '445'] and outcome.after['escalation_time'] == 30
    assert converged.names == []
    assert tenant.requests[0][:2] == ('GET', ACDS)
    assert ('POST', ADDACC, {'type': 'acds', 'account': '3000'}) in tenant.requests
    assert tenant.accounts['localhost']['3000']['settings']['agents'] == '444 445'
    assert tenant.accounts['localhost']['3000']['settings']['esctime'] == '30'
    tenant.requests.clear()
    again = converge(tenant, '3000', kind=CALL_QUEUE, **desired)
    assert again.outcomes[0].action == engine.UNCHANGED and tenant.writes == []
    assert again.names == ['3000']


def test_an_agent_the_tenant_does_not_have_fails_the_call_queue(tenant):
    error = refused(lambda: converge(tenant, '3000', kind=CALL_QUEUE, agents='444 4444'))
    assert 'Call queue 3000: agents names 4444' in error.message
    assert tenant.writes == []


@pytest.mark.parametrize('state', ['present', 'absent'])
def test_a_hunt_group_is_never_touched_as_a_call_queue(tenant, state):
    with pytest.raises(WrongKindError, match=r"'1002' in domain 'localhost' exists on the PBX but is not a call queue "
                                             r"\(it is not in the acds list"):
        converge(tenant, '1002', state, kind=CALL_QUEUE, display='x')
    assert tenant.writes == []


def test_a_call_queue_is_never_touched_as_a_hunt_group(tenant):
    add_call_queue(tenant, '3000')
    with pytest.raises(WrongKindError, match='is not a hunt group'):
        converge_many(tenant, [Wanted('3000', 'absent', {})])
    assert tenant.writes == []


def test_a_purge_of_call_queues_deletes_only_call_queues(tenant):
    add_call_queue(tenant, '3000')
    add_call_queue(tenant, '3001')
    converged = converge_many(tenant, [Wanted('3000', 'present', {})], purge=True, kind=CALL_QUEUE)
    assert [(outcome.name, outcome.action) for outcome in converged.outcomes] == [('3000', engine.UNCHANGED), ('3001', engine.DELETED)]
    assert set(tenant.accounts['localhost']) == {'1002', '444', '445', '446', '447', '3000'}
