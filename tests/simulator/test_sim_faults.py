# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection through the control API and the command line."""

import subprocess
import time

import pytest
import requests

from pbxsim.process import LaunchError, launch
from pbxsim.seed import SYSTEM_ADMIN
from pbxsim.server import start_simulator

DOMAIN = "/rest/domain/localhost"
# Hangs are short and client timeouts shorter still, to keep the suite fast.
HANG_SECONDS = 0.6
CLIENT_TIMEOUT = 0.2


def set_faults(sim, faults):
    status, body = sim.control("POST", "/_sim/faults", faults)
    assert status == 200, body
    return body


def last_entry(sim):
    return sim.control("GET", "/_sim/journal")[1]["entries"][-1]


def test_latency_delays_rest_but_not_control_requests(sim, admin):
    set_faults(sim, {"latency_ms": 150})
    started = time.monotonic()
    assert admin.get(DOMAIN + "/hunts").status_code == 200
    assert time.monotonic() - started >= 0.15
    started = time.monotonic()
    assert sim.control("GET", "/_sim/faults")[1]["latency_ms"] == 150
    assert time.monotonic() - started < 0.15


def test_jitter_adds_a_bounded_random_delay(sim, admin):
    set_faults(sim, {"latency_ms": 20, "jitter_ms": 30})
    started = time.monotonic()
    admin.get(DOMAIN + "/hunts")
    assert 0.02 <= time.monotonic() - started < 1.0


def test_error_rate_answers_with_the_configured_code_and_retry_after(sim, admin):
    set_faults(sim, {"error_rate": 1.0, "error_codes": [503], "retry_after": 7})
    answer = admin.post(DOMAIN + "/addacc", {"type": "hunts", "account": "9600"})
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "7"
    assert answer.json() == {"error": "simulated fault"}
    entry = last_entry(sim)
    assert (entry["status"], entry["fault"], entry["method"]) == (503, "error", "POST")
    sim.control("DELETE", "/_sim/faults")
    assert admin.get(DOMAIN + "/user_settings/9600").status_code == 404


def test_error_codes_are_drawn_from_the_list(sim, admin):
    set_faults(sim, {"error_rate": 1.0, "error_codes": [500, 502]})
    codes = {admin.get(DOMAIN + "/hunts").status_code for _index in range(20)}
    assert codes <= {500, 502}
    assert "Retry-After" not in admin.get(DOMAIN + "/hunts").headers


def test_drop_closes_the_connection_without_an_answer(sim, admin):
    set_faults(sim, {"drop_rate": 1.0})
    with pytest.raises(requests.ConnectionError):
        admin.get(DOMAIN + "/hunts")
    entry = last_entry(sim)
    assert (entry["status"], entry["fault"]) == (0, "drop")
    sim.control("DELETE", "/_sim/faults")
    assert admin.get(DOMAIN + "/hunts").status_code == 200


def test_hang_outlasts_the_client_timeout_but_applies_the_request(sim, admin):
    set_faults(sim, {"hang_rate": 1.0, "hang_seconds": HANG_SECONDS})
    with pytest.raises(requests.Timeout):
        admin.post(DOMAIN + "/addacc", {"type": "hunts", "account": "9601"}, timeout=CLIENT_TIMEOUT)
    entry = last_entry(sim)
    assert (entry["status"], entry["fault"]) == (200, "hang")
    sim.control("DELETE", "/_sim/faults")
    assert admin.get(DOMAIN + "/user_settings/9601").status_code == 200


def test_hung_answer_arrives_for_a_patient_client(sim, admin):
    set_faults(sim, {"hang_rate": 1.0, "hang_seconds": 0.3})
    started = time.monotonic()
    assert admin.get(DOMAIN + "/hunts", timeout=5).status_code == 200
    assert time.monotonic() - started >= 0.3


def test_fail_next_hits_only_matching_requests_count_times(sim, admin):
    set_faults(sim, {"fail_next": [{"method": "POST", "path": DOMAIN + "/user_settings/*", "status": 503, "count": 2, "retry_after": "1"}]})
    assert admin.get(DOMAIN + "/user_settings/1002").status_code == 200
    first = admin.post(DOMAIN + "/user_settings/1002", {"display": "A"})
    assert (first.status_code, first.headers["Retry-After"]) == (503, "1")
    assert admin.post(DOMAIN + "/user_settings/1003/", {"display": "B"}).status_code == 503
    assert admin.post(DOMAIN + "/user_settings/1002", {"display": "C"}).status_code == 200
    assert sim.control("GET", "/_sim/faults")[1]["fail_next"] == []
    assert admin.get(DOMAIN + "/user_settings/1003").json()["display"] == "Hunt_2"


def test_fail_next_exact_path_ignores_a_trailing_slash_and_other_paths(sim, admin):
    set_faults(sim, {"fail_next": [{"path": DOMAIN + "/hunts/", "status": 500}]})
    assert admin.get(DOMAIN + "/users").status_code == 200
    assert admin.get(DOMAIN + "/hunts").status_code == 500
    assert admin.get(DOMAIN + "/hunts").status_code == 200


