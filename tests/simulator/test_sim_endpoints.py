# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every endpoint, verb and error code of the REST API."""

import http.client
import urllib.parse

import pytest

DOMAIN = "/rest/domain/localhost"
ACCOUNT_TYPES = (
    "extensions", "attendants", "conferences", "hunts", "acds", "orbits",
    "hoots", "srvflags", "ivrnodes", "callingcards", "colines",
)


def assert_error(answer, status):
    """Errors are JSON objects with an error message."""
    assert answer.status_code == status
    assert answer.headers["Content-Type"] == "application/json"
    assert isinstance(answer.json()["error"], str)


# --- user_settings -----------------------------------------------------------------------

@pytest.mark.parametrize("account", ["444", "500", "600", "700", "800"])
def test_user_settings_answers_for_every_account_type(admin, account):
    body = admin.get(DOMAIN + "/user_settings/" + account).json()
    assert "type" not in body
    assert body["alias"] == [account]
    assert all(isinstance(value, str) for name, value in body.items() if name != "alias")


def test_user_settings_of_unknown_account_is_404(admin):
    assert_error(admin.get(DOMAIN + "/user_settings/9999"), 404)


def test_partial_update_leaves_other_fields_alone(admin):
    before = admin.get(DOMAIN + "/user_settings/1002").json()
    answer = admin.post(DOMAIN + "/user_settings/1002", {"display": "Sales"})
    assert answer.status_code == 200
    expected = dict(before, display="Sales")
    assert answer.json() == expected
    assert admin.get(DOMAIN + "/user_settings/1002").json() == expected


def test_put_is_an_alias_of_post_for_user_settings(admin):
    answer = admin.put(DOMAIN + "/user_settings/1003", {"st1_ext": "446 447", "alias": ["1003", "5003"]})
    assert answer.status_code == 200
    assert answer.json()["alias"] == ["1003", "5003"]
    hunts = admin.get(DOMAIN + "/hunts").json()
    assert {"name": "1003", "display": "Hunt_2", "agents": [446, 447], "calls": 0} in hunts


def test_numbers_and_booleans_are_stored_as_strings(admin):
    body = admin.post(DOMAIN + "/user_settings/1003", {"st1_dur": 20, "rec": True, "ncf": False, "credit": 1.5}).json()
    assert (body["st1_dur"], body["rec"], body["ncf"], body["credit"]) == ("20", "true", "false", "1.5")


def test_unknown_keys_are_stored_and_returned(admin):
    assert admin.post(DOMAIN + "/user_settings/1003", {"algo": "round_robin"}).json()["algo"] == "round_robin"
    assert admin.get(DOMAIN + "/user_settings/1003").json()["algo"] == "round_robin"


@pytest.mark.parametrize("update", [
    {"display": "ok", "alias": "1003"},
    {"display": "ok", "alias": ["1003", 5]},
    {"display": "ok", "st1_ext": ["444"]},
    {"display": "ok", "st1_ext": {"a": 1}},
    {"display": "ok", "st1_ext": None},
])
def test_bad_values_are_rejected_and_nothing_is_written(admin, update):
    before = admin.get(DOMAIN + "/user_settings/1003").json()
    assert_error(admin.post(DOMAIN + "/user_settings/1003", update), 400)
    assert admin.get(DOMAIN + "/user_settings/1003").json() == before


@pytest.mark.parametrize("raw", [
    b"", b"not json", b"[1, 2]", b'"text"', b"{'display':'Networks'}", b'{"display": NaN}', b"\xff\xfe",
])
def test_malformed_bodies_are_400(admin, raw):
    assert_error(admin.call("POST", DOMAIN + "/user_settings/1003", data=raw), 400)


def test_update_of_unknown_account_is_404(admin):
    assert_error(admin.post(DOMAIN + "/user_settings/9999", {"display": "x"}), 404)


# --- addacc --------------------------------------------------------------------------------

@pytest.mark.parametrize("account_type", ACCOUNT_TYPES)
def test_addacc_creates_every_account_type(admin, account_type):
    key = "account_ext" if account_type == "extensions" else "account"
    answer = admin.post(DOMAIN + "/addacc", {"type": account_type, key: "9100"})
    assert answer.status_code == 200
    assert answer.json() == {}
    users = admin.get(DOMAIN + "/users").json()
    assert [user["usertype"] for user in users if user["name"] == "9100"] == [account_type]
    assert admin.get(DOMAIN + "/user_settings/9100").json()["alias"] == ["9100"]


