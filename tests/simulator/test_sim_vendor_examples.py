# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every request of the vendor hunt group page (S1) reproduces the vendor's answer."""

DOMAIN = "/rest/domain/localhost"

# The vendor examples, rewritten from the page's JavaScript-literal notation into JSON.
VENDOR_HUNTS_LIST = [
    {"name": "1002", "display": "Hunt", "agents": [444, 445], "calls": 0},
    {"name": "1003", "display": "Hunt_2", "agents": [], "calls": 0},
    {"name": "1004", "display": "Hunt_3", "agents": [], "calls": 0},
]

VENDOR_USER_SETTINGS_1002 = {
    "conn_sym": "", "connect": "true", "display": "Hunt", "email": "", "flag": "", "from_header": "id",
    "hunt_anonymous_dest": "", "melody": "ringer6", "moh": "", "ncf": "false", "night": "", "rec": "false",
    "st1_dur": "5", "st1_ext": "444", "st1_miss": "true", "st2_dur": "", "st2_ext": "445", "st2_miss": "true",
    "st3_dur": "", "st3_ext": "", "st3_miss": "false", "st4_ext": "8572665588", "acdani": "", "ani": "123-456-7899",
    "cdr_time": "", "credit": "", "dial_plan": "", "dialog_state": "", "dialog_subscribe": "", "dialog_version": "",
    "disabled": "", "email_cdr": "", "epid": "", "location": "", "max_call_duration": "", "max_cdrs": "",
    "need_license": "", "param1": "", "param2": "", "param3": "", "rb": "", "rf": "", "view_settings": "",
    "visible": "", "alias": ["1002"],
}

VENDOR_UPDATE_BODY = {
    "display": "Networks", "from_header": "id", "melody": "internal", "moh": "9", "st1_ext": "444 445",
    "st3_ext": "440", "st4_ext": "777 8578962323", "dial_plan": "1", "connect": "false", "ncf": "true",
    "rec": "true", "st1_miss": "true", "st2_miss": "true", "st3_miss": "false", "alias": ["vodia"],
}


def test_hunts_list_matches_vendor_example(admin):
    answer = admin.get(DOMAIN + "/hunts")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "application/json"
    assert answer.json() == VENDOR_HUNTS_LIST
    for entry in answer.json():
        assert all(isinstance(agent, int) for agent in entry["agents"])
        assert isinstance(entry["calls"], int)


def test_user_settings_1002_matches_vendor_example(admin):
    answer = admin.get(DOMAIN + "/user_settings/1002")
    assert answer.status_code == 200
    body = answer.json()
    assert body == VENDOR_USER_SETTINGS_1002
    assert list(body) == list(VENDOR_USER_SETTINGS_1002)
    assert "type" not in body


def test_user_settings_values_are_strings_except_alias(admin):
    body = admin.get(DOMAIN + "/user_settings/1002").json()
    assert all(isinstance(value, str) for name, value in body.items() if name != "alias")
    assert all(isinstance(alias, str) for alias in body["alias"])


def test_addacc_create_example(admin):
    assert admin.delete(DOMAIN + "/addacc/1004").status_code == 200
    answer = admin.post(DOMAIN + "/addacc", {"type": "hunts", "account": "1004"})
    assert answer.status_code == 200
    assert answer.json() == {}
    created = admin.get(DOMAIN + "/user_settings/1004").json()
    assert set(created) == set(VENDOR_USER_SETTINGS_1002)
    assert created["alias"] == ["1004"]
    assert {"name": "1004", "display": "", "agents": [], "calls": 0} in admin.get(DOMAIN + "/hunts").json()


def test_update_example_is_applied_and_echoed(admin):
    assert admin.post(DOMAIN + "/addacc", {"type": "hunts", "account": "vodia"}).status_code == 200
    answer = admin.post(DOMAIN + "/user_settings/vodia", VENDOR_UPDATE_BODY)
    assert answer.status_code == 200
    body = answer.json()
    for name, value in VENDOR_UPDATE_BODY.items():
        assert body[name] == value
    assert set(body) == set(VENDOR_USER_SETTINGS_1002)
    assert admin.get(DOMAIN + "/user_settings/vodia").json() == body
    listed = [entry for entry in admin.get(DOMAIN + "/hunts").json() if entry["name"] == "vodia"]
    assert listed == [{"name": "vodia", "display": "Networks", "agents": [444, 445, 440], "calls": 0}]


def test_delete_single_account_example(admin):
    answer = admin.delete(DOMAIN + "/addacc/1004")
    assert answer.status_code == 200
    assert answer.json() == {}
    assert admin.get(DOMAIN + "/user_settings/1004").status_code == 404
    assert [entry["name"] for entry in admin.get(DOMAIN + "/hunts").json()] == ["1002", "1003"]


def test_domain_action_delete_selected_example(admin):
    answer = admin.post(DOMAIN + "/domain_action", {"type": "accounts", "action": "delete_selected", "selected": "443 hunt_2"})
    assert answer.status_code == 200
    assert answer.json() == {}
    assert admin.get(DOMAIN + "/user_settings/443").status_code == 404
    assert admin.get(DOMAIN + "/user_settings/444").status_code == 200
