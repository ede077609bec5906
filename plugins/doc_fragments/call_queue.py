# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The options that describe one call queue (Vodia "ACD" or "agent group"), written once for every module that
changes call queues: ``vodia.pbx.call_queue`` at the top level (vodia_call_queue), ``vodia.pbx.call_queue.bulk`` as
the suboptions of each item of ``call_queues`` (vodia_call_queues). The argument specs come from the field table in
plugins/module_utils/call_queue.py; tests/unit/plugins/modules/test_documentation.py keeps the two in step.
"""

from __future__ import annotations

from ansible_collections.vodia.pbx.plugins.plugin_utils.bulk_docs import bulk_documentation, bulk_head


class ModuleDocFragment:
    # Sources: the vendor's agent group page (api.vodia.com/agent_groups_api, version 58 and above) and the 70.3
    # catalogue; docs/call-queue-fields.md names the source of each option.
    DOCUMENTATION = r'''
options:
  display_name:
    description:
      - The name shown for the call queue. Sets the Vodia field C(display).
    type: str
  aliases:
    description:
      - All names and numbers the call queue answers to. Sets the Vodia field C(alias).
      - The PBX usually lists the account number itself here too, so include it. Order does not matter.
    type: list
    elements: str
  agents:
    description:
      - The extensions that answer calls from the queue. Sets the Vodia field C(agents), which the PBX keeps
        space-separated (the vendor's example holds V(444 442 445)).
      - The order is compared as given, since the distribution algorithm may use it. An empty list clears it.
      - Each must be an account of the tenant, by name or alias, or an outside number (see O(reference_check)).
    type: list
    elements: str
  algorithm:
    description:
      - How calls are handed to the agents. Sets the Vodia field C(algorithm); the vendor's example holds V(list).
      - The vendor does not list the values, so any string is accepted and sent as given. Check the values your PBX's
        web interface offers.
    type: str
  escalation_agents:
    description:
      - Escalation agents. Sets the Vodia field C(escagents), space-separated like O(agents). Order is compared as
        given. Each is checked like O(agents).
      - The vendor's agent group page lists the field without describing it. By its name (our inference), these are
        agents that take calls once a call has waited O(escalation_time) seconds.
    type: list
    elements: str
  escalation_time:
    description:
      - Escalation time in seconds. Sets the Vodia field C(esctime). Must not be negative.
      - The vendor's agent group page lists the field without describing it; by its name (our inference), the wait
        before the O(escalation_agents) take calls.
    type: int
  caller_id:
    description:
      - Caller ID presented when the queue sends a call to an external number. Sets the Vodia field C(ani).
    type: str
  ring_melody:
    description:
      - Ring melody for calls from the queue, for example V(custom1); an empty string uses the default. Sets the Vodia
        field C(melody). The PBX lists the melodies it knows under C(/rest/domain/<domain>/ringtones/en); a value not in that list fails
        before any write (see O(reference_check)).
    type: str
  music_on_hold:
    description:
      - Music-on-hold source for waiting callers, as the PBX's ID for it; an empty string uses the default.
        Sets the Vodia field C(moh). The PBX lists the sources it knows under C(/rest/domain/<domain>/moh); a value not in that list fails before any
        write (see O(reference_check)).
    type: str
  record_calls:
    description:
      - Whether calls to the queue are recorded. Sets the Vodia field C(rec).
    type: bool
  anonymous_caller_destination:
    description:
      - Where calls from callers who withhold their caller ID go. Sets the Vodia field C(acd_anonymous_dest) (its name
        matches the hunt groups' C(hunt_anonymous_dest); no source describes it further). It must be an account of the
        tenant or an outside number (see O(reference_check)).
    type: str
  dial_plan:
    description:
      - The dial plan for calls the queue sends out, as the PBX's ID for it (see C(/rest/domain/<domain>/dialplans)).
        Sets the Vodia field C(dial_plan). A value not in that list fails before any write (see O(reference_check)).
    type: str
  night_service:
    description:
      - The night service account that takes the queue's calls when its service flag is on. Sets the Vodia field
        C(night). It must be an account of the tenant, by name or alias, or an outside number (see O(reference_check)).
    type: str
  disabled:
    description:
      - Whether the call queue account is disabled. Sets the Vodia field C(disabled).
    type: bool
  settings:
    description:
      - Raw Vodia fields for everything the typed options do not cover, for example C(ringback), C(gap_time),
        C(maxcall) or C(from_header), so no PBX feature is out of reach. They are sent as given; the PBX keeps
        scalars as strings, and booleans are sent as V(true) or V(false).
      - On a 70.x PBX a field may take a list or an object of plain JSON values. A value must not be null.
      - Only the keys you give are managed. A key that a typed option also sets must agree with it.
      - A field missing from the PBX's settings of the queue is one this PBX does not have; it is not sent, and the
        task warns.
      - The RV(vodia.pbx.vodia_call_queue#module:call_queue.settings) returned by M(vodia.pbx.vodia_call_queue) or by
        M(vodia.pbx.vodia_call_queue_info) can be given here unchanged.
    type: dict
'''


# Assigned after the class, not in its body: ansible-test's yamllint reads every assignment in a doc
# fragment class as a literal string, and this one is computed.
ModuleDocFragment.BULK = bulk_documentation(
    ModuleDocFragment.DOCUMENTATION, bulk_head('call_queues', 'call queue', 'vodia_call_queue', '5000'), 'call_queues')
