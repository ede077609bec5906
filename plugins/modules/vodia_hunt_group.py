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
  - Newer Vodia releases call hunt groups "ring groups"; the API is the same.
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
  display_name:
    description:
      - The name shown for the hunt group. Sets the Vodia field C(display).
    type: str
  stages:
    description:
      - The ringing stages in ring order, at most three. Each stage rings its extensions together for O(stages[].duration)
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
'''

from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import desired_fields, hunt_group_argument_spec
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group_converge import converge, outcome_diff
from ansible_collections.vodia.pbx.plugins.module_utils.vodia_module import VodiaModule


def run(module):
    domain = module.identifier('domain')
    name = module.identifier('name')
    desired = desired_fields(module.params) if module.params['state'] == 'present' else {}
    outcome = converge(module.client, domain, name, module.params['state'], desired, module.check_mode)
    result = {'changed': outcome['changed'], 'hunt_group': outcome['after']}
    if module._diff:
        result['diff'] = outcome_diff(outcome)
    return result


def main():
    argument_spec = dict(
        domain=dict(type='str', required=True),
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )
    argument_spec.update(hunt_group_argument_spec())
    module = VodiaModule(argument_spec)
    result = module.run_safely(lambda: run(module))
    module.exit_json(**result)


if __name__ == '__main__':
    main()
