# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Account types, their settings and the rules for changing them.

Everything here works on plain dicts so that state can be deep-copied for
snapshots and dumped as JSON without conversion.
"""

import copy
import json
import re

from pbxsim.profiles import (
    DEFAULT_PROFILE, STAGE_FIELDS, UNSET_WHEN_FALSE, V70_COMMON_FIELDS, V70_HUNT_FIELDS, V70_STRUCTURED_DEFAULTS,
    behaviour, stage_tokens,
)

# The account types accepted by addacc (notes section 3.3).
ACCOUNT_TYPES = (
    "extensions", "attendants", "conferences", "hunts", "acds", "orbits",
    "hoots", "srvflags", "ivrnodes", "callingcards", "colines",
)

# addacc names the new account in this body key; extensions are the exception (notes 3.3).
ACCOUNT_KEY_BY_TYPE = {"extensions": "account_ext"}
DEFAULT_ACCOUNT_KEY = "account"

# Hunt group fields before the common block, in the order of the vendor example (S1).
# Values are the defaults of a newly created hunt group (our choice, see docs/simulator.md).
HUNT_FIELDS = (
    ("conn_sym", ""),
    ("connect", "true"),
    ("display", ""),
    ("email", ""),
    ("flag", ""),
    ("from_header", "id"),
    ("hunt_anonymous_dest", ""),
    ("melody", ""),
    ("moh", ""),
    ("ncf", "false"),
    ("night", ""),
    ("rec", "false"),
    ("st1_dur", ""),
    ("st1_ext", ""),
    ("st1_miss", "false"),
    ("st2_dur", ""),
    ("st2_ext", ""),
    ("st2_miss", "false"),
    ("st3_dur", ""),
    ("st3_ext", ""),
    ("st3_miss", "false"),
    ("st4_ext", ""),
)

# The alphabetical block that closes the vendor example; we treat it as common to every type.
COMMON_FIELDS = (
    "acdani", "ani", "cdr_time", "credit", "dial_plan", "dialog_state", "dialog_subscribe",
    "dialog_version", "disabled", "email_cdr", "epid", "location", "max_call_duration",
    "max_cdrs", "need_license", "param1", "param2", "param3", "rb", "rf", "view_settings", "visible",
)

# Call queue (ACD, "agent group") fields before the common block: every key of the vendor's
# agent group example (api.vodia.com/agent_groups_api, v58+), in its alphabetical order, as far as
# the example could be read (it was cut off inside the value of usage). Values are the example's
# where they configure the queue; "" where they name this queue's members, display or custom
# ringtone, or hold runtime state (lastwait, usage). docs/simulator.md (section 4.3) explains each.
ACD_FIELDS = (
    ("acd_anonymous_dest", ""),
    ("add_adr", ""),
    ("add_cmc", ""),
    ("admin", ""),
    ("agents", ""),
    ("algorithm", "list"),
    ("all_agents", ""),
    ("all_logged_out", ""),
    ("all_unregistered", ""),
    ("allow_callback", "*"),
    ("announce_callback", "true"),
    ("connect", "false"),
    ("contyp", "always"),
    ("delay", "5"),
    ("deny_callback", ""),
    ("display", ""),
    ("distribution", ""),
    ("ecc", ""),
    ("ecf", ""),
    ("escagents", ""),
    ("esctime", ""),
    ("flag", ""),
    ("from_header", "name"),
    ("gap_time", "5"),
    ("im", ""),
    ("ipos", "false"),
    ("jump", ""),
    ("key0", ""),
    ("key1", ""),
    ("key2", ""),
    ("key3", ""),
    ("key4", ""),
    ("key5", ""),
    ("key6", ""),
    ("key7", ""),
    ("key8", ""),
    ("key9", ""),
    ("keyf", ""),
    ("last_state", ""),
    ("lastwait", ""),
    ("logout", "false"),
    ("manager", ""),
    ("max_call_action", ""),
    ("max_call_dest", ""),
    ("maxcall", ""),
    ("melody", ""),
    ("minstaff", "0"),
    ("moh", ""),
    ("multicall", "false"),
    ("muting", "20"),
    ("ncf", "true"),
    ("night", ""),
    ("offer_callback", "0"),
    ("policy", ""),
    ("posthres", "0"),
    ("primary_logged_out", ""),
    ("prio", ""),
    ("readpos", "false"),
    ("readrec", "never"),
    ("readwait", "0"),
    ("rec", "false"),
    ("recover_time", "1"),
    ("redirect", ""),
    ("ringback", "true"),
    ("soap_welcome", ""),
    ("speed_limit", "1"),
    ("timeout", ""),
    ("usage", ""),
)

# Type-specific fields of the other types. Only the hunt group and call queue sets are
# vendor-sourced; these are plausible stand-ins so that user_settings answers for every type.
OTHER_TYPE_FIELDS = {
    "extensions": (
        ("display", ""), ("email", ""), ("first_name", ""), ("last_name", ""), ("cell", ""),
        ("lang", ""), ("mb_enable", "true"), ("melody", ""), ("melodyh", ""), ("moh", ""),
    ),
    "attendants": (("display", ""), ("email", ""), ("from_header", "id"), ("melody", ""), ("moh", "")),
    "conferences": (("display", ""), ("email", ""), ("moh", ""), ("rec", "false")),
    "acds": ACD_FIELDS,
}
MINIMAL_FIELDS = (("display", ""), ("email", ""))

# Stage fields whose members count as agents in the hunts list; st4_ext is the final
# destination (often an external number) and is deliberately left out.
AGENT_STAGE_FIELDS = ("st1_ext", "st2_ext", "st3_ext")

# The call queue field whose members count as agents in the acds list; escagents (who join
# only after esctime) and the derived all_agents and jump do not count.
ACD_AGENT_FIELDS = ("agents",)

# An account id may not be empty, contain whitespace (domain_action separates ids with
# spaces), '/' (addacc joins several ids with it) or '@' (it separates user and domain).
ACCOUNT_ID_PATTERN = re.compile(r"^[^\s/@\x00-\x1f\x7f]{1,64}$")


class SettingsError(ValueError):
    """A user_settings body that cannot be stored; nothing is written."""


def type_fields(account_type, profile=DEFAULT_PROFILE):
    """Return the (name, default) pairs that precede the common block for a type."""
    if account_type == "hunts":
        extra = V70_HUNT_FIELDS if behaviour(profile).extended_fields else ()
        return HUNT_FIELDS + extra
    return OTHER_TYPE_FIELDS.get(account_type, MINIMAL_FIELDS)


def common_fields(profile=DEFAULT_PROFILE):
    """Return the names of the common block, alphabetical as in the vendor example."""
    if behaviour(profile).extended_fields:
        return tuple(sorted(COMMON_FIELDS + V70_COMMON_FIELDS))
    return COMMON_FIELDS


def default_settings(account_type, account_id, profile=DEFAULT_PROFILE):
    """Return the settings a freshly created account of this type answers with."""
    settings = dict(type_fields(account_type, profile))
    for name in common_fields(profile):
        settings[name] = copy.deepcopy(V70_STRUCTURED_DEFAULTS.get(name, ""))
    if behaviour(profile).stage_lists:
        for name in STAGE_FIELDS:
            if name in settings:
                settings[name] = stage_tokens(settings[name])
    settings["alias"] = [account_id]
    return settings


def known_fields(account_type, profile=DEFAULT_PROFILE):
    """The field names an account of this type has on a profile (what v70 keeps on update)."""
    return set(default_settings(account_type, "", profile))


def is_valid_account_id(account_id):
    """Tell whether a string can name an account."""
    return bool(ACCOUNT_ID_PATTERN.match(account_id))


def scalar_value(name, value):
    """Store a JSON scalar as the PBX shows it: always a string; SettingsError for anything else."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return json.dumps(value)
    raise SettingsError("value of %s must be a string, number or boolean" % name)


