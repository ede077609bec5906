# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Field tables: how the options of one Vodia account kind map to its fields, and how values compare.

Plain data in, plain data out: nothing here talks to a PBX or knows Ansible. A kind (hunt_group.py,
call_queue.py) is a FieldTable plus a few names; everything below works for every kind.

Vocabulary:
- raw settings: the object the PBX returns from ``user_settings`` (strings, ``alias`` a list; on 70.x some
  fields hold JSON lists or objects);
- desired fields: the Vodia fields a task asks for, already in wire form;
- canonical form: what the modules return and accept (typed options plus ``settings``);
- export form: what a backup file holds (every typed option, ``settings`` without typed or runtime fields).
"""

from __future__ import annotations

import copy
import math
import re

from dataclasses import dataclass, field
from typing import Callable, NamedTuple

from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaInputError

# The Vodia field with the names and numbers an account answers to.
ALIAS_FIELD = 'alias'

# How two wire values of a field are compared.
TEXT = 'text'          # exact string
FLAG = 'flag'          # "true" / "false"; an empty string (never set) equals "false", unless the table says otherwise
WORDS = 'words'        # space-separated members: order matters only where the table's member_order says so
NAMES = 'names'        # a JSON list of names: order does not matter
SECONDS = 'seconds'    # a whole number of seconds, or empty for the PBX default

# What a field that names other accounts holds.
ONE_ACCOUNT = 'one account'
ACCOUNTS = 'accounts'

# The lists of values a PBX offers for some fields, under /rest/domain/<domain>/ (notes section 5: S2 lists them as
# "options for validating fields"). Melodies are listed per language; English is the one every PBX has.
DIAL_PLANS = 'dialplans'
MUSIC_ON_HOLD = 'moh'
RINGTONES = 'ringtones/en'

IDENTIFIER_FORBIDDEN = re.compile(r'[/\\\s?#%;,]|[\x00-\x1f\x7f]')
SETTINGS_KEY = re.compile(r'^[A-Za-z0-9_]+$')
MEMBER_FORBIDDEN = re.compile(r'\s|[\x00-\x1f\x7f]')


class Field(NamedTuple):
    """A typed option and the Vodia field it sets. ``references`` says whether it names other accounts;
    ``offered_by`` names the list under ``/rest/domain/<domain>/`` of the values a PBX offers for it."""
    option: str
    vodia: str
    kind: str
    references: str | None = None
    offered_by: str | None = None


class Composite(NamedTuple):
    """An option that sets several Vodia fields at once, such as a hunt group's stages.

    ``to_wire`` turns the option's value into fields (every field it covers, so that what is not listed is
    cleared), ``from_wire`` reads the option back from raw settings. ``after`` is the typed option it follows in
    the canonical and export forms. ``references`` maps each covered field that names accounts to the label a
    message uses for it.
    """
    option: str
    fields: tuple
    kinds: dict
    to_wire: Callable[[list], dict]
    from_wire: Callable[[dict], list]
    after: str
    references: dict


@dataclass(frozen=True)
class FieldTable:
    """The fields of one account kind.

    ``raw_kinds`` gives the value kind of fields that have no typed option but whose values a source shows;
    ``empty_flag_unknown`` the flags whose empty value is not known to mean "false"; ``runtime_fields`` the
    fields that hold state rather than configuration (an export leaves them out); ``member_order`` decides, from
    the current and desired fields, whether the order of WORDS members matters.
    """
    typed: tuple
    composites: tuple = ()
    raw_kinds: dict = field(default_factory=dict)
    empty_flag_unknown: tuple = ()
    runtime_fields: tuple = ()
    member_order: Callable[[dict, dict], bool] = lambda current, desired: True

    # Lookups -------------------------------------------------------------------------

    def kind_of(self, vodia_field: str) -> str | None:
        for typed in self.typed:
            if typed.vodia == vodia_field:
                return typed.kind
        for composite in self.composites:
            if vodia_field in composite.kinds:
                return composite.kinds[vodia_field]
        return self.raw_kinds.get(vodia_field)

    def all_kinds(self) -> dict:
        """Every Vodia field the table knows, with its value kind."""
        kinds = dict(self.raw_kinds)
        for composite in self.composites:
            kinds.update(composite.kinds)
        kinds.update((typed.vodia, typed.kind) for typed in self.typed)
        return kinds

    def option_name(self, vodia_field: str) -> str:
        """The task option that sets a Vodia field, as a user writes it."""
        for typed in self.typed:
            if typed.vodia == vodia_field:
                return typed.option
        for composite in self.composites:
            if vodia_field in composite.fields:
                return composite.references.get(vodia_field, composite.option)
        return 'settings.%s' % vodia_field

    def reference_fields(self) -> dict:
        """Every Vodia field that names other accounts, with the option name a message uses for it."""
        found = dict((typed.vodia, typed.option) for typed in self.typed if typed.references)
        for composite in self.composites:
            found.update(composite.references)
        return found

    def offered_fields(self) -> dict:
        """Every Vodia field whose values a PBX lists, with the option name and the list's endpoint."""
        return dict((typed.vodia, (typed.option, typed.offered_by)) for typed in self.typed if typed.offered_by)

    # Desired state: options -> Vodia fields ------------------------------------------

    def desired_fields(self, options: dict) -> dict:
        """Turn a task's options into the Vodia fields to enforce. Only options that are given (not None) count."""
        fields = {}
        for typed in self.typed:
            value = options.get(typed.option)
            if value is None:
                continue
            if typed.kind == WORDS:
                fields[typed.vodia] = ' '.join(validate_members(typed.option, value))
            elif typed.kind == NAMES:
                fields[typed.vodia] = validate_members(typed.option, value)
            elif typed.kind == SECONDS:
                fields[typed.vodia] = str(validate_duration(typed.option, value))
            else:
                fields[typed.vodia] = to_wire_scalar(value)
        for composite in self.composites:
            value = options.get(composite.option)
            if value is not None:
                fields.update(composite.to_wire(value))
        for key, value in sorted((options.get('settings') or {}).items()):
            if not SETTINGS_KEY.match(str(key)):
                raise VodiaInputError('settings key %r is not a Vodia field name (letters, digits and _ only).' % (key,))
            wire = self._settings_value_to_wire(key, value)
            if key in fields:
                # Members in another order may ring in another order: only the very same list agrees.
                if not self.same_value(key, fields[key], wire, ordered=True):
                    raise VodiaInputError(
                        'settings.%s conflicts with the typed option that sets the same Vodia field (%r versus %r); '
                        'set it in one place only.' % (key, wire, fields[key]))
                continue
            fields[key] = wire
        return fields

    def _settings_value_to_wire(self, key, value):
        label = 'settings.%s' % key
        kind = self.kind_of(key)
        if key == ALIAS_FIELD:
            if not isinstance(value, list):
                raise VodiaInputError('settings.alias must be a list of names, like the PBX returns it.')
            return validate_members(label, value)
        if kind == WORDS and isinstance(value, list):
            # Members as a 70.x PBX reads them back; they are written space-separated, as the v58 page shows.
            return ' '.join(validate_members(label, value))
        if value is None:
            raise VodiaInputError('%s must not be null: give a value, or leave the key out to keep what the PBX holds.' % label)
        if isinstance(value, (dict, list)):
            # Fields the table knows are single values on every PBX; other fields may be lists or objects on 70.x.
            if kind is not None:
                raise VodiaInputError('%s must be a single value (string, number or boolean); got %r.' % (label, value))
            return _plain_json(label, value)
        return self._as_text(key, value)

    # Comparison ----------------------------------------------------------------------

    def _as_text(self, vodia_field, value):
        """One wire value as the PBX stores it, whichever side it comes from (a PBX may answer true or 5 in JSON)."""
        if value is None:
            return ''
        text = to_wire_scalar(value)
        if self.kind_of(vodia_field) == FLAG and text.lower() in ('true', 'false'):
            return text.lower()
        return text

    def _flag_state(self, vodia_field, value):
        text = self._as_text(vodia_field, value)
        return 'false' if text == '' and vodia_field not in self.empty_flag_unknown else text

    def same_value(self, vodia_field: str, left: object, right: object, ordered: bool = False) -> bool:
        """Whether two wire values of a field are the same setting; ``ordered`` compares members in order."""
        kind = self.kind_of(vodia_field) or TEXT
        if kind == FLAG:
            return self._flag_state(vodia_field, left) == self._flag_state(vodia_field, right)
        if kind == WORDS and ordered:
            return members(left) == members(right)
        if kind in (WORDS, NAMES):
            return set(members(left)) == set(members(right))
        if kind == SECONDS:
            return seconds(left) == seconds(right)
        if isinstance(left, (list, dict)) or isinstance(right, (list, dict)):
            if left is None or right is None:
                # A field the PBX leaves out counts as empty: here, an empty list or object.
                return not left and not right
            return comparable(left) == comparable(right)
        return self._as_text(vodia_field, left) == self._as_text(vodia_field, right)

    def changed_fields(self, current: dict, desired: dict) -> dict:
        """The subset of desired fields whose value differs from the PBX's raw settings.

        A field the PBX leaves out of its answer counts as empty, so clearing it is not a change.
        """
        ordered = self.member_order(current, desired)
        return dict(
            (name, value) for name, value in desired.items()
            if not self.same_value(name, current.get(name), value, ordered)
        )

    def unapplied_fields(self, actual: dict, desired: dict) -> list[str]:
        """Fields the PBX did not take over after a write: proof that a write did what it claimed."""
        return sorted(self.changed_fields(actual, desired))

    # Canonical form: Vodia fields -> what the modules return ---------------------------

    def _options_in_order(self):
        """Typed options and composites in the order the canonical and export forms list them."""
        for typed in self.typed:
            yield typed
            for composite in self.composites:
                if composite.after == typed.option:
                    yield composite

    def canonical(self, name: str, raw: dict) -> dict:
        """An account as the modules return it; ``settings`` is the raw object the PBX returned."""
        account = {'name': str(name)}
        for typed in self.typed:
            value = raw.get(typed.vodia)
            if typed.kind == FLAG:
                value = _flag_from_wire(value)
            elif typed.kind in (WORDS, NAMES) and value is not None:
                value = members(value)
            elif typed.kind == SECONDS and value is not None:
                value = _seconds_or_none(value)
            account[typed.option] = value
        for composite in self.composites:
            account[composite.option] = composite.from_wire(raw)
        account['settings'] = dict(raw)
        return account

    # Export form: what a backup file holds ------------------------------------------------

    def exportable(self, name: str, raw: dict) -> dict:
        """An account as a backup holds it: the options of the roles, and applying them recreates it.

        Every typed option is present, empty ones too, so that applying the file also clears what is empty now; the
        keys come in a fixed order and ``settings`` in key order, so that exporting the same PBX twice gives the same
        bytes. ``settings`` holds only fields that have no typed option, without the runtime state. A flag the PBX
        holds empty (neither "true" nor "false") is exported as null with its raw value in ``settings``, since a
        boolean option cannot say "empty". Values that are lists or objects (70.x) are kept as they are; only null
        values are left out, since ``settings`` cannot send null back.
        """
        account = {'name': str(name)}
        untyped = dict(raw)
        for composite in self.composites:
            for covered in composite.fields:
                untyped.pop(covered, None)
        for runtime_field in self.runtime_fields:
            untyped.pop(runtime_field, None)
        for option in self._options_in_order():
            if isinstance(option, Composite):
                account[option.option] = option.from_wire(raw)
                continue
            value = untyped.pop(option.vodia, None)
            if option.kind == FLAG:
                account[option.option] = _exported_flag(value)
                if account[option.option] is None:
                    untyped[option.vodia] = '' if value is None else value
            elif option.kind in (WORDS, NAMES):
                account[option.option] = members(value)
            elif option.kind == SECONDS:
                account[option.option] = _seconds_or_none(value)
            else:
                account[option.option] = '' if value is None else to_wire_scalar(value)
        account['settings'] = dict(
            (key, copy.deepcopy(value) if isinstance(value, (list, dict)) else self._as_text(key, value))
            for key, value in sorted(untyped.items()) if value is not None)
        return account

    def changed_options(self, before_raw: dict, after_raw: dict) -> dict:
        """The options that differ between two states of an account, each with its before and after value.

        Options are those of the export form; a field without a typed option is named ``settings.<field>``.
        """
        before, after = self.exportable('', before_raw), self.exportable('', after_raw)
        changes = {}
        for option in after:
            if option not in ('name', 'settings') and before[option] != after[option]:
                changes[option] = {'before': before[option], 'after': after[option]}
        for key in sorted(set(before['settings']) | set(after['settings'])):
            old, new = before['settings'].get(key), after['settings'].get(key)
            if comparable(old) != comparable(new):
                changes['settings.%s' % key] = {'before': old, 'after': new}
        return changes


