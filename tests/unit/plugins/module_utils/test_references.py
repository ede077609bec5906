# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""references.py: which names a field holds, whether the tenant has them, and how a problem is worded."""

from __future__ import annotations

import pytest

from ansible_collections.vodia.pbx.plugins.module_utils import references
from ansible_collections.vodia.pbx.plugins.module_utils.call_queue import CALL_QUEUE
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import HUNT_GROUP
from ansible_collections.vodia.pbx.plugins.module_utils.references import Policy, Problem

# A tenant as GET users lists it: four extensions, a hunt group with an extra alias, a call queue.
ACCOUNTS = [
    {'name': '444', 'alias': ['444'], 'usertype': 'extensions'},
    {'name': '445', 'alias': ['445'], 'usertype': 'extensions'},
    {'name': '446', 'alias': ['446'], 'usertype': 'extensions'},
    {'name': '447', 'alias': ['447'], 'usertype': 'extensions'},
    {'name': '2000', 'alias': ['2000', 'sales'], 'usertype': 'hunts'},
    {'name': '3000', 'alias': ['3000'], 'usertype': 'acds'},
]
KNOWN = references.known_names(ACCOUNTS)


# Outside numbers ----------------------------------------------------------------------------------

@pytest.mark.parametrize('value', ['8572665588', '+15551234567', '8578962323', '1234567', '+49'])
def test_e164_numbers_and_numbers_of_seven_digits_or_more_are_outside_numbers(value):
    assert references.is_outside_number(value)


@pytest.mark.parametrize('value', ['4444', '9999', '12345', '123456', '444', '+1', '+', '', 'sales', '555-1234', '+1 555',
                                   '8572665588x', 'sip:8572665588'])
def test_account_numbers_and_anything_else_are_not(value):
    assert not references.is_outside_number(value)


# The names a tenant answers to ----------------------------------------------------------------------

def test_known_names_are_every_account_name_and_alias():
    assert KNOWN == {'444', '445', '446', '447', '2000', 'sales', '3000'}


def test_accounts_about_to_be_created_are_known_and_those_about_to_be_deleted_are_not_with_their_aliases():
    known = references.known_names(ACCOUNTS, created=['2001'], deleted=['2000'])
    assert '2001' in known
    assert '2000' not in known and 'sales' not in known
    assert '444' in known


def test_an_account_without_aliases_answers_to_its_name():
    assert references.known_names([{'name': '9', 'alias': [], 'usertype': ''}, {'name': '10'}]) == {'9', '10'}


def test_known_names_take_any_iterables_and_change_nothing():
    accounts = [dict(account) for account in ACCOUNTS]
    references.known_names(iter(accounts), created=iter(['2001']), deleted=iter(['444']))
    assert accounts == ACCOUNTS


def test_the_names_an_account_answers_to_are_its_name_and_aliases():
    assert references.answers_to('2000', {'alias': ['2000', 'sales'], 'display': 'x'}) == {'2000', 'sales'}
    assert references.answers_to('2000', {'alias': ['sales']}) == {'2000', 'sales'}
    assert references.answers_to('2000', None) == {'2000'}
    assert references.answers_to('2000', {'alias': []}) == {'2000'}


# Which fields name accounts -------------------------------------------------------------------------

def test_the_referenced_names_come_from_the_fields_that_name_accounts_with_the_option_a_user_wrote():
    settings = {'st1_ext': '444 445', 'st2_ext': ['446'], 'st4_ext': '777 8572665588', 'night': '3000',
                'hunt_anonymous_dest': '', 'display': '9999', 'alias': ['2000'], 'st1_dur': '5'}
    assert references.referenced_names(HUNT_GROUP, settings) == [
        ('final_destinations', '777'), ('final_destinations', '8572665588'),
        ('night_service', '3000'),
        ('stages item 1 extensions', '444'), ('stages item 1 extensions', '445'),
        ('stages item 2 extensions', '446'),
    ]


def test_a_call_queue_names_accounts_in_agents_escalation_agents_night_and_anonymous_destination():
    settings = {'agents': '444 445', 'escagents': '446', 'night': '2000', 'acd_anonymous_dest': '447', 'display': 'x',
                'all_agents': '444 445'}
    assert sorted(references.referenced_names(CALL_QUEUE, settings)) == sorted([
        ('agents', '444'), ('agents', '445'), ('escalation_agents', '446'), ('night_service', '2000'),
        ('anonymous_caller_destination', '447')])


@pytest.mark.parametrize('kind, fields, touched', [
    (HUNT_GROUP, {'display': 'x', 'alias': ['2000'], 'st1_dur': '5', 'rec': 'true'}, False),
    (HUNT_GROUP, {'st3_ext': ''}, True),
    (HUNT_GROUP, {'st4_ext': '777'}, True),
    (HUNT_GROUP, {'night': ''}, True),
    (HUNT_GROUP, {'agents': '444'}, False),
    (CALL_QUEUE, {'agents': '444'}, True),
    (CALL_QUEUE, {'esctime': '30', 'display': 'x'}, False),
    (CALL_QUEUE, {'st4_ext': '777'}, False),
])
def test_a_write_touches_references_when_it_sets_a_field_that_names_accounts(kind, fields, touched):
    assert references.touches_references(kind, fields) is touched