def stage_members(name, value):
    """The v70 form of a stage field: a list of member tokens, from a string or a list of scalars."""
    items = value if isinstance(value, list) else [value]
    return stage_tokens([scalar_value(name, item) for item in items])


def setting_value(name, value, profile=DEFAULT_PROFILE):
    """Convert one JSON value into its stored form or raise SettingsError.

    The PBX shows every scalar as a string, so numbers and booleans are stored the way
    the PBX would show them. alias is a list of strings on every profile (S1; GET users
    lists it). v70 also keeps lists and objects in any other field (S2, S16).
    """
    rules = behaviour(profile)
    if name == "alias":
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise SettingsError("alias must be a list of strings")
        return list(value)
    if rules.stage_lists and name in STAGE_FIELDS:
        return stage_members(name, value)
    if rules.structured_values and isinstance(value, (list, dict)):
        return copy.deepcopy(value)
    stored = scalar_value(name, value)
    if rules.false_flags_unset and name in UNSET_WHEN_FALSE and stored == "false":
        return ""
    return stored


def convert_settings(update, profile=DEFAULT_PROFILE):
    """Convert a whole update up front so that a bad value leaves the account untouched."""
    return dict((name, setting_value(name, value, profile)) for name, value in update.items())


def copy_settings(settings):
    """A copy of stored settings that shares no list or object with them."""
    return dict((name, copy.deepcopy(value) if isinstance(value, (list, dict)) else value) for name, value in settings.items())


