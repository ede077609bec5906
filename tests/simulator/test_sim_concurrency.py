# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Many clients writing at once lose nothing."""

import threading

import requests

from pbxsim.seed import SYSTEM_ADMIN

DOMAIN = "/rest/domain/localhost"
WRITERS = 50


def _writer(base_url, number, barrier, failures):
    account = str(3000 + number)
    session = requests.Session()
    session.auth = SYSTEM_ADMIN
    try:
        barrier.wait(10)
        created = session.post(base_url + DOMAIN + "/addacc", json={"type": "hunts", "account": account}, timeout=10)
        update = {"display": "Writer %d" % number, "st1_ext": "444 %d" % (446 + number % 3), "st1_dur": number}
        updated = session.post(base_url + DOMAIN + "/user_settings/" + account, json=update, timeout=10)
        if created.status_code != 200 or updated.status_code != 200:
            failures.append((account, created.status_code, updated.status_code))
    except requests.RequestException as exc:
        failures.append((account, repr(exc)))
    finally:
        session.close()


def test_fifty_concurrent_writers_lose_nothing(sim, admin):
    barrier = threading.Barrier(WRITERS)
    failures = []
    threads = [threading.Thread(target=_writer, args=(sim.url, number, barrier, failures)) for number in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert failures == []
    hunts = {entry["name"]: entry for entry in admin.get(DOMAIN + "/hunts").json()}
    for number in range(WRITERS):
        entry = hunts[str(3000 + number)]
        assert entry["display"] == "Writer %d" % number
        assert entry["agents"] == [444, 446 + number % 3]
        assert admin.get(DOMAIN + "/user_settings/%d" % (3000 + number)).json()["st1_dur"] == str(number)
    users = admin.get(DOMAIN + "/users").json()
    assert len({user["id"] for user in users}) == len(users)
    assert sim.control("GET", "/_sim/journal?method=POST")[1]["writes"] == 2 * WRITERS
