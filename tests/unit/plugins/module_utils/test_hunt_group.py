# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.vodia.pbx.plugins.module_utils import hunt_group as model
from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaInputError
from ansible_collections.vodia.pbx.plugins.module_utils.fields import FLAG, apply_fields, name_order, to_wire_scalar, validate_identifier

TABLE = model.TABLE

# The settings object of hunt group 1002 on the vendor's API page.
VENDOR_1002 = {
    'conn_sym': '', 'connect': 'true', 'display': 'Hunt', 'email': '', 'flag': '', 'from_header': 'id',
    'hunt_anonymous_dest': '', 'melody': 'ringer6', 'moh': '', 'ncf': 'false', 'night': '', 'rec': 'false',
    'st1_dur': '5', 'st1_ext': '444', 'st1_miss': 'true', 'st2_dur': '', 'st2_ext': '445', 'st2_miss': 'true',
    'st3_dur': '', 'st3_ext': '', 'st3_miss': 'false', 'st4_ext': '8572665588', 'acdani': '', 'ani': '123-456-7899',
    'cdr_time': '', 'credit': '', 'dial_plan': '', 'dialog_state': '', 'dialog_subscribe': '', 'dialog_version': '',
    'disabled': '', 'email_cdr': '', 'epid': '', 'location': '', 'max_call_duration': '', 'max_cdrs': '',
    'need_license': '', 'param1': '', 'param2': '', 'param3': '', 'rb': '', 'rf': '', 'view_settings': '',
    'visible': '', 'alias': ['1002'],
}


# List and object values as a 70.x PBX may hold them (S2 lists oauth_list and google_calendar; S16 expects such values).
V70_VALUES = {
    'oauth_list': [], 'google_calendar': {},
    'acturl_ring': {'url': 'https://crm.example.com/ring', 'retries': 3, 'enabled': True,
                    'headers': [{'name': 'X-Key', 'value': None}]},
    'param4': None,
}

# The vendor's example as a 70.x PBX may read it back (the simulator's v70 profile): stage members as JSON lists,
# list and object values, the ring strategy empty and the never-set flag empty.
V70_1002 = dict(VENDOR_1002, st1_ext=['444', '446'], st2_ext=['445'], st3_ext=[], st4_ext=['8572665588'], algo='',
                **dict((key, value) for key, value in V70_VALUES.items() if value is not None))


def options(**given):
    """Module options as Ansible hands them over: every option present, unset ones None."""
    params = dict((field.option, None) for field in model.TYPED_FIELDS)
    params.update(stages=None, settings=None)
    params.update(given)
    return params


def test_canonical_form_of_the_vendor_example():
    group = TABLE.canonical('1002', VENDOR_1002)
    assert group['name'] == '1002'
    assert group['display_name'] == 'Hunt'
    assert group['stages'] == [{'extensions': ['444'], 'duration': 5}, {'extensions': ['445'], 'duration': None}]
    assert group['final_destinations'] == ['8572665588']
    assert group['aliases'] == ['1002']
    assert group['caller_id'] == '123-456-7899'
    assert group['ring_melody'] == 'ringer6'
    assert group['record_calls'] is False
    assert group['disabled'] is None
    assert group['settings'] == VENDOR_1002


def test_typed_options_become_vodia_strings():
    fields = TABLE.desired_fields(options(
        display_name='Sales', record_calls=True, disabled=False, caller_id='+1555', aliases=['1002', 'sales'],
        final_destinations=['777', '8578962323'],
    ))
    assert fields == {
        'display': 'Sales', 'rec': 'true', 'disabled': 'false', 'ani': '+1555', 'alias': ['1002', 'sales'],
        'st4_ext': '777 8578962323',
    }


def test_omitted_options_are_not_managed():
    assert TABLE.desired_fields(options()) == {}


