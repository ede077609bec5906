# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The process contract: start-up lines, TLS, several PBXs, seeds, signals, in-process use."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests

from pbxsim.process import TESTS_DIR, LaunchError, launch
from pbxsim.seed import GENERATED_TENANT_ADMIN_PASSWORD, SYSTEM_ADMIN, TENANT_ADMIN, write_seed_with_password
from pbxsim.server import start_simulator, start_simulators

HUNTS = "/rest/domain/localhost/hunts"

CUSTOM_SEED = {
    "version": "66.0.2",
    "system_admins": {"root": {"password": "Root-Pass-1"}},
    "domains": {
        "pbx.example.org": {
            "admins": {"admin": {"password": "Tenant-Pass-1", "api_access": False}},
            "accounts": {
                "10": {"type": "extensions"},
                "11": {"type": "extensions"},
                "100": {"type": "hunts", "settings": {"display": "Front desk", "st1_ext": "10 11", "st1_dur": 15}},
            },
        },
    },
}


def _get(url, auth=SYSTEM_ADMIN, timeout=5, **kwargs):
    return requests.get(url, auth=auth, timeout=timeout, **kwargs)


def test_first_line_announces_the_url_and_start_up_is_fast():
    started = time.monotonic()
    sim = launch()
    elapsed = time.monotonic() - started
    try:
        assert sim.url.startswith("http://127.0.0.1:")
        assert _get(sim.url + HUNTS).status_code == 200
        assert elapsed < 2.0
    finally:
        assert sim.stop() == 0


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGINT])
def test_signals_stop_the_simulator_cleanly(signal_number):
    sim = launch()
    session = requests.Session()
    session.auth = SYSTEM_ADMIN
    assert session.get(sim.url + HUNTS, timeout=5).status_code == 200
    # A keep-alive connection is still open while the signal arrives.
    sim.process.send_signal(signal_number)
    assert sim.process.wait(5) == 0
    session.close()
    sim.stop()


def test_sigterm_does_not_wait_for_a_hanging_answer():
    sim = launch()
    sim.control("POST", "/_sim/faults", {"fail_next": [{"path": HUNTS, "status": "hang", "hang_seconds": 30}]})
    outcome = []

    def hang():
        try:
            outcome.append(_get(sim.url + HUNTS, timeout=10).status_code)
        except requests.RequestException as exc:
            outcome.append(type(exc).__name__)

    client = threading.Thread(target=hang)
    client.start()
    deadline = time.monotonic() + 5
    while not sim.control("GET", "/_sim/journal")[1]["entries"] and time.monotonic() < deadline:
        time.sleep(0.02)
    started = time.monotonic()
    sim.process.send_signal(signal.SIGTERM)
    assert sim.process.wait(5) == 0
    assert time.monotonic() - started < 3
    client.join(10)
    assert len(outcome) == 1
    sim.stop()


def test_tls_with_the_ca_file():
    sim = launch(["--tls"])
    try:
        assert sim.url.startswith("https://127.0.0.1:")
        assert os.path.isfile(sim.ca_file)
        assert _get(sim.url + HUNTS, verify=sim.ca_file).status_code == 200
        assert _get(sim.url.replace("127.0.0.1", "localhost") + HUNTS, verify=sim.ca_file).status_code == 200
        with pytest.raises(requests.exceptions.SSLError):
            _get(sim.url + HUNTS)
        assert sim.control("GET", "/_sim/health")[0] == 200
    finally:
        assert sim.stop() == 0


def test_tls_dir_keeps_the_files(tmp_path):
    sim = launch(["--tls", "--tls-dir", str(tmp_path), "--pbx-count", "2"])
    try:
        assert sim.ca_file == str(tmp_path / "ca.pem")
        assert sorted(os.listdir(tmp_path)) == ["ca.pem", "server-key.pem", "server.pem"]
        for url in sim.urls:
            assert _get(url + HUNTS, verify=sim.ca_file).status_code == 200
    finally:
        assert sim.stop() == 0
    assert os.path.isfile(tmp_path / "ca.pem")


