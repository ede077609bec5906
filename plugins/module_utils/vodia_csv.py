# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The vendor's bulk CSV format, read into the variables of the collection's roles.

Plain data in, plain data out: nothing here talks to a PBX or knows Ansible. What the format is comes from the vendor's
CSV page (doc.vodia.com/docs/csv, "V" below): records on separate lines, fields separated by commas or semicolons; a
first line that starts with "#" names the parameters of the columns, by default
``#alias;first_name;last_name;position;cell;email;mac;mb_pin;web_pass;password``; a ``type`` column makes accounts of
other types than extensions; "If the account already exists, the system will overwrite the parameters". The rest is
our choice and docs/backup-and-restore.md ("Import from the vendor's CSV") states it.

Each account of a kind the collection manages (kinds.KINDS, found by its addacc type or its list name, so that a kind
added there is read without code here) becomes an item of the export form (FieldTable.exportable) holding the columns
the file gives for it, and nothing else: an option whose field has no column is left out, so applying the item
leaves that field as the PBX holds it, as the vendor's import does. Everything else is reported, never dropped
silently: the lines of other types, and the fields of a managed kind that an item cannot carry (runtime state).
"""

from __future__ import annotations

import csv
import io
import json

from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaInputError
from ansible_collections.vodia.pbx.plugins.module_utils.fields import SETTINGS_KEY, validate_identifier
from ansible_collections.vodia.pbx.plugins.module_utils.kinds import KINDS, role_variable

# V: the parameter line that applies when the file has none.
DEFAULT_COLUMNS = ('alias', 'first_name', 'last_name', 'position', 'cell', 'email', 'mac', 'mb_pin', 'web_pass', 'password')
# V: the column that names the account, and the one that gives its type (extensions where it is missing or empty).
ALIAS_COLUMN = 'alias'
TYPE_COLUMN = 'type'
DEFAULT_TYPE = 'extensions'
# V's default parameter line ends with an extension's credentials. On a line of a managed kind they are never
# imported: the variables file, a task's diff and the drift report would show them. A value there is reported (without
# the value); an empty cell, which can only come from a parameter line shared with extensions, is left out.
CREDENTIAL_COLUMNS = ('mb_pin', 'web_pass', 'password')
SEPARATORS = (';', ',')
EMPTY_CELLS = ('set', 'skip')
# The role variable of each kind (kinds.role_variable, shared with the drift source) is imported above; the tests
# import it from here too.


def kind_of_type(account_type: str, kinds=KINDS):
    """The managed kind a ``type`` cell names, by its addacc type or its list name (any case); None for any other."""
    wanted = account_type.lower()
    for kind in kinds:
        if wanted in (kind.addacc_type.lower(), kind.list_endpoint.lower()):
            return kind
    return None


def _where(source: str, line: int) -> str:
    return '%sline %d' % (source, line)


def _separator(first_line: str, separator):
    if separator is not None:
        if separator not in SEPARATORS:
            raise VodiaInputError('separator must be ";" or "," (the vendor\'s CSV uses one of them); got %r.' % (separator,))
        return separator
    # A semicolon anywhere in the first line wins: a value such as "Smith, John" holds commas, a parameter line does not.
    return ';' if ';' in first_line else ','


def _columns(header: list, where: str) -> list:
    while len(header) > 1 and not header[-1].strip():
        header = header[:-1]  # spreadsheet programs end lines with separators of empty columns
    columns = []
    for index, name in enumerate(header, start=1):
        name = name.strip()
        if index == 1:
            name = name[1:].strip()
        if not SETTINGS_KEY.match(name):
            raise VodiaInputError(
                '%s, column %d: %r is not a Vodia parameter name (letters, digits and _ only). The first line, when it '
                'starts with "#", names the parameter of each column, such as #alias;type;display.'
                % (where, index, name))
        if name in columns:
            raise VodiaInputError('%s, column %d: the parameter %r is named twice (first in column %d). Name each column once.'
                                  % (where, index, name, columns.index(name) + 1))
        columns.append(name)
    if ALIAS_COLUMN not in columns:
        raise VodiaInputError('%s: the parameter line has no "alias" column, which names each account. Add it, as in '
                              '#alias;type;display.' % where)
    return columns


def _records(text: str, separator, source: str):
    """The column names and (line, cells) of each record that is not empty."""
    if text.startswith('\ufeff'):  # spreadsheet programs write a byte order mark before UTF-8 CSV
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=''), delimiter=_separator(text.lstrip().split('\n', 1)[0], separator),
                        quotechar='"', strict=True)
    columns = None
    records = []
    line = 0
    try:
        for row in reader:
            line, first_line = reader.line_num, line + 1
            if not any(cell.strip() for cell in row):
                continue
            if columns is None:
                if row[0].lstrip().startswith('#'):
                    columns = _columns(row, _where(source, first_line))
                    continue
                columns = list(DEFAULT_COLUMNS)
            records.append((first_line, row))
    except csv.Error as error:
        raise VodiaInputError('%s: the CSV cannot be read (%s). Check the quotes of that line: a quoted value ends with a '
                              'quote, and a quote inside it is written twice.' % (_where(source, reader.line_num), error)) from None
    return columns or list(DEFAULT_COLUMNS), records


def _cell_value(table, column: str, cell: str):
    """A cell as a value of the export form: text, or a JSON list or object in a field the table does not know (on 70.x
    some fields hold them, and the simulator's export writes them as JSON)."""
    if table.kind_of(column) is None and cell[:1] in ('[', '{'):
        try:
            value = json.loads(cell)
        except ValueError:
            return cell
        if isinstance(value, (list, dict)):
            return value
    return cell


def _item(kind, name: str, raw: dict, report: list, entry: dict, origins: dict) -> dict:
    """The export form of one account, holding only what ``raw`` gives; ``origins`` names the line of each field."""
    table = kind.fields
    for runtime_field in table.runtime_fields:
        if runtime_field in raw:
            del raw[runtime_field]
            report.append(dict(origins[runtime_field], field=runtime_field, reason=(
                'runtime state of the %s, not configuration: the export leaves it out and the roles never write it'
                % kind.noun)))
    item = table.exportable(name, raw)
    settings = item['settings']
    for typed in table.typed:
        if typed.vodia not in raw:
            del item[typed.option]
            settings.pop(typed.vodia, None)  # exportable keeps an empty flag's raw value there
        elif item[typed.option] is None and typed.vodia not in settings:
            # An option that is null leaves its field alone (an empty duration): the empty value goes through settings,
            # so that applying the item empties the field, as the cell asks.
            settings[typed.vodia] = raw[typed.vodia]
    for composite in table.composites:
        given = [covered for covered in composite.fields if covered in raw]
        if len(given) < len(composite.fields):
            # The option sets all its fields, clearing those not given: the fields given go through settings instead.
            del item[composite.option]
            settings.update((covered, raw[covered]) for covered in given)
    item['settings'] = dict(sorted(settings.items()))
    try:
        table.desired_fields(item)  # what the modules will refuse is refused here, with the line that holds it
    except VodiaInputError as error:
        raise VodiaInputError('%s (%s %s): %s' % (entry['where'], kind.noun, name, error.message)) from None
    return item


def _given(columns: list, row: list, empty_cells: str) -> dict:
    given = {}
    for column, cell in zip(columns, row):
        if column in (ALIAS_COLUMN, TYPE_COLUMN) or (empty_cells == 'skip' and cell == ''):
            continue
        given[column] = cell
    return given


def _read_one(text, number, separator, empty_cells, kinds, accounts, types, report):
    source = '' if number is None else 'file %d, ' % number
    if not isinstance(text, str):
        raise VodiaInputError('%sthe input must be the text of a CSV file (a string); got %s.' % (source, type(text).__name__))
    columns, records = _records(text, separator, source)
    for line, row in records:
        where = _where(source, line)
        if len(row) > len(columns) and not any(cell.strip() for cell in row[len(columns):]):
            row = row[:len(columns)]  # the same separators of empty columns
        if len(row) > len(columns):
            raise VodiaInputError('%s has %d values, but the parameter line names %d columns. Quote a value that holds the '
                                  'separator, or add the missing column names.' % (where, len(row), len(columns)))
        cells = dict(zip(columns, row))
        account_type = cells.get(TYPE_COLUMN, '').strip() or DEFAULT_TYPE
        names = cells.get(ALIAS_COLUMN, '').split()
        if not names:
            raise VodiaInputError('%s, column %d (alias): the account has no name. Give its number or name in the alias column.'
                                  % (where, columns.index(ALIAS_COLUMN) + 1))
        name = validate_identifier('%s, column %d (alias)' % (where, columns.index(ALIAS_COLUMN) + 1), names[0])
        entry = {'line': line, 'type': account_type, 'account': name}
        if number is not None:
            entry['file'] = number
        seen = types.setdefault(name, (account_type.lower(), where))
        if seen[0] != account_type.lower():
            raise VodiaInputError('%s: account %s has the type %s here and %s on %s. An account has one type; correct one of '
                                  'the lines.' % (where, name, account_type, seen[0], seen[1]))
        kind = kind_of_type(account_type, kinds)
        if kind is None:
            report.append(dict(entry, fields=sorted(column for column, cell in _given(columns, row, 'skip').items()),
                               reason='vodia.pbx does not manage accounts of type %s' % account_type))
            continue
        raw = dict((column, _cell_value(kind.fields, column, cell)) for column, cell in _given(columns, row, empty_cells).items())
        for column in CREDENTIAL_COLUMNS:
            if raw.pop(column, '') != '':
                report.append(dict(entry, field=column, reason=(
                    'a credential column of extensions: never imported for a %s, so that no secret reaches the '
                    'variables file, a diff or a report' % kind.noun)))
        if len(names) > 1:
            # The alias cell names the account first; further names are its aliases (the first stays one of them).
            raw[ALIAS_COLUMN] = names
        if name not in accounts:
            accounts[name] = (kind, {}, {}, where, entry)
        # V: an existing account gets the parameters of the line; a later line overwrites what an earlier one gave.
        accounts[name][1].update(raw)
        accounts[name][2].update(dict.fromkeys(raw, entry))


def from_vodia_csv(text, separator=None, empty_cells='set', domain=None, kinds=KINDS) -> dict:
    """The role variables for the accounts of a vendor CSV file (or of a list of such files), and what was not imported.

    Returns a dict with ``hunt_groups_domain`` (only when ``domain`` is given), one list per managed kind under its role
    variable (every kind, empty ones too, in the file's order) and ``not_imported``: for each line of a type the
    collection does not manage, its line, type, account, reason and the columns that held a value; for each field of a
    managed kind that no item can carry (runtime state, and a credential column with a value), the line that gave it,
    its type, account, field and reason. No value is ever copied into the report: extension lines hold passwords and
    PINs.
    """
    if empty_cells not in EMPTY_CELLS:
        raise VodiaInputError('empty_cells must be "set" (an empty cell empties the field) or "skip" (an empty cell leaves '
                              'the field as it is); got %r.' % (empty_cells,))
    texts = text if isinstance(text, list) else [text]
    accounts, types, report = {}, {}, []
    for number, one in enumerate(texts, start=1):
        _read_one(one, number if isinstance(text, list) else None, separator, empty_cells, kinds, accounts, types, report)
    result = {} if domain is None else {'hunt_groups_domain': str(domain)}
    for kind in kinds:
        result[role_variable(kind)] = []
    for name, (kind, raw, origins, where, entry) in accounts.items():
        result[role_variable(kind)].append(_item(kind, name, raw, report, dict(entry, where=where), origins))
    for entry in report:
        entry.pop('where', None)
    result['not_imported'] = sorted(report, key=lambda entry: (entry.get('file', 0), entry['line']))
    return result
