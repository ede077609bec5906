# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The per-PBX limit on requests at once (max_concurrent_requests): lock files as a counting semaphore shared by threads
and processes, and the transport holding a slot around each HTTP exchange (not while it waits to retry)."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ansible_collections.vodia.pbx.plugins.module_utils import pbx_limit
from ansible_collections.vodia.pbx.plugins.module_utils.connection import ConnectionSettings
from ansible_collections.vodia.pbx.plugins.module_utils.errors import RequestSlotError, VodiaConfigError
from ansible_collections.vodia.pbx.plugins.module_utils.pbx_limit import (
    MAX_CONCURRENT_REQUESTS,
    RequestSlots,
    default_directory,
    pbx_key,
    prepare_directory,
    request_slots,
)
from ansible_collections.vodia.pbx.plugins.module_utils.tenants import longest_read_seconds
from ansible_collections.vodia.pbx.plugins.module_utils.transport import Transport

PASSWORD = 'Slot-Secret-5150'
PBX = 'https://pbx.example.com:8443'
HUNTS = '/rest/domain/localhost/hunts'


class FakeClock:
    """Time that passes only when the code under test sleeps."""

    def __init__(self):
        self.now = 0.0
        self.slept = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def slots_in(directory, limit, wait_seconds=300, url=PBX, clock=None):
    clock = clock or FakeClock()
    return RequestSlots(url, limit, str(directory), wait_seconds, clock=clock, sleep=clock.sleep)


# Which PBX -----------------------------------------------------------------------------------------

@pytest.mark.parametrize('url, key', [
    ('https://pbx.example.com', 'https://pbx.example.com:443'),
    ('http://pbx.example.com', 'http://pbx.example.com:80'),
    ('https://PBX.Example.com:8443/pbx', 'https://pbx.example.com:8443'),
    ('https://[::1]:8443', 'https://[::1]:8443'),
])
def test_a_pbx_is_its_scheme_host_and_port(url, key):
    assert pbx_key(url) == key


def test_urls_of_one_pbx_share_its_lock_files_and_other_pbxs_do_not(tmp_path):
    one = slots_in(tmp_path, 2, url='https://pbx.example.com')
    assert slots_in(tmp_path, 2, url='https://pbx.example.com:443/pbx').paths == one.paths
    assert set(slots_in(tmp_path, 2, url='http://pbx.example.com').paths).isdisjoint(one.paths)
    assert set(slots_in(tmp_path, 2, url='https://pbx.example.com:8443').paths).isdisjoint(one.paths)


def test_the_lock_files_are_named_after_the_pbx_and_never_after_the_credentials(tmp_path):
    settings = ConnectionSettings(url=PBX, username='admin', password=PASSWORD, max_concurrent_requests=2,
                                  request_lock_dir=str(tmp_path))
    transport, _warnings = settings.open()
    transport.close()
    slots = slots_in(tmp_path, 2)
    held = slots.acquire('GET', HUNTS)
    held.release()
    names = os.listdir(str(tmp_path))
    assert names and all(name.startswith('https_pbx.example.com_8443-') and name.endswith('.lock') for name in names)
    assert not any(PASSWORD in name or 'admin' in name for name in names)


# The semaphore ---------------------------------------------------------------------------------

def test_n_slots_are_taken_then_the_next_request_waits_and_fails_saying_what_to_do(tmp_path):
    clock = FakeClock()
    slots = slots_in(tmp_path, 3, wait_seconds=20, clock=clock)
    held = [slots.acquire('GET', HUNTS) for _number in range(3)]
    assert clock.slept == []
    with pytest.raises(RequestSlotError) as caught:
        slots.acquire('POST', '/rest/domain/localhost/addacc')
    error = caught.value
    assert (error.method, error.path, error.status) == ('POST', '/rest/domain/localhost/addacc', None)
    assert 'was not sent' in error.message
    assert 'all 3 slots' in error.message and 'for 20 seconds' in error.message
    assert 'https://pbx.example.com:8443' in error.message and str(tmp_path) in error.message
    assert 'max_concurrent_requests' in error.message and 'request_lock_timeout' in error.message
    # It looked again and again, never longer than the longest pause, and gave up at the deadline.
    assert len(clock.slept) > 10 and max(clock.slept) <= pbx_limit.LONGEST_PAUSE_SECONDS
    assert clock.now == pytest.approx(20)
    for slot in held:
        slot.release()


def test_a_released_slot_is_free_for_the_next_request(tmp_path):
    slots = slots_in(tmp_path, 1, wait_seconds=1)
    first = slots.acquire('GET', HUNTS)
    first.release()
    first.release()  # twice does nothing
    slots.acquire('GET', HUNTS).release()


