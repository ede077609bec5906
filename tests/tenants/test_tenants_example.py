# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tenants example (examples/tenants: the vodia.pbx.tenants inventory plugin and the hunt_groups role) against two
simulated PBXs with six tenants each, through ansible-inventory and ansible-playbook.

Run by `make test-tenants` with VODIA_COLLECTIONS_PATH pointing at a tree that holds vodia.pbx.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import socket
import subprocess
import sys

import pytest
import requests
import yaml

from pbxsim import seed
from pbxsim.process import launch

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO_ROOT, 'tests', 'tools'))

from demo import RECAP_LINE  # noqa: E402  pylint: disable=wrong-import-position

EXAMPLE = os.path.join(REPO_ROOT, 'examples', 'tenants')
CONFIG_NAME = 'pbxs.vodia_tenants.yml'
PBXS = ['pbx-nyc', 'pbx-lon']
GENERATED = 2
USERNAME = 'admin'
SECRET = 'Tenants-Secret-7c41d9'
# The seed's tenants and the generated ones, less localhost, which the example excludes.
TENANTS = ['branch.example.com', 'acme.example.com', 'globex.example.com'] + [
    seed.GENERATED_TENANT % number for number in range(1, GENERATED + 1)]
HOSTS = sorted('%s@%s' % (tenant, pbx) for pbx in PBXS for tenant in TENANTS)
STANDARD = {'2000', '2900'}
OWN = {'acme.example.com@pbx-nyc': {'3100', '3200'}, 'globex.example.com@pbx-lon': {'4100'}}
SEED_HUNT_GROUPS = {'branch.example.com': {'2100'}, 'acme.example.com': {'3100'}}
BIN = os.path.dirname(sys.executable)


def closed_port_url():
    """An http URL on which nothing listens: a PBX that is down."""
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return 'https://127.0.0.1:%d' % probe.getsockname()[1]


@pytest.fixture(scope='module')
def simulator(tmp_path_factory):
    """Two PBXs (HTTPS, own CA) whose system administrator has the distinctive password."""
    seed_file = seed.write_seed_with_password(tmp_path_factory.mktemp('seed') / 'seed.json', USERNAME, SECRET)
    sim = launch(['--pbx-count', str(len(PBXS)), '--tenants', str(GENERATED), '--tls', '--seed', seed_file])
    yield sim
    sim.stop()


@pytest.fixture
def fresh(simulator):
    simulator.reset_all()
    return simulator


def inventory_copy(base, sim, **changes):
    """The example's inventory directory with the PBXs pointed at the simulator, and other changes to the plugin file."""
    directory = os.path.join(str(base), 'inventory')
    shutil.rmtree(directory, ignore_errors=True)
    shutil.copytree(os.path.join(EXAMPLE, 'inventory'), directory)
    config_path = os.path.join(directory, CONFIG_NAME)
    with open(config_path, encoding='utf-8') as handle:
        config = yaml.safe_load(handle)
    for pbx, url in zip(config['pbxs'], sim.urls):
        pbx['url'] = url
    config.update(changes)
    with open(config_path, 'w', encoding='utf-8') as handle:
        yaml.safe_dump(config, handle)
    return directory


def environment(sim, username=USERNAME, password=SECRET, **extra):
    return dict(
        os.environ, ANSIBLE_COLLECTIONS_PATH=os.environ['VODIA_COLLECTIONS_PATH'], ANSIBLE_NOCOLOR='1',
        VODIA_USERNAME=username, VODIA_PASSWORD=password, VODIA_CA_PATH=sim.ca_file, **extra)


def run(command, env, expect_success=True):
    completed = subprocess.run(command, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False,
                               timeout=600)
    if expect_success:
        assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed


def inventory_list(inventory, env, *extra, expect_success=True):
    return run([os.path.join(BIN, 'ansible-inventory'), '-i', inventory, '--list'] + list(extra), env, expect_success)


