#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: vodia_call_queue
short_description: Create, update and delete call queues (ACDs, agent groups) on a Vodia PBX
version_added: 1.0.0
description:
  - Makes one call queue of a Vodia PBX tenant look the way the task describes it, over the PBX's REST API. Vodia calls
    call queues "ACDs" or "agent groups".
  - Only the options you give are managed; every other setting of the queue is left as it is.
  - A second run with the same options reports no change and sends no write request.
  - Before it creates, changes or deletes anything, the module checks in the PBX's acds list that O(name) is a call
    queue. An account of another type (an extension, a hunt group, ...) is never changed or deleted.
  - Every agent, escalation agent, night service and anonymous-caller destination the task would write is checked
    against the tenant's accounts first (O(reference_check)), and so is a deletion that a hunt group or another queue
    still refers to.
author:
  - vodia.pbx maintainers (@vodia-pbx)
extends_documentation_fragment:
  - vodia.pbx.connection
  - vodia.pbx.call_queue
  - vodia.pbx.references
  - vodia.pbx.saved_plan
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details:
      - Sends no write request. When the queue exists, RV(call_queue) and the diff are what the PBX would hold.
        When it would be created, they hold the fields the task would write; the PBX fills in its own defaults
        for the rest.
  diff_mode:
    support: full
    details:
      - The diff shows the whole call queue before and after, in the form of RV(call_queue). It is empty before a
        creation and after a deletion.
options:
  domain:
    description:
      - The tenant (domain) the call queue belongs to, for example V(localhost) or V(company.example.com).
    type: str
    required: true
  name:
    description:
      - The call queue's account number or ID, for example V(5000).
      - This is the O(name) in the PBX's acds list and the ID in C(/rest/domain/<domain>/user_settings/<name>).
    type: str
    required: true
  state:
    description:
      - V(present) creates the call queue if needed and applies the given options.
      - V(absent) deletes the call queue. Nothing happens if it does not exist.
    type: str
    choices: [present, absent]
    default: present
notes:
  - The module runs where the task runs. With one inventory host per PBX, run it on the controller with
    C(connection=local) or C(delegate_to=localhost).
  - On creation it sends C(addacc) with type C(acds), reads the new queue, then writes what differs from its
    defaults. An update sends one request with only the fields that differ.
seealso:
  - module: vodia.pbx.vodia_call_queue_info
  - module: vodia.pbx.vodia_call_queues
  - module: vodia.pbx.vodia_hunt_group
  - name: Vodia agent group API
    description: The vendor's description of the REST calls this module uses.
    link: https://api.vodia.com/agent_groups_api
'''

EXAMPLES = r'''
- name: A support queue answered by three desks, with two more after a minute
  vodia.pbx.vodia_call_queue:
    url: https://pbx.example.com
    username: admin
    password: "{{ vault_vodia_password }}"
    domain: company.example.com
    name: "5000"
    display_name: Support
    agents: ["444", "445", "446"]
    escalation_agents: ["447"]
    escalation_time: 60
    record_calls: true

- name: Set a field that has no typed option
  vodia.pbx.vodia_call_queue:
    domain: company.example.com
    name: "5000"
    settings:
      ringback: true

- name: Remove an old queue
  vodia.pbx.vodia_call_queue:
    domain: company.example.com
    name: "5009"
    state: absent
'''

RETURN = r'''
ansible_facts:
  description:
    - In check mode, when the task would create the queue, the host fact C(vodia_pbx_planned_accounts) with its name
      added under the key C(<url> <domain>), so that the reference check of later tasks of the play counts it (see
      O(planned_accounts)).
  returned: in check mode, when something would be created
  type: dict
  contains:
    vodia_pbx_planned_accounts:
      description: Account names by PBX URL and domain.
      type: dict
      sample: {"https://pbx.example.com localhost": ["5000"]}
