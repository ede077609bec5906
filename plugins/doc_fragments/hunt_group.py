# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The options that describe one hunt group, written once for every module that changes hunt groups.

``vodia.pbx.hunt_group`` adds them at the top level (vodia_hunt_group).
``vodia.pbx.hunt_group.bulk`` adds them as the suboptions of each item of ``hunt_groups``
(vodia_hunt_groups), together with the item's ``name`` and ``state`` (plugin_utils/bulk_docs.py).

The argument specs come from plugins/module_utils/argument_specs.py; the unit tests in
tests/unit/plugins/modules/test_documentation.py keep the two in step, and
tests/tools/field_reference.py builds docs/hunt-group-fields.md from this text.
"""

from __future__ import annotations

from ansible_collections.vodia.pbx.plugins.plugin_utils.bulk_docs import bulk_documentation, bulk_head


class ModuleDocFragment:
    # Option references (O(...)) to these options are written as seen from vodia_hunt_group; the bulk
    # variant prefixes them with hunt_groups[]. Return values must be referenced fully qualified
    # (RV(vodia.pbx.vodia_hunt_group#module:...)), because the bulk module has other return values.
    DOCUMENTATION = r'''
options:
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
      - The order of stages matters. The order of extensions inside one stage matters only under a ring strategy
        where it may decide who rings first (see O(ring_strategy)); otherwise they ring together.
      - To keep an extension ringing through later stages, list it in each of them.
    type: list
    elements: dict
    suboptions:
      extensions:
        description:
          - Extension numbers (or other destinations) that ring in this stage, one per item.
          - Each must be an account of the tenant, by name or alias, or an outside number (see O(reference_check)).
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
      - Each must be an account of the tenant (a call queue, an auto attendant, an extension, ...), by name or alias,
        or an outside number such as V(8572665588) (see O(reference_check)).
      - Order matters only under a ring strategy where it may (see O(ring_strategy)). An empty list clears it.
    type: list
    elements: str
  ring_strategy:
    description:
      - How the members of a stage are rung. Sets the Vodia field C(algo).
      - PBXs of version 70.3 and later have this field (Vodia's API description for 70.3 lists it, without its
        values). An empty string leaves the PBX's default.
      - The vendor does not document its values, so any string is accepted and sent as given. The values seen in
        public sources all come from one unattributed guide written against version 69.5 (low confidence), namely
        V(round_robin), V(sequential) and V(random). Check the values your PBX's web interface offers.
      - Under any strategy other than V(random), unknown ones included, the order of O(stages[].extensions) and of
        O(final_destinations) is compared as given, so a different order on the PBX is a change. Under V(random),
        an empty strategy or on a PBX without C(algo), members are compared in any order. The strategy in effect is
        this option when given, else the one the PBX holds.
      - On a PBX without an C(algo) field (older than 70.3) it is not sent, and the task warns, as for any field the
        PBX does not have (see O(settings)).
    type: str
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
        Sets the Vodia field C(melody). The PBX lists the melodies it knows under C(/rest/domain/<domain>/ringtones/en); a value not in that list fails
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
      - Whether calls to the hunt group are recorded. Sets the Vodia field C(rec).
    type: bool
  anonymous_caller_destination:
    description:
      - Where calls from callers who withhold their caller ID go. Sets the Vodia field C(hunt_anonymous_dest).
      - It must be an account of the tenant, by name or alias, or an outside number (see O(reference_check)).
    type: str
  dial_plan:
    description:
      - The dial plan for calls the hunt group sends out, as the PBX's ID for it (see C(/rest/domain/<domain>/dialplans)).
        Sets the Vodia field C(dial_plan). A value not in that list fails before any write (see O(reference_check)).
    type: str
  night_service:
    description:
      - The night service (service flag) account that switches the hunt group to its night behaviour.
        Sets the Vodia field C(night).
      - It must be an account of the tenant, by name or alias, or an outside number (see O(reference_check)).
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
      - Values are single values (strings, numbers or booleans); the PBX keeps them as strings, and booleans are
        sent as V(true) or V(false). C(alias) is a list of names.
      - On a PBX that holds lists or objects in some fields (70.x, for example C(oauth_list) or C(google_calendar)),
        such a field takes a list or an object of plain JSON values (null included inside). It is sent as given and
        equals what the PBX holds when both are the same JSON data, with the order of list items mattering and the
        scalars inside compared as the PBX keeps them (V(5) equals V("5"), V(true) equals V("true")). A field the
        PBX leaves out equals an empty list or object. Fields the collection knows as single values (those of the
        other typed options, C(connect), C(ncf), C(stN_miss)) refuse lists and objects.
      - Stage members (C(st1_ext) to C(st4_ext)) take a space-separated string or a list of members, as a 70.x PBX
        returns them; they are sent space-separated.
      - A value must not be null; leave the key out to keep what the PBX holds.
      - Only the keys you give are managed. A key that a typed option also sets must agree with it.
      - A field that is missing from the PBX's settings of the hunt group is one this PBX does not have (fields differ
        between PBX versions). It is not sent, and the task warns, naming the hunt groups and the field. A new hunt
        group is read once created, so the same holds for it. Setting such a field to an empty value is no change.
      - The RV(vodia.pbx.vodia_hunt_group#module:hunt_group.settings) returned by M(vodia.pbx.vodia_hunt_group) or by
        M(vodia.pbx.vodia_hunt_group_info) can be given here unchanged.
    type: dict
'''


# Assigned after the class, not in its body: ansible-test's yamllint reads every assignment in a doc
# fragment class as a literal string, and this one is computed.
ModuleDocFragment.BULK = bulk_documentation(
    ModuleDocFragment.DOCUMENTATION, bulk_head('hunt_groups', 'hunt group', 'vodia_hunt_group', '1002'), 'hunt_groups')
