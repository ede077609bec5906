#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: vodia_hunt_groups
short_description: Converge the whole set of hunt groups of a Vodia PBX tenant in one task
version_added: 1.0.0
description:
  - Makes every hunt group listed in O(hunt_groups) look the way its item describes it, in one task, with the same
    rules as M(vodia.pbx.vodia_hunt_group) for each group.
  - Reads the PBX's hunts list once, then the settings of the listed hunt groups in parallel over kept-alive
    connections. An unchanged hunt group costs one read and no write.
  - All items are validated before the first request; an invalid item or a duplicate name fails the task before
    anything is written. Writes are sent one at a time, after all reads.
  - With O(purge=true), hunt groups on the PBX that the list does not name are deleted. Only hunt groups are ever
    deleted; extensions and every other account type are never touched.
author:
  - vodia.pbx maintainers (@vodia-pbx)
extends_documentation_fragment:
  - vodia.pbx.connection
  - vodia.pbx.hunt_group.bulk
  - vodia.pbx.references
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details:
      - Sends no write request and reports, per hunt group, what a real run would do, as
        M(vodia.pbx.vodia_hunt_group) does.
  diff_mode:
    support: full
    details:
      - Shows one before/after diff per hunt group that changes; each item of RV(results) carries its own diff.
options:
  domain:
    description:
      - The tenant (domain) whose hunt groups are converged.
    type: str
    required: true
  # hunt_groups: from the doc fragment vodia.pbx.hunt_group.bulk, with the options of vodia_hunt_group as suboptions.
  purge:
    description:
      - When V(true), hunt groups on the PBX that O(hunt_groups) does not name are deleted.
      - Only accounts in the PBX's hunts list are deleted; other account types are never touched.
      - To protect against an undefined or empty variable wiping a tenant, an empty O(hunt_groups) with
        O(purge=true) fails. List the hunt groups with O(hunt_groups[].state=absent) to delete them all.
    type: bool
    default: false
  parallel:
    description:
      - How many reads run at once, once the PBX answers slowly. Writes always go one at a time.
      - Reads go one at a time over one connection while the PBX answers within 40 ms on average, as a PBX close by
        does; there, more connections and threads cost more CPU than they save time. Once the reads so far (two at
        least) took longer on average, as from a PBX far away, the rest are spread over this many connections.
      - Between 1 and 16.
    type: int
    default: 4
  return_state:
    description:
      - Whether the result holds RV(hunt_groups), the state of every listed hunt group after the task, with all its
        settings.
      - That is a few kilobytes per hunt group, in every task result, registered variable and AWX job event. Over a
        fleet, V(false) keeps results small, and Ansible spends less time handling them; RV(results) still says what
        happened to each hunt group, and in diff mode how it changed. The role P(vodia.pbx.hunt_groups#role) sets
        V(false) unless told otherwise.
    type: bool
    default: true
notes:
  - The module runs where the task runs. With one inventory host per PBX, run it on the controller with
    C(connection=local) or C(delegate_to=localhost).
  - The role P(vodia.pbx.hunt_groups#role) wraps this module for inventories of PBXs.
seealso:
  - module: vodia.pbx.vodia_hunt_group
  - module: vodia.pbx.vodia_hunt_group_info
'''

EXAMPLES = r'''
- name: Exactly these hunt groups, and no others, in the tenant
  vodia.pbx.vodia_hunt_groups:
    url: https://pbx.example.com
    username: admin
    password: "{{ vault_vodia_password }}"
    domain: company.example.com
    purge: true
    hunt_groups:
      - name: "2000"
        display_name: Reception
        stages:
          - extensions: ["444", "445"]
            duration: 20
      - name: "2001"
        display_name: Support
        record_calls: true

- name: Remove one hunt group and leave the rest alone
  vodia.pbx.vodia_hunt_groups:
    domain: company.example.com
    hunt_groups:
      - name: "2009"
        state: absent
'''

RETURN = r'''
ansible_facts:
  description:
    - In check mode, when the task would create hunt groups, the host fact C(vodia_pbx_planned_accounts) with their names
      added under the key C(<url> <domain>), so that the reference check of later tasks of the play counts them (see
      O(planned_accounts)).
  returned: in check mode, when something would be created
  type: dict
  contains:
    vodia_pbx_planned_accounts:
      description: Account names by PBX URL and domain.
      type: dict
      sample: {"https://pbx.example.com localhost": ["5000"]}
hunt_groups:
  description:
    - The listed hunt groups with O(hunt_groups[].state=present) after the task (in check mode, as they would be), in
      list order, each in the form of RV(vodia.pbx.vodia_hunt_group#module:hunt_group).
  returned: unless O(return_state=false)
  type: list
  elements: dict
  sample: [{"name": "2000", "display_name": "Reception", "stages": [{"extensions": ["444", "445"], "duration": 20}]}]
check_mode:
  description:
    - Whether the task ran in check mode, so that nothing was written, whether set on the command line (C(--check))
      or by the C(check_mode) keyword of the task, block or play (which C(ansible_check_mode) does not show).
  returned: when the task reached the PBX
  type: bool
  sample: false
domain:
  description: The tenant (domain) the task worked on, for reports over many PBXs and tenants.
  returned: when the task reached the PBX
  type: str
  sample: company.example.com
url:
  description: The PBX the task worked on, as scheme, host and port (never with credentials).
  returned: when the task reached the PBX
  type: str
  sample: https://pbx.example.com:8443
results:
  description: What happened to each hunt group, listed ones first, then purged ones.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The hunt group's account number or ID.
      type: str
      sample: "2000"
    action:
      description: V(created), V(updated), V(deleted) or V(unchanged).
      type: str
      sample: unchanged
    changed:
      description: Whether the hunt group changed (or would, in check mode).
      type: bool
      sample: false
    changes:
      description:
        - For an updated hunt group (in check mode, one that would be updated), each option that changes, with its
          C(before) and C(after) value. A field without a typed option is named C(settings.<field>).
        - The options are those of O(vodia.pbx.vodia_hunt_group_info#module:form=export).
      type: dict
      returned: when RV(results[].action=updated)
      sample: {"display_name": {"before": "Support", "after": "Support team"}, "settings.ncf": {"before": "false", "after": "true"}}
    diff:
      description: Before and after of this hunt group. Only in diff mode.
      type: dict
      returned: when diff mode is on
      sample: {"before": {}, "after": {"name": "2000", "display_name": "Reception"}}
  sample: [{"name": "2000", "action": "created", "changed": true}, {"name": "2001", "action": "unchanged", "changed": false}]
'''

from functools import partial

from ansible_collections.vodia.pbx.plugins.module_utils.argument_specs import accounts_spec
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import HUNT_GROUP
from ansible_collections.vodia.pbx.plugins.module_utils.module_adapter import run_module
from ansible_collections.vodia.pbx.plugins.module_utils.operations import manage_many


def main():
    run_module(accounts_spec(HUNT_GROUP), partial(manage_many, HUNT_GROUP))


if __name__ == '__main__':
    main()
