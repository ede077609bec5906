#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: vodia_service_flags
short_description: Converge the whole set of service flags of a Vodia PBX tenant in one task
version_added: 1.0.0
description:
  - Makes every service flag listed in O(service_flags) look the way its item describes it, in one task, with the
    same rules as M(vodia.pbx.vodia_service_flag) for each flag.
  - Reads the PBX's srvflags list once, then the settings of the listed flags. An unchanged flag costs one read and no
    write.
  - All items are validated, and the references of every item checked (O(reference_check)), before the first write;
    one invalid item fails the task before anything is written. Writes are sent one at a time, after all reads.
  - With O(purge=true), service flags on the PBX that the list does not name are deleted. Only service flags are ever
    deleted; extensions, hunt groups, call queues and every other account type are never touched.
  - A flag the PBX answers the creation of with success but does not create (reported of Vodia 69.5) fails the task
    before any later item is written, with what to do (see M(vodia.pbx.vodia_service_flag)).
author:
  - vodia.pbx maintainers (@vodia-pbx)
extends_documentation_fragment:
  - vodia.pbx.connection
  - vodia.pbx.service_flag.bulk
  - vodia.pbx.references
  - vodia.pbx.saved_plan
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details:
      - Sends no write request and reports, per service flag, what a real run would do.
  diff_mode:
    support: full
    details:
      - Shows one diff per service flag that changes, headed C(service flag <name>), with its C(name) and, for an
        update, the options that change; for a creation or a deletion, every option it holds that is not empty.
        Options are named as in O(service_flags), a field without a typed option as C(settings.<field>), as in
        RV(results[].changes).
      - M(vodia.pbx.vodia_service_flag) shows the whole service flag instead, with every raw field (see RV(diff)).
options:
  domain:
    description:
      - The tenant (domain) whose service flags are converged.
    type: str
    required: true
  purge:
    description:
      - When V(true), service flags on the PBX that O(service_flags) does not name are deleted.
      - To protect against an undefined or empty variable wiping a tenant, an empty O(service_flags) with
        O(purge=true) fails. List the flags with O(service_flags[].state=absent) to delete them all.
    type: bool
    default: false
  parallel:
    description:
      - How many reads run at once, once the PBX answers slowly (more than 40 ms on average over two reads or more).
        Writes always go one at a time. Between 1 and 16.
    type: int
    default: 4
  return_state:
    description:
      - Whether the result holds RV(service_flags), the state of every listed flag after the task, with all its
        settings, in every task result, registered variable and AWX job event. A hunt group has 75 raw fields on a
        70.3 PBX, whose state takes about 1,700 bytes (see O(vodia.pbx.vodia_hunt_groups#module:return_state)); every
        account, a service flag too, has the 70.3 common fields.
      - AWX (automation controller) keeps a job event's result only up to 700,000 characters (its setting
        C(MAX_EVENT_RES_DATA)) and stores an empty result instead; the job's events then show nothing of the task,
        and its indirect node counting counts nothing of it. Set V(false) when running from AWX, and over a fleet.
        RV(results) still says what happened to each flag, with RV(url), RV(domain), RV(check_mode), and in diff
        mode RV(diff) (C(docs/result-size.md) of the collection).
    type: bool
    default: true
notes:
  - The module runs where the task runs. With one inventory host per PBX, run it on the controller with
    C(connection=local) or C(delegate_to=localhost).
seealso:
  - module: vodia.pbx.vodia_service_flag
  - module: vodia.pbx.vodia_service_flag_info
  - module: vodia.pbx.vodia_hunt_groups
'''

EXAMPLES = r'''
- name: Exactly these service flags, and no others, in the tenant
  vodia.pbx.vodia_service_flags:
    url: https://pbx.example.com
    username: admin
    password: "{{ vault_vodia_password }}"
    domain: company.example.com
    purge: true
    service_flags:
      - name: "800"
        display_name: Office hours
      - name: "801"
        display_name: Holidays
'''

RETURN = r'''
ansible_facts:
  description:
    - In check mode, when the task would create service flags, the host fact C(vodia_pbx_planned_accounts) with their
      names added under the key C(<url> <domain>), so that the reference check of later tasks of the play counts them
      (see O(planned_accounts)).
  returned: in check mode, when something would be created
  type: dict
  contains:
    vodia_pbx_planned_accounts:
      description: Account names by PBX URL and domain.
      type: dict
      sample: {"https://pbx.example.com localhost": ["800"]}
service_flags:
  description:
    - The listed service flags with O(service_flags[].state=present) after the task (in check mode, as they would
      be), in list order, each in the form of RV(vodia.pbx.vodia_service_flag#module:service_flag).
  returned: unless O(return_state=false)
  type: list
  elements: dict
  sample: [{"name": "800", "display_name": "Office hours", "aliases": ["800"]}]
check_mode:
  description: Whether the task ran in check mode, so that nothing was written.
  returned: success
  type: bool
  sample: false
diff:
  description:
    - One entry per service flag that changes (in check mode, that would change), in the order of RV(results), with
      C(before_header) and C(after_header) C(service flag <name>).
    - C(before) and C(after) hold the service flag's C(name) and, for an update, the options that change; for a
      creation (in C(after)) or a deletion (in C(before)), every option it holds that is not empty. Options are named
      as in O(service_flags), a field without a typed option as C(settings.<field>), as in RV(results[].changes).
    - Not the whole service flag with every raw field, as M(vodia.pbx.vodia_service_flag) shows it, so that a tenant
      with hundreds of flags stays within the 700,000 bytes AWX keeps of a result; an unchanged flag adds nothing.
  returned: when diff mode is on
  type: list
  elements: dict
  sample:
    - before: {"name": "800", "display_name": "Office hours"}
      after: {"name": "800", "display_name": "Opening hours"}
      before_header: service flag 800
      after_header: service flag 800
domain:
  description: The tenant (domain) the task worked on.
  returned: success
  type: str
  sample: company.example.com
url:
  description: The PBX the task worked on, as scheme, host and port (never with credentials).
  returned: success
  type: str
  sample: https://pbx.example.com:8443
results:
  description: What happened to each service flag, listed ones first, then purged ones.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The service flag's account number or ID.
      type: str
      sample: "800"
    action:
      description: V(created), V(updated), V(deleted) or V(unchanged).
      type: str
      sample: unchanged
    changed:
      description: Whether the service flag changed (or would, in check mode).
      type: bool
      sample: false
    changes:
      description:
        - For an updated service flag, each option that changes, with its C(before) and C(after) value. A field
          without a typed option is named C(settings.<field>).
      type: dict
      sample: {"display_name": {"before": "Office hours", "after": "Opening hours"}}
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
from ansible_collections.vodia.pbx.plugins.module_utils.module_adapter import run_module
from ansible_collections.vodia.pbx.plugins.module_utils.operations import manage_many
from ansible_collections.vodia.pbx.plugins.module_utils.service_flag import SERVICE_FLAG


def main():
    run_module(accounts_spec(SERVICE_FLAG), partial(manage_many, SERVICE_FLAG))


if __name__ == '__main__':
    main()
