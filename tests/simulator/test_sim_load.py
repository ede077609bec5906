# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The load gauge of the control API: requests in flight on one PBX and their peak since the last clear."""

import threading
import time

import pytest
import requests

from pbxsim.load import LoadGauge
from pbxsim.process import launch
from pbxsim.seed import SYSTEM_ADMIN

DOMAIN = "/rest/domain/localhost"
HUNTS = DOMAIN + "/hunts"
# Long enough for the test to see every hanging request in flight, short enough for a fast suite.
HANG_SECONDS = 1.0
WAIT_SECONDS = 10.0


def load(sim, index=0):
    status, body = sim.control("GET", "/_sim/load", index=index)
    assert status == 200, body
    return body


def hang_next(sim, count, index=0, path=HUNTS):
    rule = {"method": "GET", "path": path, "status": "hang", "hang_seconds": HANG_SECONDS, "count": count}
    status, body = sim.control("POST", "/_sim/faults", {"fail_next": [rule]}, index=index)
    assert status == 200, body


def send_at_once(url, count, path=HUNTS):
    """Start ``count`` requests, each on a connection of its own; returns the threads and their status codes."""
    statuses = []

    def one():
        statuses.append(requests.get(url + path, auth=SYSTEM_ADMIN, timeout=WAIT_SECONDS).status_code)

    threads = [threading.Thread(target=one) for _number in range(count)]
    for thread in threads:
        thread.start()
    return threads, statuses


def wait_for_in_flight(sim, wanted, index=0):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if load(sim, index)["in_flight"] == wanted:
            return
        time.sleep(0.02)
    pytest.fail("the PBX never had %d requests in flight: %s" % (wanted, load(sim, index)))


def join(threads):
    for thread in threads:
        thread.join(WAIT_SECONDS)


@pytest.mark.parametrize("held", [1, 3, 5])
def test_k_hanging_requests_read_as_k_in_flight_and_stay_the_peak(sim, held):
    hang_next(sim, held)
    threads, statuses = send_at_once(sim.url, held)
    wait_for_in_flight(sim, held)
    join(threads)
    assert statuses == [200] * held
    assert load(sim) == {"in_flight": 0, "peak_in_flight": held, "requests": held}


def test_requests_one_after_another_peak_at_one(sim, admin):
    for _number in range(5):
        assert admin.get(HUNTS).status_code == 200
    assert load(sim) == {"in_flight": 0, "peak_in_flight": 1, "requests": 5}


def test_clients_that_keep_k_requests_in_flight_never_read_a_peak_above_k(sim):
    """The PBX counts a request out before its answer goes out, so a client that got its answer and sent the next
    request on another connection is never counted twice (it was, before, on a busy machine)."""
    held = 2
    slots = threading.BoundedSemaphore(held)
    failures = []

    def client():
        with requests.Session() as session:
            for _number in range(25):
                with slots:
                    status = session.get(sim.url + HUNTS, auth=SYSTEM_ADMIN, timeout=WAIT_SECONDS).status_code
                if status != 200:
                    failures.append(status)

    threads = [threading.Thread(target=client) for _number in range(4)]
    for thread in threads:
        thread.start()
    join(threads)
    assert failures == []
    gauge = load(sim)
    assert gauge["requests"] == 100
    assert 1 <= gauge["peak_in_flight"] <= held


def test_control_requests_are_not_counted(sim):
    threads = [threading.Thread(target=sim.control, args=("GET", "/_sim/state")) for _number in range(6)]
    for thread in threads:
        thread.start()
    join(threads)
    assert load(sim) == {"in_flight": 0, "peak_in_flight": 0, "requests": 0}


def test_faulted_dropped_and_unknown_requests_count_and_leave(sim, admin):
    status, body = sim.control("POST", "/_sim/faults", {"fail_next": [
        {"path": HUNTS, "status": 503}, {"path": DOMAIN + "/users", "status": "drop"}]})
    assert status == 200, body
    assert admin.get(HUNTS).status_code == 503
    with pytest.raises(requests.ConnectionError):
        admin.get(DOMAIN + "/users")
    assert admin.get("/nothing").status_code == 404
    assert load(sim) == {"in_flight": 0, "peak_in_flight": 1, "requests": 3}


def test_the_journal_shows_the_peak(sim):
    hang_next(sim, 2)
    threads, _statuses = send_at_once(sim.url, 2)
    join(threads)
    journal = sim.control("GET", "/_sim/journal")[1]
    assert (len(journal["entries"]), journal["peak_in_flight"]) == (2, 2)


@pytest.mark.parametrize("clear", [("DELETE", "/_sim/journal"), ("DELETE", "/_sim/load"), ("POST", "/_sim/reset")])
def test_a_clear_starts_a_new_peak_from_what_is_in_flight(sim, admin, clear):
    hang_next(sim, 3)
    threads, _statuses = send_at_once(sim.url, 3)
    join(threads)
    assert load(sim)["peak_in_flight"] == 3
    hang_next(sim, 1)
    threads, _statuses = send_at_once(sim.url, 1)
    wait_for_in_flight(sim, 1)
    assert sim.control(*clear)[0] == 200
    # The request still hanging belongs to the new measurement.
    assert load(sim) == {"in_flight": 1, "peak_in_flight": 1, "requests": 0}
    join(threads)
    assert admin.get(HUNTS).status_code == 200
    assert load(sim) == {"in_flight": 0, "peak_in_flight": 1, "requests": 1}


def test_clearing_the_load_keeps_the_journal(sim, admin):
    admin.get(HUNTS)
    assert sim.control("DELETE", "/_sim/load") == (200, {"in_flight": 0, "peak_in_flight": 0, "requests": 0})
    assert len(sim.control("GET", "/_sim/journal")[1]["entries"]) == 1


def test_the_load_endpoint_takes_get_and_delete_only(sim):
    status, body = sim.control("POST", "/_sim/load", {})
    assert status == 405
    assert "method POST not allowed" in body["error"]


def test_each_pbx_of_a_multi_pbx_simulator_has_its_own_gauge():
    sim = launch(["--pbx-count", "3"])
    try:
        held = {1: 2, 2: 3}
        threads = []
        for index, count in held.items():
            hang_next(sim, count, index=index)
            threads += send_at_once(sim.urls[index], count)[0]
        for index, count in held.items():
            wait_for_in_flight(sim, count, index=index)
        join(threads)
        assert [load(sim, index)["peak_in_flight"] for index in range(3)] == [0, 2, 3]
    finally:
        sim.stop()


def test_the_gauge_counts_threads_that_overlap():
    gauge = LoadGauge()
    gauge.enter()
    gauge.enter()
    gauge.leave()
    gauge.enter()
    assert gauge.describe() == {"in_flight": 2, "peak_in_flight": 2, "requests": 3}
    gauge.leave()
    gauge.clear()
    assert gauge.describe() == {"in_flight": 1, "peak_in_flight": 1, "requests": 0}
