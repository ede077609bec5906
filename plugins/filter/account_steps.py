# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
name: account_steps
short_description: Split a list of accounts of the hunt_groups role into the step before the hunt groups and the step after
version_added: 1.0.0
description:
  - The P(vodia.pbx.hunt_groups#role) role converges a tenant's call flow in the order its references need. Accounts
    that hunt groups name (service flags, call queues) are created and updated first, so that a hunt group may name a
    new one; the hunt groups come next; those accounts are deleted last, once the hunt groups no longer name them. This
    filter splits a list of them, such as C(hunt_groups_service_flags) or C(hunt_groups_call_queues), into the items of
    the bulk module's first and last step (M(vodia.pbx.vodia_service_flags), M(vodia.pbx.vodia_call_queues)).
  - The first step gets every item that does not have C(state=absent). Its C(purge) is V(true) only when purge is on
    and the list is empty, so that the module refuses an empty list with purge (as it does for the hunt groups) before
    anything is written.
  - The last step gets the items with C(state=absent) and, with purge, the name of every other item, so that purge keeps
    the listed accounts (reading each once more) and deletes the others. In check mode, an account that the first step
    would create does not exist yet, so it is left out of the last step, which would otherwise report it created a
    second time (unless no other item is left for purge).
  - A list that the module would refuse (not a list, or a name given twice) goes whole into the first step, so that the
    module's message names the problem before anything is written.
  - P(vodia.pbx.call_queue_steps#filter) is the same filter under the name the role used for its call queues first.
  - The role uses it; playbooks do not need it.
author:
  - vodia.pbx maintainers (@vodia-pbx)
options:
  _input:
    description:
      - The accounts, as C(hunt_groups_service_flags) or C(hunt_groups_call_queues) holds them. V(null) (not set) gives
        no item in either step.
    type: list
    elements: dict
    required: true
  purge:
    description:
      - Whether accounts of the kind that the list does not name are deleted (C(hunt_groups_service_flags_purge),
        C(hunt_groups_call_queues_purge)).
    type: bool
    default: false
  converged:
    description:
      - The result of the first step, once it ran (C(hunt_groups_service_flags_result),
        C(hunt_groups_call_queues_result)). In check mode, the accounts it reports as created are left out of the last
        step.
    type: dict
'''

EXAMPLES = r'''
- name: The service flags before the hunt groups
  vodia.pbx.vodia_service_flags:
    domain: "{{ hunt_groups_domain }}"
    service_flags: "{{ (hunt_groups_service_flags | vodia.pbx.account_steps(purge=hunt_groups_service_flags_purge)).first }}"
    purge: "{{ (hunt_groups_service_flags | vodia.pbx.account_steps(purge=hunt_groups_service_flags_purge)).first_purge }}"
'''

RETURN = r'''
_value:
  description: The items of each step.
  type: dict
  contains:
    first:
      description: The items of the step before the hunt groups.
      type: list
      elements: dict
    first_purge:
      description: The C(purge) of the first step, V(true) only for an empty list with purge.
      type: bool
    last:
      description: The items of the step after the hunt groups. Empty when that step has nothing to do.
      type: list
      elements: dict
'''

from ansible.module_utils.parsing.convert_bool import boolean

ABSENT = 'absent'


def _is_absent(item) -> bool:
    return isinstance(item, dict) and item.get('state') == ABSENT


def _names(items) -> list:
    return [str(item['name']) for item in items if isinstance(item, dict) and item.get('name') is not None]


def account_steps(items, purge=False, converged=None):
    try:
        purge = boolean(purge, strict=True)
    except TypeError:
        purge = False  # the module's validation of the last step's purge names the problem
    if items is None:
        return {'first': [], 'first_purge': False, 'last': []}
    names = _names(items) if isinstance(items, list) else []
    if not isinstance(items, list) or len(set(names)) != len(names):
        return {'first': items, 'first_purge': False, 'last': []}
    first = [item for item in items if not _is_absent(item)]
    last = [item for item in items if _is_absent(item)]
    if purge:
        planned = set()
        if isinstance(converged, dict) and converged.get('check_mode') is True:
            planned = set(str(entry.get('name')) for entry in converged.get('results') or [] if entry.get('action') == 'created')
        kept = [name for name in _names(first) if name not in planned]
        # Purge needs at least one item: with nothing else left, the planned ones stay (and show as created twice).
        last += [{'name': name} for name in (kept or _names(first))]
    return {'first': first, 'first_purge': purge and not items, 'last': last}


class FilterModule:
    """The steps of the accounts around the hunt groups in the hunt_groups role."""

    def filters(self):
        return {'account_steps': account_steps}
