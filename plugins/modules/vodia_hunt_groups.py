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
  - vodia.pbx.saved_plan
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
      - Shows one diff per hunt group that changes, headed C(hunt group <name>), with its C(name) and, for an update, the
        options that change; for a creation or a deletion, every option it holds that is not empty. Options are named
        as in O(hunt_groups), a field without a typed option as C(settings.<field>), as in RV(results[].changes).
      - M(vodia.pbx.vodia_hunt_group) shows the whole hunt group instead, with every raw field (see RV(diff)).
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
      - That is about 1,700 bytes per hunt group on a 70.3 PBX, in every task result, registered variable and AWX job
        event. AWX (automation controller) keeps a job event's result only up to 700,000 characters (its setting
        C(MAX_EVENT_RES_DATA)) and stores an empty result instead; the job's events then show nothing of the task,
        and its indirect node counting counts nothing of it. With V(true), 500 hunt groups came to 990,000.
      - Set V(false) when running from AWX, and over a fleet, where Ansible also spends less time handling results.
        The result still holds RV(results) (each hunt group's name and action, and for an update the options that
        change), RV(url), RV(domain), RV(check_mode), in diff mode RV(diff), and before ansible-core 2.21 the task's
        invocation. Creating 500 hunt groups on a 70.3 PBX with diff mode, the largest such result, came to 354,000
        (ansible-core 2.19) and 258,000 (2.21, no invocation); see C(docs/result-size.md) of the collection.
      - The role P(vodia.pbx.hunt_groups#role) sets V(false) unless told otherwise.
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
  returned: success
  type: bool
  sample: false
diff:
  description:
    - One entry per hunt group that changes (in check mode, that would change), in the order of RV(results), with
      C(before_header) and C(after_header) C(hunt group <name>).
    - C(before) and C(after) hold the hunt group's C(name) and, for an update, the options that change; for a creation
      (in C(after)) or a deletion (in C(before)), every option it holds that is not empty. Options are named as in
      O(hunt_groups), a field without a typed option as C(settings.<field>), as in RV(results[].changes).
    - Not the whole hunt group with every raw field, as M(vodia.pbx.vodia_hunt_group) shows it; for 500 new hunt
      groups on a 70.3 PBX that came to some 900,000 bytes, more than the 700,000 AWX keeps of a result. Creating them
      adds about 460 bytes per hunt group to the result; an unchanged hunt group adds nothing.
  returned: when diff mode is on
  type: list
  elements: dict
  sample:
    - before: {"name": "2000", "display_name": "Support"}
      after: {"name": "2000", "display_name": "Support team"}
      before_header: hunt group 2000
      after_header: hunt group 2000
domain:
  description: The tenant (domain) the task worked on, for reports over many PBXs and tenants.
  returned: success
  type: str
  sample: company.example.com
url:
  description: The PBX the task worked on, as scheme, host and port (never with credentials).
  returned: success
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
  sample: [{"name": "2000", "action": "created", "changed": true}, {"name": "2001", "action": "unchanged", "changed": false}]
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

from ansible_collections.vodia.pbx.plugins.module_utils.argument_specs import accounts_spec
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import HUNT_GROUP
from ansible_collections.vodia.pbx.plugins.module_utils.module_adapter import run_module
from ansible_collections.vodia.pbx.plugins.module_utils.operations import manage_many


def main():
    run_module(accounts_spec(HUNT_GROUP), partial(manage_many, HUNT_GROUP))


if __name__ == '__main__':
    main()