def test_three_independent_pbxs():
    sim = launch(["--pbx-count", "3"])
    try:
        assert len(set(sim.urls)) == 3
        requests.post(sim.urls[1] + "/rest/domain/localhost/addacc", json={"type": "hunts", "account": "9800"}, auth=SYSTEM_ADMIN, timeout=5)
        names = [[entry["name"] for entry in _get(url + HUNTS).json()] for url in sim.urls]
        assert names == [["1002", "1003", "1004"], ["1002", "1003", "1004", "9800"], ["1002", "1003", "1004"]]
        writes = [sim.control("GET", "/_sim/journal", index=index)[1]["writes"] for index in range(3)]
        assert writes == [0, 1, 0]
    finally:
        assert sim.stop() == 0


def _free_port_pair():
    """A port P where P and P+1 are currently free (the test retries if that changes)."""
    while True:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        if port < 65535:
            with socket.socket() as second:
                try:
                    second.bind(("127.0.0.1", port + 1))
                    return port
                except OSError:
                    continue


def test_explicit_port_numbers_consecutive_pbxs():
    for _attempt in range(3):
        port = _free_port_pair()
        try:
            sim = launch(["--port", str(port), "--pbx-count", "2"], stderr=subprocess.DEVNULL)
        except LaunchError:
            continue
        try:
            assert sim.urls == ["http://127.0.0.1:%d" % port, "http://127.0.0.1:%d" % (port + 1)]
        finally:
            assert sim.stop() == 0
        return
    pytest.fail("no free pair of ports found")


def test_taken_port_exits_with_1():
    with socket.socket() as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen(1)
        port = blocker.getsockname()[1]
        result = _run_cli(["--port", str(port)])
    assert result.returncode == 1
    assert "cannot start" in result.stderr


def _run_cli(args):
    env = dict(os.environ, PYTHONPATH=TESTS_DIR)
    return subprocess.run([sys.executable, "-m", "pbxsim"] + args, env=env, capture_output=True, text=True, timeout=10, check=False)


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_seed_file_replaces_the_built_in_seed(tmp_path, suffix):
    yaml = pytest.importorskip("yaml") if suffix == ".yaml" else None
    seed_file = tmp_path / ("seed" + suffix)
    seed_file.write_text(yaml.safe_dump(CUSTOM_SEED) if yaml else json.dumps(CUSTOM_SEED), encoding="utf-8")
    sim = launch(["--seed", str(seed_file)])
    try:
        root = ("root", "Root-Pass-1")
        assert _get(sim.url + "/rest/system/status", auth=root).json()["version"] == "66.0.2"
        hunts = _get(sim.url + "/rest/domain/pbx.example.org/hunts", auth=root).json()
        assert hunts == [{"name": "100", "display": "Front desk", "agents": [10, 11], "calls": 0}]
        settings = _get(sim.url + "/rest/domain/pbx.example.org/user_settings/100", auth=root).json()
        assert settings["st1_dur"] == "15"
        assert _get(sim.url + HUNTS).status_code == 401
        assert _get(sim.url + "/rest/domain/pbx.example.org/hunts", auth=("admin@pbx.example.org", "Tenant-Pass-1")).status_code == 403
    finally:
        assert sim.stop() == 0


def test_a_seed_with_another_admin_password_and_reset_all(tmp_path):
    seed_file = write_seed_with_password(tmp_path / "seed.json", SYSTEM_ADMIN[0], "Distinctive-Pass-77")
    sim = launch(["--pbx-count", "2", "--seed", seed_file])
    try:
        admin = (SYSTEM_ADMIN[0], "Distinctive-Pass-77")
        assert _get(sim.url + HUNTS).status_code == 401
        for url in sim.urls:
            assert requests.post(url + "/rest/domain/localhost/addacc", json={"type": "hunts", "account": "1900"},
                                 auth=admin, timeout=5).status_code == 200
        sim.reset_all()
        for url in sim.urls:
            assert "1900" not in [group["name"] for group in _get(url + HUNTS, auth=admin).json()]
    finally:
        assert sim.stop() == 0


