#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: vodia_service_flag_info
short_description: Read service flags from a Vodia PBX
version_added: 1.0.0
description:
  - Returns one service flag or all service flags of a Vodia PBX tenant, in the same form that
    M(vodia.pbx.vodia_service_flag) accepts and returns, so the result can be fed back as options.
  - Only reads; never changes anything on the PBX.
  - C(settings) shows every raw field the PBX holds for a flag, which is how to find the Vodia fields of the settings
    that have no typed option (the mode, the accounts that may change the flag, the times).
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
      - The account number or ID of one service flag. Without it, every service flag of the domain is returned.
      - An account of that name that is not a service flag is not returned.
    type: str
  parallel:
    description:
      - How many service flags are read at once, over kept-alive connections, once the PBX answers slowly (more than
        40 ms on average over two reads or more). Between 1 and 16.
    type: int
    default: 4
  form:
    description:
      - The form of the service flags returned.
      - V(canonical) returns them as M(vodia.pbx.vodia_service_flag) returns them, in the PBX's order, with
        C(settings) holding every raw field the PBX returned.
      - V(export) returns them as a backup holds them, ready for M(vodia.pbx.vodia_service_flags), in name order, with
        every typed option present even when empty, and C(settings) with only the fields that have no typed option,
        in key order, without the busy-lamp state C(dialog_state), C(dialog_subscribe) and C(dialog_version).
    type: str
    choices: [canonical, export]
    default: canonical
notes:
  - Reads the PBX's srvflags list once, then the settings of each service flag returned.
seealso:
  - module: vodia.pbx.vodia_service_flag
  - module: vodia.pbx.vodia_service_flags
'''

EXAMPLES = r'''
- name: Read every service flag of a tenant
  vodia.pbx.vodia_service_flag_info:
    url: https://pbx.example.com
    username: admin
    password: "{{ vault_vodia_password }}"
    domain: company.example.com
  register: pbx_service_flags

- name: Read a tenant's service flags in the form a backup holds
  vodia.pbx.vodia_service_flag_info:
    domain: company.example.com
    form: export
  register: flag_backup
'''

RETURN = r'''
service_flags:
  description:
    - The service flags read, in the PBX's order (in name order with O(form=export)). With O(name), one item, or none
      when no such service flag exists.
    - Each item has the form of RV(vodia.pbx.vodia_service_flag#module:service_flag).
  returned: always
  type: list
  elements: dict
  sample:
    - name: "800"
      display_name: Night Service
      aliases: ["800"]
      disabled: null
      settings: {"display": "Night Service", "alias": ["800"]}
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
from ansible_collections.vodia.pbx.plugins.module_utils.module_adapter import run_module
from ansible_collections.vodia.pbx.plugins.module_utils.operations import read_accounts
from ansible_collections.vodia.pbx.plugins.module_utils.service_flag import SERVICE_FLAG


def main():
    run_module(account_info_spec(SERVICE_FLAG), partial(read_accounts, SERVICE_FLAG))


if __name__ == '__main__':
    main()