def test_stages_are_authoritative_for_all_three():
    fields = TABLE.desired_fields(options(stages=[{'extensions': ['444', '445'], 'duration': 15}]))
    assert fields == {
        'st1_ext': '444 445', 'st1_dur': '15',
        'st2_ext': '', 'st2_dur': '',
        'st3_ext': '', 'st3_dur': '',
    }


def test_an_empty_stage_list_clears_every_stage():
    fields = TABLE.desired_fields(options(stages=[]))
    assert set(fields.values()) == {''}
    assert len(fields) == 6


def test_settings_values_are_normalised_to_strings():
    fields = TABLE.desired_fields(options(settings={'ncf': True, 'st1_miss': False, 'max_cdrs': 20, 'from_header': 'id'}))
    assert fields == {'ncf': 'true', 'st1_miss': 'false', 'max_cdrs': '20', 'from_header': 'id'}


def test_info_output_can_be_fed_back_unchanged():
    group = TABLE.canonical('1002', VENDOR_1002)
    given = dict((key, value) for key, value in group.items() if key != 'name')
    desired = TABLE.desired_fields(options(**given))
    assert TABLE.changed_fields(VENDOR_1002, desired) == {}


def test_settings_that_contradict_a_typed_option_are_refused():
    with pytest.raises(VodiaInputError, match='conflicts'):
        TABLE.desired_fields(options(display_name='Sales', settings={'display': 'Support'}))


@pytest.mark.parametrize('bad, message', [
    ({'stages': [{'extensions': ['1']}] * 4}, 'at most|3 ringing stages'),
    ({'stages': [{'extensions': ['444'], 'duration': -5}]}, 'must not be negative'),
    ({'stages': [{'extensions': ['444'], 'duration': True}]}, 'whole number'),
    ({'stages': [{'extensions': ['444'], 'duration': '5'}]}, 'whole number'),
    ({'stages': [{'extensions': ['444 445']}]}, 'without spaces'),
    ({'stages': [{'extensions': [{'ext': '444'}]}]}, 'as strings'),
    ({'stages': ['444']}, 'must be a dictionary'),
    ({'stages': [{'extension': ['444']}]}, 'unknown keys'),
    ({'final_destinations': ['']}, 'not valid'),
    ({'settings': {'display': ['a']}}, 'single value'),
    ({'settings': {'display': None}}, 'must not be null'),
    ({'settings': {'oauth_list': None}}, 'must not be null'),
    ({'settings': {'st1_miss': [True]}}, 'single value'),
    ({'settings': {'google_calendar': {1: 'a'}}}, "key 1, which is not a string"),
    ({'settings': {'google_calendar': {'a': [{'b': float('nan')}]}}}, r'settings\.google_calendar\.a\[0\]\.b holds nan, which is not plain JSON'),
    ({'settings': {'oauth_list': [b'x']}}, r'settings\.oauth_list\[0\] holds .* not plain JSON'),
    ({'settings': {'bad key': 'x'}}, 'not a Vodia field name'),
    ({'settings': {'alias': 'x'}}, 'list of names'),
])
def test_bad_input_is_refused_with_a_reason(bad, message):
    with pytest.raises(VodiaInputError, match=message):
        TABLE.desired_fields(options(**bad))


@pytest.mark.parametrize('value', ['', '  ', 'a/b', '..', '.', 'a b', 'x?y', 'x#y', '%2e', 'tab\t', 'a\\b', '500;501', '500,501'])
def test_identifiers_that_could_leave_their_url_segment_are_refused(value):
    with pytest.raises(VodiaInputError):
        validate_identifier('name', value)


@pytest.mark.parametrize('value', ['1002', 'hunt_2', 'sales-team', 'company.example.com', 'admin@x'])
def test_ordinary_identifiers_pass(value):
    assert validate_identifier('name', value) == value


def test_order_of_extensions_inside_a_stage_is_not_a_change():
    current = dict(VENDOR_1002, st1_ext='444 445')
    desired = TABLE.desired_fields(options(stages=[{'extensions': ['445', '444'], 'duration': 5}, {'extensions': ['445']}]))
    assert TABLE.changed_fields(current, desired) == {}


