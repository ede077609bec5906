#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: vodia_hunt_group
short_description: Create, update and delete hunt groups (ring groups) on a Vodia PBX
version_added: 1.0.0
description:
  - Makes one hunt group of a Vodia PBX tenant look the way the task describes it, over the PBX's REST API.
  - Only the options you give are managed; every other setting of the hunt group is left as it is.
  - A second run with the same options reports no change and sends no write request.
  - Before it creates, changes or deletes anything, the module checks in the PBX's hunts list that O(name) is a
    hunt group. An account of another type (an extension, an auto attendant, ...) is never changed or deleted.
  - In a loop on the controller, an item reuses the connection of the item before, and a hunt group that needs no
    change is settled with the hunts list the item before read; whatever would be created, changed or deleted is
    checked against a fresh read of the list first.
  - Newer Vodia releases call hunt groups "ring groups"; the API is the same.
author:
  - vodia.pbx maintainers (@vodia-pbx)
extends_documentation_fragment:
  - vodia.pbx.connection
  - vodia.pbx.hunt_group
  - vodia.pbx.references
  - vodia.pbx.saved_plan
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details:
      - Sends no write request. When the hunt group exists, RV(hunt_group) and the diff are what the PBX would hold.
        When it would be created, they hold the fields the task would write; the PBX fills in its own defaults
        for the rest.
  diff_mode:
    support: full
    details:
      - The diff shows the whole hunt group before and after, in the form of RV(hunt_group). It is empty before a
        creation and after a deletion.
options:
  domain:
    description:
      - The tenant (domain) the hunt group belongs to, for example V(localhost) or V(company.example.com).
    type: str
    required: true
  name:
    description:
      - The hunt group's account number or ID, for example V(1002).
      - This is the O(name) in the PBX's hunts list and the ID in C(/rest/domain/<domain>/user_settings/<name>).
    type: str
    required: true
  state:
    description:
      - V(present) creates the hunt group if needed and applies the given options.
      - V(absent) deletes the hunt group. Nothing happens if it does not exist.
    type: str
    choices: [present, absent]
    default: present
  # display_name, stages, final_destinations, ... settings: from the doc fragment vodia.pbx.hunt_group.
notes:
  - The module runs where the task runs. With one inventory host per PBX, run it on the controller with
    C(connection=local) or C(delegate_to=localhost).
  - On creation it sends C(addacc), then the settings, then reads the hunt group back to verify it. An update sends
    one request with only the fields that differ.
seealso:
  - module: vodia.pbx.vodia_hunt_group_info
  - name: Vodia hunt group API
    description: The vendor's description of the REST calls this module uses.
    link: https://portal.vodia.com/pbxapi/hunt_groups_api
'''

EXAMPLES = r'''
- name: A sales hunt group that rings two desks, then the whole team, then the mobile
  vodia.pbx.vodia_hunt_group:
    url: https://pbx.example.com
    username: admin
    password: "{{ vault_vodia_password }}"
    domain: company.example.com
    name: "1002"
    display_name: Sales
    stages:
      - extensions: ["444", "445"]
        duration: 15
      - extensions: ["444", "445", "446", "447"]
        duration: 20
    final_destinations: ["+15551234567"]
    caller_id: "+15557654321"
    record_calls: true

- name: Set a field that has no typed option
  vodia.pbx.vodia_hunt_group:
    domain: company.example.com
    name: "1002"
    settings:
      ncf: true

- name: Connection settings once for every Vodia task
  module_defaults:
    group/vodia.pbx.vodia:
      url: https://pbx.example.com
      username: admin
      password: "{{ vault_vodia_password }}"
  block:
    - name: Remove an old hunt group
      vodia.pbx.vodia_hunt_group:
        domain: company.example.com
        name: "1009"
        state: absent
'''

RETURN = r'''
ansible_facts:
  description:
    - In check mode, when the task would create the hunt group, the host fact C(vodia_pbx_planned_accounts) with their names
      added under the key C(<url> <domain>), so that the reference check of later tasks of the play counts them (see
      O(planned_accounts)).
  returned: in check mode, when something would be created
  type: dict
  contains:
    vodia_pbx_planned_accounts:
      description: Account names by PBX URL and domain.
      type: dict
      sample: {"https://pbx.example.com localhost": ["5000"]}
hunt_group:
  description:
    - The hunt group after the task (in check mode, as it would be). Empty after a deletion.
    - The same shape as each item of RV(vodia.pbx.vodia_hunt_group_info#module:hunt_groups), so it can be given back
      to this module as options.
  returned: always
  type: dict
  contains:
    name:
      description: The account number or ID.
      type: str
      sample: "1002"
    display_name:
      description: The display name (C(display)).
      type: str
      sample: Sales
    stages:
      description:
        - The ringing stages in ring order; trailing empty stages are left out.
        - A C(duration) the PBX holds that is not a number is returned as its string.
      type: list
      elements: dict
      sample: [{"extensions": ["444"], "duration": 5}, {"extensions": ["445"], "duration": null}]
    final_destinations:
      description: Destinations of the last-resort stage (C(st4_ext)).
      type: list
      elements: str
      sample: ["8572665588"]
    ring_strategy:
      description: The ring strategy (C(algo)); null on a PBX that has no such field (before 70.3).
      type: str
      sample: sequential
    aliases:
      description: Names and numbers the hunt group answers to (C(alias)).
      type: list
      elements: str
      sample: ["1002"]
    caller_id:
      description: Caller ID for external calls (C(ani)).
      type: str
      sample: 123-456-7899
    ring_melody:
      description: Ring melody (C(melody)).
      type: str
      sample: ringer6
    music_on_hold:
      description: Music-on-hold source (C(moh)).
      type: str
      sample: ""
    record_calls:
      description:
        - Whether calls are recorded (C(rec)); null when the PBX has no value.
        - A value other than C(true) or C(false) is returned as the PBX's string, so it is never hidden.
      type: bool
      sample: false
    anonymous_caller_destination:
      description: Destination for anonymous callers (C(hunt_anonymous_dest)).
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
    email:
      description: Notification email address (C(email)).
      type: str
      sample: ""
    disabled:
      description:
        - Whether the account is disabled (C(disabled)); null when the PBX has no value.
        - A value other than C(true) or C(false) is returned as the PBX's string.
      type: bool
      sample: null
    settings:
      description: The raw settings object the PBX returned, every field as the PBX holds it.
      type: dict
      sample: {"display": "Sales", "st1_ext": "444", "st1_dur": "5", "alias": ["1002"]}
diff:
  description: Before and after, each in the form of RV(hunt_group). Returned in diff mode.
  returned: when diff mode is on
  type: dict
  sample: {"before": {}, "after": {"name": "1005", "display_name": "Support"}}
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
    - The hunt group the task worked on, as the task named it (O(name)), also after a deletion, when RV(hunt_group) is empty.
    - With RV(url) and RV(domain), it names the account without the task's invocation (see RV(domain)).
  returned: success
  type: str
  sample: "2000"
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
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import HUNT_GROUP
from ansible_collections.vodia.pbx.plugins.module_utils.module_adapter import run_module
from ansible_collections.vodia.pbx.plugins.module_utils.operations import manage_one


def main():
    run_module(account_spec(HUNT_GROUP), partial(manage_one, HUNT_GROUP))


if __name__ == '__main__':
    main()
