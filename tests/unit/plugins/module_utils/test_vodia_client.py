# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json

import pytest
import requests

from ansible_collections.vodia.pbx.plugins.module_utils.vodia_client import (
    VodiaApiError,
    VodiaClient,
    VodiaConfigError,
    parse_base_url,
    rest_path,
)

PASSWORD = 'Unit-Test-Secret-4711'


def response(status, body=None, headers=None):
    answer = requests.Response()
    answer.status_code = status
    answer._content = body if isinstance(body, bytes) else json.dumps(body).encode() if body is not None else b''
    answer.headers.update(headers or {})
    return answer


class ScriptedSession(requests.Session):
    """A requests session whose answers are scripted; it records what would have been sent."""

    def __init__(self, *answers):
        super().__init__()
        self.answers = list(answers)
        self.sent = []

    def request(self, method, url, **kwargs):  # pylint: disable=arguments-differ
        self.sent.append((method, url, kwargs))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def client(*answers, **kwargs):
    kwargs.setdefault('sleep', lambda seconds: None)
    return VodiaClient('https://pbx.example.com:8443/', 'admin', PASSWORD, session=ScriptedSession(*answers), **kwargs)


@pytest.mark.parametrize('url, expected', [
    ('https://pbx.example.com', 'https://pbx.example.com'),
    ('https://pbx.example.com:8443/', 'https://pbx.example.com:8443'),
    ('http://127.0.0.1:8080', 'http://127.0.0.1:8080'),
    (' https://pbx.example.com/pbx/ ', 'https://pbx.example.com/pbx'),
])
def test_base_url_is_normalised(url, expected):
    assert parse_base_url(url) == expected


@pytest.mark.parametrize('url, reason', [
    ('', 'empty'),
    ('pbx.example.com', 'must start with https://'),
    ('ftp://pbx.example.com', 'must start with https://'),
    ('https://', 'no host'),
    ('https://admin:pw@pbx.example.com', 'must not contain credentials'),
    ('htps://admin:Leaky-Secret@pbx', 'must not contain credentials'),
    ('https://pbx.example.com/?x=1', 'query'),
    ('https://pbx.example.com:99999', 'invalid port'),
])
def test_unusable_urls_are_refused_before_any_request(url, reason):
    with pytest.raises(VodiaConfigError, match=reason) as caught:
        parse_base_url(url)
    assert 'Leaky-Secret' not in str(caught.value)


def test_get_sends_basic_auth_with_a_timeout_and_no_redirects():
    pbx = client(response(200, [{'name': '1002'}]), timeout=7)
    assert pbx.get('/rest/domain/localhost/hunts') == [{'name': '1002'}]
    method, url, kwargs = pbx.session.sent[0]
    assert (method, url) == ('GET', 'https://pbx.example.com:8443/rest/domain/localhost/hunts')
    assert kwargs['timeout'] == 7
    assert kwargs['allow_redirects'] is False
    assert pbx.session.auth == ('admin', PASSWORD)


def test_post_sends_strict_json():
    pbx = client(response(200, {}))
    pbx.post('/rest/domain/localhost/addacc', {'type': 'hunts', 'account': '1004'})
    kwargs = pbx.session.sent[0][2]
    assert json.loads(kwargs['data']) == {'type': 'hunts', 'account': '1004'}
    assert kwargs['headers']['Content-Type'] == 'application/json'


def test_404_is_none_only_when_asked():
    assert client(response(404)).get('/rest/x', missing_ok=True) is None
    with pytest.raises(VodiaApiError) as caught:
        client(response(404, {'error': 'no such domain'})).get('/rest/x')
    assert caught.value.status == 404
    assert 'domain (tenant) exists' in caught.value.message


@pytest.mark.parametrize('status, hint', [
    (401, 'Check username and password'),
    (403, 'API access'),
    (400, 'invalid'),
    (500, 'PBX logs'),
])
def test_errors_say_what_was_tried_and_what_to_do(status, hint):
    with pytest.raises(VodiaApiError) as caught:
        client(response(status, {'error': 'nope'}), retries=0).post('/rest/domain/localhost/user_settings/1002', {'display': 'x'})
    message = caught.value.message
    assert 'POST /rest/domain/localhost/user_settings/1002' in message
    assert 'HTTP %d' % status in message
    assert hint in message
    assert PASSWORD not in message
    assert PASSWORD not in json.dumps(caught.value.to_result())


def test_a_redirect_is_not_followed():
    with pytest.raises(VodiaApiError, match='redirected .* to https://other'):
        client(response(301, headers={'Location': 'https://other/rest/x'})).post('/rest/x', {})


def test_a_body_that_is_not_json_is_an_error_not_an_empty_answer():
    with pytest.raises(VodiaApiError, match='not JSON'):
        client(response(200, b'<html>login</html>')).get('/rest/x')


def test_an_empty_body_is_an_empty_object():
    assert client(response(200, b'')).delete('/rest/x') == {}