# Missing names ----------------------------------------------------------------------------------------

def test_a_name_the_tenant_does_not_have_is_a_problem_with_the_nearest_names_first():
    tenant = references.known_names([{'name': name, 'alias': [name]} for name in ('444', '445', '446', '447')])
    [problem] = references.missing(HUNT_GROUP, '2001', {'st4_ext': '4444'}, tenant)
    assert problem == Problem('hunt group', '2001', 'final_destinations', '4444', problem.suggestions)
    assert problem.suggestions[0] == '444'
    assert problem.target is None


def test_every_missing_name_is_reported_once_per_occurrence_and_known_names_and_outside_numbers_pass():
    fields = {'st1_ext': '444 9999', 'st4_ext': 'sales 8572665588 +15551234567 4444', 'night': '3000', 'display': 'nobody'}
    problems = references.missing(HUNT_GROUP, '2001', fields, KNOWN)
    assert [(problem.option, problem.value) for problem in problems] == [
        ('final_destinations', '4444'), ('stages item 1 extensions', '9999')]
    assert all(problem.holder == '2001' and problem.kind == 'hunt group' for problem in problems)


def test_a_name_far_from_every_known_name_gets_no_suggestion():
    [problem] = references.missing(HUNT_GROUP, '2001', {'night': 'zzzz'}, KNOWN)
    assert problem.suggestions == ()


def test_suggestions_are_at_most_three():
    tenant = set('4444%d' % digit for digit in range(10))
    [problem] = references.missing(CALL_QUEUE, '3001', {'agents': '4444'}, tenant)
    assert len(problem.suggestions) == references.SUGGESTIONS == 3


def test_a_call_queue_agent_the_tenant_does_not_have_is_named_by_its_option():
    problems = references.missing(CALL_QUEUE, '3001', {'agents': '444 4444', 'escagents': '448'}, KNOWN)
    assert [(problem.kind, problem.option, problem.value) for problem in problems] == [
        ('call queue', 'agents', '4444'), ('call queue', 'escalation_agents', '448')]


def test_empty_reference_fields_name_nothing():
    assert references.missing(HUNT_GROUP, '2001', {'st4_ext': '', 'night': '', 'st1_ext': []}, set()) == []


def test_a_problem_is_plain_data():
    problem = Problem('hunt group', '2001', 'final_destinations', '4444', ('444',))
    as_dict = problem.as_dict()
    assert dict((key, as_dict[key]) for key in ('kind', 'holder', 'option', 'value', 'suggestions', 'target')) == {
        'kind': 'hunt group', 'holder': '2001', 'option': 'final_destinations', 'value': '4444', 'suggestions': ('444',),
        'target': None}
    assert as_dict == problem._asdict()


def test_the_default_policy_is_strict_and_assumes_nothing():
    assert Policy() == Policy(references.STRICT, frozenset())
    assert references.CHOICES == ('error', 'warn') == (references.STRICT, references.LENIENT)


# References kept to accounts being deleted ----------------------------------------------------------------

def test_a_reference_to_an_account_being_deleted_is_dangling_whether_by_name_or_by_alias():
    deleted = {'2000': {'2000', 'sales'}, '3000': {'3000'}}
    settings = {'st1_ext': '444', 'st4_ext': '2000 777', 'night': 'sales', 'hunt_anonymous_dest': '3000'}
    problems = references.dangling(HUNT_GROUP, '2001', settings, deleted)
    assert sorted((problem.option, problem.value, problem.target) for problem in problems) == [
        ('anonymous_caller_destination', '3000', '3000'),
        ('final_destinations', '2000', '2000'),
        ('night_service', 'sales', '2000'),
    ]
    assert all(problem.holder == '2001' and problem.suggestions == () for problem in problems)


def test_a_holder_that_names_none_of_the_deleted_accounts_keeps_nothing():
    assert references.dangling(HUNT_GROUP, '2001', {'st4_ext': '777 2002', 'display': '2000'}, {'2000': {'2000'}}) == []


def test_a_call_queue_agent_being_deleted_is_dangling_in_the_queue():
    [problem] = references.dangling(CALL_QUEUE, '3000', {'agents': '444 445'}, {'445': {'445'}})
    assert (problem.kind, problem.holder, problem.option, problem.value, problem.target) == (
        'call queue', '3000', 'agents', '445', '445')


# Values the PBX offers ------------------------------------------------------------------------------------

OFFERED = {'ringtones/en': {'ringer1', 'ringer6', 'custom1'}, 'moh': {'1', '2'}, 'dialplans': None}


@pytest.mark.parametrize('kind', [HUNT_GROUP, CALL_QUEUE], ids=lambda kind: kind.result_key)
def test_melodies_music_on_hold_and_dial_plans_are_checked_against_the_pbx_s_lists(kind):
    assert kind.fields.offered_fields() == {'melody': ('ring_melody', 'ringtones/en'), 'moh': ('music_on_hold', 'moh'),
                                            'dial_plan': ('dial_plan', 'dialplans')}


