# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Modules delegated to a jump host run there as real modules, over SSH.

    PYTHONPATH=tests VODIA_COLLECTIONS_PATH=<dir holding ansible_collections/vodia/pbx> .venv/bin/pytest -q tests/ssh

On the controller, the action plugins of vodia.pbx do a task's work in-process. With ``delegate_to`` a host reached
over SSH, they must hand the task to the module, which Ansible copies to that host and runs there. The jump host here
is a real OpenSSH server on 127.0.0.1 (tests/tools/sshd.py, installed with apt-get if missing), logging in as root
with a generated key; its Python is the one running this test, which has requests. The PBX is the simulator, serving
HTTPS with its own certificate authority; the jump host is this machine, so the CA file is there too.

The play runs twice at -vvvv: a delegated vodia_hunt_group creates a hunt group and then leaves it alone,
vodia_hunt_group_info reads it once on the controller (the control task) and once over SSH, and vodia_hunt_groups
predicts a change over SSH in check mode. The password reaches the tasks only through module_defaults, from a
variables file as a vault file would give it.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys

import pytest
import requests

from pbxsim import seed
from pbxsim.process import launch

ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
USERNAME, PASSWORD = seed.SYSTEM_ADMIN
GROUP = '8300'
PREDICTED_ONLY = '8301'
UNREACHED = '8302'

PLAYBOOK = '''
- name: Hunt groups through a jump host
  hosts: localhost
  gather_facts: false
  module_defaults:
    group/vodia.pbx.vodia:
      url: "{{ pbx_url }}"
      username: "{{ pbx_username }}"
      password: "{{ pbx_password }}"
      ca_path: "{{ pbx_ca_path }}"
      domain: localhost
  tasks:
    - name: Converge over SSH
      vodia.pbx.vodia_hunt_group:
        name: "%(group)s"
        display_name: Jump host
        stages: [{extensions: ["444", "445"], duration: 20}]
      delegate_to: jumphost
      register: converge

    - name: Read on the controller
      vodia.pbx.vodia_hunt_group_info:
        name: "%(group)s"
      register: controller_info

    - name: Read over SSH
      vodia.pbx.vodia_hunt_group_info:
        name: "%(group)s"
      delegate_to: jumphost
      register: jump_info

    - name: Predict over SSH
      vodia.pbx.vodia_hunt_groups:
        hunt_groups:
          - {name: "%(group)s", display_name: Jump host}
          - {name: "%(predicted)s", display_name: Only predicted}
      check_mode: true
      delegate_to: jumphost
      register: prediction

    - name: Save the results for the test
      ansible.builtin.copy:
        content: "{{ {'converge': converge, 'controller_info': controller_info, 'jump_info': jump_info,
                      'prediction': prediction} | to_json }}"
        dest: "{{ results_file }}"
        mode: "0600"
''' % dict(group=GROUP, predicted=PREDICTED_ONLY)

UNREACHABLE_PLAYBOOK = '''
- name: A jump host nobody answers for
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Converge over SSH
      vodia.pbx.vodia_hunt_group:
        url: "{{ pbx_url }}"
        username: "{{ pbx_username }}"
        password: "{{ pbx_password }}"
        ca_path: "{{ pbx_ca_path }}"
        domain: localhost
        name: "%s"
      delegate_to: jumphost
''' % UNREACHED

DELEGATED_TASKS = {
    'Converge over SSH': 'vodia_hunt_group',
    'Read over SSH': 'vodia_hunt_group_info',
    'Predict over SSH': 'vodia_hunt_groups',
}
CONTROLLER_TASK = 'Read on the controller'
TASK_HEADER = re.compile(r'^TASK \[(.+?)\]', re.MULTILINE)


def write_json(path, data):
    path.write_text(json.dumps(data), encoding='utf-8')
    return str(path)


def jump_inventory(path, port, client_key, remote_tmp):
    return write_json(path, {'all': {'hosts': {'jumphost': {
        'ansible_connection': 'ssh',
        'ansible_host': '127.0.0.1',
        'ansible_port': port,
        'ansible_user': 'root',
        'ansible_ssh_private_key_file': client_key,
        'ansible_ssh_common_args': '-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null',
        # The jump host is this machine: the test's Python has requests, which the module needs there.
        'ansible_python_interpreter': sys.executable,
        # Where the module files land on the jump host, so the test can look at what is left behind.
        'ansible_remote_tmp': remote_tmp,
    }}}})


