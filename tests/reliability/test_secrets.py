# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The password never appears in what ansible-playbook prints at -vvvv: normal, check and diff runs, a password
from the environment or from a variable, successful and failing runs, on both execution paths: in the controller's
process (the action plugins, the default) and as a module (vodia_pbx_execution=module). (ansible-runner's job events
are covered in tests/runner.)"""

from __future__ import annotations

import os
import sys

import pytest

from playbooks import run_playbook, write_json
from pbxsim import seed
from pbxsim.process import launch

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FLEET = os.path.join(REPO_ROOT, 'examples', 'fleet', 'playbook.yml')
PASSWORD = seed.SYSTEM_ADMIN[1]
WRONG_PASSWORD = 'Wrong-Distinctive-Pass-31'
SINGLE = '''
- name: One hunt group, password from a variable
  hosts: pbxs
  connection: local
  gather_facts: false
  module_defaults:
    group/vodia.pbx.vodia:
      url: "{{ vodia_url }}"
      username: admin
      password: "{{ pbx_password }}"
      domain: localhost
  tasks:
    - name: Converge a hunt group
      vodia.pbx.vodia_hunt_group:
        name: "8000"
        display_name: Secret keeper
        stages: [{extensions: ["444"]}]
    - name: Read it back
      vodia.pbx.vodia_hunt_group_info:
        name: "8000"
'''


EXECUTION_PATHS = {'controller': [], 'module': ['-e', 'vodia_pbx_execution=module']}


@pytest.fixture(params=sorted(EXECUTION_PATHS))
def path_args(request):
    """The ansible-playbook arguments that choose an execution path."""
    return EXECUTION_PATHS[request.param]


@pytest.fixture(scope='module')
def pbx(tmp_path_factory):
    simulator = launch(['--tls'])
    directory = tmp_path_factory.mktemp('secrets')
    inventory = write_json(directory / 'inventory.json', {'pbxs': {'hosts': {'pbx-secret': {'vodia_url': simulator.url}}, 'vars': {
        'ansible_python_interpreter': sys.executable, 'hunt_groups_domain': 'localhost',
        'hunt_groups_list': [{'name': '8100', 'display_name': 'Fleet secret', 'settings': {'ncf': True}}]}}})
    single = directory / 'single.yml'
    single.write_text(SINGLE)
    # A variables file, as a vault file would be: a password given with -e on the command line is printed by
    # ansible-playbook itself at -vvvv, before any module runs.
    right = write_json(directory / 'right.json', {'pbx_password': PASSWORD})
    wrong = write_json(directory / 'wrong.json', {'pbx_password': WRONG_PASSWORD})
    yield simulator, inventory, str(single), right, wrong
    simulator.stop()


@pytest.mark.parametrize('args', [['-vvvv'], ['-vvvv', '--check', '--diff'], ['-vvvv', '--diff']])
def test_fleet_run_at_vvvv_never_shows_the_password(pbx, args, path_args):
    simulator, inventory, _single, _right, _wrong = pbx
    code, output = run_playbook(FLEET, inventory, {'VODIA_CA_PATH': simulator.ca_file}, args + path_args)
    assert code == 0, output
    assert 'vodia.pbx.vodia_hunt_groups' in output or 'hunt_groups' in output
    assert PASSWORD not in output


@pytest.mark.parametrize('args', [['-vvvv', '--diff'], ['-vvvv', '--check', '--diff']])
def test_a_password_from_a_variable_is_masked(pbx, args, path_args):
    simulator, inventory, single, right, _wrong = pbx
    code, output = run_playbook(single, inventory, {'VODIA_CA_PATH': simulator.ca_file}, args + path_args + ['-e', '@' + right])
    assert code == 0, output
    assert 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' in output
    assert PASSWORD not in output


def test_a_failing_run_does_not_show_the_wrong_password(pbx, path_args):
    simulator, inventory, single, _right, wrong = pbx
    code, output = run_playbook(single, inventory, {'VODIA_CA_PATH': simulator.ca_file}, ['-vvvv', '-e', '@' + wrong] + path_args)
    assert code != 0
    assert 'HTTP 401' in output
    assert WRONG_PASSWORD not in output


NAMES_ONLY = '''
- name: Hunt groups given as names only, password from a variable
  hosts: pbxs
  connection: local
  gather_facts: false
  tasks:
    - name: Converge
      vodia.pbx.vodia_hunt_groups:
        url: "{{ vodia_url }}"
        username: admin
        password: "{{ pbx_password }}"
        domain: localhost
        hunt_groups: ["8100", "8101"]
'''


def test_hunt_groups_that_are_not_dictionaries_fail_naming_the_option_and_not_showing_the_password(pbx, path_args, tmp_path):
    # Ansible's own no_log scan gives up on such a list and forgets the password it had collected.
    simulator, inventory, _single, right, _wrong = pbx
    playbook = tmp_path / 'names_only.yml'
    playbook.write_text(NAMES_ONLY)
    code, output = run_playbook(str(playbook), inventory, {'VODIA_CA_PATH': simulator.ca_file}, ['-vvvv', '-e', '@' + right] + path_args)
    assert code != 0
    assert "Elements value for option 'hunt_groups' is of type" in output
    assert PASSWORD not in output
