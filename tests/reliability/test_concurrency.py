# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""50 forks converge 50 different hunt groups on one simulated PBX at once: nothing lost, nothing duplicated."""

from __future__ import annotations

import sys

from playbooks import rest_get, run_playbook, write_json
from pbxsim.process import launch

FORKS = 50
PLAYBOOK = '''
- name: One hunt group per host, all on one PBX
  hosts: offices
  connection: local
  gather_facts: false
  tasks:
    - name: Converge this office's hunt group
      vodia.pbx.vodia_hunt_group:
        url: "{{ vodia_url }}"
        domain: localhost
        name: "{{ hunt_group }}"
        display_name: "Office {{ inventory_hostname }}"
        stages:
          - extensions: ["444", "445"]
            duration: 15
'''


def test_fifty_forks_lose_and_duplicate_nothing(tmp_path):
    simulator = launch([])
    try:
        hosts = dict(('office-%02d' % index, {'hunt_group': str(6000 + index)}) for index in range(FORKS))
        inventory = write_json(tmp_path / 'inventory.json', {'offices': {
            'hosts': hosts, 'vars': {'vodia_url': simulator.url, 'ansible_python_interpreter': sys.executable}}})
        playbook = tmp_path / 'playbook.yml'
        playbook.write_text(PLAYBOOK)

        code, output = run_playbook(str(playbook), inventory, args=['--forks', str(FORKS)])
        assert code == 0, output
        names = [group['name'] for group in rest_get(simulator.url, '/rest/domain/localhost/hunts')]
        assert sorted(name for name in names if name.startswith('60')) == sorted(host['hunt_group'] for host in hosts.values())
        assert len(names) == len(set(names))
        for index in (0, FORKS // 2, FORKS - 1):
            settings = rest_get(simulator.url, '/rest/domain/localhost/user_settings/%d' % (6000 + index))
            assert settings['display'] == 'Office office-%02d' % index

        journal = simulator.control('GET', '/_sim/journal')[1]
        creates = [entry for entry in journal['entries'] if entry['path'] == '/rest/domain/localhost/addacc']
        assert len(creates) == FORKS

        code, output = run_playbook(str(playbook), inventory, args=['--forks', str(FORKS)])
        assert code == 0 and 'changed=1' not in output, output
    finally:
        simulator.stop()
