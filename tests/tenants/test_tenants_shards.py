# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The vodia.pbx.tenants inventory as shards select it: host names that --limit can hold whatever the tenants are
called, and one read of each PBX's tenant list for several ansible-playbook processes that share a jsonfile cache.

Three simulated PBXs whose tenant lists also hold names that host patterns cannot take as they are. Run by
`make test-tenants` with VODIA_COLLECTIONS_PATH pointing at a tree that holds vodia.pbx.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import pytest
import yaml

from pbxsim import seed
from pbxsim.process import launch

PBXS = ['pbx-a', 'pbx-b', 'pbx-c']
USERNAME = 'admin'
SECRET = 'Shards-Secret-4d19e2'
BIN = os.path.dirname(sys.executable)
# Tenant names as a PBX may hold them, and the host name each must get. "a%2Cb" is a real tenant that reads like the
# mapped name of "a,b" (the PBX keeps names in lower case): the two must stay two hosts.
ODD_TENANTS = {
    'a,b': 'a%2Cb',
    'two words': 'two%20words',
    'x:y': 'x%3Ay',
    'a%2cb': 'a%252cb',
    '!not': '%21not',
    '&and': '%26and',
    '~regex': '%7Eregex',
    '@file': '%40file',
    'glob*?': 'glob%2A%3F',
    'range[0:1]': 'range%5B0%3A1%5D',
    'müller.example': 'm%C3%BCller.example',
}
PLAIN_TENANTS = ['localhost', 'branch.example.com', 'acme.example.com', 'globex.example.com']
ALL_TENANTS = dict(ODD_TENANTS, **dict((name, name) for name in PLAIN_TENANTS))
SHARDS = 3
# Each tenant-list answer is this late, so that shards started side by side all ask for it before the first has it.
LATENCY_MS = 1500
DOMAINS = '/rest/system/domains'
DOMAIN_LINE = re.compile(r'"msg": "HOST (\S+) DOMAIN (.+)"')
PLAYBOOK = [{'name': 'Which tenant each host is', 'hosts': 'vodia_tenants', 'connection': 'local', 'gather_facts': False,
             'tasks': [{'name': 'Show it', 'ansible.builtin.debug': {'msg': 'HOST {{ inventory_hostname }} DOMAIN {{ vodia_domain }}'}}]}]


@pytest.fixture(scope='module')
def simulator(tmp_path_factory):
    directory = tmp_path_factory.mktemp('seed')
    seed_file = seed.write_seed_with_password(directory / 'seed.json', USERNAME, SECRET)
    with open(seed_file, encoding='utf-8') as handle:
        data = json.load(handle)
    for name in ODD_TENANTS:
        data['domains'][name] = {'display': 'Odd %s' % name, 'alias': [], 'country': '1', 'area': ''}
    with open(seed_file, 'w', encoding='utf-8') as handle:
        json.dump(data, handle)
    sim = launch(['--pbx-count', str(len(PBXS)), '--tls', '--seed', seed_file])
    yield sim
    sim.stop()


@pytest.fixture
def fresh(simulator):
    simulator.reset_all()
    return simulator


def inventory_file(directory, sim, **options):
    """A tenants inventory of the three PBXs in its own directory, with a playbook beside it."""
    os.makedirs(str(directory), exist_ok=True)
    config = dict(plugin='vodia.pbx.tenants', pbxs=[{'name': name, 'url': url} for name, url in zip(PBXS, sim.urls)],
                  **options)
    path = os.path.join(str(directory), 'pbxs.vodia_tenants.yml')
    with open(path, 'w', encoding='utf-8') as handle:
        yaml.safe_dump(config, handle)
    with open(os.path.join(str(directory), 'playbook.yml'), 'w', encoding='utf-8') as handle:
        yaml.safe_dump(PLAYBOOK, handle, sort_keys=False)
    return path


def environment(sim):
    return dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.environ['VODIA_COLLECTIONS_PATH'], ANSIBLE_NOCOLOR='1',
                ANSIBLE_INVENTORY_UNPARSED_FAILED='true', VODIA_USERNAME=USERNAME, VODIA_PASSWORD=SECRET,
                VODIA_CA_PATH=sim.ca_file)


def playbook_command(inventory, *extra):
    return [os.path.join(BIN, 'ansible-playbook'), os.path.join(os.path.dirname(inventory), 'playbook.yml'), '-i', inventory] + list(extra)


def run(command, env):
    completed = subprocess.run(command, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False,
                               timeout=600)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert SECRET not in completed.stdout + completed.stderr
    return completed


def domains_seen(output):
    """Which host said which vodia_domain, from the debug task's output (a JSON string there)."""
    return dict(json.loads('"HOST %s DOMAIN %s"' % found).split(' ', 3)[1::2] for found in DOMAIN_LINE.findall(output))


