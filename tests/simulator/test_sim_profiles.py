# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Version profiles (--profile v58|v69|v70): each difference, per profile, over real HTTP."""

import json
import os
import subprocess
import sys

import pytest
import requests

from pbxsim.process import TESTS_DIR, launch
from pbxsim.profiles import PROFILES, V70_COMMON_FIELDS
from pbxsim.seed import SYSTEM_ADMIN, VENDOR_HUNT_1002
from pbxsim.server import start_simulator

DOMAIN = "/rest/domain/localhost"
V58_HUNT_KEYS = list(VENDOR_HUNT_1002)
VERSIONS = {"v58": "58.0.0", "v69": "69.5.0", "v70": "70.3.1"}
OLDER = ("v58", "v69")


def settings_of(client, account):
    answer = client.get(DOMAIN + "/user_settings/" + account)
    assert answer.status_code == 200
    return answer.json()


def hunt_names(client):
    return [entry["name"] for entry in client.get(DOMAIN + "/hunts").json()]


def assert_text(answer, text):
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/plain"
    assert answer.text == text
    assert int(answer.headers["Content-Length"]) == len(answer.content)


def assert_json(answer, status, body=None):
    assert answer.status_code == status
    assert answer.headers["Content-Type"] == "application/json"
    if body is not None:
        assert answer.json() == body


# --- identity: version, state, config, reset -----------------------------------------------

@pytest.mark.parametrize("profile", PROFILES)
def test_each_profile_reports_its_version_and_name(pbx, profile):
    sim, admin = pbx(profile)
    assert admin.get("/rest/system/status").json()["version"] == VERSIONS[profile]
    assert sim.control("GET", "/_sim/state")[1]["profile"] == profile
    config = sim.control("GET", "/_sim/config")[1]
    assert (config["profile"], config["version"]) == (profile, VERSIONS[profile])


@pytest.mark.parametrize("profile", PROFILES)
def test_reset_keeps_the_profile(pbx, profile):
    sim, admin = pbx(profile)
    sim.control("POST", "/_sim/config", {"version": "1.2.3"})
    assert sim.control("POST", "/_sim/reset")[0] == 200
    assert sim.control("GET", "/_sim/config")[1]["profile"] == profile
    assert admin.get("/rest/system/status").json()["version"] == VERSIONS[profile]


def test_the_profile_cannot_be_changed_at_run_time(pbx):
    sim, _admin = pbx("v58")
    assert sim.control("POST", "/_sim/config", {"profile": "v70"})[0] == 400
    assert sim.control("GET", "/_sim/config")[1]["profile"] == "v58"


def test_a_seed_version_wins_over_the_profile_version():
    seed = {"version": "66.0.2", "system_admins": {"admin": {"password": SYSTEM_ADMIN[1]}}, "domains": {"localhost": {}}}
    with start_simulator(profile="v70", seed=seed) as sim:
        assert requests.get(sim.url + "/rest/system/status", auth=SYSTEM_ADMIN, timeout=5).json()["version"] == "66.0.2"
        assert sim.state.profile == "v70"


def test_default_profile_is_v58_in_process():
    with start_simulator() as sim:
        assert sim.state.profile == "v58"
        assert requests.get(sim.url + "/rest/system/status", auth=SYSTEM_ADMIN, timeout=5).json()["version"] == "58.0.0"


def test_an_unknown_profile_is_refused():
    result = subprocess.run([sys.executable, "-m", "pbxsim", "--profile", "v12"], env=dict(os.environ, PYTHONPATH=TESTS_DIR),
                            capture_output=True, text=True, timeout=10, check=False)
    assert result.returncode == 2
    assert result.stdout == ""
    with pytest.raises(ValueError):
        start_simulator(profile="v12")


# --- v58 is today's simulator --------------------------------------------------------------

