# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP Basic authentication and administrator scopes."""

import pytest

from pbxsim.seed import BRANCH_ADMIN, NO_API_ADMIN, SYSTEM_ADMIN, TENANT_ADMIN

LOCAL_HUNTS = "/rest/domain/localhost/hunts"
BRANCH_HUNTS = "/rest/domain/branch.example.com/hunts"
SYSTEM_PATHS = ("/rest/system/status", "/rest/system/domains")


def test_system_admin_reaches_every_tenant_and_the_system(client_for):
    client = client_for(SYSTEM_ADMIN)
    for path in (LOCAL_HUNTS, BRANCH_HUNTS) + SYSTEM_PATHS:
        assert client.get(path).status_code == 200


def test_tenant_admin_reaches_its_own_domain_only(client_for):
    client = client_for(TENANT_ADMIN)
    assert client.get(LOCAL_HUNTS).status_code == 200
    assert client.post("/rest/domain/localhost/addacc", {"type": "hunts", "account": "9500"}).status_code == 200
    assert client.post("/rest/domain/localhost/user_settings/9500", {"display": "Mine"}).status_code == 200
    assert client.get(BRANCH_HUNTS).status_code == 403
    assert client.post("/rest/domain/branch.example.com/addacc", {"type": "hunts", "account": "9501"}).status_code == 403
    assert client.get("/rest/domain/nowhere.example.com/hunts").status_code == 403


@pytest.mark.parametrize("path", SYSTEM_PATHS)
def test_tenant_admin_cannot_use_system_endpoints(client_for, path):
    answer = client_for(TENANT_ADMIN).get(path)
    assert answer.status_code == 403
    assert "error" in answer.json()


def test_branch_admin_is_confined_to_the_branch(client_for):
    client = client_for(BRANCH_ADMIN)
    assert client.get(BRANCH_HUNTS).status_code == 200
    assert client.get(LOCAL_HUNTS).status_code == 403


@pytest.mark.parametrize("path", [LOCAL_HUNTS, BRANCH_HUNTS, "/rest/system/status", "/rest/domain/localhost/user_settings/1002"])
def test_admin_without_api_access_gets_403_everywhere(client_for, path):
    assert client_for(NO_API_ADMIN).get(path).status_code == 403


@pytest.mark.parametrize("auth", [
    ("admin", "wrong"),
    ("admin", ""),
    ("nobody", "Sim-Admin-Pass-2026"),
    ("admin@localhost", "Sim-Admin-Pass-2026"),
    ("admin@nowhere.example.com", "Sim-Tenant-Pass-2026"),
    ("noapi", "wrong"),
    None,
])
def test_missing_or_wrong_credentials_get_401_with_a_challenge(client_for, auth):
    answer = client_for(auth).get(LOCAL_HUNTS)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Basic realm=")
    assert "error" in answer.json()


@pytest.mark.parametrize("header", ["Bearer abc", "Basic !!!notbase64", "Basic YWRtaW4=", "Basic"])
def test_unusable_authorization_headers_get_401(client_for, header):
    answer = client_for(None).get(LOCAL_HUNTS, headers={"Authorization": header})
    assert answer.status_code == 401


def test_authentication_comes_before_routing(client_for):
    assert client_for(None).get("/rest/domain/localhost/nothing").status_code == 401
    assert client_for(SYSTEM_ADMIN).get("/rest/domain/localhost/nothing").status_code == 404


def test_unauthenticated_writes_change_nothing(client_for, admin):
    assert client_for(("admin", "wrong")).delete("/rest/domain/localhost/addacc/1002").status_code == 401
    assert client_for(NO_API_ADMIN).delete("/rest/domain/localhost/addacc/1002").status_code == 403
    assert admin.get("/rest/domain/localhost/user_settings/1002").status_code == 200