def test_only_the_lists_of_the_non_empty_offered_fields_a_write_sets_are_needed():
    assert references.lists_needed(HUNT_GROUP, {'melody': 'ringer1', 'moh': '', 'dial_plan': None, 'display': 'x'}) == {
        'ringtones/en'}
    assert references.lists_needed(HUNT_GROUP, {'moh': 2, 'dial_plan': '1'}) == {'moh', 'dialplans'}
    assert references.lists_needed(HUNT_GROUP, {'display': 'x', 'st4_ext': '444'}) == set()


def test_a_value_the_pbx_does_not_offer_is_a_problem_with_the_nearest_values():
    [problem] = references.unoffered(HUNT_GROUP, '2001', {'melody': 'ringer7', 'moh': '2', 'display': 'x'}, OFFERED)
    assert (problem.kind, problem.holder, problem.option, problem.value, problem.offered_by, problem.target) == (
        'hunt group', '2001', 'ring_melody', 'ringer7', 'ringtones/en', None)
    assert set(problem.suggestions) == {'ringer1', 'ringer6'}


def test_an_empty_value_and_a_list_the_pbx_does_not_have_pass():
    assert references.unoffered(CALL_QUEUE, '3000', {'melody': '', 'moh': None, 'dial_plan': 'anything'}, OFFERED) == []
    assert references.unoffered(CALL_QUEUE, '3000', {'moh': '3'}, {}) == []


def test_a_value_the_pbx_keeps_as_a_number_is_found_as_its_string():
    assert references.unoffered(CALL_QUEUE, '3000', {'moh': 2}, OFFERED) == []


def test_a_value_the_pbx_does_not_offer_is_worded_with_the_list_and_what_to_do():
    problem = Problem('call queue', '3000', 'music_on_hold', '9', ('1',), offered_by='moh')
    message = references.describe(CALL_QUEUE, 'localhost', [problem], relaxed=False)
    assert message == (
        'References in domain localhost do not hold: Call queue 3000: music_on_hold is 9, which is not among the values '
        'this PBX offers (GET /rest/domain/localhost/moh). Did you mean 1? Nothing was written. Use an ID from that list '
        '(an empty value keeps the PBX default), or set reference_check to warn.')
    assert references.describe(CALL_QUEUE, 'localhost', [problem], relaxed=True).endswith(
        'The task went on, as reference_check is warn.')
    assert 'Correct the name' in references.describe(CALL_QUEUE, 'localhost', [problem, MISSING], relaxed=False)


# Messages ---------------------------------------------------------------------------------------------------

MISSING = Problem('hunt group', '2001', 'final_destinations', '4444', ('444',))
FAR_OFF = Problem('call queue', '3001', 'agents', 'zzzz')
KEPT = Problem('hunt group', '2001', 'final_destinations', '3000', target='3000')


def test_a_strict_check_of_a_missing_name_says_nothing_was_written_and_how_to_go_on():
    message = references.describe(HUNT_GROUP, 'localhost', [MISSING], relaxed=False)
    assert message == (
        'References in domain localhost do not hold: Hunt group 2001: final_destinations names 4444, which is neither an '
        'account of this tenant (by name or alias) nor an outside number. Did you mean 444? Nothing was written. Correct '
        'the name, create the account first (an earlier task of the play counts, also in check mode), or set '
        'reference_check to warn for a reference the PBX resolves in a way the collection cannot see.')


def test_several_suggestions_are_offered_as_alternatives_and_none_are_not_mentioned():
    two = MISSING._replace(suggestions=('444', '4445'))
    assert 'Did you mean 444 or 4445?' in references.describe(HUNT_GROUP, 'localhost', [two], relaxed=False)
    message = references.describe(CALL_QUEUE, 'localhost', [FAR_OFF], relaxed=False)
    assert 'Call queue 3001: agents names zzzz, which is neither' in message
    assert 'Did you mean' not in message


def test_a_lenient_check_says_the_task_went_on():
    message = references.describe(HUNT_GROUP, 'localhost', [MISSING], relaxed=True)
    assert message.startswith('References in domain localhost do not hold: Hunt group 2001: final_destinations names 4444')
    assert message.endswith('The task went on, as reference_check is warn.')
    assert 'Nothing was written' not in message


def test_a_deletion_that_would_leave_a_reference_names_the_holder_and_the_account_being_deleted():
    message = references.describe(CALL_QUEUE, 'localhost', [KEPT], relaxed=False)
    assert message == (
        'References in domain localhost do not hold: Hunt group 2001 still names 3000 in final_destinations (call queue '
        '3000); remove it there first, or in the same task. Nothing was written.')


def test_one_message_lists_every_problem_in_order_and_advises_for_missing_names():
    message = references.describe(HUNT_GROUP, 'example.com', [KEPT, MISSING], relaxed=False)
    assert message.startswith('References in domain example.com do not hold: Hunt group 2001 still names 3000')
    assert message.index('still names 3000') < message.index('names 4444')
    assert 'Correct the name, create the account first' in message
