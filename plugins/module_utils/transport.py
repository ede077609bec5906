# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Transport: HTTP and JSON to one PBX over a kept-alive requests session.

It knows nothing about Vodia endpoints or hunt groups. Retries happen inside urllib3 (a ``Retry`` on the
session's adapter); RecordingRetry reports each one so that the task result can list it. Every failure
becomes a VodiaApiError that says what was attempted and what to check. With a limit on requests at once to
the PBX (pbx_limit.RequestSlots, given by the connection), each HTTP exchange holds one of its slots.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import threading
import time

from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from typing import Any, Callable
from urllib.parse import urlsplit

from ansible_collections.vodia.pbx.plugins.module_utils.errors import RequestSlotError, VodiaApiError, VodiaConfigError
from ansible_collections.vodia.pbx.plugins.module_utils.tls import adapter_for, ca_context, verify_from_environment

try:
    import requests
    from urllib3.exceptions import ConnectTimeoutError, InvalidHeader, MaxRetryError, NewConnectionError, ReadTimeoutError
    from urllib3.util.retry import Retry
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as import_error:  # pragma: no cover - exercised only without requests
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = import_error
    Retry = object

ERROR_BODY_LIMIT = 300
WRITE_METHODS = frozenset(('POST', 'PUT', 'DELETE'))
# Answers that say "try again later"; 500 is included because PBXs answer it for transient overload too.
RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))
RETRY_BASE_SECONDS = 0.5
RETRY_MAX_WAIT_SECONDS = 30.0
# Kept-alive connections per PBX: enough for the largest number of parallel reads a task may ask for.
MAX_CONNECTIONS = 16
# Sessions one process keeps between operations (see KeptSessions): more than a loop alternates between.
KEPT_SESSIONS_LIMIT = 8

HINTS = {
    400: 'The PBX rejected the request as invalid; check the values sent.',
    401: 'Check username and password (VODIA_USERNAME, VODIA_PASSWORD).',
    403: ('The account is not allowed to do this: give the administrator API access on the PBX, '
          'and use a system administrator or the tenant administrator of this domain.'),
    404: ('Check that the domain (tenant) exists on this PBX, that url points at the PBX, and that the account was not '
          'deleted meanwhile.'),
}


@dataclass(frozen=True)
class RetryRecord:
    """One repeated request, as the task result lists it under http_retries."""
    method: str
    path: str
    reason: str
    attempt: int
    wait_seconds: float

    def as_dict(self) -> dict:
        return asdict(self)


class RecordingRetry(Retry):
    """urllib3's Retry, with backoff and jitter of our own, a cap on every wait, and a report of each retry.

    A read (GET) that timed out is sent once more, within the retry budget: a PBX that hung on one request
    usually answers the next. A second timeout ends it, so a hanging PBX fails a read within about twice the
    timeout. Any other request that timed out is not repeated: the PBX may have carried it out.
    """

    def __init__(self, *args, on_retry: Callable[[RetryRecord], None] | None = None, sleep=time.sleep, **kwargs):
        super().__init__(*args, **kwargs)
        self.on_retry = on_retry
        self.sleep_function = sleep

    def new(self, **kwargs):
        # urllib3 makes a new Retry for every attempt; it must keep reporting to the same place.
        retry = super().new(**kwargs)
        retry.on_retry = self.on_retry
        retry.sleep_function = self.sleep_function
        return retry

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        if _is_timeout(error) and not self._may_repeat_after_timeout(method):
            # Raised as urllib3 raises an exhausted retry, so that requests reports it as its Timeout.
            if isinstance(error, ReadTimeoutError):
                raise error
            raise MaxRetryError(_pool, url, error)
        return super().increment(method, url, response=response, error=error, _pool=_pool, _stacktrace=_stacktrace)

    def _may_repeat_after_timeout(self, method) -> bool:
        return method == 'GET' and not any(_is_timeout(attempt.error) for attempt in self.history)

    def sleep(self, response=None):
        wait = self.planned_wait(response)
        last = self.history[-1]
        if self.on_retry is not None:
            reason = 'HTTP %d' % last.status if last.status else _exception_summary(last.error)
            self.on_retry(RetryRecord(last.method, last.url, reason, len(self.history), round(wait, 2)))
        self.sleep_function(wait)

    def planned_wait(self, response=None) -> float:
        """Retry-After when the PBX gave one, else exponential backoff with jitter; never more than the cap."""
        try:
            wait = self.get_retry_after(response) if response is not None else None
        except InvalidHeader:
            # A Retry-After that is neither seconds nor a date (from a proxy, say) is no reason to give up.
            wait = None
        if wait is None:
            return backoff_seconds(len(self.history))
        return min(max(wait, 0.0), RETRY_MAX_WAIT_SECONDS)


