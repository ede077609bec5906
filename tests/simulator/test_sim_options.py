# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lists a client validates settings against: dial plans, music on hold, ring melodies, service flags."""

import json
import os
import subprocess
import sys

import pytest
import requests

from pbxsim.process import TESTS_DIR, launch
from pbxsim.profiles import PROFILES
from pbxsim.seed import BRANCH_ADMIN, BUILTIN_OPTIONS, SYSTEM_ADMIN, SeedError, build_data
from pbxsim.server import start_simulator

from conftest import RestClient

DOMAIN = "/rest/domain/localhost"
OPTION_PATHS = {"dialplans": "/dialplans", "moh": "/moh", "ringtones": "/ringtones/en"}


def listed(client, path):
    answer = client.get(path)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/json"
    return answer.json()


def ids(entries):
    return [entry["id"] for entry in entries]


# --- the built-in lists -------------------------------------------------------------------------

@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("kind", sorted(OPTION_PATHS))
def test_option_lists_are_lists_of_ids_and_names_on_every_profile(pbx, profile, kind):
    _sim, admin = pbx(profile)
    entries = listed(admin, DOMAIN + OPTION_PATHS[kind])
    assert entries == BUILTIN_OPTIONS[kind]
    assert entries and all(set(entry) == {"id", "name"} for entry in entries)
    assert all(isinstance(entry["id"], str) and entry["id"] and isinstance(entry["name"], str) for entry in entries)
    assert len(set(ids(entries))) == len(entries)


def test_the_values_of_the_vendor_examples_are_listed(admin):
    assert "1" in ids(listed(admin, DOMAIN + "/dialplans"))
    assert {"6", "9"} <= set(ids(listed(admin, DOMAIN + "/moh")))
    melodies = set(ids(listed(admin, DOMAIN + "/ringtones/en")))
    assert {"ringer6", "internal", "custom1"} <= melodies
    assert {"ringer%d" % number for number in range(1, 11)} <= melodies
    assert admin.get(DOMAIN + "/user_settings/1002").json()["melody"] in melodies


def test_every_tenant_has_the_lists_and_every_language_the_same_ringtones(admin):
    for domain in ("branch.example.com", "acme.example.com", "globex.example.com"):
        for kind, path in OPTION_PATHS.items():
            assert listed(admin, "/rest/domain/%s%s" % (domain, path)) == BUILTIN_OPTIONS[kind]
    assert listed(admin, DOMAIN + "/ringtones/de") == listed(admin, DOMAIN + "/ringtones/en")
    assert admin.get(DOMAIN + "/ringtones").status_code == 404


@pytest.mark.parametrize("path", ["/dialplans", "/moh", "/ringtones/en", "/srvflags"])
def test_option_routes_are_get_only_and_take_a_trailing_slash(admin, path):
    assert admin.get(DOMAIN + path + "/").json() == admin.get(DOMAIN + path).json()
    for method in ("POST", "PUT", "DELETE"):
        answer = admin.call(method, DOMAIN + path, json={})
        assert answer.status_code == 405
        assert answer.headers["Allow"] == "GET"


@pytest.mark.parametrize("path", ["/dialplans", "/moh", "/ringtones/en", "/srvflags"])
def test_option_routes_follow_administrator_scope(sim, admin, path):
    branch = RestClient(sim.url, BRANCH_ADMIN)
    try:
        assert branch.get("/rest/domain/branch.example.com" + path).status_code == 200
        assert branch.get(DOMAIN + path).status_code == 403
    finally:
        branch.close()
    assert admin.get("/rest/domain/nowhere.example.com" + path).status_code == 404


def test_option_lists_are_copies(admin):
    first = listed(admin, DOMAIN + "/moh")
    first.append({"id": "x"})
    assert listed(admin, DOMAIN + "/moh") == BUILTIN_OPTIONS["moh"]


# --- service flags ------------------------------------------------------------------------------

@pytest.mark.parametrize("profile", PROFILES)
def test_srvflags_lists_the_service_flags(pbx, profile):
    sim, admin = pbx(profile)
    assert listed(admin, DOMAIN + "/srvflags") == [{"name": "800", "display": "Night Service"}]
    # v69 creates no service flag (S17) unless the switch is off; test_sim_profiles shows the quirk itself.
    sim.control("POST", "/_sim/config", {"addacc_ignored_types": []})
    admin.post(DOMAIN + "/addacc", {"type": "srvflags", "account": "801"})
    admin.post(DOMAIN + "/user_settings/801", {"display": "Lunch"})
    assert listed(admin, DOMAIN + "/srvflags") == [
        {"name": "800", "display": "Night Service"}, {"name": "801", "display": "Lunch"},
    ]
    assert listed(admin, "/rest/domain/acme.example.com/srvflags") == []


