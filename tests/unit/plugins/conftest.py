# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared fakes for the unit tests.

FakePbx stands in for a Transport (transport.py): it speaks its interface, the Protocol vodia_api.Transport
(get/post/delete/create/request on REST paths, retries, retry_log, writes_done, identity, describe, close), over a
dict of accounts of every type, records every request, and can be told to misbehave. It answers the kinds' lists
(hunts, acds), the tenant's account list (users) and, once a test sets them, the lists of values it offers. Real
HTTP is tested in test_transport.py against a local server, and against the simulator in the integration tests.

The ``pbx`` fixture also makes ConnectionSettings.open() hand out this fake instead of a real Transport, so
that everything above the transport (runner, module adapter, action adapter, modules, action plugins) runs
against it with the real connection checks.

``run_main`` runs a module's main() through AnsibleModule; ``make_action`` builds an action plugin with
mocked task, connection, play context, loader and templar.
"""

from __future__ import annotations

import contextlib
import copy
import json

from unittest.mock import MagicMock
from urllib.parse import unquote

import pytest

try:  # ansible-core >= 2.19
    from ansible.module_utils import _internal as module_utils_internal
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    from ansible.module_utils import basic
    from ansible.module_utils.common.text.converters import to_bytes

    module_utils_internal = None

    @contextlib.contextmanager
    def patch_module_args(args=None):
        payload = to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': args or {}}))
        with pytest.MonkeyPatch.context() as patcher:
            patcher.setattr(basic, '_ANSIBLE_ARGS', payload)
            yield

from ansible_collections.vodia.pbx.plugins.module_utils import connection, operations, transport
from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaApiError
from ansible_collections.vodia.pbx.plugins.module_utils.runner import Report
from ansible_collections.vodia.pbx.plugins.module_utils.transport import RetryRecord, WRITE_METHODS

PASSWORD = 'Unit-Test-Secret-4711'

# What a new hunt group holds: every field of the vendor's v58 example (S1), empty but for its defaults. A PBX
# answers with all the fields an account has; the engine does not send a field missing there.
NEW_HUNT_GROUP_SETTINGS = dict(
    dict.fromkeys(('conn_sym', 'display', 'email', 'flag', 'hunt_anonymous_dest', 'melody', 'moh', 'night',
                   'st1_dur', 'st1_ext', 'st2_dur', 'st2_ext', 'st3_dur', 'st3_ext', 'st4_ext', 'acdani', 'ani',
                   'dial_plan', 'disabled', 'location', 'param1', 'visible'), ''),
    connect='true', from_header='id', ncf='false', rec='false', st1_miss='false', st2_miss='false', st3_miss='false',
)
# What a new call queue holds: the fields of the vendor's agent group example (AG) that the field table knows, and
# a few untyped flags, with the example's defaults.
NEW_CALL_QUEUE_SETTINGS = dict(
    dict.fromkeys(('acd_anonymous_dest', 'agents', 'all_agents', 'ani', 'dial_plan', 'disabled', 'display', 'email',
                   'escagents', 'esctime', 'last_state', 'lastwait', 'melody', 'moh', 'night', 'usage'), ''),
    algorithm='list', announce_callback='true', connect='false', ncf='true', rec='false', ringback='true',
)
# What a new service flag holds: the identity every account has (doc.vodia.com/serviceflags, S2) and the common
# block's state fields.
NEW_SERVICE_FLAG_SETTINGS = dict.fromkeys(('display', 'disabled', 'dial_plan', 'dialog_state', 'email'), '')
NEW_SETTINGS = {'hunts': NEW_HUNT_GROUP_SETTINGS, 'acds': NEW_CALL_QUEUE_SETTINGS, 'srvflags': NEW_SERVICE_FLAG_SETTINGS}
# The lists of the kinds: GET /rest/domain/{d}/<list> names the accounts of that addacc type.
KIND_LISTS = ('hunts', 'acds', 'srvflags')
CONNECTION = {'url': 'https://pbx.example.com', 'username': 'admin', 'password': PASSWORD}


class FakePbx:
    """An in-memory PBX behind the Transport interface."""

    def __init__(self):
        self.accounts = {
            'localhost': {
                '1002': {'type': 'hunts', 'settings': {'display': 'Hunt', 'st1_ext': '444', 'st1_dur': '5', 'alias': ['1002']}},
                '444': {'type': 'extensions', 'settings': {'display': 'Desk 444', 'alias': ['444']}},
            },
        }
        self.requests = []          # (method, path, body) of every request, in order
        self.single_shot = []       # (method, path) of the requests sent with repeatable=False
        self.retries = 3
        self.retry_log = []
        self.writes_done = 0
        self.closed = False
        self.opened_with = None     # the keyword arguments ConnectionSettings.open() gave the transport
        self.ignore_settings_writes = False
        self.create_silently_fails = False
        self.fields_not_kept = set()    # fields this PBX's accounts do not have: a write accepts and drops them
        self.delete_answers_404 = False
        self.failures = {}          # (method, path) -> [(error, applied)], one per request
        # The answers of the lists of values the PBX offers for some fields, by their endpoint under /rest/domain/<d>/
        # (dialplans, moh, ringtones/en), the same for every domain; a list that is not here answers 404.
        self.offered = {}

    @property
    def writes(self):
        return [request for request in self.requests if request[0] != 'GET']

    def paths(self, method=None):
        return [path for sent_method, path, _body in self.requests if method in (None, sent_method)]

    def add(self, name, account_type, domain='localhost', **settings):
        """Put an account of ``account_type`` (an addacc type: hunts, acds, extensions, ...) on the PBX; it answers
        to its own name unless ``alias`` says otherwise."""
        settings.setdefault('alias', [name])
        self.accounts.setdefault(domain, {})[name] = {'type': account_type, 'settings': settings}

    # Misbehaviour ------------------------------------------------------------------------

    def fail_next(self, method, path, *failures):
        """The next requests to METHOD PATH raise these errors; each is (error, applied): was the request carried out?"""
        self.failures.setdefault((method, path), []).extend(failures)

    def fail_with(self, method, path, status=500, applied=False):
        """The next request to METHOD PATH fails with HTTP ``status`` (None: no answer at all)."""
        error = VodiaApiError('%s %s on %s failed with HTTP %s.' % (method, path, self.describe(), status), method, path, status)
        self.fail_next(method, path, (error, applied))

    # The Transport interface ---------------------------------------------------------------

    def describe(self):
        return 'http://fake-pbx'

    @property
    def identity(self):
        return ('http://fake-pbx', 'admin')

    def close(self, keep_session=True):
        self.closed = True

    def create(self, path, body, created):
        """As Transport.create: after a failure without a clear answer (none, or a 5xx) ask ``created()``, and send
        again only if it says no, within the retry budget, recording each retry (with no wait) in retry_log."""
        attempt = 0
        while True:
            try:
                self.request('POST', path, body=body, repeatable=False)
                return
            except VodiaApiError as error:
                if error.status is not None and error.status < 500:
                    raise
                if created():
                    return
                if attempt >= self.retries:
                    raise
                attempt += 1
                reason = 'no answer' if error.status is None else 'HTTP %d' % error.status
                self.retry_log.append(RetryRecord('POST', path, reason, attempt, 0.0))

    def get(self, path, missing_ok=False):
        return self.request('GET', path, missing_ok=missing_ok)

    def post(self, path, body, repeatable=True):
        return self.request('POST', path, body=body, repeatable=repeatable)

    def delete(self, path, missing_ok=False):
        return self.request('DELETE', path, missing_ok=missing_ok)

    def request(self, method, path, body=None, missing_ok=False, repeatable=True):
        self.requests.append((method, path, copy.deepcopy(body)))
        if not repeatable:
            self.single_shot.append((method, path))
        pending = self.failures.get((method, path))
        if pending:
            error, applied = pending.pop(0)
            if applied:
                self._apply(method, path, body, missing_ok)
            raise error
        answer = self._apply(method, path, body, missing_ok)
        if method in WRITE_METHODS and answer is not None:
            self.writes_done += 1
        return answer

    # The PBX -------------------------------------------------------------------------------

    def _apply(self, method, path, body, missing_ok):
        parts = [unquote(part) for part in path.split('/')[2:]]  # drop '' and 'rest'
        domain, endpoint, rest = parts[1], parts[2], parts[3:]
        accounts = self.accounts.get(domain)
        if accounts is None:
            return self._missing(method, path, missing_ok)
        if endpoint in KIND_LISTS and not rest:
            return [{'name': name, 'display': account['settings'].get('display', ''), 'agents': [], 'calls': 0}
                    for name, account in accounts.items() if account['type'] == endpoint]
        if method == 'GET' and '/'.join([endpoint] + rest) in self.offered:
            return copy.deepcopy(self.offered['/'.join([endpoint] + rest)])
        if endpoint == 'users' and not rest:
            return [{'name': name, 'alias': list(account['settings'].get('alias') or []), 'usertype': account['type']}
                    for name, account in accounts.items()]
        if endpoint == 'addacc' and method == 'POST':
            if not self.create_silently_fails:
                accounts.setdefault(body['account'], {'type': body['type'], 'settings': dict(
                    NEW_SETTINGS.get(body['type'], {}), alias=[body['account']])})
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
            account['settings'].update((key, value) for key, value in body.items() if key not in self.fields_not_kept)
        return copy.deepcopy(account['settings'])

    def _missing(self, method, path, missing_ok):
        if missing_ok:
            return None
        raise VodiaApiError('%s %s on %s failed with HTTP 404.' % (method, path, self.describe()), method, path, 404)


@pytest.fixture(autouse=True)
def nothing_kept_between_tests():
    """What a process keeps between operations (kept sessions, the last list of a kind) must not link two tests."""
    yield
    operations.EARLIER_LISTS.clear()
    transport.KEPT_SESSIONS.close_all()


@pytest.fixture
def pbx(monkeypatch):
    """A FakePbx, also handed out by ConnectionSettings.open() instead of a real Transport."""
    fake = FakePbx()

    def open_transport(base_url, username, password, **options):
        fake.opened_with = dict(options, base_url=base_url, username=username, password=password)
        fake.retries = options['retries']
        return fake

    monkeypatch.setattr(connection, 'Transport', open_transport)
    return fake


# Modules through AnsibleModule ------------------------------------------------------------

class ModuleRun:
    """What a module's main() printed, and how it exited."""

    def __init__(self, result, exit_code):
        self.result = result
        self.exit_code = exit_code

    @property
    def failed(self):
        return self.exit_code != 0

    @property
    def warnings(self):
        """The warning texts; ansible-core 2.19 sends each warning as a structured summary."""
        return [warning['event']['msg'] if isinstance(warning, dict) else warning for warning in self.result.get('warnings', [])]


