# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How many requests one PBX is answering at once, and the most it answered at once since the last clear.

A real PBX has no such counter; tests and benchmarks read it through the control API to check what a run did to the
PBX's load, which the journal cannot tell (its entries are stamped once, when the answer is decided).
"""

import threading


class LoadGauge:
    """Thread-safe gauge of requests in flight, with the peak since the last clear."""

    def __init__(self):
        self._lock = threading.Lock()
        self._in_flight = 0
        self._peak = 0
        self._counted = 0

    def enter(self):
        """A request is being answered."""
        with self._lock:
            self._in_flight += 1
            self._counted += 1
            self._peak = max(self._peak, self._in_flight)

    def leave(self):
        """Its answer was sent, or its connection dropped."""
        with self._lock:
            self._in_flight -= 1

    def clear(self):
        """Start a new measurement: the peak becomes what is in flight now (a request still being answered counts)."""
        with self._lock:
            self._peak = self._in_flight
            self._counted = 0

    def describe(self):
        """{"in_flight", "peak_in_flight", "requests"} as the control API shows them."""
        with self._lock:
            return {"in_flight": self._in_flight, "peak_in_flight": self._peak, "requests": self._counted}
