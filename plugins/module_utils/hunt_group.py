# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Hunt groups (ring groups): their field table and account kind.

The fields and their meanings come from the vendor's hunt group page (S1) and the 70.3 catalogue (S2); see
docs/hunt-group-fields.md, which is built from this table and the module documentation.
"""

from __future__ import annotations

from ansible_collections.vodia.pbx.plugins.module_utils.account_kind import AccountKind
from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaInputError
from ansible_collections.vodia.pbx.plugins.module_utils.fields import (
    ACCOUNTS, ALIAS_FIELD, DIAL_PLANS, FLAG, MUSIC_ON_HOLD, RINGTONES, NAMES, ONE_ACCOUNT, SECONDS, TEXT, WORDS, Composite, Field, FieldTable, members, seconds,
    to_wire_scalar, validate_duration, validate_members,
)

STAGE_COUNT = 3
# The ring strategy of a hunt group (70.3, S2). Under every strategy but "random" (S17, low confidence, names
# "round_robin", "sequential" and "random") the order of members inside a stage may decide who rings first.
RING_STRATEGY_FIELD = 'algo'
UNORDERED_RING_STRATEGY = 'random'

# Typed options with a known meaning, and the Vodia field each one sets.
# Fields whose meaning no source explains (connect, ncf, conn_sym, flag, from_header,
# stN_miss, ...) stay reachable through the raw ``settings`` option only.
# Fields that name other accounts: the last-resort stage (S1 holds an outside number there, S14 "often an auto
# attendant or a cell phone"), the night service (an account, by its name) and the destination of anonymous callers.
TYPED_FIELDS = (
    Field('display_name', 'display', TEXT),
    Field('aliases', ALIAS_FIELD, NAMES),
    Field('final_destinations', 'st4_ext', WORDS, ACCOUNTS),
    Field('ring_strategy', RING_STRATEGY_FIELD, TEXT),
    Field('caller_id', 'ani', TEXT),
    Field('ring_melody', 'melody', TEXT, offered_by=RINGTONES),
    Field('music_on_hold', 'moh', TEXT, offered_by=MUSIC_ON_HOLD),
    Field('record_calls', 'rec', FLAG),
    Field('anonymous_caller_destination', 'hunt_anonymous_dest', TEXT, ONE_ACCOUNT),
    Field('dial_plan', 'dial_plan', TEXT, offered_by=DIAL_PLANS),
    Field('night_service', 'night', TEXT, ONE_ACCOUNT),
    Field('email', 'email', TEXT),
    Field('disabled', 'disabled', FLAG),
)


def stage_extensions_field(number: int) -> str:
    return 'st%d_ext' % number


def stage_duration_field(number: int) -> str:
    return 'st%d_dur' % number


STAGE_NUMBERS = range(1, STAGE_COUNT + 1)
STAGE_KINDS = dict([(stage_extensions_field(number), WORDS) for number in STAGE_NUMBERS]
                   + [(stage_duration_field(number), SECONDS) for number in STAGE_NUMBERS])


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
            'extensions': validate_members('stages item %d extensions' % index, stage.get('extensions')),
            'duration': validate_duration('stages item %d duration' % index, stage.get('duration')),
        })
    return cleaned


def stages_to_wire(stages: list) -> dict:
    """``stages`` sets all three stages, so unlisted stages are cleared."""
    stages = _validate_stages(stages)
    fields = {}
    for number in STAGE_NUMBERS:
        stage = stages[number - 1] if number <= len(stages) else {'extensions': [], 'duration': None}
        fields[stage_extensions_field(number)] = ' '.join(stage['extensions'])
        fields[stage_duration_field(number)] = '' if stage['duration'] is None else str(stage['duration'])
    return fields


def stages_from_wire(raw: dict) -> list:
    stages = []
    for number in STAGE_NUMBERS:
        duration = seconds(raw.get(stage_duration_field(number)))
        stages.append({
            'extensions': members(raw.get(stage_extensions_field(number))),
            'duration': None if duration == '' else duration,
        })
    while stages and not stages[-1]['extensions'] and stages[-1]['duration'] is None:
        stages.pop()
    return stages


def members_ring_in_order(current: dict, desired: dict) -> bool:
    """Whether the order of members inside a stage matters, by the ring strategy in effect: the one the task sets,
    else the PBX's. Without a strategy (a PBX that has no such field, or an empty one) they ring together. Any
    strategy but "random", unknown ones too, counts as ordered: at worst that costs one write that puts the members
    in the order asked for. A PBX whose settings lack the field has no strategy, whatever the task asks: it cannot
    hold one (the field is not sent to it)."""
    if RING_STRATEGY_FIELD not in current:
        return False
    strategy = desired[RING_STRATEGY_FIELD] if RING_STRATEGY_FIELD in desired else current[RING_STRATEGY_FIELD]
    return ('' if strategy is None else to_wire_scalar(strategy)) not in ('', UNORDERED_RING_STRATEGY)


STAGES = Composite(
    option='stages',
    fields=tuple(STAGE_KINDS),
    kinds=STAGE_KINDS,
    to_wire=stages_to_wire,
    from_wire=stages_from_wire,
    after='display_name',
    references=dict((stage_extensions_field(number), 'stages item %d extensions' % number) for number in STAGE_NUMBERS),
)

TABLE = FieldTable(
    typed=TYPED_FIELDS,
    composites=(STAGES,),
    # Raw fields without a typed option whose values the vendor example shows as "true"/"false".
    raw_kinds=dict([('st%d_miss' % number, FLAG) for number in STAGE_NUMBERS] + [('connect', FLAG), ('ncf', FLAG)]),
    # connect is "true" in the vendor's example (S1) and no source says what it does, so an empty connect may well
    # behave as "true". Every other flag is "" when never set and "false" once set so (S1 shows disabled "" on an
    # active hunt group); docs/compatibility.md has the evidence.
    empty_flag_unknown=('connect',),
    # The names come from the vendor's hunt group example (S1); by their names (our inference) they belong to the
    # SIP dialog event package (RFC 4235) that phones subscribe to for busy lamps, whose state and version change
    # with every call. An export leaves them out, so that a restore never writes yesterday's call state back;
    # docs/backup-and-restore.md lists them with their sources.
    runtime_fields=('dialog_state', 'dialog_subscribe', 'dialog_version'),
    member_order=members_ring_in_order,
)
RUNTIME_FIELDS = TABLE.runtime_fields

HUNT_GROUP = AccountKind(
    noun='hunt group',
    plural='hunt groups',
    list_endpoint='hunts',
    addacc_type='hunts',
    fields=TABLE,
    result_key='hunt_group',
    results_key='hunt_groups',
    limit_setting='max_hunts',
)