def test_order_of_stages_is_a_change():
    desired = TABLE.desired_fields(options(stages=[{'extensions': ['445']}, {'extensions': ['444'], 'duration': 5}]))
    changes = TABLE.changed_fields(VENDOR_1002, desired)
    assert changes == {'st1_ext': '445', 'st1_dur': '', 'st2_ext': '444', 'st2_dur': '5'}


def test_alias_order_is_not_a_change():
    current = dict(VENDOR_1002, alias=['1002', 'sales'])
    assert TABLE.changed_fields(current, {'alias': ['sales', '1002']}) == {}


def test_only_differing_fields_are_written():
    desired = TABLE.desired_fields(options(display_name='Hunt', ring_melody='ringer1', record_calls=False))
    assert TABLE.changed_fields(VENDOR_1002, desired) == {'melody': 'ringer1'}


@pytest.mark.parametrize('flag', ['disabled', 'rec', 'ncf', 'st1_miss'])
def test_a_never_set_flag_equals_false(flag):
    # The vendor's example shows disabled "" on an active hunt group; a PBX that stores "false" as "" must not be
    # written to again and again, and a write of "false" that reads back "" is kept.
    for never_set in (dict(VENDOR_1002, **{flag: ''}), dict((key, value) for key, value in VENDOR_1002.items() if key != flag)):
        assert TABLE.changed_fields(never_set, {flag: 'false'}) == {}
        assert TABLE.unapplied_fields(never_set, {flag: 'false'}) == []
        assert TABLE.changed_fields(never_set, {flag: 'true'}) == {flag: 'true'}
    assert TABLE.changed_fields(dict(VENDOR_1002, **{flag: 'false'}), {flag: ''}) == {}


def test_an_empty_connect_is_not_taken_for_false():
    # connect is "true" in the vendor's example and its meaning is unknown: empty may behave as true.
    assert TABLE.changed_fields(dict(VENDOR_1002, connect=''), {'connect': 'false'}) == {'connect': 'false'}
    assert TABLE.changed_fields(dict(VENDOR_1002, connect=''), {'connect': 'true'}) == {'connect': 'true'}
    assert TABLE.changed_fields(dict(VENDOR_1002, connect='false'), {'connect': 'false'}) == {}


def test_disabled_false_on_a_hunt_group_never_set_converges():
    desired = TABLE.desired_fields(options(disabled=False, record_calls=False))
    assert TABLE.changed_fields(VENDOR_1002, desired) == {}


def test_a_field_the_pbx_does_not_return_is_a_change():
    assert TABLE.changed_fields(VENDOR_1002, {'algo': 'sequential'}) == {'algo': 'sequential'}


def test_apply_fields_emulates_a_partial_update():
    after = apply_fields(VENDOR_1002, {'display': 'Sales'})
    assert after['display'] == 'Sales'
    assert after['st1_ext'] == '444'
    assert VENDOR_1002['display'] == 'Hunt'


def test_unapplied_fields_names_what_the_pbx_ignored():
    assert TABLE.unapplied_fields(VENDOR_1002, {'display': 'Sales', 'melody': 'ringer6'}) == ['display']


def test_canonical_keeps_unexpected_pbx_values_visible():
    group = TABLE.canonical('9', {'rec': 'maybe', 'st1_dur': 'abc', 'st1_ext': '1'})
    assert group['record_calls'] == 'maybe'
    assert group['stages'] == [{'extensions': ['1'], 'duration': 'abc'}]
    assert group['aliases'] is None


