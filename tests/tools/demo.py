# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""`make demo`: the example playbook against three simulated PBXs.

    python tests/tools/demo.py COLLECTIONS_PATH WORK_DIR [PROFILE]

Starts the simulator with three PBXs (HTTPS, with its own certificate authority) answering as the version PROFILE
(v58, v69 or v70; default v58, see docs/simulator.md), points the example inventory at them, runs
examples/fleet/playbook.yml twice (the second run must change nothing and send no write), prints
what vodia_hunt_group_info reads back, and stops the simulator.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from with_simulator import REPO_ROOT, SIM_CREDENTIALS, launch

EXAMPLE = os.path.join(REPO_ROOT, 'examples', 'fleet')
HOSTS = ['pbx-nyc', 'pbx-lon', 'pbx-syd']
RECAP_LINE = re.compile(r'^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)', re.MULTILINE)


def banner(text):
    print('\n=== %s ===' % text, flush=True)


def write_simulated_inventory(path, urls):
    """An inventory layer that replaces the example's PBX URLs with the simulator's."""
    hosts = dict((host, {'vodia_url': url, 'hunt_groups_domain': 'localhost'}) for host, url in zip(HOSTS, urls))
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump({'pbxs': {'hosts': hosts}}, handle, indent=2)


def run_playbook(playbook, inventories, env):
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), playbook]
    for inventory in inventories:
        command += ['-i', inventory]
    completed = subprocess.run(command, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    print(completed.stdout, flush=True)
    if completed.returncode != 0:
        raise SystemExit('demo failed: %s exited with %d' % (os.path.basename(playbook), completed.returncode))
    return dict((host, int(changed)) for host, _ok, changed, _unreachable, _failed in RECAP_LINE.findall(completed.stdout))


def main():
    collections_path, work_dir = sys.argv[1:3]
    profile = sys.argv[3] if len(sys.argv) > 3 else 'v58'
    os.makedirs(work_dir, exist_ok=True)
    banner('Starting the Vodia PBX simulator with %d PBXs (version profile %s)' % (len(HOSTS), profile))
    simulator = launch(['--pbx-count', str(len(HOSTS)), '--tls', '--profile', profile])
    try:
        for host, url in zip(HOSTS, simulator.urls):
            print('%s -> %s' % (host, url))
        simulated = os.path.join(work_dir, 'simulated_pbxs.json')
        write_simulated_inventory(simulated, simulator.urls)
        inventories = [os.path.join(EXAMPLE, 'inventory'), simulated]
        env = dict(
            os.environ,
            ANSIBLE_COLLECTIONS_PATH=collections_path,
            ANSIBLE_NOCOLOR='1',
            VODIA_USERNAME=SIM_CREDENTIALS['vodia_username'],
            VODIA_PASSWORD=SIM_CREDENTIALS['vodia_password'],
            VODIA_CA_PATH=simulator.ca_file,
        )
        playbook = os.path.join(EXAMPLE, 'playbook.yml')

        banner('First run: creates the hunt groups')
        first = run_playbook(playbook, inventories, env)
        for index in range(len(HOSTS)):
            simulator.control('DELETE', '/_sim/journal', index=index)
        banner('Second run: nothing to do, every task ok')
        second = run_playbook(playbook, inventories, env)
        writes = [simulator.control('GET', '/_sim/journal', index=index)[1]['writes'] for index in range(len(HOSTS))]
        banner('What vodia_hunt_group_info reads back')
        run_playbook(os.path.join(EXAMPLE, 'read_back.yml'), inventories, env)

        if sorted(first) != sorted(HOSTS) or not all(first.values()):
            raise SystemExit('demo failed: the first run should have changed every PBX, got %s' % first)
        if any(second.values()) or any(writes):
            raise SystemExit('demo failed: the second run should change and write nothing, got %s and writes %s' % (second, writes))
        banner('Demo passed: first run changed %s, second run changed and wrote nothing' % first)
    finally:
        simulator.stop()
    return 0


if __name__ == '__main__':
    sys.exit(main())
