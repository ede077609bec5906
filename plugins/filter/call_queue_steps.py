# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
name: call_queue_steps
short_description: Split the call queues of the hunt_groups role into the step before the hunt groups and the step after
version_added: 1.0.0
description:
  - The P(vodia.pbx.hunt_groups#role) role converges a tenant's call flow in the order its references need. Call queues
    are created and updated first, so that a hunt group may end in a new queue; the hunt groups come next; call queues
    are deleted last, once the hunt groups no longer name them. This filter splits C(hunt_groups_call_queues) into the
    M(vodia.pbx.vodia_call_queues) items of the first and of the last step.
  - The first step gets every item that does not have O(vodia.pbx.vodia_call_queues#module:call_queues[].state=absent).
    Its C(purge) is V(true) only when purge is on and the list is empty, so that the module refuses an empty list with
    purge (as it does for the hunt groups) before anything is written.
  - The last step gets the items with O(vodia.pbx.vodia_call_queues#module:call_queues[].state=absent) and, with purge,
    the name of every other item, so that purge keeps the listed queues (reading each once more) and deletes the
    others. In check mode, a queue that the first step would create does not exist yet, so it is left out of the last
    step, which would otherwise report it created a second time (unless no other item is left for purge).
  - A list that the module would refuse (not a list, or a name given twice) goes whole into the first step, so that the
    module's message names the problem before anything is written.
  - The same filter as P(vodia.pbx.account_steps#filter), which the role uses for its service flags too; this name
    stays for the call queues.
  - The role uses it; playbooks do not need it.
author:
  - vodia.pbx maintainers (@vodia-pbx)
options:
  _input:
    description:
      - The call queues, as C(hunt_groups_call_queues) holds them. V(null) (not set) gives no item in either step.
    type: list
    elements: dict
    required: true
  purge:
    description: Whether call queues the list does not name are deleted (C(hunt_groups_call_queues_purge)).
    type: bool
    default: false
  converged:
    description:
      - The result of the first step, once it ran (C(hunt_groups_call_queues_result)). In check mode, the queues it
        reports as created are left out of the last step.
    type: dict
'''

EXAMPLES = r'''
- name: The call queues before the hunt groups
  vodia.pbx.vodia_call_queues:
    domain: "{{ hunt_groups_domain }}"
    call_queues: "{{ (hunt_groups_call_queues | vodia.pbx.call_queue_steps(purge=hunt_groups_call_queues_purge)).first }}"
    purge: "{{ (hunt_groups_call_queues | vodia.pbx.call_queue_steps(purge=hunt_groups_call_queues_purge)).first_purge }}"
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

from ansible_collections.vodia.pbx.plugins.filter.account_steps import account_steps

# The filter account_steps, which the role now also uses for its service flags, under the name it had first.
call_queue_steps = account_steps


class FilterModule:
    """The steps of the call queues in the hunt_groups role."""

    def filters(self):
        return {'call_queue_steps': call_queue_steps}
