# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The state of one simulated PBX: its data, journal, faults and snapshots."""

import copy
import itertools
import threading
import time

from pbxsim.faults import FaultPlan
from pbxsim.journal import Journal
from pbxsim.load import LoadGauge
from pbxsim.profiles import DEFAULT_PROFILE, behaviour
from pbxsim.seed import build_data

DUPLICATE_MODES = ("ok", "error")


class PbxState:
    """One PBX. Hold ``lock`` while reading or changing ``data``.

    data is plain dicts and lists (see seed.build_data), so a snapshot is a deep copy.
    profile (pbxsim.profiles) is fixed for the PBX's life: its seed data is built for it,
    so reset keeps it. ``rules`` is the profile's behaviour.
    """

    def __init__(self, seed=None, on_duplicate="ok", faults=None, random_seed=None, hunt_groups=0, tenants=0,
                 profile=DEFAULT_PROFILE, call_queues=0):
        if on_duplicate not in DUPLICATE_MODES:
            raise ValueError("on_duplicate must be one of %s" % ", ".join(DUPLICATE_MODES))
        self.rules = behaviour(profile)
        self.profile = profile
        self.lock = threading.RLock()
        self.started = time.time()
        self.journal = Journal()
        self.load = LoadGauge()
        self.faults = FaultPlan(faults, random_seed)
        self._seed_data = build_data(seed, hunt_groups, tenants, profile, call_queues)
        self._initial_on_duplicate = on_duplicate
        self._snapshots = {}
        self._snapshot_numbers = itertools.count(1)
        self.on_duplicate = on_duplicate
        # addacc of these types answers success and creates nothing (profiles.SILENT_ON_69); a run-time switch.
        self.addacc_ignored_types = tuple(self.rules.addacc_ignored_types)
        self.data = copy.deepcopy(self._seed_data)

    def find_domain(self, name):
        """Look a tenant up by name or alias, ignoring case as DNS does; None if unknown."""
        wanted = name.lower()
        domains = self.data["domains"]
        if wanted in domains:
            return domains[wanted]
        for domain in domains.values():
            if wanted in (alias.lower() for alias in domain["alias"]):
                return domain
        return None

    def allocate_account_id(self):
        """Return the next internal account id (the "id" of GET users)."""
        number = self.data["next_account_id"]
        self.data["next_account_id"] = number + 1
        return str(number)

    def hunt_limit_reached(self, domain):
        """True when the tenant's max_hunts allows no further hunt group (None means no limit)."""
        limit = domain.get("max_hunts")
        if limit is None:
            return False
        return sum(1 for account in domain["accounts"].values() if account["type"] == "hunts") >= limit

    def take_snapshot(self):
        """Save the data (not journal or faults) and return the snapshot id."""
        with self.lock:
            snapshot_id = "snap-%d" % next(self._snapshot_numbers)
            self._snapshots[snapshot_id] = copy.deepcopy(self.data)
            return snapshot_id

    def restore_snapshot(self, snapshot_id):
        """Bring the data back to a snapshot; False when the id is unknown."""
        with self.lock:
            if snapshot_id not in self._snapshots:
                return False
            self.data = copy.deepcopy(self._snapshots[snapshot_id])
            return True

    def snapshot_ids(self):
        """List the snapshot ids taken so far."""
        with self.lock:
            return list(self._snapshots)

    def reset(self):
        """Back to start-up: seed data, start-up faults, duplicate mode and ignored addacc types, empty journal, load peak
        cleared; the profile stays."""
        with self.lock:
            self.data = copy.deepcopy(self._seed_data)
            self.on_duplicate = self._initial_on_duplicate
            self.addacc_ignored_types = tuple(self.rules.addacc_ignored_types)
        self.faults.restore_initial()
        self.journal.clear()
        self.load.clear()

    def dump(self):
        """Return everything a test may want to inspect, as JSON-able data."""
        with self.lock:
            return {
                "version": self.data["version"],
                "profile": self.profile,
                "system_admins": copy.deepcopy(self.data["system_admins"]),
                "domains": copy.deepcopy(self.data["domains"]),
                "on_duplicate": self.on_duplicate,
                "faults": self.faults.describe(),
                "journal_size": len(self.journal),
                "snapshots": list(self._snapshots),
            }
