# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The built-in seed, seed file loading and the conversion of a seed into PBX data.

A seed is written by people (YAML or JSON); PBX data is the normalised form the
simulator works on. See docs/simulator.md for the seed format.
"""

import copy
import json
import math

from pbxsim.accounts import ACCOUNT_TYPES, SettingsError, convert_settings, default_settings, is_valid_account_id
from pbxsim.profiles import DEFAULT_PROFILE, behaviour

# What a PBX started with the default profile reports; each profile has its own (pbxsim.profiles),
# and a seed's "version" overrides it.
DEFAULT_VERSION = behaviour(DEFAULT_PROFILE).version

# Credentials of the built-in seed, as (user, password) pairs for requests' auth=.
SYSTEM_ADMIN = ("admin", "Sim-Admin-Pass-2026")
NO_API_ADMIN = ("noapi", "Sim-NoApi-Pass-2026")
TENANT_ADMIN = ("admin@localhost", "Sim-Tenant-Pass-2026")
BRANCH_ADMIN = ("admin@branch.example.com", "Sim-Branch-Pass-2026")
FIRST_BENCH_HUNT_GROUP = 2000
# Call queues added by --call-queues N: 5000 "Support queue" with agents 444 and 445, then 5001 ...
FIRST_CALL_QUEUE = 5000
CALL_QUEUE_AGENTS = "444 445"
# Generated tenants (--tenants N) are named tenant-0001.example.com and up; each has this tenant admin password.
GENERATED_TENANT = "tenant-%04d.example.com"
GENERATED_TENANT_ADMIN_PASSWORD = "Sim-Generated-Pass-2026"


def _extension(number, first_name):
    return {"type": "extensions", "settings": {
        "display": "%s %s" % (first_name, number), "first_name": first_name, "last_name": str(number),
    }}


# Hunt group 1002 reproduces the vendor example (S1) field for field.
VENDOR_HUNT_1002 = {
    "conn_sym": "", "connect": "true", "display": "Hunt", "email": "", "flag": "", "from_header": "id",
    "hunt_anonymous_dest": "", "melody": "ringer6", "moh": "", "ncf": "false", "night": "", "rec": "false",
    "st1_dur": "5", "st1_ext": "444", "st1_miss": "true", "st2_dur": "", "st2_ext": "445", "st2_miss": "true",
    "st3_dur": "", "st3_ext": "", "st3_miss": "false", "st4_ext": "8572665588", "acdani": "",
    "ani": "123-456-7899", "cdr_time": "", "credit": "", "dial_plan": "", "dialog_state": "",
    "dialog_subscribe": "", "dialog_version": "", "disabled": "", "email_cdr": "", "epid": "", "location": "",
    "max_call_duration": "", "max_cdrs": "", "need_license": "", "param1": "", "param2": "", "param3": "",
    "rb": "", "rf": "", "view_settings": "", "visible": "", "alias": ["1002"],
}

# The option lists a client validates dial_plan, moh and melody against (notes section 5 names
# the endpoints; their answer shape is our choice: a list of {"id", "name"}). Every tenant gets
# these unless the seed sets its own (section 3 of docs/simulator.md). The ids are the values
# the vendor examples use: dial plan "1" (S1 update, S4 trunk), music on hold "6" (S5) and "9"
# (S1 update), melodies "ringer6" (S1), "internal" (S1 update) and "custom1" (agent groups page).
BUILTIN_OPTIONS = {
    "dialplans": [
        {"id": "1", "name": "Default"},
        {"id": "2", "name": "International"},
    ],
    "moh": [
        {"id": "1", "name": "Default music"},
        {"id": "6", "name": "Classical"},
        {"id": "9", "name": "Jazz"},
    ],
    "ringtones": (
        [{"id": "internal", "name": "Internal"}, {"id": "external", "name": "External"}]
        + [{"id": "ringer%d" % number, "name": "Ringer %d" % number} for number in range(1, 11)]
        + [{"id": "custom1", "name": "Custom 1"}]
    ),
}
OPTION_KINDS = tuple(BUILTIN_OPTIONS)

# No "version": the built-in seed reports the profile's version.
DEFAULT_SEED = {
    "system_admins": {
        SYSTEM_ADMIN[0]: {"password": SYSTEM_ADMIN[1], "api_access": True},
        NO_API_ADMIN[0]: {"password": NO_API_ADMIN[1], "api_access": False},
    },
    "domains": {
        "localhost": {
            "display": "Localhost",
            "country": "1",
            "area": "",
            "admins": {"admin": {"password": TENANT_ADMIN[1], "api_access": True}},
            "accounts": {
                # 443 exists so that the vendor's delete_selected example ("443 hunt_2") deletes something.
                "443": _extension(443, "Olivia"),
                "444": _extension(444, "Alice"),
                "445": _extension(445, "Bob"),
                "446": _extension(446, "Carol"),
                "447": _extension(447, "Dave"),
                "448": _extension(448, "Erin"),
                "1002": {"type": "hunts", "settings": VENDOR_HUNT_1002},
                "1003": {"type": "hunts", "settings": {"display": "Hunt_2"}},
                "1004": {"type": "hunts", "settings": {"display": "Hunt_3"}},
                "500": {"type": "attendants", "settings": {"display": "Main Menu"}},
                "600": {"type": "conferences", "settings": {"display": "Conference Room"}},
                "700": {"type": "acds", "settings": {"display": "Support Queue", "agents": "446 447"}},
                "800": {"type": "srvflags", "settings": {"display": "Night Service"}},
            },
        },
        "branch.example.com": {
            "display": "Branch Office",
            "country": "1",
            "area": "617",
            "admins": {"admin": {"password": BRANCH_ADMIN[1], "api_access": True}},
            "accounts": {
                "201": _extension(201, "Frank"),
                "202": _extension(202, "Grace"),
                "2100": {"type": "hunts", "settings": {"display": "Branch Hunt", "st1_ext": "201 202", "st1_dur": "10"}},
            },
        },
        # Two customer tenants of a service provider's PBX: one with a second DNS name, one without any hunt group.
        "acme.example.com": {
            "display": "ACME Corp",
            "alias": ["acme.example.com", "pbx.acme.example"],
            "country": "1",
            "area": "212",
            "accounts": {
                "301": _extension(301, "Heidi"),
                "302": _extension(302, "Ivan"),
                "303": _extension(303, "Judy"),
                "3100": {"type": "hunts", "settings": {"display": "ACME Front Desk", "st1_ext": "301 302", "st1_dur": "15"}},
            },
        },
        "globex.example.com": {
            "display": "Globex",
            "country": "44",
            "area": "20",
            "accounts": {
                "401": _extension(401, "Mallory"),
                "402": _extension(402, "Niaj"),
            },
        },
    },
}


class SeedError(ValueError):
    """The seed does not describe a valid PBX."""


def write_seed_with_password(path, username, password):
    """A seed file like the default seed, where system administrator ``username`` has ``password``; returns the path.

    Tests of secrets use a password distinctive enough to be searched for in every output.
    """
    data = copy.deepcopy(DEFAULT_SEED)
    data["system_admins"][username]["password"] = password
    with open(str(path), "w", encoding="utf-8") as handle:
        json.dump(data, handle)
    return str(path)


def load_seed_file(path):
    """Read a YAML or JSON seed file; JSON needs nothing beyond the standard library."""
    with open(path, encoding="utf-8") as handle:
        text = handle.read()
    wants_yaml = path.endswith((".yml", ".yaml"))
    json_error = None
    if not wants_yaml:
        try:
            return json.loads(text)
        except ValueError as exc:
            json_error = exc
    try:
        import yaml
    except ImportError:
        if wants_yaml:
            raise SeedError("%s: YAML seeds need PyYAML; install it or write the seed as JSON" % path) from None
        raise SeedError("%s: not valid JSON (%s) and PyYAML is not installed" % (path, json_error)) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SeedError("%s: not valid YAML: %s" % (path, exc)) from None


def _require_mapping(value, where):
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise SeedError("%s must be a mapping" % where)
    return value


def _text(value, where, default=""):
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise SeedError("%s must be a string" % where)
    return str(value)


def _admins(raw, where):
    admins = {}
    for name, entry in _require_mapping(raw, where).items():
        entry = _require_mapping(entry, "%s.%s" % (where, name))
        password = entry.get("password")
        if not isinstance(password, str) or not password:
            raise SeedError("%s.%s.password must be a non-empty string" % (where, name))
        api_access = entry.get("api_access", True)
        if not isinstance(api_access, bool):
            raise SeedError("%s.%s.api_access must be true or false" % (where, name))
        admins[str(name)] = {"password": password, "api_access": api_access}
    return admins


def _max_hunts(raw, where):
    """The tenant's hunt group limit: None (no limit) or a non-negative integer."""
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise SeedError("%s must be a non-negative integer" % where)
    return raw


