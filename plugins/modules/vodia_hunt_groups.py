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
  hunt_groups:
    description:
      - The hunt groups, each with exactly the options of M(vodia.pbx.vodia_hunt_group) except the connection options
        and O(domain). See that module for what each option sets.
      - Names must be unique in the list.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: The hunt group's account number or ID.
        type: str
        required: true
      state:
        description: V(present) creates or updates the hunt group, V(absent) deletes it.
        type: str
        choices: [present, absent]
        default: present
      display_name:
        description:
          - The name shown for the hunt group. Sets the Vodia field C(display).
        type: str
      stages:
        description:
          - The ringing stages in ring order, at most three. Each stage rings its extensions together for O(hunt_groups[].stages[].duration)
            seconds before the next stage starts. Sets the Vodia fields C(st1_ext), C(st1_dur) to C(st3_ext), C(st3_dur).
          - When given, the list is authoritative for all three stages; stages you do not list are cleared.
            Give an empty list to clear them all.
          - The order of stages matters. The order of extensions inside one stage does not, because they ring together.
          - To keep an extension ringing through later stages, list it in each of them.
        type: list
        elements: dict
        suboptions:
          extensions:
            description:
              - Extension numbers (or other destinations) that ring in this stage, one per item.
            type: list
            elements: str
            default: []
          duration:
            description:
              - Seconds this stage rings before the next stage starts. Omit it for the PBX default. Must not be negative.
            type: int
      final_destinations:
        description:
          - Destinations of the last-resort stage, reached when nobody in the stages answers, for example an auto
            attendant or a mobile number. Sets the Vodia field C(st4_ext).
          - Order does not matter. An empty list clears it.
        type: list
        elements: str
      aliases:
        description:
          - All names and numbers the hunt group answers to. Sets the Vodia field C(alias).
          - The PBX usually lists the account number itself here too, so include it.
          - Order does not matter.
        type: list
        elements: str
      caller_id:
        description:
          - Caller ID presented when the hunt group sends a call to an external number. Sets the Vodia field C(ani).
        type: str
      ring_melody:
        description:
          - Ring melody for calls from the hunt group, for example V(ringer6); an empty string uses the default.
            Sets the Vodia field C(melody). The PBX lists the melodies it knows under C(/rest/domain/<domain>/ringtones/en).
        type: str
      music_on_hold:
        description:
          - Music-on-hold source for waiting callers, as the PBX's ID for it; an empty string uses the default.
            Sets the Vodia field C(moh).
        type: str
      record_calls:
        description:
          - Whether calls to the hunt group are recorded. Sets the Vodia field C(rec).
        type: bool
      anonymous_caller_destination:
        description:
          - Where calls from callers who withhold their caller ID go. Sets the Vodia field C(hunt_anonymous_dest).
        type: str
      dial_plan:
        description:
          - The dial plan for calls the hunt group sends out, as the PBX's ID for it (see C(/rest/domain/<domain>/dialplans)).
            Sets the Vodia field C(dial_plan).
        type: str
      night_service:
        description:
          - The night service (service flag) account that switches the hunt group to its night behaviour.
            Sets the Vodia field C(night).
        type: str
      email:
        description:
          - Email address for the hunt group's notifications and reports. Sets the Vodia field C(email).
        type: str
      disabled:
        description:
          - Whether the hunt group account is disabled. Sets the Vodia field C(disabled).
        type: bool
      settings:
        description:
          - Raw Vodia fields for everything the typed options do not cover, for example C(connect), C(ncf),
            C(from_header) or C(st1_miss), so no PBX feature is out of reach.
          - Values must be single values (strings, numbers or booleans); the PBX keeps them as strings, and booleans are
            sent as V(true) or V(false). The one list field is C(alias).
          - Only the keys you give are managed. A key that a typed option also sets must agree with it.
          - The RV(vodia.pbx.vodia_hunt_group#module:hunt_group.settings) returned by M(vodia.pbx.vodia_hunt_group) or by
            M(vodia.pbx.vodia_hunt_group_info) can be given here
            unchanged.
        type: dict
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
      - How many reads run at once. Writes always go one at a time.
      - Between 1 and 16.
    type: int
    default: 4
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
hunt_groups:
  description:
    - The listed hunt groups with O(hunt_groups[].state=present) after the task (in check mode, as they would be), in
      list order, each in the form of RV(vodia.pbx.vodia_hunt_group#module:hunt_group).
  returned: always
  type: list
  elements: dict
  sample: [{"name": "2000", "display_name": "Reception", "stages": [{"extensions": ["444", "445"], "duration": 20}]}]
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
    diff:
      description: Before and after of this hunt group. Only in diff mode.
      type: dict
      returned: when diff mode is on
      sample: {"before": {}, "after": {"name": "2000", "display_name": "Reception"}}
  sample: [{"name": "2000", "action": "created", "changed": true}, {"name": "2001", "action": "unchanged", "changed": false}]
'''

from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import HuntGroupInputError, desired_fields, hunt_group_argument_spec, validate_identifier
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group_converge import PartialConvergeError, converge_many, outcome_diff
from ansible_collections.vodia.pbx.plugins.module_utils.vodia_module import VodiaModule


def wanted_hunt_groups(items, purge):
    """Validate every item before any request: (name, state, desired fields) per item."""
    if purge and not items:
        raise HuntGroupInputError(
            'hunt_groups is empty and purge is true, which would delete every hunt group of the domain. If that is '
            'what you want, list them with state absent; otherwise check the variable that fills hunt_groups.')
    wanted, seen = [], set()
    for position, item in enumerate(items, start=1):
        name = validate_identifier('hunt_groups item %d name' % position, item['name'])
        if name in seen:
            raise HuntGroupInputError('hunt_groups names hunt group %r more than once; give each hunt group once.' % name)
        seen.add(name)
        try:
            desired = desired_fields(item) if item['state'] == 'present' else {}
        except HuntGroupInputError as error:
            raise HuntGroupInputError('hunt_groups item %d (%s): %s' % (position, name, error)) from None
        wanted.append((name, item['state'], desired))
    return wanted


def report(group_outcome, diff_mode):
    entry = {'name': group_outcome['name'], 'action': group_outcome['action'], 'changed': group_outcome['changed']}
    if diff_mode:
        entry['diff'] = outcome_diff(group_outcome)
    return entry


def run(module):
    params = module.params
    domain = module.identifier('domain')
    module.check_parallel()
    wanted = wanted_hunt_groups(params['hunt_groups'], params['purge'])
    try:
        outcomes = converge_many(module.client, domain, wanted, params['purge'], module.check_mode, module.parallel)
    except PartialConvergeError as failure:
        module.fail_json(
            msg='Hunt group %s: %s The hunt groups before it were converged; run the task again to continue.'
                % (failure.name, failure.error.message),
            results=[report(done, module._diff) for done in failure.done], **failure.error.to_result())

    result = {
        'changed': any(item['changed'] for item in outcomes),
        'hunt_groups': [item['after'] for item, target in zip(outcomes, wanted) if target[1] == 'present'],
        'results': [report(item, module._diff) for item in outcomes],
    }
    if module._diff:
        result['diff'] = [
            dict(outcome_diff(item), before_header='hunt group %s' % item['name'], after_header='hunt group %s' % item['name'])
            for item in outcomes if item['changed']
        ]
    return result


def main():
    item_options = dict(
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    item_options.update(hunt_group_argument_spec())
    module = VodiaModule(dict(
        domain=dict(type='str', required=True),
        hunt_groups=dict(type='list', elements='dict', required=True, options=item_options),
        purge=dict(type='bool', default=False),
        parallel=dict(type='int', default=4),
    ))
    result = module.run_safely(lambda: run(module))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