def test_v58_answers_as_the_vendor_page(pbx):
    _sim, admin = pbx("v58")
    assert settings_of(admin, "1002") == VENDOR_HUNT_1002
    assert list(settings_of(admin, "1002")) == V58_HUNT_KEYS
    answer = admin.post(DOMAIN + "/user_settings/1003", {"display": "Sales", "algo": "random", "disabled": "false"})
    assert_json(answer, 200)
    assert (answer.json()["display"], answer.json()["algo"], answer.json()["disabled"]) == ("Sales", "random", "false")
    assert_json(admin.post(DOMAIN + "/addacc", {"type": "hunts", "account": "9100"}), 200, {})
    assert_json(admin.delete(DOMAIN + "/addacc/9100"), 200, {})
    assert_json(admin.post(DOMAIN + "/addacc", {"type": "robots", "account": "9101"}), 400)


def test_v58_on_duplicate_error_still_refuses(pbx):
    sim, admin = pbx("v58")
    sim.control("POST", "/_sim/config", {"on_duplicate": "error"})
    assert_json(admin.post(DOMAIN + "/addacc", {"type": "hunts", "account": "1002"}), 400)


# --- user_settings answers -------------------------------------------------------------------

@pytest.mark.parametrize("method", ["POST", "PUT"])
def test_v69_settings_writes_answer_an_empty_object_but_land(pbx, method):
    _sim, admin = pbx("v69")
    answer = admin.call(method, DOMAIN + "/user_settings/1003", json={"display": "Sales", "st1_ext": "444 445"})
    assert_json(answer, 200, {})
    assert settings_of(admin, "1003")["display"] == "Sales"
    assert {"name": "1003", "display": "Sales", "agents": [444, 445], "calls": 0} in admin.get(DOMAIN + "/hunts").json()


@pytest.mark.parametrize("profile", ["v58", "v70"])
def test_settings_writes_answer_the_whole_object(pbx, profile):
    _sim, admin = pbx(profile)
    answer = admin.post(DOMAIN + "/user_settings/1003", {"display": "Sales"})
    assert_json(answer, 200)
    assert answer.json() == settings_of(admin, "1003")
    assert answer.json()["display"] == "Sales"


@pytest.mark.parametrize("profile", OLDER)
@pytest.mark.parametrize("update", [{"st1_ext": ["444"]}, {"oauth_list": []}, {"display": {"a": 1}}])
def test_older_profiles_refuse_lists_and_objects(pbx, profile, update):
    _sim, admin = pbx(profile)
    before = settings_of(admin, "1003")
    assert_json(admin.post(DOMAIN + "/user_settings/1003", update), 400)
    assert settings_of(admin, "1003") == before


# --- addacc and DELETE addacc ----------------------------------------------------------------

@pytest.mark.parametrize("body", [
    {"type": "robots", "account": "9200"},
    {"type": "hunt", "account": "9200"},
    {"account": "9200"},
    {"type": ["hunts"], "account": "9200"},
])
def test_v69_addacc_with_a_wrong_type_answers_200_and_creates_nothing(pbx, body):
    _sim, admin = pbx("v69")
    users_before = admin.get(DOMAIN + "/users").json()
    assert_json(admin.post(DOMAIN + "/addacc", body), 200, {})
    assert admin.get(DOMAIN + "/user_settings/9200").status_code == 404
    assert admin.get(DOMAIN + "/users").json() == users_before


def test_v69_addacc_of_an_existing_account_answers_200_whatever_on_duplicate_says(pbx):
    sim, admin = pbx("v69")
    sim.control("POST", "/_sim/config", {"on_duplicate": "error"})
    before = settings_of(admin, "1002")
    assert_json(admin.post(DOMAIN + "/addacc", {"type": "extensions", "account_ext": "1002"}), 200, {})
    assert settings_of(admin, "1002") == before
    assert_json(admin.post(DOMAIN + "/addacc", {"type": "hunts", "account": "1002/9300"}), 200, {})
    assert "9300" in hunt_names(admin)