def test_addacc_creates_several_accounts_joined_by_slash(admin):
    assert admin.put(DOMAIN + "/addacc", {"type": "attendants", "account": "510/511/512"}).status_code == 200
    for account in ("510", "511", "512"):
        assert admin.get(DOMAIN + "/user_settings/" + account).status_code == 200


@pytest.mark.parametrize("body", [
    {"type": "robots", "account": "9200"},
    {"account": "9200"},
    {"type": "hunts"},
    {"type": "hunts", "account": ""},
    {"type": "extensions", "account": "9200"},
    {"type": "hunts", "account": "92 00"},
    {"type": "hunts", "account": "9200@x"},
    {"type": "hunts", "account": "9200//9201"},
    {"type": "hunts", "account": ["9200"]},
])
def test_addacc_rejects_bad_requests(admin, body):
    assert_error(admin.post(DOMAIN + "/addacc", body), 400)
    assert admin.get(DOMAIN + "/user_settings/9200").status_code == 404


def test_duplicate_create_is_ok_and_leaves_the_account_untouched(admin):
    before = admin.get(DOMAIN + "/user_settings/1002").json()
    answer = admin.post(DOMAIN + "/addacc", {"type": "extensions", "account_ext": "1002"})
    assert answer.status_code == 200
    assert admin.get(DOMAIN + "/user_settings/1002").json() == before
    assert [user["usertype"] for user in admin.get(DOMAIN + "/users").json() if user["name"] == "1002"] == ["hunts"]


def test_duplicate_create_in_ok_mode_still_creates_the_new_ones(admin):
    assert admin.post(DOMAIN + "/addacc", {"type": "hunts", "account": "1002/9300"}).status_code == 200
    assert admin.get(DOMAIN + "/user_settings/9300").status_code == 200


def test_duplicate_create_in_error_mode_is_400_and_creates_nothing(sim, admin):
    assert sim.control("POST", "/_sim/config", {"on_duplicate": "error"}) == (
        200, {"on_duplicate": "error", "version": "58.0.0", "profile": "v58", "max_hunts": {}, "addacc_ignored_types": []})
    assert_error(admin.post(DOMAIN + "/addacc", {"type": "hunts", "account": "9300/1002"}), 400)
    assert admin.get(DOMAIN + "/user_settings/9300").status_code == 404
    assert admin.post(DOMAIN + "/addacc", {"type": "hunts", "account": "9300"}).status_code == 200


def test_delete_addacc_removes_any_type_and_404s_when_missing(admin):
    assert admin.delete(DOMAIN + "/addacc/444").json() == {}
    assert_error(admin.delete(DOMAIN + "/addacc/444"), 404)
    assert admin.get(DOMAIN + "/user_settings/444").status_code == 404


# --- domain_action ---------------------------------------------------------------------------

def test_domain_action_accepts_put_and_ignores_missing_ids(admin):
    answer = admin.put(DOMAIN + "/domain_action", {"type": "accounts", "action": "delete_selected", "selected": "nope 1003  1004 gone"})
    assert answer.status_code == 200
    assert answer.json() == {}
    assert [entry["name"] for entry in admin.get(DOMAIN + "/hunts").json()] == ["1002"]


@pytest.mark.parametrize("body", [
    {"type": "accounts", "action": "explode_selected", "selected": "1003"},
    {"type": "accounts", "selected": "1003"},
    {"type": "trunks", "action": "delete_selected", "selected": "1003"},
    {"type": "accounts", "action": "delete_selected"},
    {"type": "accounts", "action": "delete_selected", "selected": ["1003"]},
])
def test_domain_action_rejects_bad_requests(admin, body):
    assert_error(admin.post(DOMAIN + "/domain_action", body), 400)
    assert admin.get(DOMAIN + "/user_settings/1003").status_code == 200


# --- listings --------------------------------------------------------------------------------

