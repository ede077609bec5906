# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""vodia_csv.py: the vendor's bulk CSV format (doc.vodia.com/docs/csv) read into the roles' variables, with the quirks the
vendor's page describes, and what an export of the same accounts holds."""

from __future__ import annotations

import pytest

from ansible_collections.vodia.pbx.plugins.module_utils.call_queue import CALL_QUEUE
from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaInputError
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import HUNT_GROUP
from ansible_collections.vodia.pbx.plugins.module_utils.kinds import KINDS
from ansible_collections.vodia.pbx.plugins.module_utils.vodia_csv import from_vodia_csv, kind_of_type, role_variable

STAGES = ('st1_ext', 'st1_dur', 'st2_ext', 'st2_dur', 'st3_ext', 'st3_dur')
# The fields of the vendor's hunt group example (S1), as the PBX returns them; dialog_state is runtime state.
HUNT_1002 = {
    'conn_sym': '', 'connect': 'true', 'display': 'Hunt', 'email': '', 'flag': '', 'from_header': 'id',
    'hunt_anonymous_dest': '', 'melody': 'ringer6', 'moh': '', 'ncf': 'false', 'night': '', 'rec': 'false',
    'st1_dur': '5', 'st1_ext': '444', 'st1_miss': 'false', 'st2_dur': '10', 'st2_ext': '445', 'st2_miss': 'false',
    'st3_dur': '', 'st3_ext': '', 'st3_miss': 'false', 'st4_ext': '8572665588', 'ani': '123-456-7899',
    'dial_plan': '', 'disabled': '', 'dialog_state': 'confirmed', 'param1': '',
}


def csv_of(columns, *rows, separator=';'):
    return '\n'.join(['#' + separator.join(columns)] + [separator.join(row) for row in rows]) + '\n'


def test_a_hunt_group_line_with_every_field_is_the_export_of_the_same_account_without_its_runtime_state():
    columns = ['alias', 'type'] + sorted(HUNT_1002)
    text = csv_of(columns, ['1002', 'hunts'] + [HUNT_1002[column] for column in sorted(HUNT_1002)])
    result = from_vodia_csv(text)
    export = HUNT_GROUP.fields.exportable('1002', HUNT_1002)
    del export['aliases']  # one name in the alias column sets no alias
    del export['ring_strategy']  # a v58 PBX has no algo field, so the line has no such column: the option is left out
    assert result['hunt_groups_list'] == [export]
    assert result['not_imported'] == [{'line': 2, 'type': 'hunts', 'account': '1002', 'field': 'dialog_state', 'reason': (
        'runtime state of the hunt group, not configuration: the export leaves it out and the roles never write it')}]


def test_every_managed_kind_has_its_role_variable_even_when_the_file_has_none_of_it():
    result = from_vodia_csv(csv_of(['alias', 'type'], ['1002', 'hunts']), domain='localhost')
    assert list(result) == ['hunt_groups_domain'] + [role_variable(kind) for kind in KINDS] + ['not_imported']
    assert result['hunt_groups_domain'] == 'localhost'
    assert role_variable(HUNT_GROUP) == 'hunt_groups_list' and role_variable(CALL_QUEUE) == 'hunt_groups_call_queues'
    assert 'hunt_groups_domain' not in from_vodia_csv('#alias;type\n')


def test_kinds_are_found_by_their_addacc_type_or_list_name_in_any_case():
    assert kind_of_type('hunts') is HUNT_GROUP and kind_of_type('ACDS') is CALL_QUEUE
    assert kind_of_type('extensions') is None and kind_of_type('') is None


def test_only_the_columns_given_become_options_so_that_applying_leaves_the_rest_as_it_is():
    result = from_vodia_csv(csv_of(['alias', 'type', 'display', 'agents', 'escagents'], ['700', 'acds', 'Support', '446 447', '']))
    assert result['hunt_groups_call_queues'] == [
        {'name': '700', 'display_name': 'Support', 'agents': ['446', '447'], 'escalation_agents': [], 'settings': {}}]


def test_the_vendor_quirks_comma_separator_quotes_byte_order_mark_crlf_and_blank_lines():
    text = '\ufeff#alias,type,display,ani\r\n\r\n1002,hunts,"Front desk, main",123\r\n 1003 ,Hunts,"Say ""hi""",\r\n'
    hunt_groups = from_vodia_csv(text)['hunt_groups_list']
    assert [(item['name'], item['display_name'], item['caller_id']) for item in hunt_groups] == [
        ('1002', 'Front desk, main', '123'), ('1003', 'Say "hi"', '')]
    # A semicolon file whose values hold commas.
    assert from_vodia_csv('#alias;type;display\n1002;hunts;Smith, John\n')['hunt_groups_list'][0]['display_name'] == 'Smith, John'
    assert from_vodia_csv('#alias,type,display\n1002,hunts,a;b\n', separator=',')['hunt_groups_list'][0]['display_name'] == 'a;b'