def _option_entry(raw, where):
    """One option: a string or number is its own id and name; a mapping needs an id and may have more keys."""
    if isinstance(raw, (str, int)) and not isinstance(raw, bool):
        raw = {"id": raw}
    if not isinstance(raw, dict):
        raise SeedError("%s must be a string or a mapping with an id" % where)
    option_id = raw.get("id")
    if isinstance(option_id, bool) or not isinstance(option_id, (str, int)) or str(option_id) == "":
        raise SeedError("%s.id must be a non-empty string" % where)
    entry = {"id": str(option_id), "name": _text(raw.get("name"), where + ".name", str(option_id))}
    for key, value in raw.items():
        finite = not isinstance(value, float) or math.isfinite(value)
        if not isinstance(value, (str, int, float, bool)) or not finite:
            raise SeedError("%s.%s must be a string, number or boolean" % (where, key))
        entry.setdefault(str(key), value)
    return entry


def _options(raw, where, inherited):
    """The option lists of a PBX or tenant: each kind the seed names replaces the inherited one."""
    options = copy.deepcopy(inherited)
    for kind, entries in _require_mapping(raw, where).items():
        if kind not in OPTION_KINDS:
            raise SeedError("%s: unknown option list %r (known: %s)" % (where, kind, ", ".join(OPTION_KINDS)))
        if not isinstance(entries, list):
            raise SeedError("%s.%s must be a list" % (where, kind))
        listed = []
        for index, entry in enumerate(entries):
            entry = _option_entry(entry, "%s.%s[%d]" % (where, kind, index))
            if any(other["id"] == entry["id"] for other in listed):
                raise SeedError("%s.%s: id %r appears twice" % (where, kind, entry["id"]))
            listed.append(entry)
        options[kind] = listed
    return options


