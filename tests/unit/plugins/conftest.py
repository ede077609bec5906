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
        self.retries = 0
        self.retry_log = []
        self.writes_done = 0
        self.delete_answers_404 = False
        self.pauses = []
        self.failures = {}  # (method, path) -> list of errors to raise, one per request

    @property
    def writes(self):
        return [request for request in self.requests if request[0] != 'GET']

    def describe(self):
        return 'http://fake-pbx'

    def get(self, path, missing_ok=False):
        return self._handle('GET', path, None, missing_ok)

    def post(self, path, body, repeatable=True):
        return self._handle('POST', path, body, False)

    def pause_before_retry(self, method, path, attempt, reason, retry_after=None):
        self.pauses.append((method, path, attempt, reason))

    def fail_next(self, method, path, *errors):
        """The next requests to METHOD PATH raise these errors; an error may come after the PBX applied the request."""
        self.failures.setdefault((method, path), []).extend(errors)

    def delete(self, path, missing_ok=False):
        return self._handle('DELETE', path, None, missing_ok)

    def _handle(self, method, path, body, missing_ok):
        self.requests.append((method, path, copy.deepcopy(body)))
        pending = self.failures.get((method, path))
        if pending:
            error, applied = pending.pop(0)
            if applied:
                self._apply(method, path, body, missing_ok)
            raise error
        answer = self._apply(method, path, body, missing_ok)
        if method != 'GET' and answer is not None:
            self.writes_done += 1
        return answer

    def _apply(self, method, path, body, missing_ok):
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
            if self.delete_answers_404:
                return self._missing(method, path, missing_ok)
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