def test_without_a_parameter_line_the_vendors_default_columns_make_extensions_which_are_reported_without_values():
    result = from_vodia_csv('40;Alice;Smith;;;alice@example.com;;1234;webpass;sippass\n41;Bob\n')
    assert result['hunt_groups_list'] == [] and result['hunt_groups_call_queues'] == []
    assert result['not_imported'] == [
        {'line': 1, 'type': 'extensions', 'account': '40', 'fields': ['email', 'first_name', 'last_name', 'mb_pin', 'password', 'web_pass'],
         'reason': 'vodia.pbx does not manage accounts of type extensions'},
        {'line': 2, 'type': 'extensions', 'account': '41', 'fields': ['first_name'],
         'reason': 'vodia.pbx does not manage accounts of type extensions'}]
    assert 'sippass' not in repr(result) and '1234' not in repr(result)


def test_lines_of_other_types_are_reported_with_their_line_numbers():
    text = csv_of(['alias', 'type', 'display'], ['500', 'attendants', 'Main Menu'], ['1002', 'hunts', 'Hunt'], ['x1', 'colines', ''])
    result = from_vodia_csv(text)
    assert [(entry['line'], entry['type'], entry['account'], entry['fields']) for entry in result['not_imported']] == [
        (2, 'attendants', '500', ['display']), (4, 'colines', 'x1', [])]
    assert [item['name'] for item in result['hunt_groups_list']] == ['1002']


def test_several_names_in_the_alias_column_are_the_aliases_the_first_naming_the_account():
    item = from_vodia_csv(csv_of(['alias', 'type'], ['1002 +16175550100', 'hunts']))['hunt_groups_list'][0]
    assert item == {'name': '1002', 'aliases': ['1002', '+16175550100'], 'settings': {}}


def test_stages_need_all_six_fields_otherwise_the_fields_given_go_through_settings():
    full = from_vodia_csv(csv_of(['alias', 'type'] + list(STAGES), ['1002', 'hunts', '444 445', '10', '', '', '447', '30']))
    assert full['hunt_groups_list'][0]['stages'] == [
        {'extensions': ['444', '445'], 'duration': 10}, {'extensions': [], 'duration': None}, {'extensions': ['447'], 'duration': 30}]
    part = from_vodia_csv(csv_of(['alias', 'type', 'st1_ext'], ['1002', 'hunts', '444']))['hunt_groups_list'][0]
    assert part == {'name': '1002', 'settings': {'st1_ext': '444'}}


def test_flags_come_as_the_export_has_them_and_an_empty_cell_is_kept_in_settings():
    item = from_vodia_csv(csv_of(['alias', 'type', 'rec', 'disabled', 'ncf'], ['1002', 'hunts', 'TRUE', '', 'false']))['hunt_groups_list'][0]
    assert item == {'name': '1002', 'record_calls': True, 'disabled': None, 'settings': {'disabled': '', 'ncf': 'false'}}


def test_empty_cells_are_set_by_default_and_left_out_with_skip():
    text = csv_of(['alias', 'type', 'display', 'agents', 'first_name'], ['700', 'acds', '', '', ''])
    assert from_vodia_csv(text)['hunt_groups_call_queues'] == [
        {'name': '700', 'display_name': '', 'agents': [], 'settings': {'first_name': ''}}]
    assert from_vodia_csv(text, empty_cells='skip')['hunt_groups_call_queues'] == [{'name': '700', 'settings': {}}]


def test_a_short_line_gives_only_its_cells():
    assert from_vodia_csv(csv_of(['alias', 'type', 'display', 'ani'], ['1002', 'hunts']))['hunt_groups_list'] == [
        {'name': '1002', 'settings': {}}]


def test_an_account_on_several_lines_gets_the_columns_of_each_the_later_winning():
    text = csv_of(['alias', 'type', 'display', 'ani'], ['1002', 'hunts', 'First', '1'], ['1002', 'hunts', 'Second'])
    assert from_vodia_csv(text)['hunt_groups_list'] == [{'name': '1002', 'display_name': 'Second', 'caller_id': '1', 'settings': {}}]


def test_a_runtime_field_is_reported_on_the_line_and_in_the_file_that_gave_it():
    result = from_vodia_csv([csv_of(['alias', 'type', 'display'], ['1002', 'hunts', 'A']),
                             csv_of(['alias', 'type', 'dialog_state'], ['1002', 'hunts', 'busy'])])
    assert [(entry['file'], entry['line'], entry['field']) for entry in result['not_imported']] == [(2, 2, 'dialog_state')]