def run_playbook(workspace, playbook, inventory, variables):
    environment = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=os.environ['VODIA_COLLECTIONS_PATH'],
        ANSIBLE_NOCOLOR='1',
        # Short and private: the SSH control sockets (the path limit is 108 bytes) and the controller's own temp files.
        ANSIBLE_SSH_CONTROL_PATH_DIR=str(workspace / 'cp'),
        ANSIBLE_LOCAL_TEMP=str(workspace / 'controller-tmp'),
    )
    # The credentials must come from module_defaults; on the controller the VODIA_* fallbacks would hide a mistake.
    for variable in [name for name in environment if name.startswith('VODIA_')]:
        del environment[variable]
    completed = subprocess.run([ANSIBLE_PLAYBOOK, '-vvvv', playbook, '-i', inventory, '-e', '@' + variables],
                               env=environment, cwd=str(workspace), text=True, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, check=False)
    return completed.returncode, completed.stdout


def task_sections(output):
    """The -vvvv output of each task, by task name (the last run of a name wins)."""
    headers = list(TASK_HEADER.finditer(output))
    sections = {}
    for index, header in enumerate(headers):
        end = headers[index + 1].start() if index + 1 < len(headers) else output.find('PLAY RECAP')
        sections[header.group(1)] = output[header.start():end]
    return sections


def journal(simulator):
    status, body = simulator.control('GET', '/_sim/journal')
    assert status == 200, body
    return body


def hunt_group_names(simulator):
    answer = requests.get(simulator.url + '/rest/domain/localhost/hunts', auth=seed.SYSTEM_ADMIN, verify=simulator.ca_file, timeout=10)
    answer.raise_for_status()
    return sorted(group['name'] for group in answer.json())


def files_containing(directory, text):
    found = []
    for root, _directories, files in os.walk(directory):
        for name in files:
            with open(os.path.join(root, name), 'rb') as handle:
                if text.encode('utf-8') in handle.read():
                    found.append(os.path.join(root, name))
    return found


@pytest.fixture(scope='module')
def two_runs(sshd_server, tmp_path_factory):
    """The playbook run twice through the jump host; what each run printed, returned and sent to the PBX."""
    simulator = launch(['--tls'])
    workspace = tmp_path_factory.mktemp('ssh-delegation')
    remote_tmp = workspace / 'jumphost-tmp'
    inventory = jump_inventory(workspace / 'inventory.json', sshd_server.port, sshd_server.client_key, str(remote_tmp))
    playbook = workspace / 'playbook.yml'
    playbook.write_text(PLAYBOOK, encoding='utf-8')
    results_file = workspace / 'results.json'
    variables = write_json(workspace / 'secrets.json', {'pbx_url': simulator.url, 'pbx_username': USERNAME, 'pbx_password': PASSWORD,
                                                        'pbx_ca_path': simulator.ca_file, 'results_file': str(results_file)})
    runs = []
    try:
        groups_before = hunt_group_names(simulator)
        for _run in range(2):
            simulator.control('DELETE', '/_sim/journal')
            log_start = len(sshd_server.log())
            code, output = run_playbook(workspace, str(playbook), inventory, variables)
            assert code == 0, output + '\n--- sshd log ---\n' + sshd_server.log()
            runs.append(dict(output=output, results=json.loads(results_file.read_text(encoding='utf-8')),
                             journal=journal(simulator), sshd_log=sshd_server.log()[log_start:]))
        yield dict(runs=runs, groups_before=groups_before, groups_after=hunt_group_names(simulator),
                   workspace=workspace, remote_tmp=remote_tmp)
    finally:
        simulator.stop()


def test_the_hunt_group_is_created_then_left_alone(two_runs):
    first, second = two_runs['runs']
    assert first['results']['converge']['changed'] is True
    assert second['results']['converge']['changed'] is False
    assert first['journal']['writes'] > 0
    # Nothing in the second run writes: the converged hunt group, both reads and the check-mode prediction.
    assert second['journal']['writes'] == 0
    assert second['journal']['reads'] > 0
    entries = first['journal']['entries'] + second['journal']['entries']
    # The credentials from module_defaults reached the PBX from both sides: the jump host and the controller.
    assert set(entry['user'] for entry in entries) == {USERNAME}
    assert 401 not in set(entry['status'] for entry in entries)
    assert two_runs['groups_after'] == sorted(two_runs['groups_before'] + [GROUP])


