# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Version profiles: how a PBX of one release line answers where releases differ.

v58 answers as the vendor's v58 page (S1) shows, v69 as the low-confidence 69.5 guides
(S17, S18) report, v70 as the 70.3 OpenAPI digest (S2) and 70.x clients (S16) show.
Where the evidence leaves a behaviour open, a profile takes the variant that is hardest
on a client. docs/simulator.md (section 5) maps every entry to its source.

Everything here is plain data, so the rest of the simulator asks "what does this
profile do?" instead of "which version is this?".
"""

from dataclasses import dataclass

PROFILES = ("v58", "v69", "v70")
DEFAULT_PROFILE = "v58"

# How a successful write is answered: a content type and a body.
JSON_EMPTY = ("application/json", {})
TEXT_ACCOUNT_CREATED = ("text/plain", "Account created")
TEXT_OK = ("text/plain", "ok")

# What POST/PUT user_settings answers with.
WHOLE_OBJECT = "whole object"
EMPTY_OBJECT = "empty object"

# Stage member fields; on v70 they read back as lists of member tokens.
STAGE_FIELDS = ("st1_ext", "st2_ext", "st3_ext", "st4_ext")

# Flags whose "false" is stored as the unset form "" on v70 (a flag never set reads empty).
UNSET_WHEN_FALSE = ("disabled",)

# Fields S2 lists for every 70.3 account type beyond the v58 example's closing block.
# Only the acturl_* names are ours: S2 says there are about twelve, not what they are called.
V70_COMMON_FIELDS = (
    "sani", "fani", "building", "department", "room", "comment", "shortname", "ename", "pronunciation",
    "teams_number", "publish", "cdr_as_att", "spam_threshold", "anonymous_spam_score", "oauth_list",
    "google_calendar", "reggrp",
    "acturl_answer", "acturl_connect", "acturl_dnd", "acturl_end", "acturl_hangup", "acturl_hold",
    "acturl_missed", "acturl_register", "acturl_ring", "acturl_start", "acturl_transfer", "acturl_unhold",
)

# Defaults other than "". S16 prepares for list and object values without saying which
# fields carry them; these two are our choice.
V70_STRUCTURED_DEFAULTS = {"oauth_list": [], "google_calendar": {}}

# The ring strategy S2 lists for 70.3 ring groups; S17's values are low confidence, so the default is "".
V70_HUNT_FIELDS = (("algo", ""),)


# S17 (low confidence, a 69.5 lab): addacc for attendants, orbits and srvflags "returns 200 but silently fails".
# The v69 profile does this for service flags, the one of the three the collection manages; auto attendants stay
# creatable, since the fleet suites create one on every profile to stand for a tenant's existing accounts.
# POST /_sim/config {"addacc_ignored_types": [...]} sets the list on any profile; reset restores the profile's.
SILENT_ON_69 = ("srvflags",)


@dataclass(frozen=True)
class Profile:
    """The behaviour of one release line, one attribute per difference."""

    name: str
    version: str                     # GET /rest/system/status unless the seed sets one
    settings_answer: str             # WHOLE_OBJECT or EMPTY_OBJECT
    addacc_answer: tuple             # (content type, body) of a 200 addacc
    delete_answer: tuple             # (content type, body) of a 200 DELETE addacc/{id}
    unknown_type_ignored: bool       # addacc with a wrong type: 200 and nothing created (S17)
    honours_on_duplicate: bool       # --on-duplicate error gives 400; otherwise duplicates answer success
    delete_selected: bool            # domain_action delete_selected exists
    extended_fields: bool            # the 70.3 field set (algo, sani, acturl_*, ...)
    structured_values: bool          # lists and objects accepted for any field
    stage_lists: bool                # stN_ext read back as lists of member tokens
    false_flags_unset: bool          # writing "false" to a flag stores ""
    drops_unknown_fields: bool       # unknown user_settings keys are dropped, not stored
    addacc_ignored_types: tuple = ()  # addacc of these types answers success and creates nothing (S17, 69.5)


BEHAVIOUR = {
    "v58": Profile(
        name="v58", version="58.0.0", settings_answer=WHOLE_OBJECT, addacc_answer=JSON_EMPTY,
        delete_answer=JSON_EMPTY, unknown_type_ignored=False, honours_on_duplicate=True, delete_selected=True,
        extended_fields=False, structured_values=False, stage_lists=False, false_flags_unset=False,
        drops_unknown_fields=False,
    ),
    "v69": Profile(
        name="v69", version="69.5.0", settings_answer=EMPTY_OBJECT, addacc_answer=JSON_EMPTY,
        delete_answer=JSON_EMPTY, unknown_type_ignored=True, honours_on_duplicate=False, delete_selected=True,
        extended_fields=False, structured_values=False, stage_lists=False, false_flags_unset=False,
        drops_unknown_fields=False, addacc_ignored_types=SILENT_ON_69,
    ),
    "v70": Profile(
        name="v70", version="70.3.1", settings_answer=WHOLE_OBJECT, addacc_answer=TEXT_ACCOUNT_CREATED,
        delete_answer=TEXT_OK, unknown_type_ignored=False, honours_on_duplicate=False, delete_selected=False,
        extended_fields=True, structured_values=True, stage_lists=True, false_flags_unset=True,
        drops_unknown_fields=True,
    ),
}


def behaviour(name):
    """Return the Profile called NAME; ValueError for anything not in PROFILES."""
    if name not in BEHAVIOUR:
        raise ValueError("profile must be one of %s" % ", ".join(PROFILES))
    return BEHAVIOUR[name]


def stage_tokens(value):
    """Split a stage member value into its tokens, whether it is a string or a list of them."""
    if isinstance(value, list):
        return [token for item in value for token in str(item).split()]
    return str(value).split()