@pytest.mark.parametrize('raw', [
    VENDOR_1002,
    dict(VENDOR_1002, st1_dur='0', st4_ext='sip:desk/1 777', st2_ext='', st2_dur=''),
    {'display': 'Sparse', 'st2_ext': '445', 'alias': []},
    dict(VENDOR_1002, rec='true', disabled='false', algo='sequential'),
])
def test_what_canonical_returns_can_be_given_back(raw):
    group = TABLE.canonical('1002', raw)
    given = dict((key, value) for key, value in group.items() if key != 'name')
    assert TABLE.changed_fields(raw, TABLE.desired_fields(options(**given))) == {}


def test_json_scalars_from_the_pbx_compare_like_their_strings():
    current = dict(VENDOR_1002, rec=True, st1_dur=5, max_cdrs=20)
    desired = TABLE.desired_fields(options(record_calls=True, stages=[{'extensions': ['444'], 'duration': 5}, {'extensions': ['445']}],
                                           settings={'max_cdrs': 20}))
    assert TABLE.changed_fields(current, desired) == {}


def test_boolean_words_in_settings_flags_are_normalised():
    desired = TABLE.desired_fields(options(settings={'connect': 'True', 'ncf': 'FALSE', 'from_header': 'True'}))
    assert desired == {'connect': 'true', 'ncf': 'false', 'from_header': 'True'}


def test_a_field_the_pbx_leaves_out_equals_empty():
    sparse = {'display': 'Sparse', 'st1_ext': '444'}
    desired = TABLE.desired_fields(options(stages=[{'extensions': ['444']}]))
    assert TABLE.changed_fields(sparse, desired) == {}


def test_settings_that_agree_with_a_typed_option_are_accepted_once():
    assert TABLE.desired_fields(options(display_name='Sales', settings={'display': 'Sales'})) == {'display': 'Sales'}


def test_a_member_listed_twice_is_sent_once():
    fields = TABLE.desired_fields(options(final_destinations=['777', '777', '778'], aliases=['1002', '1002']))
    assert fields == {'st4_ext': '777 778', 'alias': ['1002']}


@pytest.mark.parametrize('value, wire', [(True, 'true'), (False, 'false'), (20, '20'), (20.0, '20'), (2.5, '2.5'), ('x', 'x')])
def test_scalars_go_to_the_pbx_as_the_strings_it_keeps(value, wire):
    assert to_wire_scalar(value) == wire


# Export form ----------------------------------------------------------------------------------

def test_export_form_of_the_vendor_example_holds_every_typed_option_in_a_fixed_order():
    group = TABLE.exportable('1002', VENDOR_1002)
    assert list(group) == ['name', 'display_name', 'stages'] + [field.option for field in model.TYPED_FIELDS[1:]] + ['settings']
    assert group['stages'] == [{'extensions': ['444'], 'duration': 5}, {'extensions': ['445'], 'duration': None}]
    assert group['final_destinations'] == ['8572665588']
    assert group['caller_id'] == '123-456-7899'
    assert group['music_on_hold'] == ''
    assert group['record_calls'] is False


def test_export_keeps_only_untyped_fields_in_settings_in_key_order_without_runtime_state():
    settings = TABLE.exportable('1002', VENDOR_1002)['settings']
    assert list(settings) == sorted(settings)
    typed = set(field.vodia for field in model.TYPED_FIELDS if field.kind != FLAG)
    assert not typed & set(settings)
    assert not set(model.RUNTIME_FIELDS) & set(settings)
    assert not [key for key in settings if key.startswith('st') and key[-4:] in ('_ext', '_dur')]
    assert settings['st1_miss'] == 'true'
    assert settings['from_header'] == 'id'


def test_export_of_an_empty_hunt_group_says_so_for_every_option():
    group = TABLE.exportable('1003', {'display': 'Hunt_2'})
    assert group['stages'] == []
    assert group['aliases'] == [] and group['final_destinations'] == []
    assert group['caller_id'] == '' and group['email'] == ''


def test_an_empty_flag_is_exported_as_null_with_its_empty_value_in_settings():
    group = TABLE.exportable('1002', VENDOR_1002)
    assert group['disabled'] is None
    assert group['settings']['disabled'] == ''
    assert TABLE.desired_fields(group)['disabled'] == ''