@pytest.mark.parametrize('failure, words', [
    (requests.exceptions.ConnectTimeout('slow'), 'no answer within the timeout of 30 seconds'),
    (requests.exceptions.ReadTimeout('slow'), 'no answer within the timeout'),
    (requests.exceptions.SSLError('self-signed certificate'), 'ca_path'),
    (requests.exceptions.ConnectionError('refused'), 'reachable'),
])
def test_transport_failures_are_errors_with_advice(failure, words):
    with pytest.raises(VodiaApiError) as caught:
        client(failure, retries=0).get('/rest/domain/localhost/hunts')
    assert words in caught.value.message
    assert caught.value.status is None


@pytest.mark.parametrize('settings, verify', [
    ({}, True),
    ({'validate_certs': False}, False),
    ({'ca_path': '/etc/pbx-ca.pem'}, '/etc/pbx-ca.pem'),
    ({'validate_certs': False, 'ca_path': '/etc/pbx-ca.pem'}, False),
])
def test_tls_settings_go_with_every_request(settings, verify):
    # Per request, because requests lets REQUESTS_CA_BUNDLE override a session-wide setting.
    pbx = client(response(200, {}), **settings)
    pbx.get('/rest/x')
    assert pbx.session.sent[0][2]['verify'] == verify


def test_the_connection_pool_fits_the_parallel_reads():
    pbx = VodiaClient('https://pbx.example.com', 'admin', PASSWORD, connections=8)
    assert pbx.session.get_adapter('https://pbx.example.com')._pool_maxsize == 8


def test_rest_path_quotes_every_segment():
    assert rest_path('domain', 'a b', 'user_settings', '../x') == '/rest/domain/a%20b/user_settings/..%2Fx'


def test_a_busy_pbx_is_asked_again_after_its_retry_after():
    waits = []
    pbx = client(response(503, {'error': 'busy'}, {'Retry-After': '2'}), response(200, []), sleep=waits.append)
    assert pbx.get('/rest/domain/localhost/hunts') == []
    assert waits == [2.0]
    assert pbx.retry_log == [{'method': 'GET', 'path': '/rest/domain/localhost/hunts', 'reason': 'HTTP 503',
                              'attempt': 1, 'wait_seconds': 2.0}]


def test_backoff_grows_exponentially_with_jitter():
    waits = []
    pbx = client(response(502), response(502), response(502), response(200, {}), sleep=waits.append)
    pbx.post('/rest/domain/localhost/user_settings/1002', {'display': 'x'})
    assert len(waits) == 3
    for attempt, wait in enumerate(waits):
        assert 0.5 * 2 ** attempt * 0.5 <= wait <= 0.5 * 2 ** attempt


def test_errors_beyond_the_retry_budget_fail_and_say_how_often():
    pbx = client(*[response(500, {'error': 'boom'})] * 3, retries=2)
    with pytest.raises(VodiaApiError) as caught:
        pbx.get('/rest/x')
    assert len(pbx.session.sent) == 3
    assert 'HTTP 500' in caught.value.message and 'Sent 3 times' in caught.value.message
    assert caught.value.status == 500


def test_a_dropped_connection_is_retried_for_a_read():
    pbx = client(requests.exceptions.ConnectionError('reset by peer'), response(200, {'ok': 1}))
    assert pbx.get('/rest/x') == {'ok': 1}
    assert pbx.retry_log[0]['reason'] == 'reset by peer'


def test_a_request_that_must_not_repeat_is_sent_once():
    pbx = client(requests.exceptions.ConnectionError('reset by peer'), response(200, {}))
    with pytest.raises(VodiaApiError, match='reset by peer'):
        pbx.post('/rest/domain/localhost/addacc', {'type': 'hunts', 'account': '1'}, repeatable=False)
    assert len(pbx.session.sent) == 1

    pbx = client(response(503), response(200, {}))
    with pytest.raises(VodiaApiError, match='HTTP 503'):
        pbx.post('/rest/domain/localhost/addacc', {'type': 'hunts', 'account': '1'}, repeatable=False)
    assert len(pbx.session.sent) == 1


@pytest.mark.parametrize('first', [requests.exceptions.ReadTimeout('slow'), response(404), response(401), response(400)])
def test_timeouts_and_client_errors_are_not_retried(first):
    pbx = client(first, response(200, {}))
    with pytest.raises(VodiaApiError):
        pbx.get('/rest/x')
    assert len(pbx.session.sent) == 1
    assert pbx.retry_log == []


def test_no_retries_when_the_budget_is_zero():
    pbx = client(response(503), response(200, {}), retries=0)
    with pytest.raises(VodiaApiError, match='HTTP 503'):
        pbx.get('/rest/x')


def test_successful_writes_are_counted_for_changed_on_failure():
    pbx = client(response(200, {}), response(200, {}), response(500), retries=0)
    pbx.get('/rest/a')
    pbx.post('/rest/b', {})
    with pytest.raises(VodiaApiError):
        pbx.post('/rest/c', {})
    assert pbx.writes_done == 1
