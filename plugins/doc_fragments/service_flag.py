# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The options that describe one service flag (Vodia "srvflags"), written once for every module that changes service
flags: ``vodia.pbx.service_flag`` at the top level (vodia_service_flag), ``vodia.pbx.service_flag.bulk`` as the
suboptions of each item of ``service_flags`` (vodia_service_flags). The argument specs come from the field table in
plugins/module_utils/service_flag.py; tests/unit/plugins/modules/test_documentation.py keeps the two in step.
"""

from __future__ import annotations

from ansible_collections.vodia.pbx.plugins.plugin_utils.bulk_docs import bulk_documentation, bulk_head


class ModuleDocFragment:
    # Sources: the vendor's service flag page (doc.vodia.com/serviceflags) for the identity of a flag, and the 70.3
    # catalogue for the fields every account type has; docs/service-flag-fields.md names the source of each option.
    DOCUMENTATION = r'''
options:
  display_name:
    description:
      - The descriptive name of the service flag, for example V(Office hours). Sets the Vodia field C(display).
    type: str
  aliases:
    description:
      - All names and numbers the service flag answers to (its account numbers and DIDs). Sets the Vodia field
        C(alias).
      - The PBX usually lists the account number itself here too, so include it. Order does not matter.
    type: list
    elements: str
  disabled:
    description:
      - Whether the service flag account is disabled. Sets the Vodia field C(disabled).
      - This is not the state of the flag (on or off), which users change by calling the flag or with a phone
        button; the modules leave that state alone.
    type: bool
  settings:
    description:
      - Raw Vodia fields for everything the typed options do not cover, for example the mode (manual or automatic),
        the accounts that may change the flag or the times of an automatic flag. No public source gives their Vodia
        field names; M(vodia.pbx.vodia_service_flag_info) shows them as your PBX holds them. They are sent as given;
        the PBX keeps scalars as strings, and booleans are sent as V(true) or V(false).
      - On a 70.x PBX a field may take a list or an object of plain JSON values. A value must not be null.
      - Only the keys you give are managed. A key that a typed option also sets must agree with it.
      - A field missing from the PBX's settings of the flag is one this PBX does not have; it is not sent, and the
        task warns.
      - The RV(vodia.pbx.vodia_service_flag#module:service_flag.settings) returned by M(vodia.pbx.vodia_service_flag)
        or by M(vodia.pbx.vodia_service_flag_info) can be given here unchanged.
    type: dict
'''


# Assigned after the class, not in its body: ansible-test's yamllint reads every assignment in a doc
# fragment class as a literal string, and this one is computed.
ModuleDocFragment.BULK = bulk_documentation(
    ModuleDocFragment.DOCUMENTATION, bulk_head('service_flags', 'service flag', 'vodia_service_flag', '800'),
    'service_flags')