def apply_fields(current: dict, changes: dict) -> dict:
    """What the PBX will hold after a partial update: omitted fields stay as they are."""
    updated = dict(current)
    updated.update(changes)
    return updated


# Validation ---------------------------------------------------------------------------

def validate_identifier(label: str, value: object) -> str:
    """Refuse domains and account names that could reach something other than the one account meant.

    They travel in URL paths (quoted, but "." and ".." still resolve), and an account name also goes
    into the addacc body, where the PBX splits account lists on "/", ";", "," and whitespace: "500/501"
    would create several accounts at once.
    """
    if value is None or not str(value).strip():
        raise VodiaInputError('%s must not be empty.' % label)
    text = str(value)
    if text != text.strip() or IDENTIFIER_FORBIDDEN.search(text) or text in ('.', '..'):
        raise VodiaInputError(
            '%s %r is not valid: it must not contain spaces, slashes, backslashes, ";", ",", "?", "#", "%%" or '
            'control characters, and must not be "." or "..". Use the account number or ID shown on the PBX.'
            % (label, text))
    return text


def validate_members(label: str, values) -> list[str]:
    """A list of extension numbers or destinations, each once, in the order given."""
    if values is not None and not isinstance(values, (list, tuple)):
        # A number or a string here would be iterated (or fail to be): 444 is a TypeError, "444" three members.
        raise VodiaInputError('%s must be a list of extension numbers or destinations; got %r.' % (label, values))
    cleaned = []
    for member in values or []:
        if isinstance(member, (dict, list, bool)) or member is None:
            raise VodiaInputError('%s must be a list of extension numbers or destinations as strings; got %r.' % (label, member))
        text = str(member)
        if not text or MEMBER_FORBIDDEN.search(text):
            raise VodiaInputError(
                '%s entry %r is not valid: give one extension number or destination per list item, without spaces or '
                'control characters.' % (label, text))
        if text not in cleaned:
            cleaned.append(text)
    return cleaned


