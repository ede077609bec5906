# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures: one simulator subprocess for the session, reset before every test; one per profile for a module."""

import pytest
import requests

from pbxsim.process import launch
from pbxsim.profiles import PROFILES
from pbxsim.seed import SYSTEM_ADMIN

CLIENT_TIMEOUT = 5


class RestClient:
    """A keep-alive requests session bound to one base URL and one set of credentials."""

    def __init__(self, base_url, auth=None, verify=True):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.auth = auth
        # Passed per request: requests lets REQUESTS_CA_BUNDLE override a session-level verify.
        self.verify = verify

    def call(self, method, path, **kwargs):
        """Send one request; path starts with /."""
        kwargs.setdefault("timeout", CLIENT_TIMEOUT)
        kwargs.setdefault("verify", self.verify)
        return self.session.request(method, self.base_url + path, **kwargs)

    def get(self, path, **kwargs):
        """GET path."""
        return self.call("GET", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        """POST a JSON body."""
        return self.call("POST", path, json=body, **kwargs)

    def put(self, path, body=None, **kwargs):
        """PUT a JSON body."""
        return self.call("PUT", path, json=body, **kwargs)

    def delete(self, path, **kwargs):
        """DELETE path."""
        return self.call("DELETE", path, **kwargs)

    def close(self):
        """Close pooled connections."""
        self.session.close()


@pytest.fixture(scope="session", name="sim_process")
def sim_process_fixture():
    """The simulator subprocess shared by the whole session."""
    sim = launch(["--port", "0"])
    yield sim
    sim.stop()


@pytest.fixture(name="sim")
def sim_fixture(sim_process):
    """The shared simulator, reset to the seed (data, faults, journal)."""
    status, _body = sim_process.control("POST", "/_sim/reset")
    assert status == 200
    return sim_process


@pytest.fixture(name="client_for")
def client_for_fixture(sim):
    """Factory: a RestClient for given credentials (None for no Authorization header)."""
    clients = []

    def make(auth):
        client = RestClient(sim.url, auth)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture(name="admin")
def admin_fixture(client_for):
    """A client authenticated as the system administrator."""
    return client_for(SYSTEM_ADMIN)


@pytest.fixture(scope="module", name="sims")
def sims_fixture():
    """One simulator subprocess per profile for the module that asks, started with --profile."""
    started = {}
    try:
        for profile in PROFILES:
            started[profile] = launch(["--profile", profile])
        yield started
    finally:
        for sim in started.values():
            sim.stop()


@pytest.fixture(name="pbx")
def pbx_fixture(sims):
    """Factory: (simulator, admin client) of a profile, reset to its seed."""
    clients = []

    def make(profile):
        sim = sims[profile]
        assert sim.control("POST", "/_sim/reset")[0] == 200
        client = RestClient(sim.url, SYSTEM_ADMIN)
        clients.append(client)
        return sim, client

    yield make
    for client in clients:
        client.close()
