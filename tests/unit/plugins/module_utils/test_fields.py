# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""fields.py on a field table of its own, so that what every kind gets is tested apart from any one kind."""

from __future__ import annotations

import pytest

from ansible_collections.vodia.pbx.plugins.module_utils import fields
from ansible_collections.vodia.pbx.plugins.module_utils.account_kind import AccountKind
from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaInputError
from ansible_collections.vodia.pbx.plugins.module_utils.fields import (
    ACCOUNTS, FLAG, NAMES, ONE_ACCOUNT, SECONDS, TEXT, WORDS, Composite, Field, FieldTable,
)


def pair_to_wire(pair):
    first, second = (list(pair) + [None, None])[:2]
    return {'a_ext': first or '', 'b_ext': second or ''}


def pair_from_wire(raw):
    return [value for value in (raw.get('a_ext'), raw.get('b_ext')) if value]


PAIR = Composite(option='pair', fields=('a_ext', 'b_ext'), kinds={'a_ext': TEXT, 'b_ext': TEXT}, to_wire=pair_to_wire,
                 from_wire=pair_from_wire, after='label', references={'a_ext': 'pair item 1', 'b_ext': 'pair item 2'})
TABLE = FieldTable(
    typed=(
        Field('label', 'display', TEXT),
        Field('aliases', 'alias', NAMES),
        Field('members', 'mem', WORDS, ACCOUNTS),
        Field('fallback', 'fb', TEXT, ONE_ACCOUNT),
        Field('wait', 'wt', SECONDS),
        Field('enabled', 'on', FLAG),
    ),
    composites=(PAIR,),
    raw_kinds={'extra_flag': FLAG, 'maybe': FLAG},
    empty_flag_unknown=('maybe',),
    runtime_fields=('counter',),
)
UNORDERED = FieldTable(typed=TABLE.typed, member_order=lambda current, desired: False)


def options(**given):
    params = dict((field.option, None) for field in TABLE.typed)
    params.update(pair=None, settings=None)
    params.update(given)
    return params


# Lookups ----------------------------------------------------------------------------------------------

def test_every_field_has_its_value_kind_typed_fields_first():
    assert TABLE.kind_of('mem') == WORDS and TABLE.kind_of('wt') == SECONDS and TABLE.kind_of('on') == FLAG
    assert TABLE.kind_of('a_ext') == TEXT and TABLE.kind_of('extra_flag') == FLAG
    assert TABLE.kind_of('unknown') is None
    assert TABLE.all_kinds() == {'display': TEXT, 'alias': NAMES, 'mem': WORDS, 'fb': TEXT, 'wt': SECONDS, 'on': FLAG,
                                 'a_ext': TEXT, 'b_ext': TEXT, 'extra_flag': FLAG, 'maybe': FLAG}


def test_option_names_are_as_a_user_writes_them():
    assert TABLE.option_name('mem') == 'members'
    assert TABLE.option_name('b_ext') == 'pair item 2'
    assert TABLE.option_name('extra_flag') == 'settings.extra_flag'


def test_reference_fields_come_from_typed_fields_and_composites():
    assert TABLE.reference_fields() == {'mem': 'members', 'fb': 'fallback', 'a_ext': 'pair item 1', 'b_ext': 'pair item 2'}
    assert FieldTable(typed=(Field('label', 'display', TEXT),)).reference_fields() == {}


def test_an_account_kind_holds_its_words_and_its_table():
    kind = AccountKind(noun='widget', plural='widgets', list_endpoint='widgets', addacc_type='widget', fields=TABLE,
                       result_key='widget', results_key='widgets', limit_setting='')
    assert kind.list_name == 'the widgets list'
    assert kind.capitalized() == 'Widget'


# Desired fields -----------------------------------------------------------------------------------------

def test_each_value_kind_goes_to_the_pbx_in_its_wire_form():
    assert TABLE.desired_fields(options(label=5, aliases=['a', 'b', 'a'], members=['1', '2'], wait=0, enabled=True,
                                        pair=['7', '8'])) == {
        'display': '5', 'alias': ['a', 'b'], 'mem': '1 2', 'wt': '0', 'on': 'true', 'a_ext': '7', 'b_ext': '8'}


def test_options_left_unset_are_not_managed_and_a_composite_sets_every_field_it_covers():
    assert TABLE.desired_fields(options()) == {}
    assert TABLE.desired_fields(options(pair=['7'])) == {'a_ext': '7', 'b_ext': ''}


def test_settings_are_sent_in_key_order_and_must_agree_with_typed_options():
    assert list(TABLE.desired_fields(options(settings={'zz': 1, 'aa': 2}))) == ['aa', 'zz']
    assert TABLE.desired_fields(options(members=['1', '2'], settings={'mem': ['1', '2']})) == {'mem': '1 2'}
    with pytest.raises(VodiaInputError, match='settings.mem conflicts'):
        TABLE.desired_fields(options(members=['1', '2'], settings={'mem': ['2', '1']}))


@pytest.mark.parametrize('given, message', [
    ({'wait': -1}, 'wait must not be negative'),
    ({'wait': '5'}, 'wait must be a whole number of seconds'),
    ({'members': ['1 2']}, "members entry '1 2' is not valid"),
    ({'members': [True]}, 'members must be a list of extension numbers or destinations as strings'),
    ({'settings': {'bad-key': 1}}, 'not a Vodia field name'),
    ({'settings': {'wt': [1]}}, 'single value'),
])
def test_bad_values_are_refused_with_the_option_s_name(given, message):
    with pytest.raises(VodiaInputError, match=message):
        TABLE.desired_fields(options(**given))