def test_applying_an_export_to_the_hunt_group_it_came_from_changes_nothing():
    group = TABLE.exportable('1002', VENDOR_1002)
    assert TABLE.changed_fields(VENDOR_1002, TABLE.desired_fields(group)) == {}


def test_applying_an_export_restores_what_was_changed_by_hand_including_emptied_fields():
    changed_by_hand = dict(VENDOR_1002, display='Renamed', st3_ext='447', st3_dur='9', ani='', disabled='true', ncf='true')
    restored = apply_fields(changed_by_hand, TABLE.changed_fields(
        changed_by_hand, TABLE.desired_fields(TABLE.exportable('1002', VENDOR_1002))))
    assert TABLE.exportable('1002', restored) == TABLE.exportable('1002', VENDOR_1002)


def test_export_keeps_list_and_object_values_and_leaves_out_null():
    group = TABLE.exportable('1002', dict(VENDOR_1002, **V70_VALUES))
    assert group['settings']['oauth_list'] == [] and group['settings']['google_calendar'] == {}
    assert group['settings']['acturl_ring'] == V70_VALUES['acturl_ring']
    assert 'param4' not in group['settings']


def test_names_sort_by_number_then_by_text():
    assert sorted(['sales', '100', '99', '1002', 'hunt_2', 'hunt_10'], key=name_order) == [
        '99', '100', '1002', 'hunt_2', 'hunt_10', 'sales']


def test_names_of_equal_value_sort_by_text_whatever_order_the_pbx_lists_them_in():
    assert sorted(['7', '007', '07'], key=name_order) == sorted(['07', '7', '007'], key=name_order) == [
        '007', '07', '7']


def test_changed_options_name_each_changed_option_with_before_and_after():
    after = dict(VENDOR_1002, display='Sales', st1_ext='444 446', ncf='true', dialog_state='busy')
    assert TABLE.changed_options(VENDOR_1002, after) == {
        'display_name': {'before': 'Hunt', 'after': 'Sales'},
        'stages': {'before': [{'extensions': ['444'], 'duration': 5}, {'extensions': ['445'], 'duration': None}],
                   'after': [{'extensions': ['444', '446'], 'duration': 5}, {'extensions': ['445'], 'duration': None}]},
        'settings.ncf': {'before': 'false', 'after': 'true'},
    }


def test_no_changed_options_between_equal_states():
    assert TABLE.changed_options(VENDOR_1002, dict(VENDOR_1002)) == {}


# List and object values (70.x) ------------------------------------------------------------------

def test_settings_take_lists_and_objects_of_plain_json_as_they_are():
    given = {'oauth_list': ['a', {'b': None}], 'google_calendar': {'id': 'x', 'sync': True, 'days': 2.5}}
    assert TABLE.desired_fields(options(settings=given)) == given


def test_list_and_object_values_are_equal_when_equal_as_json_with_scalars_as_the_pbx_shows_them():
    current = {'acturl_ring': {'url': 'u', 'retries': '3', 'enabled': 'true', 'headers': []}}
    assert TABLE.changed_fields(current, {'acturl_ring': {'url': 'u', 'retries': 3, 'enabled': True, 'headers': []}}) == {}
    assert TABLE.changed_fields(current, {'acturl_ring': {'url': 'u', 'retries': 3, 'enabled': True}}) != {}
    assert TABLE.changed_fields(current, {'acturl_ring': {'url': 'u', 'retries': 4, 'enabled': True, 'headers': []}}) != {}


def test_order_inside_a_list_value_is_a_change():
    assert TABLE.changed_fields({'oauth_list': ['a', 'b']}, {'oauth_list': ['b', 'a']}) == {'oauth_list': ['b', 'a']}