def _account(account_id, raw, where, internal_id, profile):
    raw = _require_mapping(raw, where)
    account_type = raw.get("type")
    if account_type not in ACCOUNT_TYPES:
        raise SeedError("%s.type must be one of %s" % (where, ", ".join(ACCOUNT_TYPES)))
    if not is_valid_account_id(account_id):
        raise SeedError("%s: %r is not a valid account id" % (where, account_id))
    settings = default_settings(account_type, account_id, profile)
    try:
        settings.update(convert_settings(_require_mapping(raw.get("settings"), where + ".settings"), profile))
    except SettingsError as exc:
        raise SeedError("%s.settings: %s" % (where, exc)) from None
    return {"id": str(internal_id), "type": account_type, "settings": settings}


def _domain(name, raw, domain_id, data, profile, options):
    where = "domains.%s" % name
    raw = _require_mapping(raw, where)
    alias = raw.get("alias", [name])
    if not isinstance(alias, list) or not all(isinstance(item, str) for item in alias):
        raise SeedError("%s.alias must be a list of strings" % where)
    domain = {
        "id": str(domain_id),
        "name": name,
        "display": _text(raw.get("display"), where + ".display", name),
        "alias": list(alias),
        "country": _text(raw.get("country"), where + ".country", "1"),
        "area": _text(raw.get("area"), where + ".area"),
        "admins": _admins(raw.get("admins"), where + ".admins"),
        "max_hunts": _max_hunts(raw.get("max_hunts"), where + ".max_hunts"),
        "options": _options(raw.get("options"), where + ".options", options),
        "accounts": {},
    }
    for account_id, account in _require_mapping(raw.get("accounts"), where + ".accounts").items():
        account_id = str(account_id)
        domain["accounts"][account_id] = _account(
            account_id, account, "%s.accounts.%s" % (where, account_id), data["next_account_id"], profile)
        data["next_account_id"] += 1
    return domain


