# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The hunt-group model: canonical form, Vodia field mapping, comparison and validation.

Plain data in, plain data out: nothing here talks to a PBX or knows Ansible.

Vocabulary:
- raw settings: the object the PBX returns from ``user_settings`` (strings, ``alias`` a list; on 70.x some
  fields hold JSON lists or objects);
- desired fields: the Vodia fields a task asks for, already in wire form;
- canonical hunt group: what the modules return and accept (typed options plus ``settings``).
"""

from __future__ import annotations

import copy
import math
import re

from typing import NamedTuple

from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaInputError

STAGE_COUNT = 3
# The Vodia field with the names and numbers an account answers to.
ALIAS_FIELD = 'alias'
# The ring strategy of a hunt group (70.3, S2). Under every strategy but "random" (S17, low confidence, names
# "round_robin", "sequential" and "random") the order of members inside a stage may decide who rings first.
RING_STRATEGY_FIELD = 'algo'
UNORDERED_RING_STRATEGY = 'random'

# How two wire values of a field are compared.
TEXT = 'text'          # exact string
FLAG = 'flag'          # "true" / "false"; an empty string (never set) equals "false", except for connect
WORDS = 'words'        # space-separated members of a stage: order matters only under an ordered ring strategy
NAMES = 'names'        # a JSON list of names: order does not matter
SECONDS = 'seconds'    # a whole number of seconds, or empty for the PBX default


class Field(NamedTuple):
    """A typed option and the Vodia field it sets."""
    option: str
    vodia: str
    kind: str


# Typed options with a known meaning, and the Vodia field each one sets.
# Fields whose meaning no source explains (connect, ncf, conn_sym, flag, from_header,
# stN_miss, ...) stay reachable through the raw ``settings`` option only.
TYPED_FIELDS = (
    Field('display_name', 'display', TEXT),
    Field('aliases', ALIAS_FIELD, NAMES),
    Field('final_destinations', 'st4_ext', WORDS),
    Field('ring_strategy', RING_STRATEGY_FIELD, TEXT),
    Field('caller_id', 'ani', TEXT),
    Field('ring_melody', 'melody', TEXT),
    Field('music_on_hold', 'moh', TEXT),
    Field('record_calls', 'rec', FLAG),
    Field('anonymous_caller_destination', 'hunt_anonymous_dest', TEXT),
    Field('dial_plan', 'dial_plan', TEXT),
    Field('night_service', 'night', TEXT),
    Field('email', 'email', TEXT),
    Field('disabled', 'disabled', FLAG),
)


def stage_extensions_field(number: int) -> str:
    return 'st%d_ext' % number


def stage_duration_field(number: int) -> str:
    return 'st%d_dur' % number


FIELD_KINDS = dict((field.vodia, field.kind) for field in TYPED_FIELDS)
for _number in range(1, STAGE_COUNT + 1):
    FIELD_KINDS[stage_extensions_field(_number)] = WORDS
    FIELD_KINDS[stage_duration_field(_number)] = SECONDS
    FIELD_KINDS['st%d_miss' % _number] = FLAG
# Raw fields without a typed option whose values the vendor example shows as "true"/"false".
FIELD_KINDS.update(connect=FLAG, ncf=FLAG)

# Flags whose empty (never-set) value is not known to mean "false": connect is "true" in the vendor's example (S1) and
# no source says what it does, so an empty connect may well behave as "true". Every other flag is "" when never set
# and "false" once set so (S1 shows disabled "" on an active hunt group); docs/compatibility.md has the evidence.
EMPTY_FLAG_UNKNOWN = ('connect',)

# Fields the PBX keeps as runtime state rather than configuration. The names come from the vendor's hunt group
# example (S1); by their names (our inference) they belong to the SIP dialog event package (RFC 4235) that phones
# subscribe to for busy lamps, whose state and version change with every call. An export leaves them out, so that
# a restore never writes yesterday's call state back; docs/backup-and-restore.md lists them with their sources.
RUNTIME_FIELDS = ('dialog_state', 'dialog_subscribe', 'dialog_version')

IDENTIFIER_FORBIDDEN = re.compile(r'[/\\\s?#%;,]|[\x00-\x1f\x7f]')
SETTINGS_KEY = re.compile(r'^[A-Za-z0-9_]+$')
MEMBER_FORBIDDEN = re.compile(r'\s|[\x00-\x1f\x7f]')


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


def _validate_members(label, members):
    cleaned = []
    for member in members or []:
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


def _validate_duration(label, value):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise VodiaInputError('%s must be a whole number of seconds; got %r.' % (label, value))
    if value < 0:
        raise VodiaInputError('%s must not be negative; got %d. Omit it to use the PBX default.' % (label, value))
    return value


def _validate_stages(stages):
    if len(stages) > STAGE_COUNT:
        raise VodiaInputError(
            'stages has %d items, but a Vodia hunt group has %d ringing stages. Use final_destinations for the '
            'last-resort destination.' % (len(stages), STAGE_COUNT))
    cleaned = []
    for index, stage in enumerate(stages, start=1):
        if not isinstance(stage, dict):
            raise VodiaInputError('stages item %d must be a dictionary with extensions and duration.' % index)
        unknown = sorted(set(stage) - set(('extensions', 'duration')))
        if unknown:
            raise VodiaInputError('stages item %d has unknown keys %s; use extensions and duration.' % (index, ', '.join(unknown)))
        cleaned.append({
            'extensions': _validate_members('stages item %d extensions' % index, stage.get('extensions')),
            'duration': _validate_duration('stages item %d duration' % index, stage.get('duration')),
        })
    return cleaned


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


def _settings_value_to_wire(key, value):
    label = 'settings.%s' % key
    if key == ALIAS_FIELD:
        if not isinstance(value, list):
            raise VodiaInputError('settings.alias must be a list of names, like the PBX returns it.')
        return _validate_members(label, value)
    if FIELD_KINDS.get(key) == WORDS and isinstance(value, list):
        # Stage members as a 70.x PBX reads them back; they are written space-separated, as the v58 page shows.
        return ' '.join(_validate_members(label, value))
    if value is None:
        raise VodiaInputError('%s must not be null: give a value, or leave the key out to keep what the PBX holds.' % label)
    if isinstance(value, (dict, list)):
        # Fields the model knows are single values on every PBX; other fields may be lists or objects on 70.x.
        if key in FIELD_KINDS:
            raise VodiaInputError('%s must be a single value (string, number or boolean); got %r.' % (label, value))
        return _plain_json(label, value)
    return _as_text(key, value)


def to_wire_scalar(value: object) -> str:
    """The PBX keeps every scalar as a string; booleans are "true"/"false"."""
    if isinstance(value, bool):
        return 'true' if value else 'false'
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# Desired state: options -> Vodia fields ------------------------------------------------

def desired_fields(options: dict) -> dict:
    """Turn a task's hunt-group options into the Vodia fields to enforce.

    Only options that are given (not None) are managed. ``stages``, when given, sets all
    three stages, so unlisted stages are cleared.
    """
    fields = {}
    for field in TYPED_FIELDS:
        value = options.get(field.option)
        if value is None:
            continue
        if field.kind == WORDS:
            fields[field.vodia] = ' '.join(_validate_members(field.option, value))
        elif field.kind == NAMES:
            fields[field.vodia] = _validate_members(field.option, value)
        else:
            fields[field.vodia] = to_wire_scalar(value)

    stages = options.get('stages')
    if stages is not None:
        stages = _validate_stages(stages)
        for number in range(1, STAGE_COUNT + 1):
            stage = stages[number - 1] if number <= len(stages) else {'extensions': [], 'duration': None}
            fields[stage_extensions_field(number)] = ' '.join(stage['extensions'])
            fields[stage_duration_field(number)] = '' if stage['duration'] is None else str(stage['duration'])

    for key, value in sorted((options.get('settings') or {}).items()):
        if not SETTINGS_KEY.match(str(key)):
            raise VodiaInputError('settings key %r is not a Vodia field name (letters, digits and _ only).' % (key,))
        wire = _settings_value_to_wire(key, value)
        if key in fields:
            # Members in another order may ring in another order: only the very same list agrees.
            if not same_value(key, fields[key], wire, ordered=True):
                raise VodiaInputError(
                    'settings.%s conflicts with the typed option that sets the same Vodia field (%r versus %r); '
                    'set it in one place only.' % (key, wire, fields[key]))
            continue
        fields[key] = wire
    return fields


# Comparison ------------------------------------------------------------------------------

def _members(value):
    """The members of a stage or the names of an account, in order: the PBX may hold them as a space-separated
    string (written so, and read so on the v58 page) or as a JSON list (read so on 70.x)."""
    if value is None:
        return []
    if isinstance(value, list):
        return [str(item) for item in value]
    return str(value).split()


def _seconds(value):
    text = str(value if value is not None else '').strip()
    return int(text) if text.isdigit() else text


def _as_text(field, value):
    """One wire value as the PBX stores it, whichever side it comes from (a PBX may answer true or 5 in JSON)."""
    if value is None:
        return ''
    text = to_wire_scalar(value)
    if FIELD_KINDS.get(field) == FLAG and text.lower() in ('true', 'false'):
        return text.lower()
    return text


def _comparable(value):
    """A list or object value as the PBX shows it: the scalars inside become the strings the PBX keeps."""
    if isinstance(value, dict):
        return dict((key, _comparable(item)) for key, item in value.items())
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    return None if value is None else to_wire_scalar(value)


def _flag_state(field, value):
    text = _as_text(field, value)
    return 'false' if text == '' and field not in EMPTY_FLAG_UNKNOWN else text


def same_value(field: str, left: object, right: object, ordered: bool = False) -> bool:
    """Whether two wire values of a field are the same setting; ``ordered`` compares stage members in order."""
    kind = FIELD_KINDS.get(field, TEXT)
    if kind == FLAG:
        return _flag_state(field, left) == _flag_state(field, right)
    if kind == WORDS and ordered:
        return _members(left) == _members(right)
    if kind in (WORDS, NAMES):
        return set(_members(left)) == set(_members(right))
    if kind == SECONDS:
        return _seconds(left) == _seconds(right)
    if isinstance(left, (list, dict)) or isinstance(right, (list, dict)):
        if left is None or right is None:
            # A field the PBX leaves out counts as empty: here, an empty list or object.
            return not left and not right
        return _comparable(left) == _comparable(right)
    return _as_text(field, left) == _as_text(field, right)


def members_ring_in_order(current: dict, desired: dict) -> bool:
    """Whether the order of members inside a stage matters, by the ring strategy in effect: the one the task sets,
    else the PBX's. Without a strategy (a PBX that has no such field, or an empty one) they ring together. Any
    strategy but "random", unknown ones too, counts as ordered: at worst that costs one write that puts the members
    in the order asked for. A PBX whose settings lack the field has no strategy, whatever the task asks: it cannot
    hold one (the field is not sent to it)."""
    if RING_STRATEGY_FIELD not in current:
        return False
    strategy = desired[RING_STRATEGY_FIELD] if RING_STRATEGY_FIELD in desired else current[RING_STRATEGY_FIELD]
    return _as_text(RING_STRATEGY_FIELD, strategy) not in ('', UNORDERED_RING_STRATEGY)


def changed_fields(current: dict, desired: dict) -> dict:
    """The subset of desired fields whose value differs from the PBX's raw settings.

    A field the PBX leaves out of its answer counts as empty, so clearing it is not a change.
    """
    ordered = members_ring_in_order(current, desired)
    return dict(
        (field, value) for field, value in desired.items()
        if not same_value(field, current.get(field), value, ordered)
    )


def apply_fields(current: dict, changes: dict) -> dict:
    """What the PBX will hold after a partial update: omitted fields stay as they are."""
    updated = dict(current)
    updated.update(changes)
    return updated


# Canonical form: Vodia fields -> what the modules return ---------------------------------

def _flag_from_wire(value):
    if value is None or value == '':
        return None
    if value in ('true', 'false'):
        return value == 'true'
    return value


def _stages_from_wire(raw):
    stages = []
    for number in range(1, STAGE_COUNT + 1):
        duration = _seconds(raw.get(stage_duration_field(number)))
        stages.append({
            'extensions': _members(raw.get(stage_extensions_field(number))),
            'duration': None if duration == '' else duration,
        })
    while stages and not stages[-1]['extensions'] and stages[-1]['duration'] is None:
        stages.pop()
    return stages


def canonical(name: str, raw: dict) -> dict:
    """A hunt group as the modules return it; ``settings`` is the raw object the PBX returned."""
    group = {'name': str(name)}
    for field in TYPED_FIELDS:
        value = raw.get(field.vodia)
        if field.kind == FLAG:
            value = _flag_from_wire(value)
        elif field.kind in (WORDS, NAMES) and value is not None:
            value = _members(value)
        group[field.option] = value
    group['stages'] = _stages_from_wire(raw)
    group['settings'] = dict(raw)
    return group


def unapplied_fields(actual: dict, desired: dict) -> list[str]:
    """Fields the PBX did not take over after a write: proof that a write did what it claimed."""
    return sorted(changed_fields(actual, desired))


# Export form: what a backup file holds ----------------------------------------------------------

def _exported_flag(value):
    """A flag as a typed value, or None when the PBX holds neither "true" nor "false" (then settings keeps it)."""
    text = '' if value is None else to_wire_scalar(value).lower()
    return {'true': True, 'false': False}.get(text)


def exportable(name: str, raw: dict) -> dict:
    """A hunt group as a backup holds it: the options of the hunt_groups role, and applying them recreates it.

    Every typed option is present, empty ones too, so that applying the file also clears what is empty now; the
    keys come in a fixed order and ``settings`` in key order, so that exporting the same PBX twice gives the same
    bytes. ``settings`` holds only fields that have no typed option, without the runtime state (RUNTIME_FIELDS).
    A flag the PBX holds empty (neither "true" nor "false") is exported as null with its raw value in
    ``settings``, since a boolean option cannot say "empty". Values that are lists or objects (70.x) are kept as
    they are; only null values are left out, since ``settings`` cannot send null back.
    """
    group = {'name': str(name)}
    untyped = dict(raw)
    for number in range(1, STAGE_COUNT + 1):
        untyped.pop(stage_extensions_field(number), None)
        untyped.pop(stage_duration_field(number), None)
    for runtime_field in RUNTIME_FIELDS:
        untyped.pop(runtime_field, None)
    for field in TYPED_FIELDS:
        value = untyped.pop(field.vodia, None)
        if field.kind == FLAG:
            group[field.option] = _exported_flag(value)
            if group[field.option] is None:
                untyped[field.vodia] = '' if value is None else value
        elif field.kind in (WORDS, NAMES):
            group[field.option] = _members(value)
        else:
            group[field.option] = '' if value is None else to_wire_scalar(value)
        if field.option == 'display_name':
            group['stages'] = _stages_from_wire(raw)
    group['settings'] = dict(
        (key, copy.deepcopy(value) if isinstance(value, (list, dict)) else _as_text(key, value))
        for key, value in sorted(untyped.items()) if value is not None)
    return group


def name_order(name: str) -> tuple:
    """Sort key for account names: numbers by value (99 before 100), then other names alphabetically.

    Names of equal value ("7" and "07") are then ordered by their text, so that the order never depends on the PBX's.
    """
    parts = tuple((0, int(part), '') if part.isdigit() else (1, 0, part) for part in re.findall(r'\d+|\D+', str(name)))
    return parts, str(name)


def changed_options(before_raw: dict, after_raw: dict) -> dict:
    """The options that differ between two states of a hunt group, each with its before and after value.

    Options are those of the export form; a field without a typed option is named ``settings.<field>``.
    """
    before, after = exportable('', before_raw), exportable('', after_raw)
    changes = {}
    for option in after:
        if option not in ('name', 'settings') and before[option] != after[option]:
            changes[option] = {'before': before[option], 'after': after[option]}
    for key in sorted(set(before['settings']) | set(after['settings'])):
        old, new = before['settings'].get(key), after['settings'].get(key)
        if _comparable(old) != _comparable(new):
            changes['settings.%s' % key] = {'before': old, 'after': new}
    return changes
