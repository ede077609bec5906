# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Call queues (Vodia "ACDs" or "agent groups"): their field table and account kind.

The fields come from the vendor's agent group page (api.vodia.com/agent_groups_api, version 58 and above, "AG"
below): ``GET rest/domain/{d}/acds`` lists the queues, ``user_settings`` holds their settings, ``addacc`` with type
``acds`` creates one. docs/call-queue-fields.md gives the source of each typed option.
"""

from __future__ import annotations

from ansible_collections.vodia.pbx.plugins.module_utils.account_kind import AccountKind
from ansible_collections.vodia.pbx.plugins.module_utils.fields import (
    ACCOUNTS, ALIAS_FIELD, DIAL_PLANS, FLAG, MUSIC_ON_HOLD, RINGTONES, NAMES, ONE_ACCOUNT, SECONDS, TEXT, WORDS, Field, FieldTable,
)

# Typed options with a known meaning. agents is space-separated on the wire (AG: "444 442 445"). AG lists escagents
# and esctime without describing them; their names say escalation agents and escalation time, and escagents holds
# members like agents (our inference, stated in the option documentation). algorithm is how agents are chosen
# (AG: "list"). The others are the fields every account has
# (S2's common block) or that hunt groups share with queues (AG and S1 both show melody, moh, night, rec).
# Fields whose meaning no source explains stay reachable through ``settings``.
TYPED_FIELDS = (
    Field('display_name', 'display', TEXT),
    Field('aliases', ALIAS_FIELD, NAMES),
    Field('agents', 'agents', WORDS, ACCOUNTS),
    Field('algorithm', 'algorithm', TEXT),
    Field('escalation_agents', 'escagents', WORDS, ACCOUNTS),
    Field('escalation_time', 'esctime', SECONDS),
    Field('caller_id', 'ani', TEXT),
    Field('ring_melody', 'melody', TEXT, offered_by=RINGTONES),
    Field('music_on_hold', 'moh', TEXT, offered_by=MUSIC_ON_HOLD),
    Field('record_calls', 'rec', FLAG),
    Field('anonymous_caller_destination', 'acd_anonymous_dest', TEXT, ONE_ACCOUNT),
    Field('dial_plan', 'dial_plan', TEXT, offered_by=DIAL_PLANS),
    Field('night_service', 'night', TEXT, ONE_ACCOUNT),
    Field('disabled', 'disabled', FLAG),
)

TABLE = FieldTable(
    typed=TYPED_FIELDS,
    # Raw fields whose values AG shows as "true"/"false".
    raw_kinds=dict((name, FLAG) for name in (
        'announce_callback', 'connect', 'ipos', 'logout', 'multicall', 'ncf', 'readpos', 'ringback')),
    # AG's example holds timestamps and counters in the first three: state of the running queue, not configuration.
    # The dialog fields are the busy-lamp state every account's common block carries (hunt_group.py says why).
    runtime_fields=('last_state', 'lastwait', 'usage', 'dialog_state', 'dialog_subscribe', 'dialog_version'),
    # No source says whether the order of agents matters under an algorithm; taking it as ordered costs at worst
    # one write that puts them in the order asked for.
    member_order=lambda current, desired: True,
)

CALL_QUEUE = AccountKind(
    noun='call queue',
    plural='call queues',
    list_endpoint='acds',
    addacc_type='acds',
    fields=TABLE,
    result_key='call_queue',
    results_key='call_queues',
    limit_setting='',
)