def test_credential_columns_on_lines_of_managed_kinds_are_reported_never_imported_and_never_shown():
    text = csv_of(['alias', 'type', 'display', 'password', 'web_pass', 'mb_pin'],
                  ['1010', 'hunts', 'Sales', 'S3cret-Hunt-Pass', '', 'S3cret-Pin'],
                  ['700', 'acds', 'Support', '', '', ''])
    result = from_vodia_csv(text)
    assert result['hunt_groups_list'] == [{'name': '1010', 'display_name': 'Sales', 'settings': {}}]
    assert result['hunt_groups_call_queues'] == [{'name': '700', 'display_name': 'Support', 'settings': {}}]
    assert [(entry['line'], entry['account'], entry['field']) for entry in result['not_imported']] == [
        (2, '1010', 'mb_pin'), (2, '1010', 'password')]
    assert 'S3cret' not in repr(result)


def test_a_json_list_or_object_in_a_field_without_a_kind_is_that_value():
    text = csv_of(['alias', 'type', 'oauth_list', 'google_calendar', 'display'], ['1002', 'hunts', '[]', '{"a": 1}', '[x]'])
    item = from_vodia_csv(text)['hunt_groups_list'][0]
    assert item['settings'] == {'google_calendar': {'a': 1}, 'oauth_list': []} and item['display_name'] == '[x]'


def test_a_list_of_files_each_with_its_own_parameter_line():
    result = from_vodia_csv([csv_of(['alias', 'type', 'st1_ext'], ['1002', 'hunts', '444']),
                             csv_of(['alias', 'type', 'agents'], ['700', 'acds', '446'], ['40', '', ''])])
    assert [item['name'] for item in result['hunt_groups_list']] == ['1002']
    assert result['hunt_groups_call_queues'][0]['agents'] == ['446']
    assert [(entry['file'], entry['line']) for entry in result['not_imported']] == [(2, 3)]


@pytest.mark.parametrize('text, message', [
    ('#alias;type;dis play\n', 'line 1, column 3: \'dis play\' is not a Vodia parameter name'),
    ('#alias;type;display;display\n', 'line 1, column 4: the parameter \'display\' is named twice (first in column 3)'),
    ('#type;display\n1002;hunts\n', 'line 1: the parameter line has no "alias" column'),
    ('\n\n#type;display\n1002;hunts\n', 'line 3: the parameter line has no "alias" column'),
    ('#alias;type\n1002;hunts;extra\n', 'line 2 has 3 values, but the parameter line names 2 columns'),
    ('#alias;type\n;hunts\n', 'line 2, column 1 (alias): the account has no name'),
    ('#alias;type\n10/02;hunts\n', "line 2, column 1 (alias) '10/02' is not valid"),
    ('#alias;type\n1002;hunts\n1002;acds\n', 'line 3: account 1002 has the type acds here and hunts on line 2'),
    ('#alias;type;%s\n1002;hunts;444;soon;;;;\n' % ';'.join(STAGES),
     'line 2 (hunt group 1002): stages item 1 duration must be a whole number of seconds'),
    ('#alias;type;esctime\n700;acds;soon\n', 'line 2 (call queue 700): escalation_time must be a whole number of seconds'),
    ('#alias;type\n"1002;hunts\n', 'line 2: the CSV cannot be read'),
])
def test_input_that_cannot_be_read_fails_naming_the_line_and_column(text, message):
    with pytest.raises(VodiaInputError) as caught:
        from_vodia_csv(text)
    assert message in caught.value.message


def test_bad_options_and_input_fail_with_what_to_do():
    with pytest.raises(VodiaInputError, match='separator must be'):
        from_vodia_csv('#alias\n', separator='|')
    with pytest.raises(VodiaInputError, match='empty_cells must be'):
        from_vodia_csv('#alias\n', empty_cells='clear')
    with pytest.raises(VodiaInputError, match='must be the text of a CSV file'):
        from_vodia_csv(5)
    with pytest.raises(VodiaInputError, match='file 2, line 2, column 1'):
        from_vodia_csv(['#alias;type\n', '#alias;type\n;hunts\n'])


def test_an_empty_duration_which_a_null_option_would_leave_alone_goes_through_settings():
    item = from_vodia_csv(csv_of(['alias', 'type', 'esctime'], ['700', 'acds', '']))['hunt_groups_call_queues'][0]
    assert item == {'name': '700', 'escalation_time': None, 'settings': {'esctime': ''}}
    assert CALL_QUEUE.fields.desired_fields(item) == {'esctime': ''}


def test_separators_of_empty_columns_at_the_end_of_lines_are_ignored():
    result = from_vodia_csv('#alias;type;display;;\n1002;hunts;Hunt;;\n1003;hunts;Two\n')
    assert [(item['name'], item['display_name']) for item in result['hunt_groups_list']] == [('1002', 'Hunt'), ('1003', 'Two')]