def test_fail_next_can_drop(sim, admin):
    set_faults(sim, {"fail_next": [{"method": "DELETE", "path": DOMAIN + "/addacc/*", "status": "drop"}]})
    with pytest.raises(requests.ConnectionError):
        admin.delete(DOMAIN + "/addacc/1003")
    assert admin.get(DOMAIN + "/user_settings/1003").status_code == 200


def test_fail_next_can_hang(sim, admin):
    set_faults(sim, {"fail_next": [{"method": "GET", "path": DOMAIN + "/hunts", "status": "hang", "hang_seconds": HANG_SECONDS}]})
    with pytest.raises(requests.Timeout):
        admin.get(DOMAIN + "/hunts", timeout=CLIENT_TIMEOUT)
    assert admin.get(DOMAIN + "/hunts").status_code == 200


def test_fail_next_with_apply_loses_the_answer_but_keeps_the_write(sim, admin):
    set_faults(sim, {"fail_next": [{"method": "POST", "path": DOMAIN + "/addacc", "status": 502, "apply": True}]})
    assert admin.post(DOMAIN + "/addacc", {"type": "hunts", "account": "9602"}).status_code == 502
    assert admin.get(DOMAIN + "/user_settings/9602").status_code == 200


def test_faults_never_touch_the_control_api(sim):
    set_faults(sim, {"drop_rate": 1.0, "latency_ms": 500, "fail_next": [{"path": "/_sim/*", "status": 500}]})
    started = time.monotonic()
    assert sim.control("GET", "/_sim/journal")[0] == 200
    assert time.monotonic() - started < 0.5


def test_fault_rules_are_merged_and_cleared(sim):
    set_faults(sim, {"error_rate": 0.5, "fail_next": [{"path": "/rest/a", "status": 500}]})
    merged = set_faults(sim, {"latency_ms": 5, "fail_next": [{"path": "/rest/b", "status": "drop", "count": 3}]})
    assert merged["error_rate"] == 0.5
    assert [rule["path"] for rule in merged["fail_next"]] == ["/rest/a", "/rest/b"]
    status, cleared = sim.control("DELETE", "/_sim/faults")
    assert status == 200
    assert (cleared["error_rate"], cleared["latency_ms"], cleared["fail_next"]) == (0.0, 0.0, [])


@pytest.mark.parametrize("faults", [
    {"error_rate": 2},
    {"drop_rate": -0.1},
    {"latency_ms": "slow"},
    {"error_codes": [200]},
    {"error_codes": []},
    {"surprise": 1},
    {"fail_next": {"path": "/rest/a"}},
    {"fail_next": [{"path": "rest/a"}]},
    {"fail_next": [{"path": "/rest/a", "status": "explode"}]},
    {"fail_next": [{"path": "/rest/a", "count": 0}]},
    {"fail_next": [{"path": "/rest/a", "colour": "red"}]},
])
def test_invalid_fault_settings_are_400(sim, faults):
    status, body = sim.control("POST", "/_sim/faults", faults)
    assert status == 400
    assert "error" in body
    assert sim.control("GET", "/_sim/faults")[1]["fail_next"] == []


def _status_sequence(random_seed):
    with start_simulator(faults={"error_rate": 0.5, "error_codes": [500]}, random_seed=random_seed) as sim:
        session = requests.Session()
        session.auth = SYSTEM_ADMIN
        codes = [session.get(sim.url + DOMAIN + "/hunts", timeout=5).status_code for _index in range(30)]
        session.close()
    return codes


def test_random_seed_makes_faults_reproducible():
    first = _status_sequence(1234)
    assert first == _status_sequence(1234)
    assert set(first) == {200, 500}


def test_fault_flags_on_the_command_line():
    sim = launch([
        "--fail-next", "GET /rest/system/status 500 2", "--fail-next", "POST /rest/domain/*/addacc drop",
        "--error-codes", "502", "--retry-after", "3", "--latency-ms", "1", "--random-seed", "7",
    ])
    try:
        session = requests.Session()
        session.auth = SYSTEM_ADMIN
        statuses = [session.get(sim.url + "/rest/system/status", timeout=5) for _index in range(3)]
        assert [answer.status_code for answer in statuses] == [500, 500, 200]
        assert statuses[0].headers["Retry-After"] == "3"
        with pytest.raises(requests.ConnectionError):
            session.post(sim.url + DOMAIN + "/addacc", json={"type": "hunts", "account": "9603"}, timeout=5)
        faults = sim.control("GET", "/_sim/faults")[1]
        assert (faults["latency_ms"], faults["error_codes"], faults["error_rate"]) == (1.0, [502], 0.0)
        sim.control("POST", "/_sim/reset")
        restored = sim.control("GET", "/_sim/faults")[1]["fail_next"]
        assert [rule["count"] for rule in restored] == [2, 1]
        session.close()
    finally:
        assert sim.stop() == 0


def test_error_rate_flag():
    sim = launch(["--error-rate", "1", "--error-codes", "502", "--retry-after", "3"])
    try:
        answer = requests.get(sim.url + "/rest/system/status", auth=SYSTEM_ADMIN, timeout=5)
        assert (answer.status_code, answer.headers["Retry-After"]) == (502, "3")
    finally:
        assert sim.stop() == 0


def test_bad_fault_flags_exit_with_2():
    with pytest.raises(LaunchError, match="exited with 2"):
        launch(["--fail-next", "GET /rest/x"], stderr=subprocess.DEVNULL)