def test_the_delegated_modules_return_what_the_pbx_holds(two_runs):
    for run in two_runs['runs']:
        results = run['results']
        assert results['converge']['hunt_group']['display_name'] == 'Jump host'
        assert results['converge']['hunt_group']['stages'] == [{'extensions': ['444', '445'], 'duration': 20}]
        # The same hunt group read in-process and over SSH.
        assert results['jump_info']['hunt_groups'] == results['controller_info']['hunt_groups']
        assert [group['name'] for group in results['jump_info']['hunt_groups']] == [GROUP]
        assert results['jump_info']['hunt_groups'][0]['display_name'] == 'Jump host'
        # Check mode over SSH predicts the missing hunt group and creates nothing.
        assert results['prediction']['changed'] is True
        assert [group['name'] for group in results['prediction']['hunt_groups']] == [GROUP, PREDICTED_ONLY]
    assert PREDICTED_ONLY not in two_runs['groups_after']


def test_delegated_tasks_run_the_module_over_ssh_and_the_controller_task_does_not(two_runs, sshd_server):
    for run in two_runs['runs']:
        sections = task_sections(run['output'])
        for task, module in DELEGATED_TASKS.items():
            section = sections[task]
            assert 'ESTABLISH SSH CONNECTION FOR USER: root' in section, section
            # The module file is copied to the jump host, then started there with the jump host's Python.
            assert re.search(r'PUT \S+ TO %s/\S+/AnsiballZ_%s\.py' % (re.escape(str(two_runs['remote_tmp'])), module), section), section
            assert re.search(r'SSH: EXEC ssh .* -o Port=%d .*%s %s/ansible-tmp-[^/ ]+/AnsiballZ_%s\.py'
                             % (sshd_server.port, re.escape(sys.executable), re.escape(str(two_runs['remote_tmp'])), module), section), section
            assert '[localhost -> jumphost(127.0.0.1)]' in section, section
        controller = sections[CONTROLLER_TASK]
        assert 'SSH' not in controller and 'AnsiballZ' not in controller, controller
        assert 'ok: [localhost] =>' in controller, controller
        # The server's side: our key let root in, and each delegated task opened sessions for the copy and the run.
        assert run['sshd_log'].count("Starting session: subsystem 'sftp' for root") >= len(DELEGATED_TASKS), run['sshd_log']
        assert len(re.findall(r'Starting session: command (on \S+ )?for root', run['sshd_log'])) >= len(DELEGATED_TASKS), run['sshd_log']
    assert 'Accepted publickey for root from 127.0.0.1' in two_runs['runs'][0]['sshd_log']


def test_the_password_appears_neither_in_the_output_nor_in_files_left_behind(two_runs):
    for run in two_runs['runs']:
        assert PASSWORD not in run['output']
        # It did pass through: masked in the delegated modules' echo of their arguments.
        section = task_sections(run['output'])['Converge over SSH']
        assert "'password': 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'" in section or '"password": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"' in section, section
    # Ansible removes the module files (which hold the arguments) from the jump host after each task.
    assert os.path.isdir(two_runs['remote_tmp']), 'no module was ever copied to the jump host'
    assert not [name for name in os.listdir(two_runs['remote_tmp']) if name.startswith('ansible-tmp-')]
    assert files_containing(two_runs['remote_tmp'], PASSWORD) == []
    assert files_containing(two_runs['workspace'] / 'controller-tmp', PASSWORD) == []


def test_a_delegated_task_without_its_jump_host_reaches_no_pbx(tmp_path):
    """The negative control: no SSH, no request. Nothing falls back to running on the controller."""
    simulator = launch(['--tls'])
    try:
        with socket.socket() as probe:
            probe.bind(('127.0.0.1', 0))
            closed_port = probe.getsockname()[1]  # nothing listens once the probe is closed
        inventory = jump_inventory(tmp_path / 'inventory.json', closed_port, '/nonexistent/key', str(tmp_path / 'remote-tmp'))
        playbook = tmp_path / 'playbook.yml'
        playbook.write_text(UNREACHABLE_PLAYBOOK, encoding='utf-8')
        variables = write_json(tmp_path / 'secrets.json', {'pbx_url': simulator.url, 'pbx_username': USERNAME, 'pbx_password': PASSWORD,
                                                           'pbx_ca_path': simulator.ca_file})
        code, output = run_playbook(tmp_path, str(playbook), inventory, variables)
        assert code != 0, output
        assert 'UNREACHABLE!' in output, output
        assert journal(simulator)['entries'] == []
        assert UNREACHED not in hunt_group_names(simulator)
        assert PASSWORD not in output
    finally:
        simulator.stop()
