# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""At most N requests at once to one PBX from every process of this machine: a counting semaphore made of N lock files.

Ansible forks a worker per host, AWX job slices and ansible-playbook shards are separate processes, and parallel reads
are threads: only the file system is shared by all of them. Each of a PBX's N files is one slot, taken with an
exclusive flock() on a file description of its own. flock() locks belong to the open file description, so two
threads of one process exclude each other like two processes do, and the kernel lets go of a lock when the process
that held it dies, however it dies: a killed worker never keeps a slot.

Only this machine's processes share the files. AWX execution nodes, container-group pods and separate controllers
each count on their own.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import random
import re
import stat
import tempfile
import time

from typing import Callable
from urllib.parse import urlsplit

from ansible_collections.vodia.pbx.plugins.module_utils.errors import RequestSlotError, VodiaConfigError

MAX_CONCURRENT_REQUESTS = 256
DEFAULT_WAIT_SECONDS = 300
DEFAULT_PORTS = {'http': 80, 'https': 443}
# A waiting process looks again after this pause, doubled each time up to the longest, with jitter so that many
# waiters do not all look at once.
FIRST_PAUSE_SECONDS = 0.005
LONGEST_PAUSE_SECONDS = 0.05
UNSAFE_IN_FILE_NAMES = re.compile(r'[^A-Za-z0-9.-]+')
OPTION_HINT = 'max_concurrent_requests (VODIA_MAX_CONCURRENT_REQUESTS)'
DIRECTORY_HINT = 'request_lock_dir (VODIA_REQUEST_LOCK_DIR)'
WAIT_HINT = 'request_lock_timeout (VODIA_REQUEST_LOCK_TIMEOUT)'


def pbx_key(base_url: str) -> str:
    """What names a PBX for the limit: scheme, host and port (the default port written out), never a user or a path.

    Two URLs of one PBX that differ only in a path or a left-out default port share the limit.
    """
    parts = urlsplit(base_url)
    host = (parts.hostname or '').lower()
    if ':' in host:
        host = '[%s]' % host
    return '%s://%s:%d' % (parts.scheme, host, parts.port or DEFAULT_PORTS.get(parts.scheme, 0))


def default_directory() -> str:
    """Under the system's temporary directory, one per user, so that no other user can take or hold the slots."""
    return os.path.join(tempfile.gettempdir(), 'vodia.pbx-request-slots-%d' % os.getuid())


def slot_file_prefix(key: str) -> str:
    """The start of the names of a PBX's lock files: readable, and unique through a digest of the key."""
    readable = UNSAFE_IN_FILE_NAMES.sub('_', key).strip('_')
    return '%s-%s' % (readable, hashlib.sha256(key.encode('utf-8')).hexdigest()[:12])


def check_limit(limit: int | None, wait_seconds: int) -> None:
    """VodiaConfigError for a limit or a wait that cannot work, before any request."""
    if limit is not None and not 0 <= limit <= MAX_CONCURRENT_REQUESTS:
        raise VodiaConfigError('%s must be between 1 and %d, or 0 or unset for no limit; got %d.'
                               % (OPTION_HINT, MAX_CONCURRENT_REQUESTS, limit))
    if wait_seconds < 1:
        raise VodiaConfigError('%s must be at least 1 second; got %d.' % (WAIT_HINT, wait_seconds))


def prepare_directory(directory: str | None) -> str:
    """The directory of the lock files, made if missing (mode 0700), or VodiaConfigError saying what to do.

    The default directory must belong to this user and be closed to others: in a shared temporary directory, another
    user could otherwise have made it first and hold or remove the slots.
    """
    private = not directory
    directory = directory or default_directory()
    try:
        try:
            os.makedirs(directory, mode=0o700, exist_ok=True)
        except FileExistsError:
            pass  # something that is not a directory, refused below
        details = os.lstat(directory)
    except OSError as error:
        raise VodiaConfigError('The lock directory %s of %s cannot be made: %s. Set %s to a directory this user can write.'
                               % (directory, OPTION_HINT, error.strerror, DIRECTORY_HINT)) from None
    if not stat.S_ISDIR(details.st_mode):
        raise VodiaConfigError('The lock directory %s of %s is not a directory. Remove it, or set %s to a directory.'
                               % (directory, OPTION_HINT, DIRECTORY_HINT))
    if private and (details.st_uid != os.getuid() or details.st_mode & 0o077):
        raise VodiaConfigError(
            'The lock directory %s of %s belongs to another user or is open to other users, who could hold its slots. '
            'Remove it, or set %s to a directory of your own.' % (directory, OPTION_HINT, DIRECTORY_HINT))
    if not os.access(directory, os.W_OK | os.X_OK):
        raise VodiaConfigError('This user cannot write to the lock directory %s of %s. Set %s to a directory it can write.'
                               % (directory, OPTION_HINT, DIRECTORY_HINT))
    return directory


