#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: vodia_hunt_group_info
short_description: Read hunt groups (ring groups) from a Vodia PBX
version_added: 1.0.0
description:
  - Returns one hunt group or all hunt groups of a Vodia PBX tenant, in the same form that
    M(vodia.pbx.vodia_hunt_group) accepts and returns, so the result can be fed back as options.
  - Only reads; never changes anything on the PBX.
author:
  - vodia.pbx maintainers (@vodia-pbx)
extends_documentation_fragment:
  - vodia.pbx.connection
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details:
      - The module only reads, so it runs unchanged in check mode.
  diff_mode:
    support: N/A
    details:
      - The module changes nothing, so there is nothing to show.
options:
  domain:
    description:
      - The tenant (domain) to read, for example V(localhost).
    type: str
    required: true
  name:
    description:
      - The account number or ID of one hunt group. Without it, every hunt group of the domain is returned.
      - An account of that name that is not a hunt group is not returned.
    type: str
  parallel:
    description:
      - How many hunt groups are read at once, over kept-alive connections, once the PBX answers slowly. Between 1
        and 16.
      - Reads go one at a time over one connection while the PBX answers within 40 ms on average (a PBX close by);
        once the reads so far (two at least) took longer on average, as from a PBX far away, the rest are spread
        over this many connections.
    type: int
    default: 4
  form:
    description:
      - The form of the hunt groups returned.
      - V(canonical) returns them as M(vodia.pbx.vodia_hunt_group) returns them, in the PBX's order, with C(settings)
        holding every raw field the PBX returned.
      - V(export) returns them as a backup holds them, ready to be applied with the M(vodia.pbx.vodia_hunt_groups)
        module or the P(vodia.pbx.hunt_groups#role) role. The hunt groups come in name order (numbers by value),
        every typed option is present even when empty (for example C(stages=[])), so that applying them also clears
        what is empty; C(settings) holds only the fields that have no typed option, in key order, and leaves out the
        runtime state C(dialog_state), C(dialog_subscribe) and C(dialog_version). A flag the PBX holds empty is
        C(null), with its empty value in C(settings). The P(vodia.pbx.hunt_groups_export#role) role writes this
        form to files.
    type: str
    choices: [canonical, export]
    default: canonical
notes:
  - Reads the PBX's hunts list once, then the settings of each hunt group returned.
seealso:
  - module: vodia.pbx.vodia_hunt_group
  - module: vodia.pbx.vodia_hunt_groups
'''

EXAMPLES = r'''
- name: Read every hunt group of a tenant
  vodia.pbx.vodia_hunt_group_info:
    url: https://pbx.example.com
    username: admin
    password: "{{ vault_vodia_password }}"
    domain: company.example.com
  register: pbx_hunt_groups

- name: Read one hunt group
  vodia.pbx.vodia_hunt_group_info:
    domain: company.example.com
    name: "1002"
  register: sales_group

- name: Read a tenant in the form a backup holds, ready for vodia.pbx.vodia_hunt_groups
  vodia.pbx.vodia_hunt_group_info:
    domain: company.example.com
    form: export
  register: backup

- name: Give a hunt group on another PBX the same name and stages
  vodia.pbx.vodia_hunt_group:
    url: https://pbx2.example.com
    domain: company.example.com
    name: "{{ sales_group.hunt_groups[0].name }}"
    display_name: "{{ sales_group.hunt_groups[0].display_name }}"
    stages: "{{ sales_group.hunt_groups[0].stages }}"
  when: sales_group.hunt_groups | length == 1
'''

RETURN = r'''
hunt_groups:
  description:
    - The hunt groups read, in the PBX's order (in name order with O(form=export)). With O(name), one item, or none
      when no such hunt group exists.
    - Each item has the form of RV(vodia.pbx.vodia_hunt_group#module:hunt_group) (C(name), C(display_name), C(stages),
      C(final_destinations), C(aliases), the other typed options, and C(settings), the raw object the PBX returned).
    - Feeding C(settings) back writes every raw field, including runtime state such as C(dialog_state); prefer the
      typed options, pick the raw fields you mean, or use O(form=export).
    - With O(form=export), each item has every typed option and C(settings) without the typed and runtime fields.
  returned: always
  type: list
  elements: dict
  sample:
    - name: "1002"
      display_name: Hunt
      stages: [{"extensions": ["444"], "duration": 5}, {"extensions": ["445"], "duration": null}]
      final_destinations: ["8572665588"]
      ring_strategy: null
      aliases: ["1002"]
      caller_id: 123-456-7899
      ring_melody: ringer6
      music_on_hold: ""
      record_calls: false
      anonymous_caller_destination: ""
      dial_plan: ""
      night_service: ""
      email: ""
      disabled: null
      settings: {"display": "Hunt", "st1_ext": "444", "st1_dur": "5", "alias": ["1002"]}
domain:
  description:
    - The tenant (domain) the task worked on, as the task named it.
    - With RV(url), it tells which tenant of which PBX a result is about, without the task's invocation, which results
      hold from ansible-core 2.21 on only with C(INJECT_INVOCATION); the indirect node counting of Ansible Automation
      Platform reads both (see C(docs/audit.md) of the collection).
  returned: success
  type: str
  sample: company.example.com
url:
  description: The PBX the task worked on, as scheme, host and port (never with credentials).
  returned: success
  type: str
  sample: https://pbx.example.com:8443
'''

from functools import partial

from ansible_collections.vodia.pbx.plugins.module_utils.argument_specs import account_info_spec
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import HUNT_GROUP
from ansible_collections.vodia.pbx.plugins.module_utils.module_adapter import run_module
from ansible_collections.vodia.pbx.plugins.module_utils.operations import read_accounts


def main():
    run_module(account_info_spec(HUNT_GROUP), partial(read_accounts, HUNT_GROUP))


if __name__ == '__main__':
    main()