def test_threads_of_one_process_count_against_each_other(tmp_path):
    slots = RequestSlots(PBX, 2, str(tmp_path), 30)
    lock = threading.Lock()
    in_flight, peak, done = [0], [0], []

    def request():
        slot = slots.acquire('GET', HUNTS)
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        time.sleep(0.05)
        with lock:
            in_flight[0] -= 1
        slot.release()
        done.append(True)

    threads = [threading.Thread(target=request) for _number in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert (len(done), peak[0]) == (8, 2)


HOLDER = r'''
import fcntl, os, sys, time
descriptors = [os.open(path, os.O_RDWR | os.O_CREAT, 0o600) for path in sys.argv[1:]]
for descriptor in descriptors:
    fcntl.flock(descriptor, fcntl.LOCK_EX)
print('held', flush=True)
time.sleep(60)
'''


def test_a_killed_process_gives_its_slots_back(tmp_path):
    slots = RequestSlots(PBX, 2, str(tmp_path), 0.3)
    holder = subprocess.Popen([sys.executable, '-c', HOLDER] + slots.paths, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == 'held'
        with pytest.raises(RequestSlotError):
            slots.acquire('GET', HUNTS)
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        slots.acquire('GET', HUNTS).release()
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait(10)
        holder.stdout.close()


# The lock directory --------------------------------------------------------------------------------

def test_the_default_directory_is_made_for_this_user_alone(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, 'tempdir', str(tmp_path))
    directory = prepare_directory(None)
    assert directory == default_directory() == os.path.join(str(tmp_path), 'vodia.pbx-request-slots-%d' % os.getuid())
    assert stat.S_IMODE(os.stat(directory).st_mode) & 0o077 == 0


def test_a_default_directory_open_to_others_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, 'tempdir', str(tmp_path))
    os.mkdir(default_directory())
    os.chmod(default_directory(), 0o777)
    with pytest.raises(VodiaConfigError, match='open to other users.*request_lock_dir'):
        prepare_directory(None)


def test_a_directory_that_is_a_file_is_refused(tmp_path):
    path = tmp_path / 'not-a-directory'
    path.write_text('', encoding='utf-8')
    with pytest.raises(VodiaConfigError, match='is not a directory'):
        prepare_directory(str(path))
    with pytest.raises(VodiaConfigError, match='cannot be made'):
        prepare_directory(str(path / 'below'))


def test_a_given_directory_is_made_when_missing(tmp_path):
    wanted = tmp_path / 'locks' / 'vodia'
    assert prepare_directory(str(wanted)) == str(wanted)
    assert wanted.is_dir()


# The settings ----------------------------------------------------------------------------------------

@pytest.mark.parametrize('limit', [None, 0])
def test_without_a_limit_there_are_no_slots_and_no_directory(tmp_path, limit):
    assert request_slots(PBX, limit, str(tmp_path / 'unused')) is None
    assert not (tmp_path / 'unused').exists()


@pytest.mark.parametrize('given, message', [
    (dict(max_concurrent_requests=-1), 'between 1 and %d, or 0 or unset for no limit; got -1' % MAX_CONCURRENT_REQUESTS),
    (dict(max_concurrent_requests=MAX_CONCURRENT_REQUESTS + 1), 'got %d' % (MAX_CONCURRENT_REQUESTS + 1)),
    (dict(max_concurrent_requests=2, request_lock_timeout=0), 'request_lock_timeout .* at least 1 second; got 0'),
])
def test_unusable_limits_are_refused_before_any_request(given, message):
    settings = ConnectionSettings(url=PBX, username='admin', password=PASSWORD, **given)
    with pytest.raises(VodiaConfigError, match=message):
        settings.checked()


def test_the_settings_come_from_the_task_parameters_and_default_to_no_limit(tmp_path):
    params = dict(url=PBX, username='admin', password=PASSWORD, validate_certs=True, ca_path=None, timeout=30, retries=3)
    assert ConnectionSettings.from_params(params).max_concurrent_requests is None
    limited = ConnectionSettings.from_params(dict(params, max_concurrent_requests=4, request_lock_dir=str(tmp_path),
                                                  request_lock_timeout=9))
    assert (limited.max_concurrent_requests, limited.request_lock_dir, limited.request_lock_timeout) == (4, str(tmp_path), 9)


def test_the_inventory_waits_for_the_cache_lock_as_long_as_a_read_may_wait_for_a_slot():
    unlimited = ConnectionSettings(url='', username='admin', password=PASSWORD, timeout=5, retries=2)
    limited = ConnectionSettings(url='', username='admin', password=PASSWORD, timeout=5, retries=2,
                                 max_concurrent_requests=1, request_lock_timeout=60)
    assert longest_read_seconds(1, 8, unlimited) == 3 * (2 * 5 + 30)
    assert longest_read_seconds(1, 8, limited) == 3 * (2 * 5 + 30 + 60)


# The transport ----------------------------------------------------------------------------------------

class CountingHandler(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass

    def do_GET(self):  # pylint: disable=invalid-name
        self.server.enter()
        try:
            time.sleep(self.server.answer_seconds)
            status = self.server.next_status()
        finally:
            self.server.leave()
        body = b'[]'
        self.send_response(status)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET


class CountingServer(ThreadingHTTPServer):
    """Answers every request late, and counts how many it answers at once."""

    daemon_threads = True
    block_on_close = False

    def __init__(self):
        super().__init__(('127.0.0.1', 0), CountingHandler)
        self.answer_seconds = 0.05
        self.statuses = []
        self.received = 0
        self.in_flight = 0
        self.peak = 0
        self._lock = threading.Lock()

    @property
    def url(self):
        return 'http://127.0.0.1:%d' % self.server_address[1]

    def enter(self):
        with self._lock:
            self.received += 1
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)

    def leave(self):
        with self._lock:
            self.in_flight -= 1

    def next_status(self):
        with self._lock:
            return self.statuses.pop(0) if self.statuses else 200


@pytest.fixture
def server():
    counting = CountingServer()
    thread = threading.Thread(target=counting.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True)
    thread.start()
    yield counting
    counting.shutdown()
    counting.server_close()
    thread.join()


def parallel_reads(transport, count):
    threads = [threading.Thread(target=transport.get, args=(HUNTS,)) for _number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)


@pytest.mark.parametrize('limit', [2, 1])
def test_parallel_reads_through_one_transport_stay_within_the_limit(server, tmp_path, limit):
    slots = request_slots(server.url, limit, str(tmp_path))
    transport = Transport(server.url, 'admin', PASSWORD, timeout=10, request_slots=slots)
    server.answer_seconds = 0.2
    try:
        parallel_reads(transport, 8)
    finally:
        transport.close(keep_session=False)
    assert server.received == 8
    assert 1 <= server.peak <= limit


def test_without_a_limit_parallel_reads_overlap_on_the_pbx(server):
    """What the limit is for, and what makes the test above able to fail."""
    transport = Transport(server.url, 'admin', PASSWORD, timeout=10)
    server.answer_seconds = 0.2
    try:
        parallel_reads(transport, 8)
    finally:
        transport.close(keep_session=False)
    assert server.received == 8
    assert server.peak > 2


def test_a_retry_waits_without_its_slot_and_takes_one_again_to_send(server, tmp_path):
    slots = RequestSlots(server.url, 1, str(tmp_path), 5)
    others_could_take_the_slot = []

    def retry_wait(_seconds):
        other = slots.acquire('GET', HUNTS)
        others_could_take_the_slot.append(True)
        other.release()

    server.statuses = [503]
    transport = Transport(server.url, 'admin', PASSWORD, timeout=10, retries=2, sleep=retry_wait, request_slots=slots)
    try:
        assert transport.get(HUNTS) == []
    finally:
        transport.close(keep_session=False)
    assert others_could_take_the_slot == [True]
    assert server.received == 2
    # The slot is given back after the exchange.
    slots.acquire('GET', HUNTS).release()


def test_a_create_without_a_slot_is_never_sent_nor_read_back(server, tmp_path):
    clock = FakeClock()
    slots = RequestSlots(server.url, 1, str(tmp_path), 2, clock=clock, sleep=clock.sleep)
    transport = Transport(server.url, 'admin', PASSWORD, timeout=10, request_slots=slots)
    held_elsewhere = slots.acquire('GET', HUNTS)
    asked = []
    try:
        with pytest.raises(RequestSlotError) as caught:
            transport.create('/rest/domain/localhost/addacc', {'type': 'hunts', 'account': '2000'},
                             created=lambda: asked.append(True))
    finally:
        held_elsewhere.release()
        transport.close(keep_session=False)
    assert (server.received, asked, transport.writes_done) == (0, [], 0)
    assert caught.value.message.startswith('POST /rest/domain/localhost/addacc on http://127.0.0.1:')
    assert PASSWORD not in caught.value.message


def test_a_retry_that_gets_no_slot_back_says_the_request_had_been_sent(server, tmp_path):
    clock = FakeClock()
    slots = RequestSlots(server.url, 1, str(tmp_path), 2, clock=clock, sleep=clock.sleep)
    taken_during_the_wait = []

    def retry_wait(_seconds):
        taken_during_the_wait.append(slots.acquire('GET', HUNTS))

    server.statuses = [503]
    transport = Transport(server.url, 'admin', PASSWORD, timeout=10, retries=2, sleep=retry_wait, request_slots=slots)
    try:
        with pytest.raises(RequestSlotError) as caught:
            transport.get(HUNTS)
    finally:
        for slot in taken_during_the_wait:
            slot.release()
        transport.close(keep_session=False)
    assert server.received == 1
    assert 'was not sent' in caught.value.message
    assert caught.value.message.endswith('(That was a retry: the request had been sent once before, without an answer '
                                         'that settled it.)')
