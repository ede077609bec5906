#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: vodia_call_queues
short_description: Converge the whole set of call queues of a Vodia PBX tenant in one task
version_added: 1.0.0
description:
  - Makes every call queue listed in O(call_queues) look the way its item describes it, in one task, with the same
    rules as M(vodia.pbx.vodia_call_queue) for each queue.
  - Reads the PBX's acds list once, then the settings of the listed queues. An unchanged queue costs one read and no
    write.
  - All items are validated, and the references of every item checked (O(reference_check)), before the first write;
    one invalid item fails the task before anything is written. Writes are sent one at a time, after all reads.
  - With O(purge=true), call queues on the PBX that the list does not name are deleted. Only call queues are ever
    deleted; extensions, hunt groups and every other account type are never touched.
author:
  - vodia.pbx maintainers (@vodia-pbx)
extends_documentation_fragment:
  - vodia.pbx.connection
  - vodia.pbx.call_queue.bulk
  - vodia.pbx.references
  - vodia.pbx.saved_plan
  - ansible.builtin.action_common_attributes
  - ansible.builtin.action_common_attributes.actiongroups
attributes:
  check_mode:
    support: full
    details:
      - Sends no write request and reports, per call queue, what a real run would do.
  diff_mode:
    support: full
    details:
      - Shows one diff per call queue that changes, headed C(call queue <name>), with its C(name) and, for an update, the
        options that change; for a creation or a deletion, every option it holds that is not empty. Options are named
        as in O(call_queues), a field without a typed option as C(settings.<field>), as in RV(results[].changes).
      - M(vodia.pbx.vodia_call_queue) shows the whole call queue instead, with every raw field (see RV(diff)).
options:
  domain:
    description:
      - The tenant (domain) whose call queues are converged.
    type: str
    required: true
  purge:
    description:
      - When V(true), call queues on the PBX that O(call_queues) does not name are deleted.
      - To protect against an undefined or empty variable wiping a tenant, an empty O(call_queues) with O(purge=true)
        fails. List the queues with O(call_queues[].state=absent) to delete them all.
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
      - Whether the result holds RV(call_queues), the state of every listed queue after the task, with all its
        settings, in every task result, registered variable and AWX job event. A call queue has 120 raw fields on a
        70.3 PBX, a hunt group 75, whose state takes about 1,700 bytes (see O(vodia.pbx.vodia_hunt_groups#module:return_state)).
      - AWX (automation controller) keeps a job event's result only up to 700,000 characters (its setting
        C(MAX_EVENT_RES_DATA)) and stores an empty result instead; the job's events then show nothing of the task,
        and its indirect node counting counts nothing of it. Set V(false) when running from AWX, and over a fleet.
        RV(results) still says what happened to each queue, with RV(url), RV(domain), RV(check_mode), and in diff
        mode RV(diff) (C(docs/result-size.md) of the collection).
    type: bool
    default: true
notes:
  - The module runs where the task runs. With one inventory host per PBX, run it on the controller with
    C(connection=local) or C(delegate_to=localhost).
  - The role P(vodia.pbx.hunt_groups#role) converges call queues with this module before the hunt groups, from
    C(hunt_groups_call_queues).
seealso:
  - module: vodia.pbx.vodia_call_queue
  - module: vodia.pbx.vodia_call_queue_info
  - module: vodia.pbx.vodia_hunt_groups
'''

EXAMPLES = r'''
- name: Exactly these call queues, and no others, in the tenant
  vodia.pbx.vodia_call_queues:
    url: https://pbx.example.com
    username: admin
    password: "{{ vault_vodia_password }}"
    domain: company.example.com
    purge: true
    call_queues:
      - name: "5000"
        display_name: Support
        agents: ["444", "445"]
      - name: "5001"
        display_name: Sales
        agents: ["446"]
        night_service: "5000"
'''

RETURN = r'''
ansible_facts:
  description:
    - In check mode, when the task would create call queues, the host fact C(vodia_pbx_planned_accounts) with their
      names added under the key C(<url> <domain>), so that the reference check of later tasks of the play counts them
      (see O(planned_accounts)).
  returned: in check mode, when something would be created
  type: dict
  contains:
    vodia_pbx_planned_accounts:
      description: Account names by PBX URL and domain.
      type: dict
      sample: {"https://pbx.example.com localhost": ["5000"]}
call_queues:
  description:
    - The listed call queues with O(call_queues[].state=present) after the task (in check mode, as they would be), in
      list order, each in the form of RV(vodia.pbx.vodia_call_queue#module:call_queue).
  returned: unless O(return_state=false)
  type: list
  elements: dict
  sample: [{"name": "5000", "display_name": "Support", "agents": ["444", "445"]}]
check_mode:
  description: Whether the task ran in check mode, so that nothing was written.
  returned: success
  type: bool
  sample: false
diff:
  description:
    - One entry per call queue that changes (in check mode, that would change), in the order of RV(results), with
      C(before_header) and C(after_header) C(call queue <name>).
    - C(before) and C(after) hold the call queue's C(name) and, for an update, the options that change; for a creation
      (in C(after)) or a deletion (in C(before)), every option it holds that is not empty. Options are named as in
      O(call_queues), a field without a typed option as C(settings.<field>), as in RV(results[].changes).
    - Not the whole call queue with every raw field, as M(vodia.pbx.vodia_call_queue) shows it, so that a tenant
      with hundreds of call queues stays within the 700,000 bytes AWX keeps of a result; an unchanged call queue adds
      nothing.
  returned: when diff mode is on
  type: list
  elements: dict
  sample:
    - before: {"name": "5000", "display_name": "Support"}
      after: {"name": "5000", "display_name": "Support team"}
      before_header: call queue 5000
      after_header: call queue 5000
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
  description: What happened to each call queue, listed ones first, then purged ones.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The call queue's account number or ID.
      type: str
      sample: "5000"
    action:
      description: V(created), V(updated), V(deleted) or V(unchanged).
      type: str
      sample: unchanged
    changed:
      description: Whether the call queue changed (or would, in check mode).
      type: bool
      sample: false
    changes:
      description:
        - For an updated call queue, each option that changes, with its C(before) and C(after) value. A field without
          a typed option is named C(settings.<field>).
      type: dict
      sample: {"agents": {"before": ["444"], "after": ["444", "445"]}}
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
from ansible_collections.vodia.pbx.plugins.module_utils.call_queue import CALL_QUEUE
from ansible_collections.vodia.pbx.plugins.module_utils.module_adapter import run_module
from ansible_collections.vodia.pbx.plugins.module_utils.operations import manage_many


def main():
    run_module(accounts_spec(CALL_QUEUE), partial(manage_many, CALL_QUEUE))


if __name__ == '__main__':
    main()
