# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The request journal: what reached the PBX and what it answered."""

import collections
import threading
import time

# Long benchmarks would otherwise grow the journal without bound; the oldest entries go first.
MAX_ENTRIES = 100000
WRITE_METHODS = ("POST", "PUT", "DELETE")


def is_write(entry):
    """A write is a POST, PUT or DELETE to /rest/*."""
    return entry["method"] in WRITE_METHODS and entry["path"].startswith("/rest/")


class Journal:
    """Thread-safe, bounded list of request records with ever-increasing sequence numbers."""

    def __init__(self, max_entries=MAX_ENTRIES):
        self._lock = threading.Lock()
        self._entries = collections.deque(maxlen=max_entries)
        self._last_seq = 0

    def record(self, method, path, status, user, fault=None):
        """Append one record. status 0 means the connection was dropped without an answer."""
        with self._lock:
            self._last_seq += 1
            self._entries.append({
                "seq": self._last_seq, "time": time.time(), "method": method, "path": path,
                "status": status, "user": user, "fault": fault,
            })

    def clear(self):
        """Forget all records; sequence numbers keep counting so ?since= stays meaningful."""
        with self._lock:
            self._entries.clear()

    def __len__(self):
        with self._lock:
            return len(self._entries)

    def query(self, since=0, method=None, path_prefix=None):
        """Return matching records plus read/write counts over the records returned."""
        with self._lock:
            entries = [dict(entry) for entry in self._entries if entry["seq"] > since]
            last_seq = self._last_seq
        if method:
            entries = [entry for entry in entries if entry["method"] == method.upper()]
        if path_prefix:
            entries = [entry for entry in entries if entry["path"].startswith(path_prefix)]
        writes = sum(1 for entry in entries if is_write(entry))
        reads = sum(1 for entry in entries if entry["path"].startswith("/rest/")) - writes
        return {"entries": entries, "reads": reads, "writes": writes, "last_seq": last_seq}
