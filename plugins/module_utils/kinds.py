# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every account kind the collection manages. Before an account is deleted, the accounts of these kinds are
searched for references to it; a new kind is added here once its field table exists."""

from __future__ import annotations

from ansible_collections.vodia.pbx.plugins.module_utils.call_queue import CALL_QUEUE
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import HUNT_GROUP
from ansible_collections.vodia.pbx.plugins.module_utils.service_flag import SERVICE_FLAG

KINDS = (HUNT_GROUP, CALL_QUEUE, SERVICE_FLAG)
# Each kind by the noun that results and facts name it by ("hunt group").
KIND_BY_NOUN = dict((kind.noun, kind) for kind in KINDS)

# The variables of the hunt_groups role (and of the hunt_groups_export role's file) that hold a kind's accounts and its
# purge switch: hunt groups came first and kept their names (hunt_groups_list, hunt_groups_purge); every other kind is
# hunt_groups_<results_key> and hunt_groups_<results_key>_purge (hunt_groups_call_queues, ...). Shared by the CSV import
# and the drift source.
ROLE_VARIABLE_EXCEPTIONS = {'hunt_groups': 'hunt_groups_list'}
ROLE_PURGE_VARIABLE_EXCEPTIONS = {'hunt_groups': 'hunt_groups_purge'}


def role_variable(kind) -> str:
    """The role variable that holds the accounts of a kind."""
    return ROLE_VARIABLE_EXCEPTIONS.get(kind.results_key, 'hunt_groups_%s' % kind.results_key)


def role_purge_variable(kind) -> str:
    """The role variable that deletes the accounts of a kind that its list does not name."""
    return ROLE_PURGE_VARIABLE_EXCEPTIONS.get(kind.results_key, 'hunt_groups_%s_purge' % kind.results_key)
