# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""max_concurrent_requests across processes: two ansible-playbook runs side by side, each an AWX-style slice of the
tenants of one simulated PBX, stay within the limit on that PBX, and both converge.

The simulator's load gauge (GET /_sim/load, docs/simulator.md) gives the most requests it answered at once. Without
the limit the same runs go above it, so the test can fail. Run by `make test-pbxload` with VODIA_COLLECTIONS_PATH
pointing at a tree that holds vodia.pbx.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
import requests
import yaml

from pbxsim import seed
from pbxsim.process import launch

LIMIT = 2
SLICES = 2
FORKS = 5
TENANTS = 6
PBX = 'pbx-a'
# Every answer this late: requests of different tasks overlap, and the role reads in parallel (it does from 40 ms on).
LATENCY_MS = 60
BIN = os.path.dirname(sys.executable)
HUNT_GROUPS = [{'name': str(2000 + index), 'display_name': 'Load %d' % index,
                'stages': [{'extensions': ['444', '445'], 'duration': 20}]} for index in range(2)]
PLAYBOOK = [{'name': 'Hunt groups of every tenant', 'hosts': 'vodia_tenants', 'connection': 'local', 'gather_facts': False,
             'roles': [{'role': 'vodia.pbx.hunt_groups'}]}]


@pytest.fixture(scope='module')
def simulator():
    sim = launch(['--tenants', str(TENANTS), '--latency-ms', str(LATENCY_MS)])
    yield sim
    sim.stop()


@pytest.fixture
def fresh(simulator):
    simulator.reset_all()
    return simulator


def write_inventory(directory, sim):
    """The tenants of one PBX (its generated tenants only) and their hunt groups, with the playbook beside them."""
    os.makedirs(os.path.join(str(directory), 'group_vars'))
    config = {'plugin': 'vodia.pbx.tenants', 'pbxs': [{'name': PBX, 'url': sim.url}], 'include': ['tenant-*']}
    path = os.path.join(str(directory), 'pbxs.vodia_tenants.yml')
    with open(path, 'w', encoding='utf-8') as handle:
        yaml.safe_dump(config, handle)
    with open(os.path.join(str(directory), 'group_vars', 'vodia_tenants.yml'), 'w', encoding='utf-8') as handle:
        yaml.safe_dump({'ansible_python_interpreter': sys.executable, 'hunt_groups_list': HUNT_GROUPS}, handle)
    with open(os.path.join(str(directory), 'playbook.yml'), 'w', encoding='utf-8') as handle:
        yaml.safe_dump(PLAYBOOK, handle, sort_keys=False)
    return path


def awx_slices(hosts, count):
    """AWX's split (get_sliced_hosts): hosts sorted by name, slice k of N gets hosts[k-1::N]."""
    ordered = sorted(hosts)
    return [ordered[start::count] for start in range(count)]


def environment(limit_directory=None):
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.environ['VODIA_COLLECTIONS_PATH'], ANSIBLE_NOCOLOR='1',
               ANSIBLE_INVENTORY_UNPARSED_FAILED='true', VODIA_USERNAME=seed.SYSTEM_ADMIN[0],
               VODIA_PASSWORD=seed.SYSTEM_ADMIN[1])
    for variable in ('VODIA_MAX_CONCURRENT_REQUESTS', 'VODIA_REQUEST_LOCK_DIR'):
        env.pop(variable, None)
    if limit_directory is not None:
        env.update(VODIA_MAX_CONCURRENT_REQUESTS=str(LIMIT), VODIA_REQUEST_LOCK_DIR=str(limit_directory))
    return env


def slices_side_by_side(inventory, env):
    """SLICES ansible-playbook processes started together, each with --limit on its slice; their outputs, each checked."""
    hosts = ['tenant-%04d.example.com@%s' % (number, PBX) for number in range(1, TENANTS + 1)]
    playbook = os.path.join(os.path.dirname(inventory), 'playbook.yml')
    processes = [subprocess.Popen(  # pylint: disable=consider-using-with
        [os.path.join(BIN, 'ansible-playbook'), playbook, '-i', inventory, '--forks', str(FORKS), '--limit', ','.join(part)],
        env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for part in awx_slices(hosts, SLICES)]
    outputs = []
    for process in processes:
        output, _stderr = process.communicate(timeout=300)
        assert process.returncode == 0, output
        assert seed.SYSTEM_ADMIN[1] not in output
        outputs.append(output)
    return outputs


def peak_in_flight(sim):
    status, load = sim.control('GET', '/_sim/load')
    assert status == 200, load
    return load['peak_in_flight']


def hunt_group_names(sim, tenant):
    answer = requests.get('%s/rest/domain/%s/hunts' % (sim.url, tenant), auth=seed.SYSTEM_ADMIN, timeout=30)
    answer.raise_for_status()
    return sorted(entry['name'] for entry in answer.json())


def assert_converged(sim, outputs):
    for output in outputs:
        assert 'failed=0' in output and 'unreachable=0' in output, output
    wanted = sorted(group['name'] for group in HUNT_GROUPS)
    for number in range(1, TENANTS + 1):
        assert hunt_group_names(sim, 'tenant-%04d.example.com' % number) == wanted


def test_without_a_limit_two_slices_load_the_pbx_beyond_it(fresh, tmp_path):
    inventory = write_inventory(tmp_path, fresh)
    fresh.control('DELETE', '/_sim/journal')
    outputs = slices_side_by_side(inventory, environment())
    assert_converged(fresh, outputs)
    assert peak_in_flight(fresh) > LIMIT


def test_with_the_limit_two_slices_stay_within_it_and_converge(fresh, tmp_path):
    inventory = write_inventory(tmp_path / 'inventory', fresh)
    locks = tmp_path / 'locks'
    fresh.control('DELETE', '/_sim/journal')
    outputs = slices_side_by_side(inventory, environment(locks))
    assert_converged(fresh, outputs)
    peak = peak_in_flight(fresh)
    assert 1 <= peak <= LIMIT, json.dumps(fresh.control('GET', '/_sim/load')[1])
    # The slots of this one PBX, and nothing that names the account.
    names = os.listdir(str(locks))
    assert len(names) == LIMIT and all(name.startswith('http_127.0.0.1_') for name in names)
    assert not any(seed.SYSTEM_ADMIN[0] in name for name in names)
