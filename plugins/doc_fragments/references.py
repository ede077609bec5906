# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # The reference check of every module that changes accounts (plugins/module_utils/references.py). docs/references.md
    # explains it at length.
    DOCUMENTATION = r'''
options:
  reference_check:
    description:
      - What happens when a field that names other accounts (stage members, final destinations, agents, night
        service, ...) names something the tenant does not have.
      - Before anything is written, every name such a field would get is looked up among the tenant's accounts of
        every type, by name and alias, in one read of C(/rest/domain/<domain>/users). An outside number (a V(+) and
        digits, or seven digits or more, such as V(8572665588)) is not looked up.
      - A non-empty dial plan, music on hold or ring melody (C(dial_plan), C(music_on_hold), C(ring_melody)) must be an ID in the list the PBX offers
        (C(/rest/domain/<domain>/dialplans), C(moh), C(ringtones/en)), where the PBX has such a list.
      - Deleting an account that an account of a kind the collection manages (hunt groups, call queues, service
        flags) still names is checked the same way, unless the same task also removes that reference.
      - The list is read only when a write changes such a field or a deletion is planned, so an unchanged run costs
        nothing more.
      - V(error) fails the task before any write (in a bulk task, before any write of any item), naming each
        account, option and value, with the tenant's nearest names as suggestions. Check mode fails the same way.
      - V(warn) writes all the same and warns with the same words, for a reference the PBX resolves in a way the
        collection cannot see.
    type: str
    choices: [error, warn]
    default: error
  planned_accounts:
    description:
      - Accounts that count as existing in the reference check of a check-mode run, by PBX and domain (keys
        V(<url> <domain>), values lists of account names).
      - You do not normally set it. In check mode a task that would create accounts leaves them in the host fact
        C(vodia_pbx_planned_accounts), and the collection hands that fact to the later tasks of the play through this
        option, so that a hunt group may end in a call queue that an earlier task of the same check run would create.
      - Ignored outside check mode, where such accounts exist on the PBX.
    type: dict
  planned_references:
    description:
      - What earlier tasks of a check-mode run predicted for the references of accounts, by PBX and domain (keys
        V(<url> <domain>)); per account name, V(null) for an account they would delete, or V(kind) and V(fields),
        the fields that name accounts as the account would hold them.
      - You do not normally set it. In check mode a task that would delete accounts, or change or create fields
        that name accounts, leaves that in the host fact C(vodia_pbx_planned_references), and the collection hands
        the fact to the later tasks of the play through this option. A later deletion then counts those accounts as
        the earlier tasks would leave them, not as the PBX still holds them, so that check mode predicts a deletion
        exactly as the real run decides it. A name that an earlier task would delete no longer counts as an account.
      - Ignored outside check mode, where the PBX holds what the earlier tasks wrote.
    type: dict
'''