def playbook(inventory, env, *extra):
    completed = run([os.path.join(BIN, 'ansible-playbook'), os.path.join(EXAMPLE, 'playbook.yml'), '-i', inventory]
                    + list(extra), env)
    recap = dict((host, int(changed)) for host, _ok, changed, _unreachable, _failed in RECAP_LINE.findall(completed.stdout))
    return recap, completed.stdout + completed.stderr


def hunt_groups(sim, index, tenant):
    answer = requests.get(sim.urls[index] + '/rest/domain/%s/hunts' % tenant, auth=(USERNAME, SECRET), verify=sim.ca_file,
                          timeout=10)
    answer.raise_for_status()
    return set(group['name'] for group in answer.json())


def journals(sim):
    return [sim.control('GET', '/_sim/journal', index=index)[1] for index in range(len(PBXS))]


def clear_journals(sim):
    for index in range(len(PBXS)):
        sim.control('DELETE', '/_sim/journal', index=index)


def plain(value):
    """A host variable as ansible-inventory prints it: ansible-core 2.19 marks values that are not templates."""
    if isinstance(value, dict) and list(value) == ['__ansible_unsafe']:
        return value['__ansible_unsafe']
    if isinstance(value, dict):
        return dict((key, plain(item)) for key, item in value.items())
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


# The inventory ---------------------------------------------------------------------------------

def test_the_inventory_has_one_host_per_tenant_with_its_pbx_and_one_group_per_pbx(fresh, tmp_path):
    inventory = inventory_copy(tmp_path, fresh)
    listed = json.loads(inventory_list(inventory, environment(fresh)).stdout)
    hostvars = listed['_meta']['hostvars']
    assert sorted(hostvars) == HOSTS
    assert sorted(listed['vodia_tenants']['children']) == ['pbx_lon', 'pbx_nyc']
    for index, pbx in enumerate(PBXS):
        group = 'pbx_' + pbx.split('-')[1]
        assert sorted(listed[group]['hosts']) == sorted('%s@%s' % (tenant, pbx) for tenant in TENANTS)
        for tenant in TENANTS:
            variables = plain(hostvars['%s@%s' % (tenant, pbx)])
            assert (variables['vodia_url'], variables['vodia_domain'], variables['vodia_pbx']) == (fresh.urls[index], tenant, pbx)
    acme = plain(hostvars['acme.example.com@pbx-nyc'])
    assert acme['vodia_display_name'] == 'ACME Corp'
    assert acme['vodia_aliases'] == ['acme.example.com', 'pbx.acme.example']
    assert acme['vodia_tenant'] == {'country': '1', 'area': '212'}


def test_the_pbxs_are_read_once_each_and_nothing_is_written(fresh, tmp_path):
    clear_journals(fresh)
    inventory_list(inventory_copy(tmp_path, fresh), environment(fresh))
    for journal in journals(fresh):
        assert (journal['reads'], journal['writes']) == (1, 0)


def test_a_pbx_that_is_down_fails_the_inventory_naming_its_url(fresh, tmp_path):
    down = closed_port_url()
    inventory = inventory_copy(tmp_path, fresh, pbxs=[{'name': 'pbx-nyc', 'url': fresh.urls[0]}, {'name': 'pbx-down', 'url': down}],
                               retries=0)
    env = environment(fresh, ANSIBLE_INVENTORY_UNPARSED_FAILED='true')
    completed = inventory_list(inventory, env, expect_success=False)
    assert completed.returncode != 0
    assert 'Cannot read the tenants of PBX pbx-down (%s)' % down in completed.stderr
    assert 'Check url and that the PBX is reachable from this host' in completed.stderr


def test_on_pbx_error_warn_keeps_the_other_pbxs(fresh, tmp_path):
    down = closed_port_url()
    inventory = inventory_copy(tmp_path, fresh, pbxs=[{'name': 'pbx-nyc', 'url': fresh.urls[0]}, {'name': 'pbx-down', 'url': down}],
                               retries=0, on_pbx_error='warn')
    completed = inventory_list(inventory, environment(fresh, ANSIBLE_INVENTORY_UNPARSED_FAILED='true'))
    assert sorted(json.loads(completed.stdout)['_meta']['hostvars']) == sorted('%s@pbx-nyc' % tenant for tenant in TENANTS)
    assert 'Cannot read the tenants of PBX pbx-down (%s)' % down in completed.stderr


