# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The pure helpers behind the simulator, tested without HTTP."""

import pytest

from pbxsim.accounts import SettingsError, default_settings, hunt_agents, is_valid_account_id, setting_value
from pbxsim.faults import FaultPlan, path_matches
from pbxsim.messages import split_path
from pbxsim.seed import DEFAULT_SEED, SeedError, build_data


@pytest.mark.parametrize("settings,agents", [
    ({"st1_ext": "444", "st2_ext": "445", "st4_ext": "8572665588"}, [444, 445]),
    ({"st1_ext": "444 445", "st2_ext": "445 446", "st3_ext": "444"}, [444, 445, 446]),
    ({"st1_ext": "  446\t447 ", "st3_ext": "440"}, [446, 447, 440]),
    ({"st1_ext": "sales 444 +1555 12a"}, [444]),
    ({"st1_ext": "444,445"}, []),
    ({}, []),
])
def test_hunt_agents(settings, agents):
    assert hunt_agents(settings) == agents


@pytest.mark.parametrize("value,stored", [("x", "x"), (5, "5"), (2.5, "2.5"), (True, "true"), (False, "false"), ("", "")])
def test_setting_value_conversion(value, stored):
    assert setting_value("display", value) == stored


@pytest.mark.parametrize("name,value", [("display", None), ("display", [1]), ("display", {}), ("alias", "1"), ("alias", [None])])
def test_setting_value_rejects(name, value):
    with pytest.raises(SettingsError):
        setting_value(name, value)


def test_new_hunt_group_defaults():
    settings = default_settings("hunts", "1010")
    assert settings["alias"] == ["1010"]
    assert (settings["connect"], settings["from_header"], settings["st1_miss"], settings["display"]) == ("true", "id", "false", "")
    assert list(settings)[-1] == "alias"


@pytest.mark.parametrize("account_id,valid", [("1002", True), ("hunt_2", True), ("a.b-c+d", True), ("", False), ("a b", False),
                                              ("a/b", False), ("a@b", False), ("x" * 65, False)])
def test_account_id_rules(account_id, valid):
    assert is_valid_account_id(account_id) is valid


@pytest.mark.parametrize("path,segments", [
    ("/rest/domain/localhost/hunts/", ["rest", "domain", "localhost", "hunts"]),
    ("/rest/domain/local%68ost/user_settings/a%2Fb", ["rest", "domain", "localhost", "user_settings", "a/b"]),
    ("/", []),
    ("/a//b", ["a", "", "b"]),
    ("/x/%ff", ["x", "\ufffd"]),
])
def test_split_path(path, segments):
    assert split_path(path) == segments


@pytest.mark.parametrize("pattern,path,matches", [
    ("/rest/system/status", "/rest/system/status", True),
    ("/rest/system/status", "/rest/system/statuses", False),
    ("/rest/domain/*/addacc", "/rest/domain/localhost/addacc", True),
    ("/rest/domain/localhost/*", "/rest/domain/localhost/user_settings/1002", True),
    ("/rest/domain/localhost/user_settings/100?", "/rest/domain/localhost/user_settings/1002", True),
    ("/rest/domain/localhost/user_settings/100[34]", "/rest/domain/localhost/user_settings/1002", False),
])
def test_fail_next_path_matching(pattern, path, matches):
    assert path_matches(pattern, path) is matches


def test_fault_plan_takes_rules_in_order_and_counts_down():
    plan = FaultPlan({"fail_next": [{"path": "/rest/a", "status": 500, "count": 2}, {"path": "/rest/*", "status": "drop"}]})
    actions = [(plan.decide("GET", "/rest/a").action, plan.decide("GET", "/rest/b").action)]
    actions.append((plan.decide("GET", "/rest/a").action, plan.decide("GET", "/rest/b").action))
    assert actions == [("status", "drop"), ("status", None)]


def test_default_seed_builds_and_numbers_accounts_uniquely():
    data = build_data(DEFAULT_SEED)
    ids = [account["id"] for domain in data["domains"].values() for account in domain["accounts"].values()]
    assert len(ids) == len(set(ids))
    assert data["domains"]["localhost"]["accounts"]["1002"]["settings"]["st4_ext"] == "8572665588"


def test_generated_tenants_follow_the_seed_with_their_own_ids_and_admins():
    data = build_data(DEFAULT_SEED, tenants=3)
    names = list(data["domains"])
    assert names[:4] == ["localhost", "branch.example.com", "acme.example.com", "globex.example.com"]
    assert names[4:] == ["tenant-0001.example.com", "tenant-0002.example.com", "tenant-0003.example.com"]
    assert len({domain["id"] for domain in data["domains"].values()}) == 7
    generated = data["domains"]["tenant-0002.example.com"]
    assert (generated["display"], generated["alias"]) == ("Tenant 0002", ["tenant-0002.example.com"])
    assert generated["admins"]["admin"]["api_access"] is True
    assert sorted(generated["accounts"]) == ["444", "445", "446"]


def test_generated_tenants_skip_names_the_seed_already_has():
    data = build_data({"domains": {"tenant-0001.example.com": {"display": "Mine"}}}, tenants=2)
    assert data["domains"]["tenant-0001.example.com"]["display"] == "Mine"
    assert sorted(data["domains"]) == ["tenant-0001.example.com", "tenant-0002.example.com", "tenant-0003.example.com"]


@pytest.mark.parametrize("seed", [
    {"domains": []},
    {"system_admins": {"a": {"password": "p", "api_access": "yes"}}},
    {"domains": {"d": {"alias": "d"}}},
    {"domains": {"d": {"accounts": {"a b": {"type": "hunts"}}}}},
    {"version": ["70"]},
])
def test_invalid_seeds(seed):
    with pytest.raises(SeedError):
        build_data(seed)