def backoff_seconds(attempt: int) -> float:
    """Exponential backoff with jitter before retry number ``attempt`` (from 1), so that many clients spread out."""
    return min(RETRY_BASE_SECONDS * (2 ** (attempt - 1)) * random.uniform(0.5, 1.0), RETRY_MAX_WAIT_SECONDS)


def _is_timeout(error) -> bool:
    # urllib3 derives "connection refused" (NewConnectionError) from ConnectTimeoutError; it is not a timeout.
    if isinstance(error, ReadTimeoutError):
        return True
    return isinstance(error, ConnectTimeoutError) and not isinstance(error, NewConnectionError)


class KeptSessions:
    """Sessions that outlive one Transport, so that the next operation on the same PBX reuses open connections.

    On the controller, Ansible runs every item of a loop in one worker process: without this, each item would
    open a new connection and pay a new TLS handshake to the same PBX. A module process runs one operation, so
    there nothing is reused. A session is taken out while a Transport uses it and given back when it closes.
    Transports may be made in several threads at once (an inventory reading many PBXs), hence the lock.
    """

    def __init__(self, limit: int):
        self.limit = limit
        self._sessions: OrderedDict = OrderedDict()
        self._owner_pid = os.getpid()
        self._lock = threading.Lock()

    def take(self, key: tuple):
        """The kept session for ``key``, or None."""
        with self._lock:
            if self._owner_pid != os.getpid():
                # A forked child must not share its parent's sockets; they stay open for the parent.
                self._sessions = OrderedDict()
                self._owner_pid = os.getpid()
            return self._sessions.pop(key, None)

    def give_back(self, key: tuple, session) -> None:
        to_close = []
        with self._lock:
            if self._owner_pid != os.getpid():
                to_close.append(session)
            else:
                self._sessions[key] = session
                while len(self._sessions) > self.limit:
                    to_close.append(self._sessions.popitem(last=False)[1])
        for unused in to_close:
            unused.close()

    def close_all(self) -> None:
        with self._lock:
            sessions, self._sessions = list(self._sessions.values()), OrderedDict()
        for session in sessions:
            session.close()


KEPT_SESSIONS = KeptSessions(KEPT_SESSIONS_LIMIT)


