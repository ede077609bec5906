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
import sys

import requests

from pbxsim.process import launch

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO_ROOT, 'tests', 'tools'))

from demo import HOSTS, write_simulated_inventory  # noqa: E402  pylint: disable=wrong-import-position
from with_simulator import SIM_CREDENTIALS  # noqa: E402  pylint: disable=wrong-import-position


SIM_PROFILE = os.environ.get('VODIA_SIM_PROFILE', 'v58')


def start_fleet(directory):
    simulator = launch(['--pbx-count', str(len(HOSTS)), '--tls', '--profile', SIM_PROFILE])
    inventory = os.path.join(str(directory), 'simulated.json')
    write_simulated_inventory(inventory, simulator.urls)
    return simulator, inventory


def rest(fleet, index, path, method='GET', body=None):
    """A REST request to PBX number ``index``, as its system administrator."""
    simulator, _inventory = fleet
    answer = requests.request(method, simulator.urls[index] + path, json=body, verify=simulator.ca_file, timeout=10,
                              auth=(SIM_CREDENTIALS['vodia_username'], SIM_CREDENTIALS['vodia_password']))
    answer.raise_for_status()
    # The v70 profile answers account creation and deletion in plain text (docs/simulator.md).
    return answer.json() if answer.headers.get('Content-Type', '').startswith('application/json') else answer.text


def journals(fleet):
    simulator, _inventory = fleet
    return [simulator.control('GET', '/_sim/journal', index=index)[1] for index in range(len(HOSTS))]


def clear_journals(fleet):
    simulator, _inventory = fleet
    for index in range(len(HOSTS)):
        simulator.control('DELETE', '/_sim/journal', index=index)