def test_a_tenant_administrator_is_told_that_the_tenant_list_needs_a_system_administrator(fresh, tmp_path):
    inventory = inventory_copy(tmp_path, fresh)
    env = environment(fresh, username=seed.TENANT_ADMIN[0], password=seed.TENANT_ADMIN[1], ANSIBLE_INVENTORY_UNPARSED_FAILED='true')
    completed = inventory_list(inventory, env, expect_success=False)
    assert completed.returncode != 0
    assert 'the tenant list needs a system administrator' in completed.stderr
    assert 'HTTP 403' in completed.stderr


def test_the_password_is_in_no_output_and_not_in_the_cache(fresh, tmp_path):
    cache = str(tmp_path / 'cache')
    # In the file as well as in the environment: neither may show.
    inventory = inventory_copy(tmp_path, fresh, password=SECRET, cache=True, cache_plugin='ansible.builtin.jsonfile',
                               cache_connection=cache)
    completed = inventory_list(inventory, environment(fresh), '-vvvv')
    assert SECRET not in completed.stdout + completed.stderr
    assert 'vodia.pbx.tenants: 0 PBXs from the cache, reading 2' in completed.stdout + completed.stderr  # -vvvv printed
    cache_files = glob.glob(os.path.join(cache, '*'))
    assert cache_files
    for path in cache_files:
        with open(path, encoding='utf-8') as handle:
            text = handle.read()
        assert SECRET not in text
        assert 'acme.example.com' in text

    # And a failure: a refused password is not repeated either.
    completed = inventory_list(inventory_copy(tmp_path, fresh, password=SECRET + '-wrong'), environment(fresh), '-vvvv',
                               '--flush-cache', expect_success=False)
    assert 'HTTP 401' in completed.stderr
    assert SECRET not in completed.stdout + completed.stderr


# The example converges every tenant ------------------------------------------------------------

def test_the_example_converges_every_tenant_then_changes_and_writes_nothing(fresh, tmp_path):
    inventory = inventory_copy(tmp_path, fresh)
    env = environment(fresh)

    first, output = playbook(inventory, env)
    assert first == dict((host, 1) for host in HOSTS), output
    for index, pbx in enumerate(PBXS):
        for tenant in TENANTS + ['localhost']:
            expected = set() if tenant == 'localhost' else STANDARD | OWN.get('%s@%s' % (tenant, pbx), set())
            # Nothing is purged: the seed's own hunt groups stay; localhost, excluded, is untouched.
            expected |= SEED_HUNT_GROUPS.get(tenant, set()) | ({'1002', '1003', '1004'} if tenant == 'localhost' else set())
            assert hunt_groups(fresh, index, tenant) == expected, (pbx, tenant)

    clear_journals(fresh)
    second, output = playbook(inventory, env, '-vvvv')
    assert second == dict((host, 0) for host in HOSTS), output
    assert SECRET not in output
    for pbx, journal in zip(PBXS, journals(fresh)):
        assert journal['writes'] == 0
        # The tenant list once, then per tenant one hunts list and one read per hunt group it should have.
        own = sum(len(groups) for host, groups in OWN.items() if host.endswith('@' + pbx))
        assert journal['reads'] == 1 + len(TENANTS) * (1 + len(STANDARD)) + own


def test_check_mode_on_the_tenants_writes_nothing(fresh, tmp_path):
    clear_journals(fresh)
    predicted, output = playbook(inventory_copy(tmp_path, fresh), environment(fresh), '--check', '--diff')
    assert predicted == dict((host, 1) for host in HOSTS), output
    assert [journal['writes'] for journal in journals(fresh)] == [0, 0]