# --- seeds --------------------------------------------------------------------------------------

SEED_WITH_OPTIONS = {
    "system_admins": {SYSTEM_ADMIN[0]: {"password": SYSTEM_ADMIN[1]}},
    "options": {"dialplans": [{"id": 1, "name": "PBX wide"}, {"global": True, "name": "Emergency", "id": "7"}]},
    "domains": {
        "localhost": {"options": {"moh": ["5", {"id": "6", "name": "Our music"}], "ringtones": []}},
        "other.example.com": {},
    },
}


def test_a_seed_sets_pbx_wide_and_tenant_lists():
    with start_simulator(seed=SEED_WITH_OPTIONS) as sim:
        def get(path):
            return requests.get(sim.url + path, auth=SYSTEM_ADMIN, timeout=5).json()

        wide = [{"id": "1", "name": "PBX wide"}, {"id": "7", "name": "Emergency", "global": True}]
        assert get(DOMAIN + "/dialplans") == wide
        assert list(get(DOMAIN + "/dialplans")[1]) == ["id", "name", "global"]
        assert get(DOMAIN + "/moh") == [{"id": "5", "name": "5"}, {"id": "6", "name": "Our music"}]
        assert get(DOMAIN + "/ringtones/en") == []
        assert get("/rest/domain/other.example.com/dialplans") == wide
        assert get("/rest/domain/other.example.com/moh") == BUILTIN_OPTIONS["moh"]
        assert get("/rest/domain/other.example.com/ringtones/en") == BUILTIN_OPTIONS["ringtones"]


def test_generated_tenants_get_the_pbx_wide_lists():
    seed = dict(SEED_WITH_OPTIONS, domains={})
    data = build_data(seed, tenants=1)
    assert data["domains"]["tenant-0001.example.com"]["options"]["dialplans"][0] == {"id": "1", "name": "PBX wide"}


def test_a_yaml_seed_file_sets_the_lists_and_reset_keeps_them(tmp_path):
    seed_file = tmp_path / "seed.yml"
    seed_file.write_text(
        "system_admins: {admin: {password: Sim-Admin-Pass-2026}}\n"
        "domains:\n"
        "  localhost:\n"
        "    options:\n"
        "      ringtones: [ringer6, {id: custom7, name: Jingle}]\n",
        encoding="utf-8",
    )
    sim = launch(["--seed", str(seed_file)])
    try:
        client = RestClient(sim.url, SYSTEM_ADMIN)
        expected = [{"id": "ringer6", "name": "ringer6"}, {"id": "custom7", "name": "Jingle"}]
        assert listed(client, DOMAIN + "/ringtones/en") == expected
        assert sim.control("POST", "/_sim/reset")[0] == 200
        assert listed(client, DOMAIN + "/ringtones/en") == expected
        assert sim.control("GET", "/_sim/state")[1]["domains"]["localhost"]["options"]["ringtones"] == expected
        client.close()
    finally:
        assert sim.stop() == 0


@pytest.mark.parametrize("options, message", [
    ({"colours": []}, "unknown option list"),
    ({"moh": "6"}, "must be a list"),
    ({"moh": [None]}, "must be a string or a mapping"),
    ({"moh": [{"name": "no id"}]}, ".id must be"),
    ({"moh": [{"id": ""}]}, ".id must be"),
    ({"moh": [{"id": True}]}, ".id must be"),
    ({"moh": ["6", {"id": 6}]}, "appears twice"),
    ({"moh": [{"id": "6", "name": ["x"]}]}, ".name must be a string"),
    ({"moh": [{"id": "6", "extra": {"a": 1}}]}, ".extra must be"),
    ({"moh": [{"id": "6", "extra": float("nan")}]}, ".extra must be"),
    ([], "must be a mapping"),
])
@pytest.mark.parametrize("level", ["pbx", "tenant"])
def test_bad_option_lists_are_refused(options, message, level):
    seed = {"domains": {"localhost": {}}}
    if level == "pbx":
        seed["options"] = options
    else:
        seed["domains"]["localhost"]["options"] = options
    with pytest.raises(SeedError, match=message):
        build_data(seed)


def test_a_bad_option_list_in_a_seed_file_exits_with_2(tmp_path):
    seed_file = tmp_path / "seed.json"
    seed_file.write_text(json.dumps({"domains": {"localhost": {"options": {"moh": [{"id": ""}]}}}}), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pbxsim", "--seed", str(seed_file)], env=dict(os.environ, PYTHONPATH=TESTS_DIR),
                            capture_output=True, text=True, timeout=10, check=False)
    assert result.returncode == 2
    assert "domains.localhost.options.moh[0].id" in result.stderr
    assert result.stdout == ""