# Comparison ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize('vodia_field, left, right, same', [
    ('display', 'a', 'a', True), ('display', 'a', 'A', False), ('display', 5, '5', True), ('display', None, '', True),
    ('on', '', 'false', True), ('on', None, 'false', True), ('on', 'True', 'true', True), ('on', True, 'true', True),
    ('on', '', 'true', False),
    ('maybe', '', 'false', False), ('maybe', 'false', 'false', True),
    ('mem', '1 2', '2 1', True), ('mem', ['1', '2'], '1 2', True), ('mem', '1', '1 2', False),
    ('alias', ['a', 'b'], ['b', 'a'], True), ('alias', ['a'], ['a', 'b'], False),
    ('wt', '30', 30, True), ('wt', ' 30', '30', True), ('wt', '', None, True), ('wt', '30', '31', False),
    ('unknown', [1], ['1'], True), ('unknown', None, [], True), ('unknown', {'a': 1}, {'a': '2'}, False),
])
def test_two_wire_values_compare_by_the_field_s_kind(vodia_field, left, right, same):
    assert TABLE.same_value(vodia_field, left, right) is same
    assert TABLE.same_value(vodia_field, right, left) is same


def test_words_compare_in_order_only_when_asked_to():
    assert TABLE.same_value('mem', '1 2', '2 1', ordered=True) is False
    assert TABLE.same_value('alias', ['a', 'b'], ['b', 'a'], ordered=True) is True


def test_the_member_order_of_the_table_decides_how_changed_fields_compare_words():
    assert TABLE.changed_fields({'mem': '1 2'}, {'mem': '2 1'}) == {'mem': '2 1'}
    assert UNORDERED.changed_fields({'mem': '1 2'}, {'mem': '2 1'}) == {}


def test_changed_and_unapplied_fields():
    current = {'display': 'a', 'on': '', 'wt': '5'}
    desired = {'display': 'b', 'on': 'false', 'wt': '5', 'fb': ''}
    assert TABLE.changed_fields(current, desired) == {'display': 'b'}
    assert TABLE.unapplied_fields(current, desired) == ['display']


def test_apply_fields_keeps_what_a_partial_update_leaves_out():
    current = {'display': 'a', 'mem': '1'}
    assert fields.apply_fields(current, {'display': 'b'}) == {'display': 'b', 'mem': '1'}
    assert current == {'display': 'a', 'mem': '1'}


# Canonical and export forms ---------------------------------------------------------------------------------

RAW = {'display': 'Label', 'alias': ['9'], 'mem': '1 2', 'fb': '', 'wt': '12', 'on': 'true', 'a_ext': '7', 'b_ext': '',
       'extra_flag': 'True', 'maybe': '', 'counter': '41', 'zeta': 'z', 'alpha': ['x'], 'gone': None}


def test_the_canonical_form_types_each_option_and_keeps_the_raw_answer():
    assert TABLE.canonical('9', RAW) == {'name': '9', 'label': 'Label', 'aliases': ['9'], 'members': ['1', '2'], 'fallback': '',
                                         'wait': 12, 'enabled': True, 'pair': ['7'], 'settings': RAW}
    assert TABLE.canonical('9', {})['members'] is None and TABLE.canonical('9', {})['wait'] is None


def test_the_export_form_puts_composites_after_their_option_and_keeps_only_untyped_configuration():
    exported = TABLE.exportable(9, RAW)
    assert list(exported) == ['name', 'label', 'pair', 'aliases', 'members', 'fallback', 'wait', 'enabled', 'settings']
    assert exported['name'] == '9'
    assert exported['settings'] == {'alpha': ['x'], 'extra_flag': 'true', 'maybe': '', 'zeta': 'z'}
    assert list(exported['settings']) == sorted(exported['settings'])


def test_the_export_form_does_not_share_lists_with_the_pbx_answer():
    exported = TABLE.exportable('9', RAW)
    exported['settings']['alpha'].append('y')
    assert RAW['alpha'] == ['x']


def test_changed_options_compare_the_export_forms():
    assert TABLE.changed_options(RAW, dict(RAW, wt='13', counter='42', zeta='y', b_ext='8')) == {
        'pair': {'before': ['7'], 'after': ['7', '8']},
        'wait': {'before': 12, 'after': 13},
        'settings.zeta': {'before': 'z', 'after': 'y'},
    }


# Values -------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize('value, found', [(None, []), ('', []), ('1  2', ['1', '2']), (['1', 2], ['1', '2']), (5, ['5'])])
def test_members_come_from_a_space_separated_string_or_a_list(value, found):
    assert fields.members(value) == found


def test_names_sort_by_number_then_by_text():
    assert sorted(['b', '10', '9', 'a10', 'a9'], key=fields.name_order) == ['9', '10', 'a9', 'a10', 'b']


@pytest.mark.parametrize('value', ['1002', 'sales-team', 'a.b'])
def test_identifiers_that_stay_in_their_url_segment_pass(value):
    assert fields.validate_identifier('name', value) == value


@pytest.mark.parametrize('value', [None, '', ' 1', 'a/b', 'a;b', '..'])
def test_identifiers_that_could_leave_their_url_segment_are_refused(value):
    with pytest.raises(VodiaInputError, match='name'):
        fields.validate_identifier('name', value)