def test_users_list_uses_real_booleans(admin):
    admin.post(DOMAIN + "/user_settings/445", {"disabled": "true", "visible": "false"})
    users = {user["name"]: user for user in admin.get(DOMAIN + "/users").json()}
    assert users["1002"] == {
        "id": users["1002"]["id"], "name": "1002", "alias": ["1002"], "ani": ["123-456-7899"], "displayname": "Hunt",
        "disabled": False, "license": True, "visible": True, "usertype": "hunts",
    }
    assert isinstance(users["1002"]["id"], str)
    assert (users["445"]["disabled"], users["445"]["visible"]) == (True, False)
    assert {users[name]["usertype"] for name in ("444", "500", "600", "700", "800")} == {
        "extensions", "attendants", "conferences", "acds", "srvflags",
    }


def test_system_domains_is_an_object_keyed_by_id(admin):
    domains = admin.get("/rest/system/domains").json()
    assert isinstance(domains, dict)
    by_name = {entry["name"]: entry for entry in domains.values()}
    assert set(by_name) == {"localhost", "branch.example.com", "acme.example.com", "globex.example.com"}
    assert set(by_name["localhost"]) == {"name", "display", "alias", "country", "area"}
    assert isinstance(by_name["localhost"]["alias"], list)
    # Keys are the tenants' ids: distinct strings, as a JSON object's keys are.
    assert len(set(domains)) == 4 and all(isinstance(key, str) for key in domains)
    assert by_name["acme.example.com"]["alias"] == ["acme.example.com", "pbx.acme.example"]
    assert (by_name["acme.example.com"]["display"], by_name["acme.example.com"]["area"]) == ("ACME Corp", "212")


def test_a_tenant_answers_to_any_of_its_aliases(admin):
    by_name = admin.get("/rest/domain/acme.example.com/hunts").json()
    by_alias = admin.get("/rest/domain/PBX.ACME.example/hunts").json()
    assert by_name == by_alias == [{"name": "3100", "display": "ACME Front Desk", "agents": [301, 302], "calls": 0}]


def test_a_tenant_without_hunt_groups_has_an_empty_hunts_list(admin):
    assert admin.get("/rest/domain/globex.example.com/hunts").json() == []


def test_system_status_reports_the_default_profiles_version(admin):
    status = admin.get("/rest/system/status").json()
    assert status["version"] == "58.0.0"
    assert isinstance(status["uptime"], int)


def test_branch_domain_has_its_own_accounts(admin):
    assert admin.get("/rest/domain/branch.example.com/hunts").json() == [
        {"name": "2100", "display": "Branch Hunt", "agents": [201, 202], "calls": 0},
    ]
    assert admin.get("/rest/domain/branch.example.com/user_settings/1002").status_code == 404


# --- routing -----------------------------------------------------------------------------------

@pytest.mark.parametrize("method,path", [
    ("GET", "/rest/system/status/"),
    ("GET", "/rest/system/domains/"),
    ("GET", DOMAIN + "/hunts/"),
    ("GET", DOMAIN + "/users/"),
    ("GET", DOMAIN + "/user_settings/1002/"),
    ("POST", DOMAIN + "/user_settings/1002/"),
    ("PUT", DOMAIN + "/addacc/"),
    ("DELETE", DOMAIN + "/addacc/1003/"),
    ("POST", DOMAIN + "/domain_action/"),
])
def test_trailing_slash_is_the_same_route(admin, method, path):
    bodies = {
        "/user_settings/1002/": {"display": "Hunt"},
        "/addacc/": {"type": "hunts", "account": "9400"},
        "/domain_action/": {"type": "accounts", "action": "delete_selected", "selected": "9401"},
    }
    body = next((value for suffix, value in bodies.items() if path.endswith(suffix)), None)
    assert admin.call(method, path, json=body).status_code == 200


@pytest.mark.parametrize("method,path,allowed", [
    ("GET", DOMAIN + "/addacc", "POST, PUT"),
    ("DELETE", DOMAIN + "/addacc", "POST, PUT"),
    ("POST", DOMAIN + "/addacc/1003", "DELETE"),
    ("GET", DOMAIN + "/addacc/1003", "DELETE"),
    ("POST", DOMAIN + "/hunts", "GET"),
    ("DELETE", DOMAIN + "/user_settings/1003", "GET, POST, PUT"),
    ("PATCH", DOMAIN + "/user_settings/1003", "GET, POST, PUT"),
    ("GET", DOMAIN + "/domain_action", "POST, PUT"),
    ("POST", "/rest/system/status", "GET"),
    ("PUT", "/rest/system/domains", "GET"),
])
def test_wrong_method_on_known_route_is_405(admin, method, path, allowed):
    answer = admin.call(method, path, json={})
    assert_error(answer, 405)
    assert answer.headers["Allow"] == allowed


