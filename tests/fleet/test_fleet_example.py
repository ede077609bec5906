# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fleet example (examples/fleet: inventory + the hunt_groups role) against three simulated PBXs.

Run by `make test-fleet` with VODIA_COLLECTIONS_PATH pointing at a tree that holds vodia.pbx.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO_ROOT, 'tests', 'tools'))

from demo import EXAMPLE, HOSTS, RECAP_LINE  # noqa: E402  pylint: disable=wrong-import-position
from simulated_fleet import clear_journals, journals, rest, start_fleet  # noqa: E402  pylint: disable=wrong-import-position
from with_simulator import SIM_CREDENTIALS  # noqa: E402  pylint: disable=wrong-import-position

EXPECTED = {
    'pbx-nyc': ['2000', '2001', '2100'],
    'pbx-lon': ['2000', '2001', '2200'],
    'pbx-syd': ['2000', '2001'],
}


@pytest.fixture(scope='module')
def fleet(tmp_path_factory):
    simulator, inventory = start_fleet(tmp_path_factory.mktemp('fleet'))
    yield simulator, inventory
    simulator.stop()


def playbook(fleet, *extra):
    simulator, inventory = fleet
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=os.environ['VODIA_COLLECTIONS_PATH'],
        ANSIBLE_NOCOLOR='1',
        VODIA_USERNAME=SIM_CREDENTIALS['vodia_username'],
        VODIA_PASSWORD=SIM_CREDENTIALS['vodia_password'],
        VODIA_CA_PATH=simulator.ca_file,
    )
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), os.path.join(EXAMPLE, 'playbook.yml'),
               '-i', os.path.join(EXAMPLE, 'inventory'), '-i', inventory, '-e', 'hunt_groups_purge=true'] + list(extra)
    completed = subprocess.run(command, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    assert completed.returncode == 0, completed.stdout
    return dict((host, int(changed)) for host, _ok, changed, _unreachable, _failed in RECAP_LINE.findall(completed.stdout))


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