def text_field(settings, name):
    """A setting as a plain string for the listings, whose shapes do not change; "" for a list or object."""
    value = settings.get(name, "")
    return value if isinstance(value, str) else ""


def numeric_members(settings, fields):
    """The all-digit members of FIELDS as integers, each once, in field and member order.

    Members are whitespace-separated (or list items, where a v70 PBX stored a list).
    """
    agents = []
    for field in fields:
        for token in stage_tokens(settings.get(field, "")):
            if token.isascii() and token.isdigit() and int(token) not in agents:
                agents.append(int(token))
    return agents


def hunt_agents(settings):
    """Derive the integer agent list of the hunts listing from the stage fields, in ring order."""
    return numeric_members(settings, AGENT_STAGE_FIELDS)


def acd_agents(settings):
    """Derive the integer agent list of the acds listing from the agents setting, by the hunts rule."""
    return numeric_members(settings, ACD_AGENT_FIELDS)


def hunt_summary(account_id, settings):
    """Return one entry of GET /rest/domain/{d}/hunts."""
    return {"name": account_id, "display": text_field(settings, "display"), "agents": hunt_agents(settings), "calls": 0}


def acd_summary(account_id, settings):
    """Return one entry of GET /rest/domain/{d}/acds: the hunts shape (agent groups page)."""
    return {"name": account_id, "display": text_field(settings, "display"), "agents": acd_agents(settings), "calls": 0}


def flag_summary(account_id, settings):
    """Return one entry of GET /rest/domain/{d}/srvflags (shape our choice: name and display)."""
    return {"name": account_id, "display": text_field(settings, "display")}


def user_summary(account_id, account):
    """Return one entry of GET /rest/domain/{d}/users; booleans are real booleans there."""
    settings = account["settings"]
    ani = text_field(settings, "ani")
    return {
        "id": account["id"],
        "name": account_id,
        "alias": list(settings.get("alias", [account_id])),
        "ani": [ani] if ani else [],
        "displayname": text_field(settings, "display"),
        "disabled": settings.get("disabled", "") == "true",
        "license": True,
        "visible": settings.get("visible", "") != "false",
        "usertype": account["type"],
    }
