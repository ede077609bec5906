# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the engine needs to know of one kind of Vodia account: where the PBX lists it, how it is created, its
field table, and the words messages and results use for it. A new kind is one AccountKind (see docs/adding-a-kind.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from ansible_collections.vodia.pbx.plugins.module_utils.fields import FieldTable


# Compared and hashed by identity: a kind is one object, and its field table holds dictionaries.
@dataclass(frozen=True, eq=False)
class AccountKind:
    """One kind of Vodia account.

    ``list_endpoint`` is the segment of ``GET /rest/domain/{d}/<list_endpoint>`` that lists the accounts of the
    kind (and only those); ``addacc_type`` the ``type`` that ``POST addacc`` creates it with. ``noun`` and
    ``plural`` are the words of messages ("hunt group"), ``result_key`` and ``results_key`` the keys of task
    results ("hunt_group", "hunt_groups"). ``limit_setting`` is the tenant setting that caps how many the PBX
    creates, where a source names one (S2: max_hunts), for the message when a creation answers success but creates
    nothing; empty where none is known. ``creation_hint`` is what that message advises beyond the logs and limits,
    where a source reports such creations for the kind; empty where none does.
    """
    noun: str
    plural: str
    list_endpoint: str
    addacc_type: str
    fields: FieldTable
    result_key: str
    results_key: str
    limit_setting: str
    creation_hint: str = ''

    @property
    def list_name(self) -> str:
        """How messages name the PBX's list of this kind."""
        return 'the %s list' % self.list_endpoint

    def capitalized(self) -> str:
        return self.noun[0].upper() + self.noun[1:]