def test_any_other_verb_gets_405_on_a_known_route(admin):
    answer = admin.call("PROPFIND", DOMAIN + "/hunts")
    assert_error(answer, 405)
    assert answer.headers["Allow"] == "GET"


def test_head_gets_405_without_a_body(admin):
    answer = admin.call("HEAD", DOMAIN + "/hunts")
    assert answer.status_code == 405
    assert answer.content == b""
    assert admin.get(DOMAIN + "/hunts").status_code == 200


@pytest.mark.parametrize("path", [
    "/rest/domain/localhost/nothing",
    "/rest/domain/localhost/user_settings",
    "/rest/domain/localhost/user_settings/1002/extra",
    "/rest/domain/localhost//hunts",
    "/rest/system/nothing",
    "/rest",
    "/",
    "/index.html",
])
def test_unknown_routes_are_404(admin, path):
    assert_error(admin.get(path), 404)


def test_unknown_domain_is_404_for_a_system_admin(admin):
    assert_error(admin.get("/rest/domain/nowhere.example.com/hunts"), 404)
    assert_error(admin.post("/rest/domain/nowhere.example.com/addacc", {"type": "hunts", "account": "1"}), 404)


def test_domain_names_ignore_case(admin):
    assert admin.get("/rest/domain/LocalHost/hunts").status_code == 200


def test_path_segments_are_url_decoded(admin):
    assert admin.get(DOMAIN + "/user_settings/%31%30%30%32").json()["display"] == "Hunt"
    assert admin.post(DOMAIN + "/addacc", {"type": "hunts", "account": "sales+support"}).status_code == 200
    quoted = urllib.parse.quote("sales+support", safe="")
    assert admin.get(DOMAIN + "/user_settings/" + quoted).json()["alias"] == ["sales+support"]
    assert admin.delete(DOMAIN + "/addacc/" + quoted).status_code == 200


def test_encoded_slash_names_no_account(admin):
    assert_error(admin.get(DOMAIN + "/user_settings/10%2F02"), 404)
    assert_error(admin.delete(DOMAIN + "/addacc/1002%2F1003"), 404)
    assert admin.get(DOMAIN + "/user_settings/1002").status_code == 200


def test_content_length_matches_the_body(admin):
    answer = admin.get(DOMAIN + "/user_settings/1002")
    assert int(answer.headers["Content-Length"]) == len(answer.content)


def test_chunked_request_bodies_are_read(admin):
    def chunks():
        yield b'{"display":'
        yield b' "Chunked"}'
    answer = admin.call("POST", DOMAIN + "/user_settings/1003", data=chunks())
    assert answer.status_code == 200
    assert answer.json()["display"] == "Chunked"


def _raw_post(sim, headers):
    address = urllib.parse.urlsplit(sim.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=5)
    try:
        connection.putrequest("POST", DOMAIN + "/user_settings/1003")
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        answer = connection.getresponse()
        return answer.status, answer.getheader("Connection"), answer.read()
    finally:
        connection.close()


def test_oversized_body_is_413_before_it_is_read(sim):
    status, connection, body = _raw_post(sim, {"Content-Length": str(2 * 1024 * 1024)})
    assert (status, connection) == (413, "close")
    assert b"error" in body


def test_invalid_content_length_is_400(sim):
    assert _raw_post(sim, {"Content-Length": "lots"})[0] == 400


def test_keep_alive_serves_several_requests_on_one_connection(sim):
    address = urllib.parse.urlsplit(sim.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=5)
    try:
        for _round in range(3):
            connection.request("GET", DOMAIN + "/hunts", headers={"Authorization": "Basic YWRtaW46U2ltLUFkbWluLVBhc3MtMjAyNg=="})
            answer = connection.getresponse()
            assert answer.status == 200
            assert answer.getheader("Connection") is None
            answer.read()
    finally:
        connection.close()
