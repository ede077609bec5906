# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Which way a task runs: in the controller's process by default, as a module when asked or when it must be.

A module run leaves its AnsiballZ payload in the -vvv output; a run in the controller's process leaves none.
Both ways return the same result.
"""

from __future__ import annotations

import json
import sys

import pytest

from playbooks import run_playbook, write_json
from pbxsim.process import launch

PLAYBOOK = '''
- name: Read a hunt group
  hosts: pbxs
  connection: local
  gather_facts: false
  module_defaults:
    group/vodia.pbx.vodia:
      url: "{{ vodia_url }}"
  tasks:
    - name: Read hunt group 1002
      vodia.pbx.vodia_hunt_group_info:
        domain: localhost
        name: "1002"
      register: info
      ASYNC
    - name: Keep the result for the test
      ansible.builtin.copy:
        content: "{{ info.hunt_groups | to_json }}"
        dest: RESULT_FILE
        mode: "0600"
'''


@pytest.fixture(scope='module')
def pbx(tmp_path_factory):
    simulator = launch([])
    directory = tmp_path_factory.mktemp('paths')
    inventory = write_json(directory / 'inventory.json', {'pbxs': {'hosts': {'pbx-one': {'vodia_url': simulator.url}}, 'vars': {
        'ansible_python_interpreter': sys.executable}}})
    yield directory, inventory
    simulator.stop()


def run(pbx, async_keywords='', args=()):
    directory, inventory = pbx
    playbook = directory / 'read.yml'
    result_file = directory / 'result.json'
    playbook.write_text(PLAYBOOK.replace('ASYNC', async_keywords).replace('RESULT_FILE', str(result_file)))
    code, output = run_playbook(str(playbook), inventory, {}, ['-vvv'] + list(args))
    assert code == 0, output
    return output, json.loads(result_file.read_text())


def test_a_task_on_the_controller_runs_in_process_without_a_module_payload(pbx):
    output, result = run(pbx)
    assert 'AnsiballZ_vodia_hunt_group_info' not in output
    assert result[0]['name'] == '1002'


def test_vodia_pbx_execution_module_runs_the_module_with_the_same_result(pbx):
    in_process_output, in_process = run(pbx)
    output, as_module = run(pbx, args=['-e', 'vodia_pbx_execution=module'])
    assert 'AnsiballZ_vodia_hunt_group_info' in output
    assert 'AnsiballZ_vodia_hunt_group_info' not in in_process_output
    assert as_module == in_process


def test_an_async_task_runs_the_module_in_the_background(pbx):
    output, result = run(pbx, async_keywords='async: 60\n      poll: 1')
    assert 'AnsiballZ_vodia_hunt_group_info' in output
    assert 'async_wrapper' in output or 'ansible_job_id' in output
    assert result[0]['name'] == '1002'


BULK_PLAYBOOK = '''
- name: Plan a change of a tenant, and read it in the export form
  hosts: pbxs
  connection: local
  gather_facts: false
  module_defaults:
    group/vodia.pbx.vodia:
      url: "{{ vodia_url }}"
  tasks:
    - name: Plan a change of hunt group 1002
      vodia.pbx.vodia_hunt_groups:
        domain: localhost
        hunt_groups:
          - name: "1002"
            display_name: Planned
      check_mode: true
      register: planned
    - name: Read the tenant in the export form
      vodia.pbx.vodia_hunt_group_info:
        domain: localhost
        form: export
      register: exported
    - name: Keep the results for the test
      vars:
        returned: [changed, check_mode, domain, url, hunt_groups, results]
      ansible.builtin.copy:
        content: >-
          {{ {'planned': planned | dict2items | selectattr('key', 'in', returned) | items2dict,
              'exported': exported.hunt_groups} | to_json }}
        dest: RESULT_FILE
        mode: "0600"
'''


def test_both_paths_return_the_same_plan_with_its_changes_and_the_same_export(pbx):
    directory, inventory = pbx
    playbook = directory / 'bulk.yml'
    result_file = directory / 'bulk.json'
    playbook.write_text(BULK_PLAYBOOK.replace('RESULT_FILE', str(result_file)))
    results = {}
    for path, args in (('controller', []), ('module', ['-e', 'vodia_pbx_execution=module'])):
        code, output = run_playbook(str(playbook), inventory, {}, ['-vvv'] + args)
        assert code == 0, output
        assert ('AnsiballZ_vodia_hunt_groups' in output) is (path == 'module')
        results[path] = json.loads(result_file.read_text())
    assert results['module'] == results['controller']
    planned = results['controller']['planned']
    assert planned['changed'] is True and planned['check_mode'] is True and planned['domain'] == 'localhost'
    assert planned['url'] and planned['results'][0]['action'] == 'updated'
    assert planned['results'][0]['changes']['display_name']['after'] == 'Planned'
    assert [group['name'] for group in results['controller']['exported']] == ['1002', '1003', '1004']