def test_v69_addacc_of_a_service_flag_answers_200_and_creates_nothing(pbx):
    sim, admin = pbx("v69")
    assert sim.control("GET", "/_sim/config")[1]["addacc_ignored_types"] == ["srvflags"]
    users_before = admin.get(DOMAIN + "/users").json()
    assert_json(admin.post(DOMAIN + "/addacc", {"type": "srvflags", "account": "801"}), 200, {})
    assert admin.get(DOMAIN + "/user_settings/801").status_code == 404
    assert admin.get(DOMAIN + "/users").json() == users_before
    # Other types of S17's list stay creatable (profiles.SILENT_ON_69 says why), and the seed's flag 800 works.
    assert_json(admin.post(DOMAIN + "/addacc", {"type": "attendants", "account": "501"}), 200, {})
    assert admin.get(DOMAIN + "/user_settings/501").status_code == 200
    assert admin.post(DOMAIN + "/user_settings/800", {"display": "Closed"}).status_code == 200
    assert admin.delete(DOMAIN + "/addacc/800").status_code == 200


@pytest.mark.parametrize("profile", PROFILES)
def test_the_ignored_addacc_types_are_a_switch_that_reset_restores(pbx, profile):
    sim, admin = pbx(profile)
    default = ["srvflags"] if profile == "v69" else []
    assert sim.control("POST", "/_sim/config", {"addacc_ignored_types": ["srvflags", "hunts"]})[1][
        "addacc_ignored_types"] == ["srvflags", "hunts"]
    assert admin.post(DOMAIN + "/addacc", {"type": "hunts", "account": "9300"}).status_code == 200
    assert "9300" not in hunt_names(admin)
    sim.control("POST", "/_sim/config", {"addacc_ignored_types": []})
    admin.post(DOMAIN + "/addacc", {"type": "srvflags", "account": "801"})
    assert admin.get(DOMAIN + "/user_settings/801").status_code == 200
    assert sim.control("POST", "/_sim/config", {"addacc_ignored_types": ["robots"]})[0] == 400
    assert sim.control("POST", "/_sim/config", {"addacc_ignored_types": "srvflags"})[0] == 400
    sim.control("POST", "/_sim/reset")
    assert sim.control("GET", "/_sim/config")[1]["addacc_ignored_types"] == default


@pytest.mark.parametrize("profile", ["v69", "v70"])
@pytest.mark.parametrize("body", [
    {"type": "hunts", "account": "92 00"}, {"type": "hunts", "account": "9200@x"}, {"type": "hunts"},
])
def test_invalid_account_ids_stay_400(pbx, profile, body):
    _sim, admin = pbx(profile)
    assert_json(admin.post(DOMAIN + "/addacc", body), 400)


def test_v70_addacc_answers_account_created_as_text(pbx):
    _sim, admin = pbx("v70")
    assert_text(admin.post(DOMAIN + "/addacc", {"type": "hunts", "account": "9400"}), "Account created")
    assert_text(admin.put(DOMAIN + "/addacc", {"type": "conferences", "account": "9401/9402"}), "Account created")
    assert {"9400", "9401", "9402"} <= {user["name"] for user in admin.get(DOMAIN + "/users").json()}
    assert_json(admin.post(DOMAIN + "/addacc", {"type": "robots", "account": "9403"}), 400)


def test_v70_addacc_of_an_existing_account_claims_creation_and_changes_nothing(pbx):
    sim, admin = pbx("v70")
    sim.control("POST", "/_sim/config", {"on_duplicate": "error"})
    before = settings_of(admin, "1002")
    assert_text(admin.post(DOMAIN + "/addacc", {"type": "attendants", "account": "1002"}), "Account created")
    assert settings_of(admin, "1002") == before


def test_v70_delete_answers_ok_as_text_and_404_stays_json(pbx):
    _sim, admin = pbx("v70")
    assert_text(admin.delete(DOMAIN + "/addacc/1003"), "ok")
    assert "1003" not in hunt_names(admin)
    assert_json(admin.delete(DOMAIN + "/addacc/1003"), 404)


@pytest.mark.parametrize("profile", OLDER)
def test_older_profiles_delete_with_an_empty_json_object(pbx, profile):
    _sim, admin = pbx(profile)
    assert_json(admin.delete(DOMAIN + "/addacc/1003"), 200, {})


