# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The call queue kind: its field table in the wire, canonical and export forms."""

from __future__ import annotations

import json

import pytest

from ansible_collections.vodia.pbx.plugins.module_utils import call_queue as model
from ansible_collections.vodia.pbx.plugins.module_utils.call_queue import CALL_QUEUE, TABLE
from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaInputError
from ansible_collections.vodia.pbx.plugins.module_utils.fields import ACCOUNTS, ONE_ACCOUNT

# An agent group as the vendor's agent group page shows one (AG), with the common fields of every account.
VENDOR_ACD = {
    'acd_anonymous_dest': '', 'add_adr': '', 'agents': '444 442 445', 'algorithm': 'list', 'all_agents': '444 442 445',
    'announce_callback': 'true', 'connect': 'false', 'contyp': 'always', 'delay': '5', 'display': 'Agent Group',
    'escagents': '446', 'esctime': '30', 'from_header': 'name', 'gap_time': '5', 'ipos': 'false', 'jump': '444 442 445',
    'last_state': '1693578000', 'lastwait': '1693577000', 'logout': 'false', 'melody': 'custom1', 'moh': '', 'multicall': 'false',
    'ncf': 'true', 'night': '', 'readpos': 'false', 'rec': 'false', 'ringback': 'true', 'usage': '12 4 0', 'ani': '',
    'dial_plan': '', 'disabled': '', 'email': '', 'alias': ['3000'],
}


def options(**given):
    """Module options as Ansible hands them over: every option present, unset ones None."""
    params = dict((field.option, None) for field in model.TYPED_FIELDS)
    params.update(settings=None)
    params.update(given)
    return params


# The kind -------------------------------------------------------------------------------------------

def test_call_queues_are_listed_and_created_as_acds_and_reported_as_call_queues():
    assert (CALL_QUEUE.list_endpoint, CALL_QUEUE.addacc_type) == ('acds', 'acds')
    assert (CALL_QUEUE.noun, CALL_QUEUE.plural, CALL_QUEUE.result_key, CALL_QUEUE.results_key) == (
        'call queue', 'call queues', 'call_queue', 'call_queues')
    assert CALL_QUEUE.list_name == 'the acds list'
    assert CALL_QUEUE.capitalized() == 'Call queue'
    assert CALL_QUEUE.fields is TABLE
    # No source names a tenant setting that caps call queues.
    assert CALL_QUEUE.limit_setting == ''


def test_the_fields_that_name_accounts_are_the_agents_the_night_service_and_the_anonymous_destination():
    assert TABLE.reference_fields() == {'agents': 'agents', 'escagents': 'escalation_agents', 'night': 'night_service',
                                        'acd_anonymous_dest': 'anonymous_caller_destination'}
    kinds = dict((field.option, field.references) for field in model.TYPED_FIELDS if field.references)
    assert kinds == {'agents': ACCOUNTS, 'escalation_agents': ACCOUNTS, 'night_service': ONE_ACCOUNT,
                     'anonymous_caller_destination': ONE_ACCOUNT}


# Wire form --------------------------------------------------------------------------------------------

def test_agents_go_to_the_pbx_space_separated_in_the_order_given_each_once():
    assert TABLE.desired_fields(options(agents=['444', '442', '445', '442'], escalation_agents=['446'])) == {
        'agents': '444 442 445', 'escagents': '446'}


def test_an_empty_agent_list_clears_the_agents():
    assert TABLE.desired_fields(options(agents=[])) == {'agents': ''}


def test_the_escalation_time_goes_to_the_pbx_as_the_string_of_its_seconds():
    assert TABLE.desired_fields(options(escalation_time=30)) == {'esctime': '30'}
    assert TABLE.desired_fields(options(escalation_time=0)) == {'esctime': '0'}


@pytest.mark.parametrize('value, message', [
    (-1, 'escalation_time must not be negative; got -1'),
    (True, 'escalation_time must be a whole number of seconds'),
    ('30', 'escalation_time must be a whole number of seconds'),
    (2.5, 'escalation_time must be a whole number of seconds'),
])
def test_an_escalation_time_that_is_not_a_whole_number_of_seconds_is_refused(value, message):
    with pytest.raises(VodiaInputError, match=message):
        TABLE.desired_fields(options(escalation_time=value))


@pytest.mark.parametrize('agents', [['444 445'], [''], [None], [{'ext': '444'}]])
def test_an_agent_that_is_not_one_name_is_refused(agents):
    with pytest.raises(VodiaInputError, match='agents'):
        TABLE.desired_fields(options(agents=agents))


def test_typed_options_become_vodia_strings():
    assert TABLE.desired_fields(options(display_name='Support', algorithm='list', record_calls=True, disabled=False,
                                        night_service='2000', ring_melody='custom1')) == {
        'display': 'Support', 'algorithm': 'list', 'rec': 'true', 'disabled': 'false', 'night': '2000', 'melody': 'custom1'}


# Comparison ---------------------------------------------------------------------------------------------

def test_the_order_of_agents_is_a_change():
    assert TABLE.changed_fields(VENDOR_ACD, {'agents': '445 444 442'}) == {'agents': '445 444 442'}
    assert TABLE.changed_fields(VENDOR_ACD, {'agents': '444 442 445'}) == {}


def test_agents_the_pbx_holds_as_a_list_equal_the_same_agents_space_separated():
    as_list = dict(VENDOR_ACD, agents=['444', '442', '445'])
    assert TABLE.changed_fields(as_list, {'agents': '444 442 445'}) == {}
    assert TABLE.unapplied_fields(as_list, {'agents': '444 442 445'}) == []
    assert TABLE.canonical('3000', as_list)['agents'] == ['444', '442', '445']


