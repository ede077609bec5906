# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Transport: a small REST client for one Vodia PBX.

It knows HTTP, JSON and the Vodia URL layout, and nothing about hunt groups.
Every failure becomes a VodiaApiError that says what was attempted and what
to check; a failed request is never turned into "not found".
"""

from __future__ import annotations

import json
import random
import time

from urllib.parse import quote, urlsplit

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as import_error:  # pragma: no cover - exercised only without requests
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = import_error

ERROR_BODY_LIMIT = 300
WRITE_METHODS = frozenset(('POST', 'PUT', 'DELETE'))
# Answers that say "try again later"; 500 is included because PBXs answer it for transient overload too.
RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))
RETRY_BASE_SECONDS = 0.5
RETRY_MAX_WAIT_SECONDS = 30.0

HINTS = {
    400: 'The PBX rejected the request as invalid; check the values sent.',
    401: 'Check username and password (VODIA_USERNAME, VODIA_PASSWORD).',
    403: ('The account is not allowed to do this: give the administrator API access on the PBX, '
          'and use a system administrator or the tenant administrator of this domain.'),
    404: ('Check that the domain (tenant) exists on this PBX, that url points at the PBX, and that the account was not '
          'deleted meanwhile.'),
}


class VodiaApiError(Exception):
    """A request to the PBX failed. ``status`` is None when no HTTP answer arrived."""

    def __init__(self, message, method=None, path=None, status=None, body=None):
        super().__init__(message)
        self.message = message
        self.method = method
        self.path = path
        self.status = status
        self.body = body

    def to_result(self):
        """Facts for fail_json, without anything secret (no headers, no credentials)."""
        return {'method': self.method, 'path': self.path, 'status': self.status, 'response': self.body}


class VodiaConfigError(Exception):
    """The connection settings cannot work; raised before any request."""


def quote_segment(value):
    """Quote one URL path segment so that no input can reach another endpoint."""
    return quote(str(value), safe='')


def rest_path(*segments):
    return '/rest/' + '/'.join(quote_segment(segment) for segment in segments)


def parse_base_url(url):
    """Return the normalised base URL, or raise VodiaConfigError saying what is wrong."""
    if not url or not url.strip():
        raise VodiaConfigError('url is empty; set it to the PBX address, for example https://pbx.example.com:8443.')
    parts = urlsplit(url.strip())
    if '@' in parts.netloc:
        # Checked first, and the URL is not repeated: it would show the password.
        raise VodiaConfigError('url must not contain credentials; use username and password instead.')
    if parts.scheme not in ('http', 'https'):
        raise VodiaConfigError('url %r must start with https:// (or http://), for example https://pbx.example.com:8443.' % url)
    if not parts.hostname:
        raise VodiaConfigError('url %r has no host name; use a form such as https://pbx.example.com:8443.' % url)
    if parts.query or parts.fragment:
        raise VodiaConfigError('url %r must not contain a query or fragment; give only scheme, host and port.' % url)
    try:
        parts.port  # pylint: disable=pointless-statement
    except ValueError:
        raise VodiaConfigError('url %r has an invalid port.' % url) from None
    return '%s://%s%s' % (parts.scheme, parts.netloc, parts.path.rstrip('/'))


def _short_body(text):
    text = (text or '').strip()
    if len(text) > ERROR_BODY_LIMIT:
        return text[:ERROR_BODY_LIMIT] + '...'
    return text


class VodiaClient:
    """One kept-alive HTTP session to one PBX.

    Requests whose repetition is harmless (reads, settings updates, deletes) are retried up to
    ``retries`` times after a dropped connection or a "try again" status, with exponential backoff
    and jitter, honouring Retry-After. Requests marked ``repeatable=False`` (account creation) are
    never retried here: the caller re-reads and decides. A request that times out is not retried,
    so a hanging PBX fails within the timeout instead of a multiple of it.
    """

    def __init__(self, url, username, password, validate_certs=True, ca_path=None, timeout=30, session=None, connections=4,
                 retries=3, sleep=time.sleep):
        if not HAS_REQUESTS and session is None:
            raise VodiaConfigError('The Python library requests is required on the host that runs the module.')
        self.base_url = parse_base_url(url)
        self.timeout = timeout
        self.retries = retries
        self.retry_log = []
        self.writes_done = 0
        self._sleep = sleep
        self.session = session if session is not None else self._new_session(connections)
        self.session.auth = (username, password)
        self.session.headers.update({'Accept': 'application/json'})
        # Passed with every request: requests lets REQUESTS_CA_BUNDLE and similar environment
        # variables override a verify setting made on the session.
        self.verify = ca_path if validate_certs and ca_path else bool(validate_certs)

    @staticmethod
    def _new_session(connections):
        # Parallel reads share the session; its pool keeps one connection alive per worker.
        session = requests.Session()
        adapter = requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=max(1, connections))
        session.mount('https://', adapter)
        session.mount('http://', adapter)
        return session

    def close(self):
        self.session.close()

    def describe(self):
        return self.base_url

    # Public verbs -----------------------------------------------------------------

    def get(self, path, missing_ok=False):
        """GET a JSON document. With missing_ok, a 404 returns None instead of raising."""
        return self._request('GET', path, missing_ok=missing_ok)

    def post(self, path, body, repeatable=True):
        """POST JSON. ``repeatable=False`` for requests that must not be sent twice blindly."""
        return self._request('POST', path, body=body, repeatable=repeatable)

    def delete(self, path, missing_ok=False):
        return self._request('DELETE', path, missing_ok=missing_ok)

    # Internals ----------------------------------------------------------------------

    def _request(self, method, path, body=None, missing_ok=False, repeatable=True):
        attempt = 0
        while True:
            try:
                response = self._send(method, path, body)
            except _RetryableFailure as failure:
                if not repeatable or attempt >= self.retries:
                    raise _tried(failure.error, attempt + 1) from None
                self.pause_before_retry(method, path, attempt, failure.reason, None)
                attempt += 1
                continue
            if response.status_code in RETRY_STATUSES and repeatable and attempt < self.retries:
                reason = 'HTTP %d' % response.status_code
                self.pause_before_retry(method, path, attempt, reason, response.headers.get('Retry-After'))
                attempt += 1
                continue
            try:
                return self._decode(method, path, response, missing_ok)
            except VodiaApiError as error:
                raise _tried(error, attempt + 1) from None

    def pause_before_retry(self, method, path, attempt, reason, retry_after=None):
        """Record a retry and wait: Retry-After when the PBX gave one, else exponential backoff with jitter."""
        wait = _retry_after_seconds(retry_after)
        if wait is None:
            wait = RETRY_BASE_SECONDS * (2 ** attempt) * random.uniform(0.5, 1.0)
        wait = min(wait, RETRY_MAX_WAIT_SECONDS)
        self.retry_log.append({
            'method': method, 'path': path, 'reason': reason, 'attempt': attempt + 1, 'wait_seconds': round(wait, 2),
        })
        self._sleep(wait)

    def _send(self, method, path, body):
        """One HTTP exchange. Raises VodiaApiError, or _RetryableFailure when repeating may help."""
        url = self.base_url + path
        data = None
        headers = {}
        if body is not None:
            data = json.dumps(body)
            headers['Content-Type'] = 'application/json'
        try:
            return self.session.request(
                method, url, data=data, headers=headers, timeout=self.timeout, allow_redirects=False, verify=self.verify)
        except requests.exceptions.SSLError as error:
            raise VodiaApiError(
                '%s %s on %s failed: TLS certificate check failed (%s). Give the PBX certificate authority '
                'with ca_path (VODIA_CA_PATH), or set validate_certs to false if you accept the risk of '
                'talking to an unverified server.' % (method, path, self.base_url, _exception_summary(error)),
                method, path) from None
        except requests.exceptions.Timeout:
            raise VodiaApiError(
                '%s %s on %s got no answer within the timeout of %s seconds. Check that the PBX is up and '
                'reachable, or raise timeout (VODIA_TIMEOUT).' % (method, path, self.base_url, self.timeout),
                method, path) from None
        except requests.exceptions.ConnectionError as error:
            raise _RetryableFailure(_exception_summary(error), VodiaApiError(
                '%s %s on %s failed: %s. Check url and that the PBX is reachable from this host.'
                % (method, path, self.base_url, _exception_summary(error)),
                method, path)) from None
        except requests.exceptions.RequestException as error:
            raise VodiaApiError(
                '%s %s on %s failed: %s. Check url and the connection options.'
                % (method, path, self.base_url, _exception_summary(error)),
                method, path) from None

    def _decode(self, method, path, response, missing_ok):
        status = response.status_code
        if status == 404 and missing_ok:
            return None
        if 300 <= status < 400:
            raise VodiaApiError(
                '%s %s on %s was redirected (HTTP %s) to %s. Redirects are not followed, so that '
                'credentials and writes go only where you pointed them; set url to the address the PBX '
                'redirects to.' % (method, path, self.base_url, status, response.headers.get('Location', '?')),
                method, path, status)
        if status >= 400:
            body = _short_body(response.text)
            hint = HINTS.get(status, 'The PBX reported an internal error; check the PBX logs.' if status >= 500 else '')
            raise VodiaApiError(
                '%s %s on %s failed with HTTP %s%s. %s' % (
                    method, path, self.base_url, status, (': %s' % body) if body else '', hint),
                method, path, status, body)
        if method in WRITE_METHODS:
            self.writes_done += 1
        if not response.content:
            return {}
        try:
            return response.json()
        except ValueError:
            raise VodiaApiError(
                '%s %s on %s answered HTTP %s with a body that is not JSON (%s). Check that url points at '
                'the Vodia PBX itself, not at a proxy or login page.' % (
                    method, path, self.base_url, status, _short_body(response.text)[:80]),
                method, path, status) from None


def _tried(error, attempts):
    """Say in the error how often the request was sent, when it was sent more than once."""
    if attempts > 1:
        error.message = '%s (Sent %d times; the last answer is shown.)' % (error.message, attempts)
        error.args = (error.message,)
    return error


class _RetryableFailure(Exception):
    """No answer arrived, but asking again may get one (refused, reset or dropped connection)."""

    def __init__(self, reason, error):
        super().__init__(reason)
        self.reason = reason
        self.error = error


def _retry_after_seconds(value):
    """Seconds from a Retry-After header in its number form; None when absent or a date."""
    try:
        return max(0.0, float(value))
    except (TypeError, ValueError):
        return None


def _exception_summary(error):
    """The innermost reason of a requests failure, without urllib3's retry wrapping.

    requests wraps the socket error in MaxRetryError and NewConnectionError; users need the
    last link ("Connection refused", "certificate verify failed"), which never holds credentials.
    """
    reason = error
    while True:
        inner = getattr(reason, 'reason', None)
        if inner is None:
            inner = next((arg for arg in getattr(reason, 'args', ()) if isinstance(arg, Exception)), None)
        if inner is None or inner is reason:
            break
        reason = inner
    text = str(reason)
    # urllib3 puts the connection object's repr before the message ("<...HTTPConnection object>: ...").
    if ': ' in text and text.startswith(('<', 'HTTP')):
        text = text.split(': ', 1)[1]
    return text.strip() or reason.__class__.__name__