def test_a_list_or_object_the_pbx_leaves_out_equals_an_empty_one():
    assert TABLE.changed_fields({}, {'oauth_list': [], 'google_calendar': {}}) == {}
    assert TABLE.changed_fields({}, {'oauth_list': ['a']}) == {'oauth_list': ['a']}
    assert TABLE.changed_fields({'oauth_list': ''}, {'oauth_list': []}) == {'oauth_list': []}


@pytest.mark.parametrize('shape', [TABLE.exportable, TABLE.canonical])
def test_info_output_with_list_and_object_values_can_be_fed_back_unchanged(shape):
    raw = dict(VENDOR_1002, **dict((key, value) for key, value in V70_VALUES.items() if value is not None))
    group = shape('1002', raw)
    desired = TABLE.desired_fields(options(**dict((key, value) for key, value in group.items() if key != 'name')))
    assert desired['acturl_ring'] == raw['acturl_ring']
    assert TABLE.changed_fields(raw, desired) == {}


def test_changed_options_compare_list_and_object_values_as_json():
    before = dict(VENDOR_1002, google_calendar={'id': 'x', 'days': 2}, oauth_list=[])
    after = dict(before, google_calendar={'id': 'x', 'days': '2'}, oauth_list=['token'])
    assert TABLE.changed_options(before, after) == {'settings.oauth_list': {'before': [], 'after': ['token']}}


# Stage members read back as lists (70.x) -------------------------------------------------------

def test_stage_members_read_as_lists_give_the_same_options_as_strings():
    as_strings = dict(V70_1002, st1_ext='444 446', st2_ext='445', st3_ext='', st4_ext='8572665588')
    for shape in (TABLE.canonical, TABLE.exportable):
        from_lists, from_strings = shape('1002', V70_1002), shape('1002', as_strings)
        assert from_lists['stages'] == from_strings['stages'] == [
            {'extensions': ['444', '446'], 'duration': 5}, {'extensions': ['445'], 'duration': None}]
        assert from_lists['final_destinations'] == from_strings['final_destinations'] == ['8572665588']


def test_stage_members_in_settings_may_be_lists_and_are_written_space_separated():
    assert TABLE.desired_fields(options(settings={'st1_ext': ['444', '446'], 'st4_ext': []})) == {
        'st1_ext': '444 446', 'st4_ext': ''}


def test_stage_members_in_settings_are_checked_like_those_of_stages():
    with pytest.raises(VodiaInputError, match="settings.st2_ext entry '444 445' is not valid"):
        TABLE.desired_fields(options(settings={'st2_ext': ['444 445']}))


def test_stage_members_the_pbx_holds_as_a_list_equal_the_same_members_written_as_a_string():
    desired = TABLE.desired_fields(options(stages=[{'extensions': ['444', '446'], 'duration': 5}, {'extensions': ['445']}],
                                           final_destinations=['8572665588']))
    assert TABLE.changed_fields(V70_1002, desired) == {}
    desired = TABLE.desired_fields(options(stages=[{'extensions': ['444'], 'duration': 5}, {'extensions': ['445']}]))
    assert TABLE.changed_fields(V70_1002, desired) == {'st1_ext': '444'}


@pytest.mark.parametrize('shape', [TABLE.exportable, TABLE.canonical])
def test_info_output_of_a_70x_hunt_group_can_be_fed_back_unchanged(shape):
    group = shape('1002', V70_1002)
    desired = TABLE.desired_fields(options(**dict((key, value) for key, value in group.items() if key != 'name')))
    assert TABLE.changed_fields(V70_1002, desired) == {}
    assert TABLE.unapplied_fields(V70_1002, desired) == []


# Ring strategy and the order of members inside a stage ------------------------------------------

def test_ring_strategy_sets_algo_as_given():
    assert TABLE.desired_fields(options(ring_strategy='round_robin')) == {'algo': 'round_robin'}
    assert TABLE.canonical('1002', dict(VENDOR_1002, algo='sequential'))['ring_strategy'] == 'sequential'
    assert TABLE.canonical('1002', VENDOR_1002)['ring_strategy'] is None
    assert TABLE.exportable('1002', VENDOR_1002)['ring_strategy'] == ''


