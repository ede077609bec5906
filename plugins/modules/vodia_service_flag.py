#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: vodia_service_flag
short_description: Create, update and delete service flags on a Vodia PBX
version_added: 1.0.0
description:
  - Makes one service flag of a Vodia PBX tenant look the way the task describes it, over the PBX's REST API. A
    service flag is an account that is on or off, by hand or by time, and that hunt groups, call queues, auto
    attendants and extensions consult for their routing (for example office hours).
  - Only the options you give are managed; every other setting of the flag, and its current state (on or off), is
    left as it is.
  - A second run with the same options reports no change and sends no write request.
  - Before it creates, changes or deletes anything, the module checks in the PBX's srvflags list that O(name) is a
    service flag. An account of another type (an extension, a hunt group, a call queue, ...) is never changed or
    deleted.
  - Deleting a service flag that a hunt group or a call queue still names (for example as its night service) fails
    before anything is written (O(reference_check)).
  - After it creates a flag, the module reads it back before it writes anything else. A PBX that answers the creation
    with success but creates nothing (reported of Vodia 69.5 for service flags) fails the task with what to do.
author:
  - vodia.pbx maintainers (@vodia-pbx)
extends_documentation_fragment:
  - vodia.pbx.connection
  - vodia.pbx.service_flag
  - vodia.pbx.references
  - vodia.pbx.saved_plan
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details:
      - Sends no write request. When the flag exists, RV(service_flag) and the diff are what the PBX would hold.
        When it would be created, they hold the fields the task would write; the PBX fills in its own defaults
        for the rest.
  diff_mode:
    support: full
    details:
      - The diff shows the whole service flag before and after, in the form of RV(service_flag). It is empty before a
        creation and after a deletion.
options:
  domain:
    description:
      - The tenant (domain) the service flag belongs to, for example V(localhost) or V(company.example.com).
    type: str
    required: true
  name:
    description:
      - The service flag's account number or ID, for example V(800).
      - This is the O(name) in the PBX's srvflags list and the ID in C(/rest/domain/<domain>/user_settings/<name>).
    type: str
    required: true
  state:
    description:
      - V(present) creates the service flag if needed and applies the given options.
      - V(absent) deletes the service flag. Nothing happens if it does not exist.
    type: str
    choices: [present, absent]
    default: present
notes:
  - The module runs where the task runs. With one inventory host per PBX, run it on the controller with
    C(connection=local) or C(delegate_to=localhost).
  - On creation it sends C(addacc) with type C(srvflags), reads the new flag, then writes what differs from its
    defaults. An update sends one request with only the fields that differ.
  - A public guide written against a Vodia 69.5 lab reports that C(addacc) answers success for service flags without
    creating them. The module then fails with a message that says so; create the flag in the PBX web interface (or
    upgrade the PBX) and run the task again, which then manages the existing flag.
seealso:
  - module: vodia.pbx.vodia_service_flag_info
  - module: vodia.pbx.vodia_service_flags
  - module: vodia.pbx.vodia_hunt_group
  - name: Vodia service flags
    description: The vendor's description of service flags.
    link: https://doc.vodia.com/serviceflags
'''

EXAMPLES = r'''
- name: An office hours flag
  vodia.pbx.vodia_service_flag:
    url: https://pbx.example.com
    username: admin
    password: "{{ vault_vodia_password }}"
    domain: company.example.com
    name: "800"
    display_name: Office hours

- name: Set a field that has no typed option, as vodia_service_flag_info shows it on this PBX
  vodia.pbx.vodia_service_flag:
    domain: company.example.com
    name: "800"
    settings:
      email: frontdesk@company.example.com

- name: Remove an old flag
  vodia.pbx.vodia_service_flag:
    domain: company.example.com
    name: "809"
    state: absent
'''

RETURN = r'''
ansible_facts:
  description:
    - In check mode, when the task would create the flag, the host fact C(vodia_pbx_planned_accounts) with its name
      added under the key C(<url> <domain>), so that the reference check of later tasks of the play counts it (see
      O(planned_accounts)).
  returned: in check mode, when something would be created
  type: dict
  contains:
    vodia_pbx_planned_accounts:
      description: Account names by PBX URL and domain.
      type: dict
      sample: {"https://pbx.example.com localhost": ["800"]}
service_flag:
  description:
    - The service flag after the task (in check mode, as it would be). Empty after a deletion.
    - The same shape as each item of RV(vodia.pbx.vodia_service_flag_info#module:service_flags), so it can be given
      back to this module as options.
  returned: always
  type: dict
  contains:
    name:
      description: The account number or ID.
      type: str
      sample: "800"
    display_name:
      description: The display name (C(display)).
      type: str
      sample: Office hours
    aliases:
      description: Names and numbers the flag answers to (C(alias)).
      type: list
      elements: str
      sample: ["800"]
    disabled:
      description: Whether the account is disabled (C(disabled)); null when the PBX has no value.
      type: bool
      sample: null
    settings:
      description: The raw settings object the PBX returned, every field as the PBX holds it.
      type: dict
      sample: {"display": "Office hours", "alias": ["800"]}
diff:
  description: Before and after, each in the form of RV(service_flag). Returned in diff mode.
  returned: when diff mode is on
  type: dict
  sample: {"before": {}, "after": {"name": "800", "display_name": "Office hours"}}
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
    - The service flag the task worked on, as the task named it (O(name)), also after a deletion, when
      RV(service_flag) is empty.
    - With RV(url) and RV(domain), it names the account without the task's invocation (see RV(domain)).
  returned: success
  type: str
  sample: "800"
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
from ansible_collections.vodia.pbx.plugins.module_utils.module_adapter import run_module
from ansible_collections.vodia.pbx.plugins.module_utils.operations import manage_one
from ansible_collections.vodia.pbx.plugins.module_utils.service_flag import SERVICE_FLAG


def main():
    run_module(account_spec(SERVICE_FLAG), partial(manage_one, SERVICE_FLAG))


if __name__ == '__main__':
    main()