class HeldSlot:
    """One slot, held until release(); releasing twice does nothing."""

    def __init__(self, descriptor: int):
        self._descriptor = descriptor

    def release(self) -> None:
        if self._descriptor is not None:
            # Closing the only descriptor of the open file description lets go of its lock.
            os.close(self._descriptor)
            self._descriptor = None


class RequestSlots:
    """The N slots of one PBX on this machine. acquire() waits for a free one, at most ``wait_seconds``."""

    def __init__(self, base_url: str, limit: int, directory: str, wait_seconds: float = DEFAULT_WAIT_SECONDS,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.key = pbx_key(base_url)
        self.limit = limit
        self.directory = directory
        self.wait_seconds = wait_seconds
        self._clock = clock
        self._sleep = sleep
        self.prefix = os.path.join(directory, slot_file_prefix(self.key))
        self.paths = ['%s.slot%d.lock' % (self.prefix, index) for index in range(limit)]

    def __repr__(self) -> str:
        return 'RequestSlots(%r, limit=%d)' % (self.key, self.limit)

    def acquire(self, method: str, path: str) -> HeldSlot:
        """A free slot, or RequestSlotError once ``wait_seconds`` have passed with all of them held."""
        deadline = self._clock() + self.wait_seconds
        pause = FIRST_PAUSE_SECONDS
        while True:
            slot = self._take_any(method, path)
            if slot is not None:
                return slot
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise RequestSlotError(
                    '%s %s on %s was not sent: for %s seconds, other requests held all %d slots that %s allows this PBX '
                    'on this machine (lock files %s.slot*.lock). Raise %s or %s, or run fewer forks, slices or '
                    'playbooks against this PBX at once.' % (
                        method, path, self.key, _seconds(self.wait_seconds), self.limit, OPTION_HINT, self.prefix,
                        OPTION_HINT, WAIT_HINT), method, path)
            self._sleep(min(pause * random.uniform(0.5, 1.0), remaining))
            pause = min(pause * 2, LONGEST_PAUSE_SECONDS)

    def _take_any(self, method: str, path: str) -> HeldSlot | None:
        # Starting at a random slot spreads the processes over the files instead of all trying slot 0 first.
        first = random.randrange(self.limit)
        for index in list(range(first, self.limit)) + list(range(first)):
            slot = self._take(self.paths[index], method, path)
            if slot is not None:
                return slot
        return None

    def _take(self, slot_path: str, method: str, path: str) -> HeldSlot | None:
        try:
            descriptor = os.open(slot_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | getattr(os, 'O_NOFOLLOW', 0), 0o600)
        except OSError as error:
            raise RequestSlotError(
                '%s %s on %s was not sent: the lock file %s of %s cannot be opened (%s). The processes that share %s must '
                'run as one user; set it to a directory of your own.' % (
                    method, path, self.key, slot_path, OPTION_HINT, error.strerror, DIRECTORY_HINT), method, path) from None
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return HeldSlot(descriptor)
        except OSError as error:
            os.close(descriptor)
            if error.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                return None
            raise RequestSlotError(
                '%s %s on %s was not sent: the lock file %s of %s cannot be locked (%s). Set %s to a directory on a local '
                'file system.' % (method, path, self.key, slot_path, OPTION_HINT, error.strerror, DIRECTORY_HINT),
                method, path) from None


def request_slots(base_url: str, limit: int | None, directory: str | None,
                  wait_seconds: int = DEFAULT_WAIT_SECONDS) -> RequestSlots | None:
    """The slots of the PBX at ``base_url``, or None without a limit (unset or 0). Checks the settings and prepares the
    directory first: VodiaConfigError before any request."""
    check_limit(limit, wait_seconds)
    if not limit:
        return None
    return RequestSlots(base_url, limit, prepare_directory(directory), wait_seconds)


def _seconds(value: float) -> str:
    return ('%d' % value) if float(value).is_integer() else ('%.1f' % value)
