# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fleet example (examples/fleet: inventory + the hunt_groups role) against three simulated PBXs.

Run by `make test-fleet` with VODIA_COLLECTIONS_PATH pointing at a tree that holds vodia.pbx.
"""

from __future__ import annotations

import os
import sys

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO_ROOT, 'tests', 'tools'))

from demo import EXAMPLE, HOSTS  # noqa: E402  pylint: disable=wrong-import-position
from simulated_fleet import (  # noqa: E402  pylint: disable=wrong-import-position
    EXAMPLE_HUNT_GROUPS, clear_journals, journals, rest, run_playbook, start_fleet)

EXPECTED = EXAMPLE_HUNT_GROUPS


@pytest.fixture(scope='module')
def fleet(tmp_path_factory):
    simulator, inventory = start_fleet(tmp_path_factory.mktemp('fleet'))
    yield simulator, inventory
    simulator.stop()


def playbook(fleet, *extra):
    changed, _output = run_playbook(fleet, os.path.join(EXAMPLE, 'playbook.yml'), '-e', 'hunt_groups_purge=true', *extra)
    return changed


def other_accounts(fleet, index):
    return [account for account in rest(fleet, index, '/rest/domain/localhost/users') if account['usertype'] != 'hunts']


def test_the_fleet_converges_then_stays_converged(fleet):
    accounts_before = [other_accounts(fleet, index) for index in range(len(HOSTS))]

    first = playbook(fleet)
    assert first == dict((host, 1) for host in HOSTS)
    for index, host in enumerate(HOSTS):
        hunts = rest(fleet, index, '/rest/domain/localhost/hunts')
        assert sorted(group['name'] for group in hunts) == EXPECTED[host]
        assert other_accounts(fleet, index) == accounts_before[index]

    clear_journals(fleet)
    second = playbook(fleet)
    assert second == dict((host, 0) for host in HOSTS)
    for index, journal in enumerate(journals(fleet)):
        assert journal['writes'] == 0
        # One hunts list plus one settings read per hunt group: the efficiency users see.
        assert journal['reads'] == 1 + len(EXPECTED[HOSTS[index]])


def test_check_mode_finds_drift_on_one_pbx_without_writing(fleet):
    playbook(fleet)
    rest(fleet, 1, '/rest/domain/localhost/user_settings/2001', 'POST', {'display': 'Changed by hand'})
    clear_journals(fleet)

    predicted = playbook(fleet, '--check', '--diff')
    assert predicted == {'pbx-nyc': 0, 'pbx-lon': 1, 'pbx-syd': 0}
    assert [journal['writes'] for journal in journals(fleet)] == [0, 0, 0]

    assert playbook(fleet) == {'pbx-nyc': 0, 'pbx-lon': 1, 'pbx-syd': 0}
    assert rest(fleet, 1, '/rest/domain/localhost/user_settings/2001')['display'] == 'Support'
    assert sum(journal['writes'] for journal in journals(fleet)) == 1