# --- domain_action ---------------------------------------------------------------------------

def test_v70_has_no_delete_selected(pbx):
    _sim, admin = pbx("v70")
    answer = admin.post(DOMAIN + "/domain_action", {"type": "accounts", "action": "delete_selected", "selected": "1003 1004"})
    assert_json(answer, 400)
    assert "unsupported action" in answer.json()["error"]
    assert hunt_names(admin) == ["1002", "1003", "1004"]


@pytest.mark.parametrize("profile", OLDER)
def test_older_profiles_keep_delete_selected(pbx, profile):
    _sim, admin = pbx(profile)
    body = {"type": "accounts", "action": "delete_selected", "selected": "1003 1004"}
    assert_json(admin.post(DOMAIN + "/domain_action", body), 200, {})
    assert hunt_names(admin) == ["1002"]


# --- v70 field set and values ----------------------------------------------------------------

def assert_v70_hunt_fields(settings):
    assert set(V58_HUNT_KEYS) <= set(settings)
    assert set(V70_COMMON_FIELDS) <= set(settings)
    assert settings["algo"] == ""
    assert len([name for name in settings if name.startswith("acturl_")]) == 12
    assert (settings["oauth_list"], settings["google_calendar"]) == ([], {})
    assert list(settings)[-1] == "alias"


def test_v70_seeded_hunt_groups_have_the_full_field_set_under_their_seed_values(pbx):
    _sim, admin = pbx("v70")
    settings = settings_of(admin, "1002")
    assert_v70_hunt_fields(settings)
    assert (settings["display"], settings["melody"], settings["ani"]) == ("Hunt", "ringer6", "123-456-7899")
    assert (settings["st1_ext"], settings["st2_ext"], settings["st3_ext"], settings["st4_ext"]) == (["444"], ["445"], [], ["8572665588"])
    assert_v70_hunt_fields(settings_of(admin, "1003"))


def test_v70_created_hunt_groups_have_the_full_field_set(pbx):
    _sim, admin = pbx("v70")
    admin.post(DOMAIN + "/addacc", {"type": "hunts", "account": "9500"})
    assert_v70_hunt_fields(settings_of(admin, "9500"))


def test_v70_generated_hunt_groups_have_the_full_field_set():
    with start_simulator(profile="v70", hunt_groups=1) as sim:
        settings = requests.get(sim.url + DOMAIN + "/user_settings/2000", auth=SYSTEM_ADMIN, timeout=5).json()
        assert_v70_hunt_fields(settings)
        assert (settings["st1_ext"], settings["st2_ext"]) == (["444"], ["445"])
        hunts = requests.get(sim.url + DOMAIN + "/hunts", auth=SYSTEM_ADMIN, timeout=5).json()
        assert {"name": "2000", "display": "Bench 2000", "agents": [444, 445], "calls": 0} in hunts


def test_v70_other_types_have_the_common_fields_but_no_algo(pbx):
    _sim, admin = pbx("v70")
    settings = settings_of(admin, "444")
    assert set(V70_COMMON_FIELDS) <= set(settings)
    assert "algo" not in settings
    assert settings["first_name"] == "Alice"


@pytest.mark.parametrize("profile", OLDER)
def test_older_profiles_keep_the_v58_field_set(pbx, profile):
    _sim, admin = pbx(profile)
    assert list(settings_of(admin, "1003")) == V58_HUNT_KEYS


def test_v70_stores_lists_and_objects_as_given(pbx):
    _sim, admin = pbx("v70")
    update = {"oauth_list": [{"provider": "ms", "scopes": ["a", "b"]}], "google_calendar": {"id": "x", "busy": [1, 2]},
              "comment": ["free", "form"], "display": 7}
    answer = admin.post(DOMAIN + "/user_settings/1003", update)
    assert_json(answer, 200)
    expected = dict(update, display="7")
    assert dict((name, answer.json()[name]) for name in update) == expected
    stored = settings_of(admin, "1003")
    assert dict((name, stored[name]) for name in update) == expected
    assert_json(admin.post(DOMAIN + "/user_settings/1003", {"display": None}), 400)
    assert_json(admin.post(DOMAIN + "/user_settings/1003", {"alias": "1003"}), 400)