def validate_duration(label: str, value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise VodiaInputError('%s must be a whole number of seconds; got %r.' % (label, value))
    if value < 0:
        raise VodiaInputError('%s must not be negative; got %d. Omit it to use the PBX default.' % (label, value))
    return value


def _plain_json(label, value):
    """A copy of a list or object value, refused unless it is plain JSON: what a PBX can hold and give back."""
    if isinstance(value, dict):
        plain = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise VodiaInputError('%s has the key %r, which is not a string; JSON object keys are strings.' % (label, key))
            plain[key] = _plain_json('%s.%s' % (label, key), item)
        return plain
    if isinstance(value, list):
        return [_plain_json('%s[%d]' % (label, index), item) for index, item in enumerate(value)]
    if value is None or isinstance(value, (str, int, bool)) or isinstance(value, float) and math.isfinite(value):
        return value
    raise VodiaInputError(
        '%s holds %r, which is not plain JSON: use strings, numbers, booleans, null, lists and objects with string '
        'keys.' % (label, value))


# Values ---------------------------------------------------------------------------------

def to_wire_scalar(value: object) -> str:
    """The PBX keeps every scalar as a string; booleans are "true"/"false"."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def members(value) -> list[str]:
    """The members of a list field, in order: the PBX may hold them as a space-separated string (written so, and
    read so on the v58 page) or as a JSON list (read so on 70.x)."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(item) for item in value]
    return str(value).split()


def seconds(value):
    text = str(value if value is not None else '').strip()
    return int(text) if text.isdigit() else text


def _seconds_or_none(value):
    """Seconds as a number, None for the PBX default (empty); a value that is not a number stays its string."""
    number = seconds(value)
    return None if number == '' else number


def comparable(value):
    """A list or object value as the PBX shows it: the scalars inside become the strings the PBX keeps."""
    if isinstance(value, dict):
        return dict((key, comparable(item)) for key, item in value.items())
    if isinstance(value, list):
        return [comparable(item) for item in value]
    return None if value is None else to_wire_scalar(value)


def _flag_from_wire(value):
    if value is None or value == '':
        return None
    if value in ('true', 'false'):
        return value == 'true'
    return value


def _exported_flag(value):
    """A flag as a typed value, or None when the PBX holds neither "true" nor "false" (then settings keeps it)."""
    text = '' if value is None else to_wire_scalar(value).lower()
    return {'true': True, 'false': False}.get(text)


def name_order(name: str) -> tuple:
    """Sort key for account names: numbers by value (99 before 100), then other names alphabetically.

    Names of equal value ("7" and "07") are then ordered by their text, so that the order never depends on the PBX's.
    """
    parts = tuple((0, int(part), '') if part.isdigit() else (1, 0, part) for part in re.findall(r'\d+|\D+', str(name)))
    return parts, str(name)
