# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Service flags (Vodia "srvflags"): their field table and account kind.

A service flag is an account that is on or off, by hand or by time, and that other accounts consult for their
routing decisions (doc.vodia.com/serviceflags). ``GET rest/domain/{d}/srvflags`` lists them (the 70.3 catalogue,
S2), ``addacc`` with type ``srvflags`` creates one (S2's list of addacc types), ``user_settings`` holds their settings
like any account's. docs/service-flag-fields.md gives the source of each typed option.
"""

from __future__ import annotations

from ansible_collections.vodia.pbx.plugins.module_utils.account_kind import AccountKind
from ansible_collections.vodia.pbx.plugins.module_utils.fields import ALIAS_FIELD, FLAG, NAMES, TEXT, Field, FieldTable

# Typed options only for fields whose Vodia name and meaning a source gives. The vendor's service flag page names the
# identity of a flag, its account numbers and display name (doc.vodia.com/serviceflags), and every account's settings
# hold them as alias and display (S1, S2, the agent group and auto attendant pages); S2 lists disabled among the
# fields of every account type. The page also describes the mode (manual or automatic), the accounts that may change
# the flag and the times of an automatic flag, but no public source gives the Vodia fields that hold them: they stay
# reachable through ``settings``.
TYPED_FIELDS = (
    Field('display_name', 'display', TEXT),
    Field('aliases', ALIAS_FIELD, NAMES),
    Field('disabled', 'disabled', FLAG),
)

TABLE = FieldTable(
    typed=TYPED_FIELDS,
    # The busy-lamp dialog state of every account's common block (hunt_group.py says why it is state); phones watch a
    # flag on a BLF key (doc.vodia.com/serviceflags), which is what changes these fields.
    runtime_fields=('dialog_state', 'dialog_subscribe', 'dialog_version'),
)

# A 69.5 lab guide (S17, low confidence) reports that addacc with type srvflags "returns 200 but silently fails".
CREATION_HINT = (
    'A Vodia 69.5 PBX is reported to answer the creation of a service flag with success without creating it. Create '
    'the service flag in the PBX web interface (or upgrade the PBX), then run the task again: it manages the flag once '
    'it exists.')

SERVICE_FLAG = AccountKind(
    noun='service flag',
    plural='service flags',
    list_endpoint='srvflags',
    addacc_type='srvflags',
    fields=TABLE,
    result_key='service_flag',
    results_key='service_flags',
    limit_setting='',
    creation_hint=CREATION_HINT,
)