class Transport:
    """One kept-alive HTTP session to one PBX.

    Requests whose repetition is harmless (``repeatable=True``) are sent again up to ``retries`` times after a
    refused or dropped connection or a "try again" status. Account creation goes through ``create``, which reads
    whether a failed attempt took effect before it sends another.

    requests would read proxies and CA bundle from the environment again for every request; every request of a
    Transport goes to the same PBX, so they are read once, when it is made, with the same rules.
    """

    def __init__(self, base_url: str, username: str, password: str, verify: bool | str = True, timeout: int = 30,
                 retries: int = 3, sleep: Callable[[float], None] = time.sleep, request_slots=None):
        if not HAS_REQUESTS:
            raise VodiaConfigError('The Python library requests is required on the host that runs the task.')
        self.base_url = base_url
        self.timeout = timeout
        self.retries = retries
        self.retry_log: list[RetryRecord] = []
        self.writes_done = 0
        self._credentials = (username, password)
        self._verify = verify_from_environment(verify)
        self._proxies = requests.utils.get_environ_proxies(base_url)
        self._sleep = sleep
        # pbx_limit.RequestSlots or None (no limit). Parallel reads share this Transport: each thread holds its own slot.
        self._request_slots = request_slots
        self._held = threading.local()
        self._base_path = urlsplit(base_url).path
        self._session_key = (base_url, username, hashlib.sha256((password or '').encode('utf-8')).hexdigest(), self._verify,
                             tuple(sorted(self._proxies.items())))
        self._session = KEPT_SESSIONS.take(self._session_key) or self._new_session(ca_context(self._verify))
        # The retry policy reports to this Transport, also on a kept session.
        self._session.get_adapter(base_url).max_retries = self._retry_policy(retries)
        self._single_shot_session = None

    def _retry_policy(self, retries: int) -> RecordingRetry:
        return RecordingRetry(
            total=retries, connect=retries, read=retries, status=retries, other=0, redirect=False,
            allowed_methods=None, status_forcelist=RETRY_STATUSES, raise_on_status=False,
            respect_retry_after_header=True, on_retry=self._record_retry, sleep=self._wait_without_slot)

    def _new_session(self, ssl_context, retry_policy: RecordingRetry | None = None) -> requests.Session:
        session = requests.Session()
        # Parallel reads share the session; its pool keeps one connection alive per reading thread.
        adapter = adapter_for(ssl_context, pool_connections=1, pool_maxsize=MAX_CONNECTIONS, max_retries=retry_policy)
        session.mount('https://', adapter)
        session.mount('http://', adapter)
        session.auth = self._credentials
        session.headers.update({'Accept': 'application/json'})
        session.trust_env = False
        session.proxies = dict(self._proxies)
        return session

    @contextmanager
    def _slot_held(self, method: str, path: str):
        """One of the PBX's request slots for the exchange inside, when there is a limit."""
        if self._request_slots is None:
            yield
            return
        self._held.request = (method, path)
        self._held.slot = self._request_slots.acquire(method, path)
        try:
            yield
        finally:
            # None when taking it back after a retry wait failed.
            if self._held.slot is not None:
                self._held.slot.release()
                self._held.slot = None

    def _wait_without_slot(self, seconds: float) -> None:
        """The wait before a retry, with this thread's slot given back meanwhile: a request that waits sends nothing, and
        its slot would otherwise keep a sending request of another process out."""
        slot = getattr(self._held, 'slot', None)
        if slot is None:
            self._sleep(seconds)
            return
        slot.release()
        self._held.slot = None
        self._sleep(seconds)
        self._held.slot = self._request_slots.acquire(*self._held.request)

    def _record_retry(self, record: RetryRecord) -> None:
        # urllib3 reports the URL path; the log shows the REST path the caller asked for.
        if self._base_path and record.path.startswith(self._base_path):
            record = replace(record, path=record.path[len(self._base_path):])
        self.retry_log.append(record)

    def close(self, keep_session: bool = True) -> None:
        """End this transport; its session is kept for the next one to the same PBX unless ``keep_session`` is false."""
        if keep_session:
            KEPT_SESSIONS.give_back(self._session_key, self._session)
        else:
            self._session.close()
        if self._single_shot_session is not None:
            self._single_shot_session.close()

    def describe(self) -> str:
        return self.base_url

    @property
    def identity(self) -> tuple:
        """What tells two connections apart (PBX, user, a digest of the password, TLS and proxy settings)."""
        return self._session_key

    # Verbs ---------------------------------------------------------------------------

    def get(self, path: str, missing_ok: bool = False) -> Any:
        """GET a JSON document. With missing_ok, a 404 returns None instead of raising."""
        return self.request('GET', path, missing_ok=missing_ok)

    def post(self, path: str, body: Any, repeatable: bool = True) -> Any:
        """POST JSON. ``repeatable=False`` for requests that must not be sent twice blindly."""
        return self.request('POST', path, body=body, repeatable=repeatable)

    def delete(self, path: str, missing_ok: bool = False) -> Any:
        return self.request('DELETE', path, missing_ok=missing_ok)

    def create(self, path: str, body: Any, created: Callable[[], bool]) -> None:
        """POST a creation that must never be repeated blindly: after a failure without a clear answer (no answer, or
        a "try again" status such as 503 or 429), ``created()`` reads whether it took effect all the same, and only
        if not is it sent again, within the same retry budget and backoff as every other request, and reported under
        http_retries likewise."""
        attempt = 0
        while True:
            try:
                self.request('POST', path, body=body, repeatable=False)
                return
            except RequestSlotError:
                raise  # never sent: there is nothing to read back
            except VodiaApiError as error:
                if error.status is not None and error.status not in RETRY_STATUSES:
                    raise
                if created():
                    return
                if attempt >= self.retries:
                    if attempt:
                        shown = 'the last answer is shown' if error.status is not None else 'none was answered'
                        raise error.with_message('%s (Sent %d times; %s.)' % (error.message, attempt + 1, shown)) from None
                    raise
                attempt += 1
                wait = backoff_seconds(attempt)
                reason = 'no answer' if error.status is None else 'HTTP %d' % error.status
                self.retry_log.append(RetryRecord('POST', path, reason, attempt, round(wait, 2)))
                self._sleep(wait)

    def request(self, method: str, path: str, body: Any = None, missing_ok: bool = False, repeatable: bool = True) -> Any:
        retries_before = len(self.retry_log)
        session = self._session if repeatable else self._single_shot()
        try:
            response = self._send(session, method, path, body)
            return self._decode(method, path, response, missing_ok)
        except VodiaApiError as error:
            attempts = 1 + sum(1 for record in self.retry_log[retries_before:] if record.method == method and record.path == path)
            if attempts > 1 and isinstance(error, RequestSlotError):
                # The retry found no slot; the attempts before it were sent, and the PBX asked to try again or did not
                # answer them.
                sent = 'once' if attempts == 2 else '%d times' % (attempts - 1)
                raise error.with_message('%s (That was a retry: the request had been sent %s before, without an answer '
                                         'that settled it.)' % (error.message, sent)) from None
            if attempts > 1:
                shown = 'the last answer is shown' if error.status is not None else 'none was answered'
                raise error.with_message('%s (Sent %d times; %s.)' % (error.message, attempts, shown)) from None
            raise

    def _single_shot(self) -> requests.Session:
        if self._single_shot_session is None:
            # Verified with the same loaded authorities as the main session.
            ssl_context = getattr(self._session.get_adapter(self.base_url), 'ssl_context', None)
            self._single_shot_session = self._new_session(ssl_context, RecordingRetry(total=0, read=False, redirect=False))
        return self._single_shot_session

    def _send(self, session, method, path, body):
        """One HTTP exchange, with urllib3's retries inside it. Raises VodiaApiError when no answer arrived."""
        url = self.base_url + path
        data = None
        headers = {}
        if body is not None:
            data = json.dumps(body)
            headers['Content-Type'] = 'application/json'
        try:
            with self._slot_held(method, path):
                return session.request(
                    method, url, data=data, headers=headers, timeout=self.timeout, allow_redirects=False, verify=self._verify)
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
            raise VodiaApiError(
                '%s %s on %s failed: %s. Check url and that the PBX is reachable from this host.'
                % (method, path, self.base_url, _exception_summary(error)),
                method, path) from None
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
            if method in WRITE_METHODS:
                # Some PBX versions answer a successful write with a body that is not JSON. Every write is
                # verified by reading afterwards, so the answer itself is not needed: None says "no usable answer".
                return None
            raise VodiaApiError(
                '%s %s on %s answered HTTP %s with a body that is not JSON (%s). Check that url points at '
                'the Vodia PBX itself, not at a proxy or login page.' % (
                    method, path, self.base_url, status, _short_body(response.text)[:80]),
                method, path, status) from None


def _short_body(text):
    text = (text or '').strip()
    if len(text) > ERROR_BODY_LIMIT:
        return text[:ERROR_BODY_LIMIT] + '...'
    return text


def _exception_summary(error):
    """The innermost reason of a requests or urllib3 failure, without the retry wrapping.

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
