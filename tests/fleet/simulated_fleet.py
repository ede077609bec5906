# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The PBXs of the fleet example, simulated, and what the fleet suites ask of them.

A fleet is (simulator, inventory): one simulated PBX over HTTPS per host of examples/fleet, in the order of
demo.HOSTS, and an inventory file that points the example's hosts at them. The PBXs answer as the version profile
VODIA_SIM_PROFILE names (default v58; docs/simulator.md).
"""

from __future__ import annotations

import os
import subprocess
import sys

import requests

from pbxsim.process import launch

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO_ROOT, 'tests', 'tools'))

from demo import HOSTS, RECAP_LINE, write_simulated_inventory  # noqa: E402  pylint: disable=wrong-import-position
from with_simulator import SIM_CREDENTIALS  # noqa: E402  pylint: disable=wrong-import-position


SIM_PROFILE = os.environ.get('VODIA_SIM_PROFILE', 'v58')
# The hunt groups the fleet example gives each PBX (examples/fleet/inventory).
EXAMPLE_HUNT_GROUPS = {
    'pbx-nyc': ['2000', '2001', '2100'],
    'pbx-lon': ['2000', '2001', '2200'],
    'pbx-syd': ['2000', '2001'],
}


class MixedFleet:
    """One simulator process per PBX, each with its own version profile, behind the interface of a SimProcess.

    ``ca_file`` bundles the certificate authorities of all of them, so one VODIA_CA_PATH trusts every PBX.
    """

    def __init__(self, simulators, ca_file):
        self.simulators = simulators
        self.urls = [simulator.url for simulator in simulators]
        self.ca_file = ca_file

    def control(self, method, path, body=None, index=0):
        return self.simulators[index].control(method, path, body)

    def reset_all(self):
        for simulator in self.simulators:
            simulator.reset_all()

    def stop(self):
        for simulator in self.simulators:
            simulator.stop()


def start_fleet(directory, profiles=None):
    """The simulated PBXs of the example's hosts and an inventory pointing at them.

    Without ``profiles`` one simulator serves them all as SIM_PROFILE; with one profile per host, each PBX answers
    as its own, as in a fleet whose PBXs run different versions.
    """
    if profiles is None:
        simulator = launch(['--pbx-count', str(len(HOSTS)), '--tls', '--profile', SIM_PROFILE])
    else:
        simulators = [launch(['--tls', '--profile', profile]) for profile in profiles]
        bundle = os.path.join(str(directory), 'ca-bundle.pem')
        with open(bundle, 'w', encoding='utf-8') as handle:
            for started in simulators:
                with open(started.ca_file, encoding='utf-8') as ca:
                    handle.write(ca.read())
        simulator = MixedFleet(simulators, bundle)
    inventory = os.path.join(str(directory), 'simulated.json')
    write_simulated_inventory(inventory, simulator.urls)
    return simulator, inventory


def run_playbook(fleet, path, *extra, expect_success=True):
    """Run a playbook over the fleet example's inventory and the simulated PBXs, with the credentials in VODIA_*.

    Returns {host: changed count} from the recap, and the output. A failed run fails the test, showing the output,
    unless ``expect_success`` is false: then a run that succeeds fails the test.
    """
    simulator, inventory = fleet
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=os.environ['VODIA_COLLECTIONS_PATH'],
        ANSIBLE_NOCOLOR='1',
        ANSIBLE_SHOW_CUSTOM_STATS='1',
        VODIA_USERNAME=SIM_CREDENTIALS['vodia_username'],
        VODIA_PASSWORD=SIM_CREDENTIALS['vodia_password'],
        VODIA_CA_PATH=simulator.ca_file,
    )
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), path,
               '-i', os.path.join(REPO_ROOT, 'examples', 'fleet', 'inventory'), '-i', inventory] + list(extra)
    completed = subprocess.run(command, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    assert (completed.returncode == 0) == expect_success, completed.stdout
    changed = dict((host, int(count)) for host, _ok, count, _unreachable, _failed in RECAP_LINE.findall(completed.stdout))
    return changed, completed.stdout


def rest(fleet, index, path, method='GET', body=None):
    """A REST request to PBX number ``index``, as its system administrator."""
    simulator, _inventory = fleet
    answer = requests.request(method, simulator.urls[index] + path, json=body, verify=simulator.ca_file, timeout=10,
                              auth=(SIM_CREDENTIALS['vodia_username'], SIM_CREDENTIALS['vodia_password']))
    answer.raise_for_status()
    # The v70 profile answers account creation and deletion in plain text (docs/simulator.md).
    return answer.json() if answer.headers.get('Content-Type', '').startswith('application/json') else answer.text


# The accounts of localhost in the simulator's seed that its hunt groups and those of the fleet example name:
# extensions 443 to 448 and the auto attendant 500 (the final destination of 2000).
NAMED_ACCOUNTS = [('extensions', str(number)) for number in range(443, 449)] + [('attendants', '500')]


def add_named_accounts(fleet, index, domain):
    """Give tenant ``domain`` of PBX number ``index`` the accounts in NAMED_ACCOUNTS, so that hunt groups of localhost
    can be copied there: the collection writes no hunt group that names an account its tenant does not have."""
    for account_type, number in NAMED_ACCOUNTS:
        key = 'account_ext' if account_type == 'extensions' else 'account'
        rest(fleet, index, '/rest/domain/%s/addacc' % domain, 'POST', {'type': account_type, key: number})


def journals(fleet):
    simulator, _inventory = fleet
    return [simulator.control('GET', '/_sim/journal', index=index)[1] for index in range(len(HOSTS))]


def clear_journals(fleet):
    simulator, _inventory = fleet
    for index in range(len(HOSTS)):
        simulator.control('DELETE', '/_sim/journal', index=index)
