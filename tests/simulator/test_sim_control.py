# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The /_sim/ control API: journal, snapshots, reset, state, config and its loopback guard."""

import socket

import pytest
import requests

from pbxsim.control import is_loopback
from pbxsim.server import start_simulator

DOMAIN = "/rest/domain/localhost"


def test_journal_records_rest_requests_but_not_control_requests(sim, admin):
    admin.get(DOMAIN + "/hunts")
    admin.post(DOMAIN + "/user_settings/1002", {"display": "X"})
    admin.put(DOMAIN + "/addacc", {"type": "hunts", "account": "9700"})
    admin.delete(DOMAIN + "/addacc/9700")
    admin.get(DOMAIN + "/user_settings/9700")
    sim.control("GET", "/_sim/state")
    status, journal = sim.control("GET", "/_sim/journal")
    assert status == 200
    entries = journal["entries"]
    assert [(entry["method"], entry["path"], entry["status"]) for entry in entries] == [
        ("GET", DOMAIN + "/hunts", 200),
        ("POST", DOMAIN + "/user_settings/1002", 200),
        ("PUT", DOMAIN + "/addacc", 200),
        ("DELETE", DOMAIN + "/addacc/9700", 200),
        ("GET", DOMAIN + "/user_settings/9700", 404),
    ]
    assert (journal["reads"], journal["writes"]) == (2, 3)
    assert all(entry["user"] == "admin" for entry in entries)
    assert all(isinstance(entry["time"], float) for entry in entries)
    assert [entry["seq"] for entry in entries] == sorted(entry["seq"] for entry in entries)


def test_journal_filters_and_clearing(sim, admin):
    admin.get(DOMAIN + "/hunts")
    first_seq = sim.control("GET", "/_sim/journal")[1]["entries"][0]["seq"]
    admin.post(DOMAIN + "/user_settings/1002", {"display": "X"})
    admin.get(DOMAIN + "/users")
    since = sim.control("GET", "/_sim/journal?since=%d" % first_seq)[1]
    assert [entry["path"] for entry in since["entries"]] == [DOMAIN + "/user_settings/1002", DOMAIN + "/users"]
    posts = sim.control("GET", "/_sim/journal?method=post")[1]
    assert (len(posts["entries"]), posts["writes"], posts["reads"]) == (1, 1, 0)
    by_prefix = sim.control("GET", "/_sim/journal?path_prefix=%s/users" % DOMAIN)[1]
    assert len(by_prefix["entries"]) == 1
    assert sim.control("GET", "/_sim/journal?since=abc")[0] == 400
    assert sim.control("DELETE", "/_sim/journal") == (200, {})
    cleared = sim.control("GET", "/_sim/journal")[1]
    assert (cleared["entries"], cleared["reads"], cleared["writes"]) == ([], 0, 0)
    admin.get(DOMAIN + "/hunts")
    assert sim.control("GET", "/_sim/journal")[1]["entries"][0]["seq"] > first_seq + 2


def test_failed_requests_are_journaled_with_their_status_and_claimed_user(sim, client_for):
    client_for(("mallory", "guess")).get(DOMAIN + "/hunts")
    client_for(None).get("/nothing")
    entries = sim.control("GET", "/_sim/journal")[1]["entries"]
    assert [(entry["user"], entry["status"]) for entry in entries] == [("mallory", 401), (None, 404)]


def test_snapshot_and_restore(sim, admin):
    status, body = sim.control("POST", "/_sim/snapshot")
    assert status == 200
    snapshot = body["snapshot"]
    admin.delete(DOMAIN + "/addacc/1002")
    admin.post(DOMAIN + "/addacc", {"type": "hunts", "account": "9701"})
    assert sim.control("POST", "/_sim/restore", {"snapshot": snapshot}) == (200, {})
    names = [entry["name"] for entry in admin.get(DOMAIN + "/hunts").json()]
    assert names == ["1002", "1003", "1004"]


def test_restore_errors(sim):
    assert sim.control("POST", "/_sim/restore", {"snapshot": "snap-nope"})[0] == 404
    assert sim.control("POST", "/_sim/restore", {"snapshot": 3})[0] == 400
    assert sim.control("POST", "/_sim/restore")[0] == 400


def test_reset_restores_the_seed_and_empties_the_journal(sim, admin):
    admin.delete(DOMAIN + "/addacc/1002")
    sim.control("POST", "/_sim/faults", {"latency_ms": 10})
    sim.control("POST", "/_sim/config", {"on_duplicate": "error", "version": "68.0.1"})
    assert sim.control("POST", "/_sim/reset") == (200, {})
    assert sim.control("GET", "/_sim/journal")[1]["entries"] == []
    assert admin.get(DOMAIN + "/user_settings/1002").status_code == 200
    assert sim.control("GET", "/_sim/faults")[1]["latency_ms"] == 0.0
    assert sim.control("GET", "/_sim/config")[1] == {"on_duplicate": "ok", "version": "58.0.0", "profile": "v58", "max_hunts": {},
                                                     "addacc_ignored_types": []}


def test_state_dump(sim, admin):
    admin.post(DOMAIN + "/user_settings/1003", {"display": "Changed"})
    status, state = sim.control("GET", "/_sim/state")
    assert status == 200
    account = state["domains"]["localhost"]["accounts"]["1003"]
    assert (account["type"], account["settings"]["display"]) == ("hunts", "Changed")
    assert state["system_admins"]["noapi"]["api_access"] is False
    assert set(state) >= {"version", "profile", "domains", "faults", "on_duplicate", "journal_size", "snapshots"}
    assert state["profile"] == "v58"


def test_config_changes_the_reported_version(sim, admin):
    assert sim.control("POST", "/_sim/config", {"version": "62.0.5"})[0] == 200
    assert admin.get("/rest/system/status").json()["version"] == "62.0.5"
    assert sim.control("POST", "/_sim/config", {"on_duplicate": "maybe"})[0] == 400
    assert sim.control("POST", "/_sim/config", {"colour": "red"})[0] == 400


def test_health_and_routing_errors(sim):
    assert sim.control("GET", "/_sim/health")[1]["ok"] is True
    assert sim.control("GET", "/_sim/nothing")[0] == 404
    assert sim.control("GET", "/_sim")[0] == 404
    status, body = sim.control("GET", "/_sim/reset")
    assert status == 405
    assert "error" in body


@pytest.mark.parametrize("address,expected", [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("::ffff:127.0.0.1", True),
    ("10.0.0.1", False), ("192.168.1.194", False), ("::ffff:10.0.0.1", False), ("fe80::1%eth0", False), ("garbage", False),
])
def test_loopback_detection(address, expected):
    assert is_loopback(address) is expected


def _non_loopback_address():
    """An address of this machine that is not loopback, or None."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") else address


def test_control_api_refuses_non_loopback_peers():
    address = _non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address")
    with start_simulator(host="0.0.0.0") as sim:
        remote = "http://%s:%d" % (address, sim.port)
        assert requests.get(remote + "/_sim/state", timeout=5).status_code == 403
        assert requests.get(sim.url + "/_sim/state", timeout=5).status_code == 200
        assert requests.get(remote + "/rest/system/status", timeout=5).status_code == 401