def tenant_list_reads(sim):
    """How often each PBX answered GET /rest/system/domains since the journals were cleared."""
    return [len(sim.control('GET', '/_sim/journal?method=GET&path_prefix=' + DOMAINS, index=index)[1]['entries'])
            for index in range(len(PBXS))]


def clear_journals(sim):
    for index in range(len(PBXS)):
        sim.control('DELETE', '/_sim/journal', index=index)


def set_latency(sim, latency_ms):
    for index in range(len(PBXS)):
        status, _body = sim.control('POST', '/_sim/faults', {'latency_ms': latency_ms}, index=index)
        assert status == 200


# Host names ----------------------------------------------------------------------------------

def test_every_tenant_gets_a_host_name_that_host_patterns_can_hold_and_keeps_its_name_in_vodia_domain(fresh, tmp_path):
    inventory = inventory_file(tmp_path, fresh)
    listed = json.loads(run([os.path.join(BIN, 'ansible-inventory'), '-i', inventory, '--list'], environment(fresh)).stdout)
    hostvars = listed['_meta']['hostvars']
    expected = dict(('%s@%s' % (host, pbx), tenant) for pbx in PBXS for tenant, host in ALL_TENANTS.items())
    assert sorted(hostvars) == sorted(expected)
    for host, tenant in expected.items():
        domain = hostvars[host]['vodia_domain']
        assert (domain['__ansible_unsafe'] if isinstance(domain, dict) else domain) == tenant, host


@pytest.mark.parametrize('limit', [
    # Each odd tenant on one PBX, named in one comma-separated --limit; the glob forms of the issue.
    ','.join('%s@pbx-b' % host for host in ODD_TENANTS.values()),
    'x%3Ay@*',
    'pbx_c,&*%2*,!two%20words@pbx-c',
])
def test_limit_selects_the_mapped_hosts_and_only_them(fresh, tmp_path, limit):
    inventory = inventory_file(tmp_path, fresh)
    completed = run(playbook_command(inventory, '--limit', limit), environment(fresh))
    if limit.startswith('a%2Cb@pbx-b'):
        wanted = dict(('%s@pbx-b' % host, tenant) for tenant, host in ODD_TENANTS.items())
    elif limit == 'x%3Ay@*':
        wanted = dict(('x%%3Ay@%s' % pbx, 'x:y') for pbx in PBXS)
    else:
        # The tenants of pbx-c whose host names hold "%2", less "two words".
        wanted = dict(('%s@pbx-c' % host, tenant) for tenant, host in ODD_TENANTS.items() if '%2' in host and tenant != 'two words')
    assert domains_seen(completed.stdout) == wanted, completed.stdout


# One read per PBX for shards that share a cache ----------------------------------------------

def shards_side_by_side(inventory, env):
    """SHARDS ansible-playbook processes, one per PBX group, started together; their outputs, each checked."""
    processes = [subprocess.Popen(playbook_command(inventory, '--limit', 'pbx_' + pbx.split('-')[1]), env=env, text=True,  # pylint: disable=consider-using-with
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for pbx in PBXS[:SHARDS]]
    outputs = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=600)
        assert process.returncode == 0, stdout + stderr
        assert SECRET not in stdout + stderr
        outputs.append(stdout)
    return outputs


def test_shards_started_side_by_side_with_one_jsonfile_cache_read_each_pbx_once(fresh, tmp_path):
    cache = tmp_path / 'cache'
    inventory = inventory_file(tmp_path / 'inventory', fresh, cache=True, cache_plugin='ansible.builtin.jsonfile',
                               cache_connection=str(cache), cache_timeout=3600)
    env = environment(fresh)
    set_latency(fresh, LATENCY_MS)
    clear_journals(fresh)

    started = time.monotonic()
    outputs = shards_side_by_side(inventory, env)
    cold = time.monotonic() - started
    assert tenant_list_reads(fresh) == [1] * len(PBXS)
    # Every shard ran its own PBX's tenants, each with its real name.
    for pbx, output in zip(PBXS, outputs):
        assert domains_seen(output) == dict(('%s@%s' % (host, pbx), tenant) for tenant, host in ALL_TENANTS.items())

    # A second round finds everything in the cache.
    started = time.monotonic()
    shards_side_by_side(inventory, env)
    warm = time.monotonic() - started
    assert tenant_list_reads(fresh) == [1] * len(PBXS)
    # The cache holds the tenant lists, no credential; the lock file beside it is empty.
    for name in os.listdir(str(cache)):
        with open(str(cache / name), encoding='utf-8') as handle:
            text = handle.read()
        assert SECRET not in text
        if name.endswith('.lock'):
            assert name.startswith('.') and text == ''
    print('\n%d shards side by side, %d ms per tenant-list answer: %.1f s with an empty cache, %.1f s with a full one'
          % (SHARDS, LATENCY_MS, cold, warm))