call_queue:
  description:
    - The call queue after the task (in check mode, as it would be). Empty after a deletion.
    - The same shape as each item of RV(vodia.pbx.vodia_call_queue_info#module:call_queues), so it can be given back
      to this module as options.
  returned: always
  type: dict
  contains:
    name:
      description: The account number or ID.
      type: str
      sample: "5000"
    display_name:
      description: The display name (C(display)).
      type: str
      sample: Support
    aliases:
      description: Names and numbers the queue answers to (C(alias)).
      type: list
      elements: str
      sample: ["5000"]
    agents:
      description: The agents (C(agents)), in the PBX's order.
      type: list
      elements: str
      sample: ["444", "442", "445"]
    algorithm:
      description: How calls are handed to agents (C(algorithm)).
      type: str
      sample: list
    escalation_agents:
      description: The escalation agents (C(escagents)).
      type: list
      elements: str
      sample: []
    escalation_time:
      description: Seconds before escalation (C(esctime)); null for the PBX default.
      type: int
      sample: 60
    caller_id:
      description: Caller ID for external calls (C(ani)).
      type: str
      sample: ""
    ring_melody:
      description: Ring melody (C(melody)).
      type: str
      sample: custom1
    music_on_hold:
      description: Music-on-hold source (C(moh)).
      type: str
      sample: ""
    record_calls:
      description: Whether calls are recorded (C(rec)); null when the PBX has no value.
      type: bool
      sample: false
    anonymous_caller_destination:
      description: Destination for anonymous callers (C(acd_anonymous_dest)).
      type: str
      sample: ""
    dial_plan:
      description: Dial plan ID (C(dial_plan)).
      type: str
      sample: ""
    night_service:
      description: Night service account (C(night)).
      type: str
      sample: ""
    disabled:
      description: Whether the account is disabled (C(disabled)); null when the PBX has no value.
      type: bool
      sample: null
    settings:
      description: The raw settings object the PBX returned, every field as the PBX holds it.
      type: dict
      sample: {"display": "Support", "agents": "444 442 445", "algorithm": "list", "alias": ["5000"]}
diff:
  description: Before and after, each in the form of RV(call_queue). Returned in diff mode.
  returned: when diff mode is on
  type: dict
  sample: {"before": {}, "after": {"name": "5000", "display_name": "Support"}}
domain:
  description:
    - The tenant (domain) the task worked on, as the task named it.
    - With RV(url), it tells which tenant of which PBX a result is about, without the task's invocation, which results
      hold from ansible-core 2.21 on only with C(INJECT_INVOCATION); the indirect node counting of Ansible Automation
      Platform reads both (see C(docs/audit.md) of the collection).
  returned: success
  type: str
  sample: company.example.com
name:
  description:
    - The call queue the task worked on, as the task named it (O(name)), also after a deletion, when RV(call_queue) is empty.
    - With RV(url) and RV(domain), it names the account without the task's invocation (see RV(domain)).
  returned: success
  type: str
  sample: "5000"
url:
  description: The PBX the task worked on, as scheme, host and port (never with credentials).
  returned: success
  type: str
  sample: https://pbx.example.com:8443
saved_plan:
  description:
    - What the task did with the plan given as O(saved_plan), once it matched (in check mode, what it would do).
  returned: when O(saved_plan) is given and the task succeeds
  type: dict
  contains:
    key:
      description: The key of the plan's entry that the task applied.
      type: str
      sample: 9f2c0e5b7d1a4c3e8f6b2a1d0c9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e
    writes:
      description: The accounts the task wrote, as planned, in the plan's order (in check mode, would write).
      type: list
      elements: str
      sample: ["2000"]
    already_done:
      description:
        - The accounts the plan would write that needed nothing any more, as the PBX already held what the task asks
          (an earlier run of the same plan that stopped half way, say). They were not written.
      type: list
      elements: str
      sample: []
plan_differences:
  description:
    - Why the task refused the plan given as O(saved_plan), one item per difference, when it failed for it. Nothing
      was written.
    - An account whose settings changed since the plan was made has C(account), C(planned) and C(now) (each with
      C(action), C(changes) and the C(before) values of the fields written), C(fields) (per field the value when
      planned and now, and the write planned and now) and C(text). A desired state that differs from the plan has
      C(problem) (V(desired_added), V(desired_changed), V(desired_removed), V(purge) or V(no_entry)); an expired plan
      or one of another collection version has C(problem) V(expired) or V(collection_version).
  returned: when the task fails because the saved plan cannot be applied
  type: list
  elements: dict
  sample: [{"account": "2000", "text": "2000: changed on the PBX since the plan (display was 'Sales', is 'Support')"}]
'''

from functools import partial

from ansible_collections.vodia.pbx.plugins.module_utils.argument_specs import account_spec
from ansible_collections.vodia.pbx.plugins.module_utils.call_queue import CALL_QUEUE
from ansible_collections.vodia.pbx.plugins.module_utils.module_adapter import run_module
from ansible_collections.vodia.pbx.plugins.module_utils.operations import manage_one


def main():
    run_module(account_spec(CALL_QUEUE), partial(manage_one, CALL_QUEUE))


if __name__ == '__main__':
    main()