REORDERED = options(stages=[{'extensions': ['446', '444'], 'duration': 5}, {'extensions': ['445']}],
                    final_destinations=['8572665588'])


@pytest.mark.parametrize('pbx_strategy', ['sequential', 'round_robin', 'weighted'])
def test_under_an_ordered_ring_strategy_on_the_pbx_member_order_is_a_change(pbx_strategy):
    current = dict(V70_1002, algo=pbx_strategy)
    assert TABLE.changed_fields(current, TABLE.desired_fields(REORDERED)) == {'st1_ext': '446 444'}


@pytest.mark.parametrize('pbx_strategy', ['random', '', None])
def test_under_random_an_empty_or_no_ring_strategy_member_order_is_no_change(pbx_strategy):
    current = dict(V70_1002, algo=pbx_strategy)
    if pbx_strategy is None:
        del current['algo']
    assert TABLE.changed_fields(current, TABLE.desired_fields(REORDERED)) == {}


def test_the_ring_strategy_the_task_sets_decides_over_the_pbxs():
    ordered = dict(REORDERED, ring_strategy='sequential')
    assert TABLE.changed_fields(dict(V70_1002, algo='random'), TABLE.desired_fields(ordered)) == {
        'algo': 'sequential', 'st1_ext': '446 444'}
    unordered = dict(REORDERED, ring_strategy='random')
    assert TABLE.changed_fields(dict(V70_1002, algo='sequential'), TABLE.desired_fields(unordered)) == {'algo': 'random'}


def test_a_pbx_without_a_ring_strategy_field_compares_members_in_any_order_whatever_the_task_asks():
    ordered = dict(REORDERED, ring_strategy='sequential')
    current = dict(VENDOR_1002, st1_ext='444 446')
    assert TABLE.changed_fields(current, TABLE.desired_fields(ordered)) == {'algo': 'sequential'}
    assert TABLE.changed_fields(dict(current, algo='sequential'), TABLE.desired_fields(ordered)) == {'st1_ext': '446 444'}


def test_final_destinations_are_ordered_under_an_ordered_ring_strategy():
    current = dict(V70_1002, algo='sequential', st4_ext=['777', '778'])
    assert TABLE.changed_fields(current, TABLE.desired_fields(options(final_destinations=['778', '777']))) == {
        'st4_ext': '778 777'}
    assert TABLE.changed_fields(dict(current, algo='random'), TABLE.desired_fields(options(final_destinations=['778', '777']))) == {}


def test_a_write_the_pbx_kept_in_another_order_is_not_applied_under_an_ordered_ring_strategy():
    desired = TABLE.desired_fields(dict(REORDERED, ring_strategy='sequential'))
    assert TABLE.unapplied_fields(dict(V70_1002, algo='sequential'), desired) == ['st1_ext']
    assert TABLE.unapplied_fields(dict(V70_1002, algo='sequential', st1_ext=['446', '444']), desired) == []


def test_settings_that_set_stage_members_in_another_order_than_stages_conflict():
    with pytest.raises(VodiaInputError, match='conflicts'):
        TABLE.desired_fields(options(stages=[{'extensions': ['444', '446']}], settings={'st1_ext': ['446', '444']}))


@pytest.mark.parametrize('strategy', ['sequential', 'random'])
@pytest.mark.parametrize('shape', [TABLE.exportable, TABLE.canonical])
def test_info_output_under_any_ring_strategy_can_be_fed_back_unchanged(shape, strategy):
    raw = dict(V70_1002, algo=strategy, st1_ext=['446', '444'])
    group = shape('1002', raw)
    desired = TABLE.desired_fields(options(**dict((key, value) for key, value in group.items() if key != 'name')))
    assert TABLE.changed_fields(raw, desired) == {}