@pytest.mark.parametrize("written,stored,agents", [
    ("444 445", ["444", "445"], [444, 445]),
    (["446", "447  448"], ["446", "447", "448"], [446, 447, 448]),
    ([449, "444"], ["449", "444"], [449, 444]),
    ("", [], []),
    ([], [], []),
])
def test_v70_stage_members_read_back_as_lists(pbx, written, stored, agents):
    _sim, admin = pbx("v70")
    answer = admin.post(DOMAIN + "/user_settings/1003", {"st1_ext": written, "st4_ext": "8572665588"})
    assert answer.json()["st1_ext"] == stored
    assert settings_of(admin, "1003")["st1_ext"] == stored
    assert settings_of(admin, "1003")["st4_ext"] == ["8572665588"]
    assert {"name": "1003", "display": "Hunt_2", "agents": agents, "calls": 0} in admin.get(DOMAIN + "/hunts").json()


def test_v70_stage_members_refuse_objects(pbx):
    _sim, admin = pbx("v70")
    assert_json(admin.post(DOMAIN + "/user_settings/1003", {"st1_ext": {"444": True}}), 400)
    assert_json(admin.post(DOMAIN + "/user_settings/1003", {"st1_ext": [["444"]]}), 400)


@pytest.mark.parametrize("profile", OLDER)
def test_older_profiles_keep_stage_members_as_strings(pbx, profile):
    _sim, admin = pbx(profile)
    admin.post(DOMAIN + "/user_settings/1003", {"st1_ext": "444 445"})
    assert settings_of(admin, "1003")["st1_ext"] == "444 445"


@pytest.mark.parametrize("written,stored", [("false", ""), (False, ""), ("true", "true"), (True, "true"), ("", "")])
def test_v70_disabled_false_is_stored_unset(pbx, written, stored):
    _sim, admin = pbx("v70")
    admin.post(DOMAIN + "/user_settings/1003", {"disabled": "true"})
    assert admin.post(DOMAIN + "/user_settings/1003", {"disabled": written}).json()["disabled"] == stored
    assert settings_of(admin, "1003")["disabled"] == stored


@pytest.mark.parametrize("profile", OLDER)
def test_older_profiles_store_disabled_false(pbx, profile):
    _sim, admin = pbx(profile)
    admin.post(DOMAIN + "/user_settings/1003", {"disabled": False})
    assert settings_of(admin, "1003")["disabled"] == "false"


def test_v70_drops_unknown_fields_silently(pbx):
    _sim, admin = pbx("v70")
    answer = admin.post(DOMAIN + "/user_settings/1003", {"display": "Kept", "colour": "red", "st4_dur": "20"})
    assert_json(answer, 200)
    stored = settings_of(admin, "1003")
    assert answer.json() == stored
    assert stored["display"] == "Kept"
    assert "colour" not in stored and "st4_dur" not in stored
    extension = admin.post(DOMAIN + "/user_settings/444", {"first_name": "Alicia", "sani": "1", "algo": "random"}).json()
    assert (extension["first_name"], extension["sani"]) == ("Alicia", "1")
    assert "algo" not in extension


@pytest.mark.parametrize("profile", OLDER)
def test_older_profiles_store_unknown_fields(pbx, profile):
    _sim, admin = pbx(profile)
    admin.post(DOMAIN + "/user_settings/1003", {"colour": "red"})
    assert settings_of(admin, "1003")["colour"] == "red"


# --- listings keep their shapes ----------------------------------------------------------------