@pytest.mark.parametrize("content", [
    '{"domains": {"a": {"accounts": {"1": {"type": "robots"}}}}}',
    '{"system_admins": {"x": {"password": ""}}}',
    '{"domains": {"a": {"accounts": {"1": {"type": "hunts", "settings": {"st1_ext": [1]}}}}}}',
    '[1, 2, 3]',
    'domains: [unclosed',
])
def test_invalid_seed_exits_with_2(tmp_path, content):
    seed_file = tmp_path / "seed.json"
    seed_file.write_text(content, encoding="utf-8")
    result = _run_cli(["--seed", str(seed_file)])
    assert result.returncode == 2
    assert result.stderr.startswith("pbxsim: ")
    assert result.stdout == ""


def test_hunt_groups_flag_adds_bench_groups():
    sim = launch(["--hunt-groups", "5"])
    try:
        names = [entry["name"] for entry in _get(sim.url + HUNTS).json()]
        assert names[3:] == ["2000", "2001", "2002", "2003", "2004"]
    finally:
        assert sim.stop() == 0


def test_tenants_flag_adds_tenants_to_every_pbx_each_with_its_own_admin():
    sim = launch(["--tenants", "3", "--pbx-count", "2"])
    try:
        for url in sim.urls:
            names = sorted(entry["name"] for entry in _get(url + "/rest/system/domains").json().values())
            assert names == sorted(["localhost", "branch.example.com", "acme.example.com", "globex.example.com",
                                    "tenant-0001.example.com", "tenant-0002.example.com", "tenant-0003.example.com"])
        tenant_admin = ("admin@tenant-0003.example.com", GENERATED_TENANT_ADMIN_PASSWORD)
        assert _get(sim.url + "/rest/domain/tenant-0003.example.com/hunts", auth=tenant_admin).json() == []
        # A tenant administrator stays in its tenant: no tenant list, no other tenant.
        assert _get(sim.url + "/rest/system/domains", auth=tenant_admin).status_code == 403
        assert _get(sim.url + HUNTS, auth=tenant_admin).status_code == 403
    finally:
        assert sim.stop() == 0


def test_a_negative_tenant_count_is_refused():
    result = _run_cli(["--tenants", "-1"])
    assert result.returncode == 2
    assert "--tenants must not be negative" in result.stderr


def test_on_duplicate_error_flag():
    sim = launch(["--on-duplicate", "error"])
    try:
        answer = requests.post(sim.url + "/rest/domain/localhost/addacc", json={"type": "hunts", "account": "1002"}, auth=SYSTEM_ADMIN, timeout=5)
        assert answer.status_code == 400
        assert "already exists" in answer.json()["error"]
    finally:
        assert sim.stop() == 0


def test_in_process_api():
    with start_simulator(on_duplicate="error", hunt_groups=2) as sim:
        assert sim.url == "http://127.0.0.1:%d" % sim.port
        assert len(_get(sim.url + HUNTS, auth=TENANT_ADMIN).json()) == 5
        assert sim.state.on_duplicate == "error"
    with pytest.raises(requests.ConnectionError):
        _get(sim.url + HUNTS, timeout=1)


def test_in_process_group_with_tls():
    group = start_simulators(2, tls=True)
    try:
        assert all(url.startswith("https://") for url in group.urls)
        assert _get(group.urls[1] + HUNTS, verify=group.ca_file).status_code == 200
        tls_dir = os.path.dirname(group.ca_file)
    finally:
        group.stop()
    assert not os.path.exists(tls_dir)
