# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The transport against a real HTTP server on 127.0.0.1 whose answers each test scripts.

Retries happen inside urllib3, below requests, so only real connections can show them: the server answers
each request with the next scripted answer (a status with body and headers, a connection closed without an
answer, or an answer later than the client's timeout).
"""

from __future__ import annotations

import base64
import json
import shutil
import socket
import threading
import time

from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import NamedTuple

import certifi
import pytest
import requests

from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, ReadTimeoutError, MaxRetryError

from ansible_collections.vodia.pbx.plugins.module_utils import transport as transport_module
from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaApiError, VodiaConfigError
from ansible_collections.vodia.pbx.plugins.module_utils.operations import MAX_PARALLEL
from ansible_collections.vodia.pbx.plugins.module_utils.transport import (
    MAX_CONNECTIONS,
    RETRY_MAX_WAIT_SECONDS,
    KeptSessions,
    RecordingRetry,
    RetryRecord,
    Transport,
    backoff_seconds,
)

PASSWORD = 'Transport-Secret-9931'


# The scripted server -----------------------------------------------------------------------

class Reply(NamedTuple):
    status: int
    body: object = None        # bytes are sent as they are, anything else as JSON
    headers: dict = {}


class Late(NamedTuple):
    """Answer only after ``seconds``: later than the client waits."""
    seconds: float
    reply: Reply = Reply(200, {})


DROP = 'close the connection without an answer'


class Received(NamedTuple):
    method: str
    path: str
    headers: dict
    body: bytes


class ScriptedHandler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def setup(self):
        super().setup()
        self.server.connections += 1

    def _answer(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        self.server.received.append(Received(self.command, self.path, dict(self.headers), body))
        answer = self.server.next_answer()
        if answer == DROP:
            self.close_connection = True
            return
        if isinstance(answer, Late):
            time.sleep(answer.seconds)
            answer = answer.reply
        payload = answer.body if isinstance(answer.body, bytes) else b'' if answer.body is None else json.dumps(answer.body).encode()
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header('Content-Length', str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = _answer


class ScriptedServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # a handler may still sleep in a Late answer

    def __init__(self):
        super().__init__(('127.0.0.1', 0), ScriptedHandler)
        self.script = []
        self.received = []
        self.connections = 0
        self._lock = threading.Lock()

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.server_address[1]

    def answer(self, *answers):
        self.script.extend(answers)

    def next_answer(self):
        with self._lock:
            if self.script:
                return self.script.pop(0)
        return Reply(418, {'error': 'no answer scripted for this request'})

    def handle_error(self, request, client_address):
        pass  # a client that gave up on a Late answer breaks the pipe


@pytest.fixture
def server():
    scripted = ScriptedServer()
    thread = threading.Thread(target=scripted.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True)
    thread.start()
    yield scripted
    scripted.shutdown()
    scripted.server_close()
    thread.join()


@pytest.fixture
def waits():
    """The waits before retries, recorded instead of slept."""
    return []


@pytest.fixture
def connect(waits):
    transports = []

    def connect_to(url, **options):
        options.setdefault('sleep', waits.append)
        options.setdefault('timeout', 5)
        transport = Transport(url, 'admin', PASSWORD, **options)
        transports.append(transport)
        return transport

    yield connect_to
    for transport in transports:
        transport.close()


@pytest.fixture
def closed_port():
    """A port on 127.0.0.1 where nothing listens: connections are refused."""
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


def failure(call):
    with pytest.raises(VodiaApiError) as caught:
        call()
    return caught.value


# Requests and answers --------------------------------------------------------------------

def test_a_read_sends_basic_auth_and_asks_for_json(server, connect):
    server.answer(Reply(200, [{'name': '1002'}]))
    assert connect(server.url).get('/rest/domain/localhost/hunts') == [{'name': '1002'}]
    received = server.received[0]
    assert (received.method, received.path) == ('GET', '/rest/domain/localhost/hunts')
    assert received.headers['Authorization'] == 'Basic ' + base64.b64encode(('admin:' + PASSWORD).encode()).decode()
    assert received.headers['Accept'] == 'application/json'


def test_a_post_sends_its_body_as_strict_json(server, connect):
    server.answer(Reply(200, {}))
    connect(server.url).post('/rest/domain/localhost/addacc', {'type': 'hunts', 'account': '1004'})
    received = server.received[0]
    assert received.headers['Content-Type'] == 'application/json'
    assert json.loads(received.body) == {'type': 'hunts', 'account': '1004'}


def test_requests_go_below_the_path_of_the_base_url(server, connect):
    server.answer(Reply(200, {}))
    connect(server.url + '/pbx').get('/rest/x')
    assert server.received[0].path == '/pbx/rest/x'


@pytest.mark.parametrize('verify', [True, False, certifi.where()])
def test_the_tls_setting_goes_with_every_request(server, connect, monkeypatch, verify):
    monkeypatch.delenv('REQUESTS_CA_BUNDLE', raising=False)
    monkeypatch.delenv('CURL_CA_BUNDLE', raising=False)
    sent = []
    original = requests.Session.request

    def spy(session, method, url, **kwargs):
        sent.append(kwargs)
        return original(session, method, url, **kwargs)

    monkeypatch.setattr(requests.Session, 'request', spy)
    server.answer(Reply(200, {}), Reply(200, {}))
    transport = connect(server.url, verify=verify, timeout=7)
    transport.get('/rest/a')
    transport.post('/rest/b', {}, repeatable=False)
    assert [kwargs['verify'] for kwargs in sent] == [verify, verify]
    assert [kwargs['timeout'] for kwargs in sent] == [7, 7]


@pytest.mark.parametrize('variable', ['REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'])
def test_a_ca_bundle_from_the_environment_replaces_the_default_store_as_in_requests(connect, monkeypatch, tmp_path, variable):
    monkeypatch.delenv('REQUESTS_CA_BUNDLE', raising=False)
    monkeypatch.delenv('CURL_CA_BUNDLE', raising=False)
    company_bundle = certifi.where()
    monkeypatch.setenv(variable, company_bundle)
    assert connect('https://pbx.example.com', verify=True)._verify == company_bundle
    # An explicit CA file or validate_certs=false is kept, as requests keeps it.
    pbx_ca = str(tmp_path / 'pbx-ca.pem')
    shutil.copy(company_bundle, pbx_ca)
    assert connect('https://pbx.example.com', verify=pbx_ca)._verify == pbx_ca
    assert connect('https://pbx.example.com', verify=False)._verify is False


def test_proxies_come_from_the_environment_once_with_no_proxy_honoured(connect, monkeypatch):
    monkeypatch.setenv('HTTPS_PROXY', 'http://proxy.example.com:3128')
    monkeypatch.setenv('NO_PROXY', 'direct.example.com')
    proxied = connect('https://pbx.example.com')
    direct = connect('https://direct.example.com')
    monkeypatch.delenv('HTTPS_PROXY')
    # Read when the transport was made; the session no longer looks at the environment per request.
    assert proxied._session.proxies.get('https') == 'http://proxy.example.com:3128'
    assert proxied._session.trust_env is False
    assert 'https' not in direct._session.proxies


def test_a_request_through_the_proxy_from_the_environment(server, connect, monkeypatch):
    # The scripted server plays the proxy: a plain-http request through a proxy carries the absolute URL.
    monkeypatch.setenv('HTTP_PROXY', server.url)
    monkeypatch.delenv('NO_PROXY', raising=False)
    monkeypatch.delenv('no_proxy', raising=False)
    server.answer(Reply(200, {}))
    connect('http://pbx.example.com').get('/rest/x')
    assert server.received[0].path == 'http://pbx.example.com/rest/x'


# Sessions kept between transports (the items of a loop on the controller) --------------------------

def test_the_next_transport_to_the_same_pbx_reuses_the_session_and_its_connection(server, connect):
    server.answer(Reply(200, {}), Reply(200, {}))
    first = connect(server.url)
    first.get('/rest/a')
    session = first._session
    first.close()
    second = connect(server.url)
    assert second._session is session
    second.get('/rest/b')
    assert server.connections == 1


def test_a_transport_closed_without_keeping_its_session_leaves_nothing_open(server, connect):
    server.answer(Reply(200, {}))
    first = connect(server.url)
    first.get('/rest/a')
    first.close(keep_session=False)
    assert connect(server.url)._session is not first._session


@pytest.mark.parametrize('difference', [{'password': 'another-password'}, {'username': 'other'}, {'verify': False}])
def test_a_transport_with_other_credentials_or_tls_gets_its_own_session(difference):
    settings = dict(username='admin', password=PASSWORD, verify=True)
    first = Transport('https://pbx.example.com', **settings)
    first.close()
    second = Transport('https://pbx.example.com', **dict(settings, **difference))
    assert second._session is not first._session
    assert second.identity != first.identity
    second.close()


def test_the_identity_of_a_transport_never_holds_the_password(connect):
    assert PASSWORD not in repr(connect('https://pbx.example.com').identity)


def test_retries_on_a_kept_session_are_reported_to_the_transport_using_it(server, connect, waits):
    server.answer(Reply(200, {}), Reply(503, {}), Reply(200, {}))
    first = connect(server.url)
    first.get('/rest/x')
    first.close()
    second = connect(server.url)
    second.get('/rest/x')
    assert [record.reason for record in second.retry_log] == ['HTTP 503']


def test_a_kept_session_is_not_used_by_a_forked_child():
    kept = KeptSessions(limit=2)
    session = requests.Session()
    kept.give_back(('pbx',), session)
    kept._owner_pid = -1  # as if this process were a child forked after the session was kept
    assert kept.take(('pbx',)) is None


def test_beyond_the_limit_the_oldest_kept_session_is_closed():
    kept = KeptSessions(limit=1)
    oldest, newest = requests.Session(), requests.Session()
    closed = []
    oldest.close = lambda: closed.append('oldest')
    kept.give_back(('a',), oldest)
    kept.give_back(('b',), newest)
    assert closed == ['oldest']
    assert kept.take(('b',)) is newest and kept.take(('a',)) is None


def test_the_connection_pool_keeps_a_connection_for_every_parallel_read(connect):
    transport = connect('https://pbx.example.com')
    assert MAX_CONNECTIONS >= MAX_PARALLEL
    assert transport._session.get_adapter('https://pbx.example.com')._pool_maxsize == MAX_CONNECTIONS


def test_an_empty_answer_is_an_empty_object(server, connect):
    server.answer(Reply(200, b''))
    assert connect(server.url).delete('/rest/x') == {}


def test_an_answer_that_is_not_json_is_an_error_not_an_empty_answer(server, connect):
    server.answer(Reply(200, b'<html>login</html>'))
    error = failure(lambda: connect(server.url).get('/rest/x'))
    assert 'not JSON' in error.message
    assert '<html>login</html>' in error.message
    assert error.status == 200


@pytest.mark.parametrize('method', ['POST', 'DELETE'])
def test_a_write_answered_with_a_body_that_is_not_json_has_no_usable_answer(server, connect, method):
    # The caller verifies every write by reading; a login page answering the read still fails it (above).
    server.answer(Reply(200, b'OK'))
    transport = connect(server.url)
    assert transport.request(method, '/rest/x', body={} if method == 'POST' else None) is None
    assert transport.writes_done == 1


def test_a_redirect_is_not_followed(server, connect):
    server.answer(Reply(301, b'', {'Location': server.url + '/elsewhere'}), Reply(200, {}))
    error = failure(lambda: connect(server.url).post('/rest/x', {}))
    assert 'redirected (HTTP 301) to %s/elsewhere' % server.url in error.message
    assert error.status == 301
    assert [received.path for received in server.received] == ['/rest/x']


@pytest.mark.parametrize('status, hint', [
    (400, 'rejected the request as invalid'),
    (401, 'Check username and password (VODIA_USERNAME, VODIA_PASSWORD)'),
    (403, 'give the administrator API access'),
    (404, 'Check that the domain (tenant) exists'),
    (500, 'check the PBX logs'),
])
def test_an_error_answer_says_what_was_tried_and_what_to_check(server, connect, status, hint):
    server.answer(Reply(status, {'error': 'nope'}))
    error = failure(lambda: connect(server.url, retries=0).post('/rest/domain/localhost/user_settings/1002', {'display': 'x'}))
    assert error.message.startswith('POST /rest/domain/localhost/user_settings/1002 on %s failed with HTTP %d: ' % (server.url, status))
    assert hint in error.message
    assert error.facts() == {'method': 'POST', 'path': '/rest/domain/localhost/user_settings/1002', 'status': status,
                             'response': '{"error": "nope"}'}


def test_a_long_error_body_is_shortened(server, connect):
    server.answer(Reply(400, b'x' * 1000))
    error = failure(lambda: connect(server.url).get('/rest/x'))
    assert error.body == 'x' * transport_module.ERROR_BODY_LIMIT + '...'


@pytest.mark.parametrize('method', ['get', 'delete'])
def test_a_missing_document_is_none_only_when_asked_for(server, connect, method):
    server.answer(Reply(404, {'error': 'no such account'}), Reply(404, {'error': 'no such account'}))
    transport = connect(server.url)
    assert getattr(transport, method)('/rest/x', missing_ok=True) is None
    assert failure(lambda: getattr(transport, method)('/rest/x')).status == 404


# Retries -------------------------------------------------------------------------------------

@pytest.mark.parametrize('status', [429, 500, 502, 503, 504])
def test_a_pbx_that_says_try_again_is_asked_again_and_the_retry_is_recorded(server, connect, waits, status):
    server.answer(Reply(status, {'error': 'busy'}), Reply(200, [{'name': '1002'}]))
    transport = connect(server.url)
    assert transport.get('/rest/domain/localhost/hunts') == [{'name': '1002'}]
    assert len(server.received) == 2
    assert transport.retry_log == [RetryRecord('GET', '/rest/domain/localhost/hunts', 'HTTP %d' % status, 1, round(waits[0], 2))]
    assert 0.25 <= waits[0] <= 0.5


def test_a_retry_is_recorded_with_the_path_the_task_asked_for(server, connect):
    server.answer(Reply(503), Reply(200, {}))
    transport = connect(server.url + '/pbx')
    transport.get('/rest/x')
    assert transport.retry_log[0].as_dict() == {'method': 'GET', 'path': '/rest/x', 'reason': 'HTTP 503', 'attempt': 1,
                                                'wait_seconds': transport.retry_log[0].wait_seconds}


def test_a_busy_pbx_is_asked_again_after_its_retry_after(server, connect, waits):
    server.answer(Reply(503, {'error': 'busy'}, {'Retry-After': '2'}), Reply(200, []))
    transport = connect(server.url)
    assert transport.get('/rest/domain/localhost/hunts') == []
    assert waits == [2.0]
    assert transport.retry_log[0].wait_seconds == 2.0


def test_a_retry_after_longer_than_the_cap_waits_only_the_cap(server, connect, waits):
    server.answer(Reply(429, {}, {'Retry-After': '3600'}), Reply(200, {}))
    connect(server.url).get('/rest/x')
    assert waits == [RETRY_MAX_WAIT_SECONDS]


def test_a_retry_after_given_as_a_date_waits_until_that_date(server, connect, waits):
    server.answer(Reply(503, {}, {'Retry-After': formatdate(time.time() + 5, usegmt=True)}), Reply(200, {}))
    connect(server.url).get('/rest/x')
    assert len(waits) == 1 and 3.0 <= waits[0] <= 5.0


def test_an_unreadable_retry_after_falls_back_to_the_backoff(server, connect, waits):
    # A proxy in front of the PBX may send a Retry-After that is neither seconds nor a date.
    server.answer(Reply(503, {}, {'Retry-After': 'soon'}), Reply(200, {}))
    assert connect(server.url).get('/rest/x') == {}
    assert len(waits) == 1 and 0.25 <= waits[0] <= 0.5


def test_the_backoff_grows_exponentially_with_jitter(server, connect, waits):
    server.answer(Reply(502), Reply(502), Reply(502), Reply(200, {}))
    transport = connect(server.url)
    transport.post('/rest/domain/localhost/user_settings/1002', {'display': 'x'})
    assert len(waits) == 3
    for attempt, wait in enumerate(waits):
        assert 0.5 * 2 ** attempt * 0.5 <= wait <= 0.5 * 2 ** attempt
    assert [record.attempt for record in transport.retry_log] == [1, 2, 3]


def test_a_failure_beyond_the_retry_budget_shows_the_last_answer_and_how_often_it_was_sent(server, connect):
    server.answer(Reply(500, {'error': 'first'}), Reply(500, {'error': 'second'}), Reply(500, {'error': 'last'}), Reply(200, {}))
    transport = connect(server.url, retries=2)
    error = failure(lambda: transport.get('/rest/x'))
    assert len(server.received) == 3
    assert error.status == 500
    assert error.body == '{"error": "last"}'
    assert error.message.endswith('(Sent 3 times; the last answer is shown.)')
    assert len(transport.retry_log) == 2


def test_a_failure_sent_once_does_not_claim_to_be_repeated(server, connect):
    server.answer(Reply(500, {'error': 'boom'}))
    error = failure(lambda: connect(server.url, retries=0).get('/rest/x'))
    assert 'Sent' not in error.message


def test_no_retries_when_the_budget_is_zero(server, connect):
    server.answer(Reply(503, {}, {'Retry-After': '1'}), Reply(200, {}))
    transport = connect(server.url, retries=0)
    assert failure(lambda: transport.get('/rest/x')).status == 503
    assert len(server.received) == 1
    assert transport.retry_log == []


@pytest.mark.parametrize('method', ['GET', 'POST', 'DELETE'])
def test_a_dropped_connection_is_retried_for_a_repeatable_request(server, connect, method):
    server.answer(DROP, Reply(200, {'ok': 1}))
    transport = connect(server.url)
    assert transport.request(method, '/rest/x', body={} if method == 'POST' else None) == {'ok': 1}
    assert len(server.received) == 2
    [record] = transport.retry_log
    assert (record.method, record.path, record.attempt) == (method, '/rest/x', 1)
    assert 'closed connection without response' in record.reason


def test_dropped_connections_beyond_the_budget_fail_and_say_how_often(server, connect):
    server.answer(DROP, DROP, DROP, Reply(200, {}))
    transport = connect(server.url, retries=2)
    error = failure(lambda: transport.get('/rest/x'))
    assert len(server.received) == 3
    assert error.status is None
    assert 'reachable' in error.message
    assert error.message.endswith('(Sent 3 times; none was answered.)')
    assert [record.attempt for record in transport.retry_log] == [1, 2]


def test_a_refused_connection_is_retried_up_to_the_budget_and_fails_with_advice(connect, waits, closed_port):
    transport = connect('http://127.0.0.1:%d' % closed_port, retries=2)
    error = failure(lambda: transport.get('/rest/x'))
    assert 'Connection refused' in error.message
    assert 'Check url and that the PBX is reachable from this host' in error.message
    assert error.message.endswith('(Sent 3 times; none was answered.)')
    assert error.status is None
    assert [(record.method, record.path, record.attempt) for record in transport.retry_log] == [('GET', '/rest/x', 1), ('GET', '/rest/x', 2)]
    assert all('Connection refused' in record.reason for record in transport.retry_log)
    assert len(waits) == 2


@pytest.mark.parametrize('first', [DROP, Reply(503, {'error': 'busy'}), Reply(500, {'error': 'boom'})], ids=['dropped', '503', '500'])
def test_a_request_that_must_not_repeat_is_sent_exactly_once(server, connect, first):
    server.answer(first, Reply(200, {}))
    transport = connect(server.url)
    error = failure(lambda: transport.post('/rest/domain/localhost/addacc', {'type': 'hunts', 'account': '1'}, repeatable=False))
    assert len(server.received) == 1
    assert transport.retry_log == []
    assert 'Sent' not in error.message


def test_a_read_that_timed_out_is_sent_once_more(server, connect, waits):
    server.answer(Late(2.0), Reply(200, {'ok': True}))
    transport = connect(server.url, timeout=0.25)
    assert transport.get('/rest/x') == {'ok': True}
    assert len(server.received) == 2
    assert [(record.method, record.path, record.attempt) for record in transport.retry_log] == [('GET', '/rest/x', 1)]
    assert 'timed out' in transport.retry_log[0].reason


def test_a_read_that_times_out_twice_fails_within_about_two_timeouts(server, connect):
    server.answer(Late(2.0), Late(2.0), Reply(200, {}))
    transport = connect(server.url, timeout=0.25, sleep=lambda seconds: None)
    started = time.monotonic()
    error = failure(lambda: transport.get('/rest/x'))
    assert time.monotonic() - started < 1.5
    assert 'got no answer within the timeout of 0.25 seconds' in error.message
    assert 'VODIA_TIMEOUT' in error.message
    assert error.message.endswith('(Sent 2 times; none was answered.)')
    assert error.status is None
    assert len(server.received) == 2


@pytest.mark.parametrize('method', ['POST', 'DELETE'])
def test_a_write_that_timed_out_is_not_repeated(server, connect, method):
    # The PBX may have carried it out; the caller reads and decides.
    server.answer(Late(2.0), Reply(200, {}))
    transport = connect(server.url, timeout=0.25)
    started = time.monotonic()
    error = failure(lambda: transport.request(method, '/rest/x', body={} if method == 'POST' else None))
    assert time.monotonic() - started < 1.5
    assert 'got no answer within the timeout' in error.message
    assert len(server.received) == 1
    assert transport.retry_log == []


def test_without_a_retry_budget_a_timed_out_read_is_not_repeated(server, connect):
    server.answer(Late(2.0), Reply(200, {}))
    transport = connect(server.url, timeout=0.25, retries=0)
    failure(lambda: transport.get('/rest/x'))
    assert len(server.received) == 1


def test_timeouts_of_a_read_are_retried_once_and_of_a_write_never():
    retry = RecordingRetry(total=3, connect=3, read=3, status=3, other=0)
    with pytest.raises(MaxRetryError):
        retry.increment('POST', '/rest/x', error=ConnectTimeoutError('connect timed out'))
    with pytest.raises(ReadTimeoutError):
        retry.increment('POST', '/rest/x', error=ReadTimeoutError(None, '/rest/x', 'read timed out'))
    once = retry.increment('GET', '/rest/x', error=ReadTimeoutError(None, '/rest/x', 'read timed out'))
    with pytest.raises(ReadTimeoutError):
        once.increment('GET', '/rest/x', error=ReadTimeoutError(None, '/rest/x', 'read timed out'))
    assert retry.increment('GET', '/rest/x', error=ConnectTimeoutError('connect timed out')).connect == 2
    refused = NewConnectionError(None, 'Failed to establish a new connection: [Errno 111] Connection refused')
    assert retry.increment('POST', '/rest/x', error=refused).connect == 2


@pytest.mark.parametrize('status', [400, 401, 403, 404])
def test_client_errors_are_not_retried(server, connect, status):
    server.answer(Reply(status, {}), Reply(200, {}))
    transport = connect(server.url)
    assert failure(lambda: transport.get('/rest/x')).status == status
    assert len(server.received) == 1
    assert transport.retry_log == []


def test_a_tls_failure_is_not_retried_and_advises_ca_path(server, connect):
    # https to a server that speaks plain http: the TLS handshake fails.
    transport = connect(server.url.replace('http://', 'https://'))
    error = failure(lambda: transport.get('/rest/x'))
    assert 'TLS certificate check failed' in error.message
    assert 'ca_path (VODIA_CA_PATH)' in error.message
    assert transport.retry_log == []


# Creating an account: never repeated blindly ------------------------------------------------------

ADDACC = '/rest/domain/localhost/addacc'
NEW_ACCOUNT = {'type': 'hunts', 'account': '1005'}


class CreatedProbe:
    """Stands in for the read that tells whether a failed creation took effect; answers in turn, records each call."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.answers.pop(0)


def test_a_create_answered_at_once_is_sent_once_and_never_asks_whether_it_happened(server, connect, waits):
    server.answer(Reply(200, {}))
    transport = connect(server.url)
    created = CreatedProbe()
    assert transport.create(ADDACC, NEW_ACCOUNT, created) is None
    assert [(received.method, received.path, json.loads(received.body)) for received in server.received] == [
        ('POST', ADDACC, NEW_ACCOUNT)]
    assert created.calls == 0
    assert transport.retry_log == [] and waits == []
    assert transport.writes_done == 1


@pytest.mark.parametrize('first, reason', [
    (Reply(500, {'error': 'boom'}), 'HTTP 500'),
    (Reply(503, {'error': 'busy'}), 'HTTP 503'),
    (Reply(429, {'error': 'slow down'}), 'HTTP 429'),
    (DROP, 'no answer'),
], ids=['500', '503', '429', 'dropped'])
def test_a_create_that_failed_unclearly_and_did_not_happen_is_sent_again_after_a_wait(server, connect, waits, first, reason):
    server.answer(first, Reply(200, {}))
    transport = connect(server.url)
    created = CreatedProbe(False)
    transport.create(ADDACC, NEW_ACCOUNT, created)
    assert [received.method for received in server.received] == ['POST', 'POST']
    assert created.calls == 1
    assert len(waits) == 1 and 0.25 <= waits[0] <= 0.5
    assert transport.retry_log == [RetryRecord('POST', ADDACC, reason, 1, round(waits[0], 2))]
    assert transport.retry_log[0].as_dict() == {'method': 'POST', 'path': ADDACC, 'reason': reason, 'attempt': 1,
                                                'wait_seconds': round(waits[0], 2)}
    assert transport.writes_done == 1


def test_a_create_that_timed_out_and_did_not_happen_is_sent_again(server, connect, waits):
    server.answer(Late(2.0), Reply(200, {}))
    transport = connect(server.url, timeout=0.25)
    created = CreatedProbe(False)
    transport.create(ADDACC, NEW_ACCOUNT, created)
    assert len(server.received) == 2 and created.calls == 1
    assert [(record.reason, record.attempt) for record in transport.retry_log] == [('no answer', 1)]


@pytest.mark.parametrize('first', [Reply(500, {'error': 'boom'}), DROP], ids=['500', 'dropped'])
def test_a_create_that_failed_unclearly_but_happened_is_not_sent_again(server, connect, waits, first):
    server.answer(first, Reply(200, {}))
    transport = connect(server.url)
    created = CreatedProbe(True)
    assert transport.create(ADDACC, NEW_ACCOUNT, created) is None
    assert len(server.received) == 1
    assert created.calls == 1
    assert transport.retry_log == [] and waits == []


def test_a_create_stops_as_soon_as_it_turns_out_to_have_happened(server, connect, waits):
    server.answer(Reply(500), Reply(502), Reply(200, {}))
    transport = connect(server.url)
    created = CreatedProbe(False, True)
    transport.create(ADDACC, NEW_ACCOUNT, created)
    assert len(server.received) == 2
    assert created.calls == 2
    assert [(record.reason, record.attempt) for record in transport.retry_log] == [('HTTP 500', 1)]


@pytest.mark.parametrize('retries', [0, 1, 2])
def test_a_create_gives_up_after_the_retry_budget_with_the_last_failure(server, connect, waits, retries):
    server.answer(*[Reply(500, {'error': 'attempt %d' % number}) for number in range(retries + 1)] + [Reply(200, {})])
    transport = connect(server.url, retries=retries)
    created = CreatedProbe(*[False] * (retries + 1))
    error = failure(lambda: transport.create(ADDACC, NEW_ACCOUNT, created))
    assert (error.method, error.path, error.status) == ('POST', ADDACC, 500)
    assert error.body == '{"error": "attempt %d"}' % retries
    assert ('(Sent %d times; the last answer is shown.)' % (retries + 1) in error.message) == (retries > 0)
    assert len(server.received) == retries + 1
    assert created.calls == retries + 1
    assert [record.attempt for record in transport.retry_log] == list(range(1, retries + 1))
    assert len(waits) == retries
    assert transport.writes_done == 0


def test_the_waits_between_creates_grow_like_every_other_backoff(server, connect, waits):
    server.answer(Reply(500), Reply(500), Reply(500), Reply(200, {}))
    transport = connect(server.url, retries=3)
    transport.create(ADDACC, NEW_ACCOUNT, CreatedProbe(False, False, False))
    for attempt, wait in enumerate(waits):
        assert 0.5 * 2 ** attempt * 0.5 <= wait <= 0.5 * 2 ** attempt
    assert [record.wait_seconds for record in transport.retry_log] == [round(wait, 2) for wait in waits]


@pytest.mark.parametrize('status', [400, 401, 403, 404, 409])
def test_a_create_answered_with_a_client_error_is_never_sent_again_nor_checked(server, connect, waits, status):
    server.answer(Reply(status, {'error': 'no'}), Reply(200, {}))
    transport = connect(server.url)
    created = CreatedProbe()
    error = failure(lambda: transport.create(ADDACC, NEW_ACCOUNT, created))
    assert error.status == status
    assert len(server.received) == 1
    assert created.calls == 0
    assert transport.retry_log == [] and waits == []


def test_a_create_is_not_retried_below_the_transport_either(server, connect, waits):
    # urllib3 would send a 503 again on its own; a creation goes through a session that never does, so every
    # further attempt is one that created() allowed.
    server.answer(Reply(503, {'error': 'busy'}, {'Retry-After': '1'}), Reply(200, {}))
    transport = connect(server.url)
    transport.create(ADDACC, NEW_ACCOUNT, CreatedProbe(True))
    assert len(server.received) == 1


@pytest.mark.parametrize('attempt', [1, 2, 3, 4, 5])
def test_the_backoff_doubles_with_each_attempt_and_keeps_some_jitter(attempt):
    ceiling = 0.5 * 2 ** (attempt - 1)
    assert ceiling / 2 <= backoff_seconds(attempt) <= ceiling


def test_the_backoff_never_exceeds_the_cap():
    assert backoff_seconds(30) <= RETRY_MAX_WAIT_SECONDS


# Counting writes, keeping secrets ---------------------------------------------------------

def test_only_successful_writes_are_counted(server, connect):
    server.answer(Reply(200, {}), Reply(200, {}), Reply(500), Reply(404), Reply(200, b''), Reply(301, b'', {'Location': '/x'}))
    transport = connect(server.url, retries=0)
    transport.get('/rest/a')
    transport.post('/rest/b', {})
    with pytest.raises(VodiaApiError):
        transport.post('/rest/c', {})
    assert transport.delete('/rest/d', missing_ok=True) is None
    transport.delete('/rest/e')
    with pytest.raises(VodiaApiError):
        transport.post('/rest/f', {})
    assert transport.writes_done == 2


def test_a_write_that_got_through_after_a_retry_counts_once(server, connect):
    server.answer(Reply(503), Reply(200, {}))
    transport = connect(server.url)
    transport.post('/rest/b', {})
    assert transport.writes_done == 1


@pytest.mark.parametrize('method, answers, options', [
    ('POST', [Reply(401, {'error': 'bad credentials'})], {}),
    ('POST', [Reply(500)] * 4, {}),
    ('POST', [DROP] * 4, {}),
    ('GET', [Reply(200, b'<html>login</html>')], {}),
    ('POST', [Reply(302, b'', {'Location': 'https://login.example.com/'})], {}),
    ('POST', [Late(2.0)], {'timeout': 0.25}),
    ('GET', [Late(2.0)] * 2, {'timeout': 0.25}),
], ids=['401', 'exhausted', 'dropped', 'not-json', 'redirect', 'timeout', 'read-timeout'])
def test_the_password_never_appears_in_an_error(server, connect, method, answers, options):
    server.answer(*answers)
    transport = connect(server.url, **options)
    body = {'display': 'x'} if method == 'POST' else None
    error = failure(lambda: transport.request(method, '/rest/domain/localhost/user_settings/1002', body=body))
    assert PASSWORD not in error.message
    assert PASSWORD not in json.dumps(error.facts())
    assert PASSWORD not in json.dumps([record.as_dict() for record in transport.retry_log])


def test_the_password_never_appears_when_the_pbx_is_unreachable(connect, closed_port):
    transport = connect('http://127.0.0.1:%d' % closed_port, retries=1)
    error = failure(lambda: transport.get('/rest/x'))
    assert PASSWORD not in error.message
    assert PASSWORD not in repr(transport.retry_log)


def test_without_requests_a_transport_cannot_be_made(monkeypatch):
    monkeypatch.setattr(transport_module, 'HAS_REQUESTS', False)
    with pytest.raises(VodiaConfigError, match='requests is required'):
        Transport('https://pbx.example.com', 'admin', PASSWORD)


def test_describe_names_the_pbx_without_credentials(connect):
    assert connect('https://pbx.example.com:8443').describe() == 'https://pbx.example.com:8443'