def add_bench_hunt_groups(domain, count, data, profile=DEFAULT_PROFILE):
    """Add COUNT extra hunt groups numbered from 2000 upwards, skipping taken numbers (max_hunts does not apply)."""
    number = FIRST_BENCH_HUNT_GROUP
    for _index in range(count):
        while str(number) in domain["accounts"]:
            number += 1
        account_id = str(number)
        settings = default_settings("hunts", account_id, profile)
        settings.update(convert_settings(
            {"display": "Bench %s" % account_id, "st1_ext": "444", "st2_ext": "445", "st1_dur": "10"}, profile))
        domain["accounts"][account_id] = {"id": str(data["next_account_id"]), "type": "hunts", "settings": settings}
        data["next_account_id"] += 1


def add_call_queues(domain, count, data, profile=DEFAULT_PROFILE):
    """Add COUNT call queues numbered from 5000 upwards, skipping taken numbers, each with agents 444 and 445."""
    number = FIRST_CALL_QUEUE
    for index in range(count):
        while str(number) in domain["accounts"]:
            number += 1
        account_id = str(number)
        settings = default_settings("acds", account_id, profile)
        display = "Support queue" if index == 0 else "Support queue %d" % (index + 1)
        settings.update(convert_settings({"display": display, "agents": CALL_QUEUE_AGENTS}, profile))
        domain["accounts"][account_id] = {"id": str(data["next_account_id"]), "type": "acds", "settings": settings}
        data["next_account_id"] += 1


def generated_tenant(number):
    """Seed entry of generated tenant NUMBER (from 1): a few extensions and a tenant administrator, no hunt group."""
    return {
        "display": "Tenant %04d" % number,
        "country": "1",
        "area": "",
        "admins": {"admin": {"password": GENERATED_TENANT_ADMIN_PASSWORD, "api_access": True}},
        "accounts": dict((str(extension), _extension(extension, "Agent")) for extension in (444, 445, 446)),
    }


def build_data(seed=None, hunt_groups=0, tenants=0, profile=DEFAULT_PROFILE, call_queues=0):
    """Turn a seed (None for the built-in one) into PBX data for a profile, validating as we go.

    tenants adds that many generated tenants after the seed's (names that the seed already has are skipped);
    hunt_groups and call_queues add that many hunt groups (2000..) and call queues (5000..) to localhost.
    Every account gets the profile's field set and value rules; the seed's settings are laid over them.
    Every tenant gets the option lists: the built-in ones, replaced kind by kind by the seed's top-level
    "options" and then by the tenant's own.
    """
    seed = _require_mapping(copy.deepcopy(DEFAULT_SEED if seed is None else seed), "seed")
    data = {
        "version": _text(seed.get("version"), "version", behaviour(profile).version),
        "system_admins": _admins(seed.get("system_admins"), "system_admins"),
        "domains": {},
        "next_account_id": 1,
    }
    options = _options(seed.get("options"), "options", BUILTIN_OPTIONS)
    for index, (name, raw) in enumerate(_require_mapping(seed.get("domains"), "domains").items()):
        name = str(name).lower()
        data["domains"][name] = _domain(name, raw, index + 1, data, profile, options)
    number = 0
    for _index in range(tenants):
        number += 1
        while GENERATED_TENANT % number in data["domains"]:
            number += 1
        name = GENERATED_TENANT % number
        data["domains"][name] = _domain(name, generated_tenant(number), len(data["domains"]) + 1, data, profile, options)
    if hunt_groups:
        if "localhost" not in data["domains"]:
            raise SeedError("--hunt-groups needs a domain named localhost in the seed")
        add_bench_hunt_groups(data["domains"]["localhost"], hunt_groups, data, profile)
    if call_queues:
        if "localhost" not in data["domains"]:
            raise SeedError("--call-queues needs a domain named localhost in the seed")
        add_call_queues(data["domains"]["localhost"], call_queues, data, profile)
    return data