@pytest.fixture
def run_main(capsys, monkeypatch):
    """Run a module's main() as Ansible would, with real exit_json/fail_json, and return its ModuleRun.

    Every run is checked: the password never reaches the output.
    """
    # A module runs in a process of its own. Once a test has imported controller code (action plugins), ansible-core
    # believes it runs on the controller and would show module warnings on the screen instead of returning them.
    if module_utils_internal is not None:
        monkeypatch.setattr(module_utils_internal, 'is_controller', False)

    def run(module, args, check_mode=False, diff=False, module_name=None):
        internal = {'_ansible_check_mode': check_mode, '_ansible_diff': diff}
        if module_name is not None:
            internal['_ansible_module_name'] = module_name
        capsys.readouterr()
        with patch_module_args(dict(args, **internal)):
            with pytest.raises(SystemExit) as caught:
                module.main()
        output = capsys.readouterr().out
        assert PASSWORD not in output
        return ModuleRun(json.loads(output), caught.value.code)

    return run


# Action plugins with mocked surroundings --------------------------------------------------

def make_action(action_class, args, action='vodia.pbx.vodia_hunt_group', connection_type='local', become=False,
                async_val=0, check_mode=False, diff=False, environment=None, has_native_async=False):
    """An action plugin as the task executor would build it, from mocks."""
    task = MagicMock(name='task')
    task.args = dict(args)
    task.action = action
    task.resolved_action = action if '.' in action else 'vodia.pbx.' + action
    task.async_val = async_val
    task.check_mode = check_mode
    task.diff = diff
    task.environment = list(environment or [])
    task.no_log = False
    connection_mock = MagicMock(name='connection')
    connection_mock.transport = connection_type
    connection_mock.has_native_async = has_native_async
    connection_mock._shell.tmpdir = None
    play_context = MagicMock(name='play_context')
    play_context.become = become
    templar = MagicMock(name='templar')
    templar.template.side_effect = lambda value: value
    return action_class(task, connection_mock, play_context, MagicMock(name='loader'), templar, shared_loader_obj=None)