def test_an_escalation_time_compares_as_seconds():
    assert TABLE.changed_fields(dict(VENDOR_ACD, esctime=30), {'esctime': '30'}) == {}
    assert TABLE.changed_fields(VENDOR_ACD, {'esctime': '45'}) == {'esctime': '45'}
    assert TABLE.changed_fields(dict(VENDOR_ACD, esctime=''), {'esctime': ''}) == {}


@pytest.mark.parametrize('flag', ['rec', 'disabled', 'connect', 'ipos', 'logout', 'multicall', 'readpos'])
def test_a_never_set_flag_of_a_call_queue_equals_false(flag):
    never_set = dict(VENDOR_ACD, **{flag: ''})
    assert TABLE.changed_fields(never_set, {flag: 'false'}) == {}
    assert TABLE.changed_fields(never_set, {flag: 'true'}) == {flag: 'true'}


def test_boolean_words_in_settings_flags_are_normalised_but_other_fields_are_kept():
    assert TABLE.desired_fields(options(settings={'ringback': 'False', 'announce_callback': True, 'contyp': 'True'})) == {
        'announce_callback': 'true', 'contyp': 'True', 'ringback': 'false'}


# Canonical form --------------------------------------------------------------------------------------------

def test_canonical_form_of_the_vendor_example():
    queue = TABLE.canonical('3000', VENDOR_ACD)
    assert queue['name'] == '3000'
    assert queue['display_name'] == 'Agent Group'
    assert queue['agents'] == ['444', '442', '445']
    assert queue['escalation_agents'] == ['446']
    assert queue['escalation_time'] == 30
    assert queue['algorithm'] == 'list'
    assert queue['record_calls'] is False and queue['disabled'] is None
    assert queue['settings'] == VENDOR_ACD


def test_an_empty_escalation_time_is_the_pbx_default_and_a_word_stays_visible():
    assert TABLE.canonical('3000', dict(VENDOR_ACD, esctime=''))['escalation_time'] is None
    assert TABLE.canonical('3000', dict(VENDOR_ACD, esctime='soon'))['escalation_time'] == 'soon'


@pytest.mark.parametrize('shape', [TABLE.canonical, TABLE.exportable], ids=['canonical', 'export'])
def test_what_the_info_module_returns_can_be_fed_back_unchanged(shape):
    queue = shape('3000', VENDOR_ACD)
    desired = TABLE.desired_fields(options(**dict((key, value) for key, value in queue.items() if key != 'name')))
    assert desired['esctime'] == '30' and desired['agents'] == '444 442 445'
    assert TABLE.changed_fields(VENDOR_ACD, desired) == {}


# Export form ---------------------------------------------------------------------------------------------------

def test_the_export_form_holds_every_typed_option_in_table_order_then_settings():
    queue = TABLE.exportable('3000', VENDOR_ACD)
    assert list(queue) == ['name'] + [field.option for field in model.TYPED_FIELDS] + ['settings']
    assert queue['escalation_time'] == 30
    assert isinstance(queue['escalation_time'], int)
    assert queue['agents'] == ['444', '442', '445']
    assert queue['music_on_hold'] == '' and queue['caller_id'] == ''


def test_the_export_form_is_the_same_bytes_whatever_order_the_pbx_sent_its_fields_in():
    reordered = dict(reversed(list(VENDOR_ACD.items())))
    first = json.dumps(TABLE.exportable('3000', VENDOR_ACD))
    assert json.dumps(TABLE.exportable('3000', reordered)) == first
    assert list(TABLE.exportable('3000', reordered)['settings']) == sorted(TABLE.exportable('3000', reordered)['settings'])


def test_the_export_form_leaves_out_the_running_queue_s_state_and_the_typed_fields():
    assert set(TABLE.runtime_fields) == {'last_state', 'lastwait', 'usage', 'dialog_state', 'dialog_subscribe', 'dialog_version'}
    settings = TABLE.exportable('3000', VENDOR_ACD)['settings']
    assert not set(TABLE.runtime_fields) & set(settings)
    assert not set(field.vodia for field in model.TYPED_FIELDS if field.kind != 'flag') & set(settings)
    # The members the vendor's example repeats in all_agents and jump are no typed option: they stay raw.
    assert settings['all_agents'] == '444 442 445' and settings['jump'] == '444 442 445'
    # The canonical form shows the PBX's answer as it is, runtime state included.
    assert TABLE.canonical('3000', VENDOR_ACD)['settings']['lastwait'] == '1693577000'


def test_an_empty_call_queue_exports_empty_values_for_every_option():
    queue = TABLE.exportable('3001', {'display': 'New'})
    assert queue['agents'] == [] and queue['escalation_agents'] == []
    assert queue['escalation_time'] is None
    assert queue['algorithm'] == '' and queue['night_service'] == ''
    # Flags the PBX does not hold are exported as null, their empty value kept in settings.
    assert queue['record_calls'] is None and queue['disabled'] is None
    assert queue['settings'] == {'disabled': '', 'rec': ''}


def test_changed_options_name_the_escalation_time_as_seconds_and_ignore_runtime_state():
    after = dict(VENDOR_ACD, esctime='45', agents='444 445', lastwait='1693579999', usage='13 4 0')
    assert TABLE.changed_options(VENDOR_ACD, after) == {
        'agents': {'before': ['444', '442', '445'], 'after': ['444', '445']},
        'escalation_time': {'before': 30, 'after': 45},
    }


def test_option_names_of_the_call_queue_fields():
    assert TABLE.option_name('esctime') == 'escalation_time'
    assert TABLE.option_name('escagents') == 'escalation_agents'
    assert TABLE.option_name('all_agents') == 'settings.all_agents'
