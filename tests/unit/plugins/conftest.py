# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""An in-memory stand-in for VodiaClient, for unit tests of the state machine.

It speaks the client's interface (get/post/delete on REST paths) over a dict of
accounts, records every request, and can be told to misbehave. Real HTTP is tested
against the simulator in the integration tests.
"""

from __future__ import annotations

import copy
from urllib.parse import unquote

import pytest

from ansible_collections.vodia.pbx.plugins.module_utils.vodia_client import VodiaApiError


class FakePbx:

    def __init__(self):
        self.accounts = {
            'localhost': {
                '1002': {'type': 'hunts', 'settings': {'display': 'Hunt', 'st1_ext': '444', 'st1_dur': '5', 'alias': ['1002']}},
                '444': {'type': 'extensions', 'settings': {'display': 'Desk 444', 'alias': ['444']}},
            },
        }
        self.requests = []
        self.ignore_settings_writes = False
        self.create_silently_fails = False

    @property
    def writes(self):
        return [request for request in self.requests if request[0] != 'GET']

    def describe(self):
        return 'http://fake-pbx'

    def get(self, path, missing_ok=False):
        return self._handle('GET', path, None, missing_ok)

    def post(self, path, body):
        return self._handle('POST', path, body, False)

    def delete(self, path, missing_ok=False):
        return self._handle('DELETE', path, None, missing_ok)

    def _handle(self, method, path, body, missing_ok):
        self.requests.append((method, path, copy.deepcopy(body)))
        parts = [unquote(part) for part in path.split('/')[2:]]  # drop '' and 'rest'
        domain, endpoint, rest = parts[1], parts[2], parts[3:]
        accounts = self.accounts.get(domain)
        if accounts is None:
            return self._missing(method, path, missing_ok)
        if endpoint == 'hunts':
            return [{'name': name, 'display': account['settings'].get('display', ''), 'agents': [], 'calls': 0}
                    for name, account in accounts.items() if account['type'] == 'hunts']
        if endpoint == 'addacc' and method == 'POST':
            if not self.create_silently_fails:
                accounts.setdefault(body['account'], {'type': body['type'], 'settings': {'display': '', 'alias': [body['account']]}})
            return {}
        account = accounts.get(rest[0]) if rest else None
        if account is None:
            return self._missing(method, path, missing_ok)
        if endpoint == 'addacc' and method == 'DELETE':
            del accounts[rest[0]]
            return {}
        if method == 'POST' and not self.ignore_settings_writes:
            account['settings'].update(body)
        return copy.deepcopy(account['settings'])

    @staticmethod
    def _missing(method, path, missing_ok):
        if missing_ok:
            return None
        raise VodiaApiError('%s %s failed with HTTP 404' % (method, path), method, path, 404)


@pytest.fixture
def pbx():
    return FakePbx()