def run_action(action_class, action, args, **surroundings):
    """Run an action plugin for one task on a domain, with the module path replaced by a marker result.

    The password must never be in what it returns.
    """
    plugin = make_action(action_class, dict(CONNECTION, domain='localhost', **args), action=action, **surroundings)
    plugin._execute_module = MagicMock(name='_execute_module', return_value={'changed': False, 'ran_as': 'module'})
    plugin._remove_tmp_path = MagicMock(name='_remove_tmp_path')
    result = plugin.run(task_vars={})
    assert PASSWORD not in json.dumps(result, default=str)
    return result


class RecordingOperation:
    """An operation that records its calls and returns a Report; it may write first, warn, and fail."""

    def __init__(self, result=None, error=None, write_first=False, warnings=()):
        self.calls = []
        self.result = {'changed': False, 'ran_as': 'operation'} if result is None else result
        self.error = error
        self.write_first = write_first
        self.warnings = list(warnings)

    def __call__(self, params, mode, transport):
        self.calls.append((params, mode, transport))
        if self.write_first:
            transport.post('/rest/domain/localhost/user_settings/1002', {'display': 'Written'})
        if self.error is not None:
            raise self.error
        return Report(dict(self.result), list(self.warnings))


# Hunt-group input every changing module refuses before any request: (options, words of the message).
BAD_HUNT_GROUP_INPUT = [
    ({'name': 'a/b'}, "name 'a/b' is not valid"),
    ({'name': '500;501'}, "name '500;501' is not valid"),
    ({'name': '500,501'}, "name '500,501' is not valid"),
    ({'name': ''}, 'name must not be empty'),
    ({'domain': '../x'}, "domain '../x' is not valid"),
    ({'stages': [{'extensions': ['1']}] * 4}, 'ringing stages'),
    ({'stages': [{'extensions': ['1'], 'duration': -1}]}, 'must not be negative'),
    ({'settings': {'display': {'a': 1}}}, 'single value'),
]