@pytest.mark.parametrize("profile", PROFILES)
def test_listings_keep_their_shapes(pbx, profile):
    _sim, admin = pbx(profile)
    admin.post(DOMAIN + "/user_settings/1004", {"st1_ext": "446 447"})
    assert admin.get(DOMAIN + "/hunts").json() == [
        {"name": "1002", "display": "Hunt", "agents": [444, 445], "calls": 0},
        {"name": "1003", "display": "Hunt_2", "agents": [], "calls": 0},
        {"name": "1004", "display": "Hunt_3", "agents": [446, 447], "calls": 0},
    ]
    domains = admin.get("/rest/system/domains").json()
    assert all(set(entry) == {"name", "display", "alias", "country", "area"} for entry in domains.values())
    users = {user["name"]: user for user in admin.get(DOMAIN + "/users").json()}
    assert (users["1002"]["ani"], users["1002"]["displayname"], users["1002"]["disabled"]) == (["123-456-7899"], "Hunt", False)


def test_v70_listings_stay_scalar_when_display_is_a_list(pbx):
    _sim, admin = pbx("v70")
    admin.post(DOMAIN + "/user_settings/1003", {"display": ["not", "text"]})
    assert {"name": "1003", "display": "", "agents": [], "calls": 0} in admin.get(DOMAIN + "/hunts").json()


# --- max_hunts -----------------------------------------------------------------------------------

SUCCESS = {"v58": ("application/json", "{}"), "v69": ("application/json", "{}"), "v70": ("text/plain", "Account created")}


def assert_success(profile, answer):
    assert answer.status_code == 200
    assert (answer.headers["Content-Type"], answer.text) == SUCCESS[profile]


@pytest.mark.parametrize("profile", PROFILES)
def test_max_hunts_set_through_the_control_api_stops_creation_silently(pbx, profile):
    sim, admin = pbx(profile)
    assert sim.control("POST", "/_sim/config", {"max_hunts": {"localhost": 4}})[1]["max_hunts"] == {"localhost": 4}
    assert_success(profile, admin.post(DOMAIN + "/addacc", {"type": "hunts", "account": "9600/9601"}))
    assert hunt_names(admin) == ["1002", "1003", "1004", "9600"]
    assert_success(profile, admin.post(DOMAIN + "/addacc", {"type": "hunts", "account": "9602"}))
    assert "9602" not in hunt_names(admin)
    # Other types are not limited, and a deletion frees a place.
    assert_success(profile, admin.post(DOMAIN + "/addacc", {"type": "conferences", "account": "9603"}))
    assert admin.get(DOMAIN + "/user_settings/9603").status_code == 200
    admin.delete(DOMAIN + "/addacc/9600")
    admin.post(DOMAIN + "/addacc", {"type": "hunts", "account": "9602"})
    assert hunt_names(admin)[-1] == "9602"


@pytest.mark.parametrize("profile", PROFILES)
def test_max_hunts_is_per_domain_and_reset_clears_a_run_time_limit(pbx, profile):
    sim, admin = pbx(profile)
    sim.control("POST", "/_sim/config", {"max_hunts": {"pbx.acme.example": 1}})
    assert sim.control("GET", "/_sim/config")[1]["max_hunts"] == {"acme.example.com": 1}
    admin.post("/rest/domain/acme.example.com/addacc", {"type": "hunts", "account": "3101"})
    assert len(admin.get("/rest/domain/acme.example.com/hunts").json()) == 1
    admin.post(DOMAIN + "/addacc", {"type": "hunts", "account": "9700"})
    assert "9700" in hunt_names(admin)
    sim.control("POST", "/_sim/reset")
    assert sim.control("GET", "/_sim/config")[1]["max_hunts"] == {}
    sim.control("POST", "/_sim/config", {"max_hunts": {"acme.example.com": 1}})
    assert sim.control("POST", "/_sim/config", {"max_hunts": {"acme.example.com": None}})[1]["max_hunts"] == {}


@pytest.mark.parametrize("update,status", [
    ({"max_hunts": {"localhost": -1}}, 400),
    ({"max_hunts": {"localhost": "3"}}, 400),
    ({"max_hunts": {"localhost": True}}, 400),
    ({"max_hunts": [3]}, 400),
    ({"max_hunts": {"localhost": 3, "nowhere.example.com": 3}}, 404),
])
def test_max_hunts_control_errors_change_nothing(pbx, update, status):
    sim, _admin = pbx("v70")
    assert sim.control("POST", "/_sim/config", update)[0] == status
    assert sim.control("GET", "/_sim/config")[1]["max_hunts"] == {}


def test_max_hunts_from_a_seed_file_survives_reset(tmp_path):
    seed = {
        "system_admins": {"admin": {"password": SYSTEM_ADMIN[1]}},
        "domains": {"localhost": {"max_hunts": 1, "accounts": {"1002": {"type": "hunts"}}}},
    }
    seed_file = tmp_path / "seed.json"
    seed_file.write_text(json.dumps(seed), encoding="utf-8")
    sim = launch(["--seed", str(seed_file), "--profile", "v70"])
    try:
        answer = requests.post(sim.url + DOMAIN + "/addacc", json={"type": "hunts", "account": "1003"}, auth=SYSTEM_ADMIN, timeout=5)
        assert_success("v70", answer)
        assert sim.control("GET", "/_sim/state")[1]["domains"]["localhost"]["max_hunts"] == 1
        sim.control("POST", "/_sim/config", {"max_hunts": {"localhost": None}})
        sim.control("POST", "/_sim/reset")
        assert sim.control("GET", "/_sim/config")[1]["max_hunts"] == {"localhost": 1}
        hunts = requests.get(sim.url + DOMAIN + "/hunts", auth=SYSTEM_ADMIN, timeout=5).json()
        assert [entry["name"] for entry in hunts] == ["1002"]
    finally:
        assert sim.stop() == 0


@pytest.mark.parametrize("limit", [-1, "2", True, 1.5])
def test_a_bad_max_hunts_in_a_seed_exits_with_2(tmp_path, limit):
    seed_file = tmp_path / "seed.json"
    seed_file.write_text(json.dumps({"domains": {"localhost": {"max_hunts": limit}}}), encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pbxsim", "--seed", str(seed_file)], env=dict(os.environ, PYTHONPATH=TESTS_DIR),
                            capture_output=True, text=True, timeout=10, check=False)
    assert result.returncode == 2
    assert "max_hunts" in result.stderr


# --- journal, faults, snapshots and TLS on every profile ----------------------------------------

@pytest.mark.parametrize("profile", PROFILES)
def test_journal_faults_and_snapshots_work_on_every_profile(pbx, profile):
    sim, admin = pbx(profile)
    snapshot = sim.control("POST", "/_sim/snapshot")[1]["snapshot"]
    sim.control("POST", "/_sim/faults", {"fail_next": [{"method": "POST", "path": DOMAIN + "/addacc", "status": 503, "apply": True}]})
    assert_json(admin.post(DOMAIN + "/addacc", {"type": "hunts", "account": "9800"}), 503)
    assert "9800" in hunt_names(admin)
    assert_success(profile, admin.post(DOMAIN + "/addacc", {"type": "hunts", "account": "9801"}))
    entries = sim.control("GET", "/_sim/journal?method=POST")[1]["entries"]
    assert [(entry["status"], entry["fault"]) for entry in entries] == [(503, "error"), (200, None)]
    assert sim.control("POST", "/_sim/restore", {"snapshot": snapshot})[0] == 200
    assert hunt_names(admin) == ["1002", "1003", "1004"]
    assert sim.control("GET", "/_sim/config")[1]["profile"] == profile


@pytest.mark.parametrize("profile", PROFILES)
def test_tls_works_on_every_profile(profile):
    with start_simulator(profile=profile, tls=True) as sim:
        answer = requests.post(sim.url + DOMAIN + "/addacc", json={"type": "hunts", "account": "9900"},
                               auth=SYSTEM_ADMIN, timeout=5, verify=sim.ca_file)
        assert_success(profile, answer)
        status = requests.get(sim.url + "/rest/system/status", auth=SYSTEM_ADMIN, timeout=5, verify=sim.ca_file).json()
        assert status["version"] == VERSIONS[profile]
