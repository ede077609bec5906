# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The vodia.pbx.tenants inventory plugin, loaded by Ansible's plugin loader, over fake PBXs (one per URL).

Real HTTP against simulated PBXs is tested in tests/tenants.
"""

from __future__ import annotations

import fcntl
import glob
import os
import threading
import time

import pytest
import yaml

from ansible.errors import AnsibleError, AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.inventory.manager import InventoryManager
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader
from ansible.release import __version__ as ANSIBLE_CORE_VERSION
from ansible.template import Templar
from ansible.utils.display import Display

from ansible_collections.vodia.pbx.plugins.inventory import tenants as plugin_file
from ansible_collections.vodia.pbx.plugins.module_utils import connection
from ansible_collections.vodia.pbx.plugins.module_utils.argument_specs import CONNECTION_ENVIRONMENT, connection_spec
from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaApiError

PASSWORD = 'Inventory-Unit-Secret-8086'
NYC = 'https://pbx-nyc.example.com'
LON = 'https://pbx-lon.example.com:8443'
TENANTS = {
    NYC: {
        '1': {'name': 'localhost', 'display': 'Localhost', 'alias': ['localhost'], 'country': '1', 'area': ''},
        '2': {'name': 'acme.example.com', 'display': 'ACME Corp', 'alias': ['acme.example.com', 'pbx.acme.example'],
              'country': '1', 'area': '212'},
    },
    LON: {
        '1': {'name': 'localhost', 'display': 'Localhost', 'alias': ['localhost'], 'country': '44', 'area': ''},
        '5': {'name': 'globex.example.com', 'display': 'Globex {{ lookup("env", "HOME") }}', 'alias': [], 'country': '44',
              'area': '20', 'note': '{{ 7 * 6 }}'},
    },
}


class FakeTransport:
    """Answers GET /rest/system/domains for the PBX at its base URL; records every transport it is."""

    answers = {}
    opened = []
    gate = None

    def __init__(self, base_url, username, password, **options):
        self.base_url = base_url
        self.credentials = (username, password)
        self.options = options
        FakeTransport.opened.append(self)

    def describe(self):
        return self.base_url

    def get(self, path, missing_ok=False):
        assert path == '/rest/system/domains'
        if FakeTransport.gate is not None:
            FakeTransport.gate.wait(10)  # a PBX that answers only when the test says so
        answer = FakeTransport.answers[self.base_url]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def close(self, keep_session=True):
        pass


@pytest.fixture(autouse=True)
def pbxs(monkeypatch):
    FakeTransport.answers = dict(TENANTS)
    FakeTransport.opened = []
    FakeTransport.gate = None
    monkeypatch.setattr(connection, 'Transport', FakeTransport)
    for variable in CONNECTION_ENVIRONMENT.values():
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv('VODIA_USERNAME', 'admin')
    monkeypatch.setenv('VODIA_PASSWORD', PASSWORD)
    return FakeTransport.answers


def config(**options):
    return dict(dict(plugin='vodia.pbx.tenants', pbxs=[{'name': 'pbx-nyc', 'url': NYC}, {'name': 'pbx-lon', 'url': LON}]),
                **options)


def build(tmp_path, settings, name='fleet.vodia_tenants.yml', cache=True):
    """Parse an inventory file with these settings; return the inventory and the plugin."""
    path = tmp_path / name
    path.write_text(yaml.safe_dump(settings), encoding='utf-8')
    plugin = inventory_loader.get('vodia.pbx.tenants')
    inventory = InventoryData()
    assert plugin.verify_file(str(path))
    plugin.parse(inventory, DataLoader(), str(path), cache=cache)
    if getattr(plugin, '_cache', None):
        plugin.update_cache_if_changed()  # as Ansible's inventory manager does after a parse
    return inventory, plugin


def hosts_of(inventory, group):
    return sorted(host.name for host in inventory.groups[group].get_hosts())


def host_vars(inventory, host):
    return inventory.get_host(host).get_vars()


# The file ------------------------------------------------------------------------------------

@pytest.mark.parametrize('name,accepted', [
    ('fleet.vodia_tenants.yml', True), ('vodia_tenants.yaml', True), ('fleet.yml', False), ('vodia_tenants.json', False)])
def test_only_files_named_for_the_plugin_are_taken(tmp_path, name, accepted):
    path = tmp_path / name
    path.write_text('plugin: vodia.pbx.tenants\n', encoding='utf-8')
    assert inventory_loader.get('vodia.pbx.tenants').verify_file(str(path)) is accepted


def test_the_connection_options_fall_back_to_the_environment_variables_of_the_modules():
    """The same VODIA_* variables, types and defaults as connection_spec(), which the modules use."""
    options = yaml.safe_load(plugin_file.DOCUMENTATION)['options']
    spec = connection_spec()
    for option, variable in CONNECTION_ENVIRONMENT.items():
        if option == 'url':
            continue  # each PBX has its own, in pbxs
        assert options[option]['env'] == [{'name': variable}], option
        assert options[option]['type'] == spec[option]['type'], option
        assert options[option].get('default') == spec[option].get('default'), option


# Hosts, variables and groups -----------------------------------------------------------------

def test_every_tenant_of_every_pbx_is_a_host_in_its_pbx_group(tmp_path):
    inventory, _plugin = build(tmp_path, config())
    assert hosts_of(inventory, 'pbx_nyc') == ['acme.example.com@pbx-nyc', 'localhost@pbx-nyc']
    assert hosts_of(inventory, 'pbx_lon') == ['globex.example.com@pbx-lon', 'localhost@pbx-lon']
    assert sorted(group.name for group in inventory.groups['vodia_tenants'].child_groups) == ['pbx_lon', 'pbx_nyc']


def test_a_host_knows_its_pbx_its_tenant_and_what_the_pbx_said(tmp_path):
    inventory, _plugin = build(tmp_path, config())
    variables = host_vars(inventory, 'acme.example.com@pbx-nyc')
    assert (variables['vodia_url'], variables['vodia_domain'], variables['vodia_pbx']) == (NYC, 'acme.example.com', 'pbx-nyc')
    assert variables['vodia_display_name'] == 'ACME Corp'
    assert variables['vodia_aliases'] == ['acme.example.com', 'pbx.acme.example']
    assert variables['vodia_tenant_id'] == '2'
    assert variables['vodia_tenant'] == {'country': '1', 'area': '212'}
    assert host_vars(inventory, 'localhost@pbx-lon')['vodia_url'] == LON


def test_nothing_a_pbx_sends_is_ever_templated(tmp_path):
    inventory, _plugin = build(tmp_path, config())
    variables = host_vars(inventory, 'globex.example.com@pbx-lon')
    templar = Templar(loader=DataLoader(), variables=variables)
    assert templar.template(variables['vodia_display_name']) == 'Globex {{ lookup("env", "HOME") }}'
    assert templar.template(variables['vodia_tenant']) == {'country': '44', 'area': '20', 'note': '{{ 7 * 6 }}'}


def test_include_and_exclude_choose_tenants_by_name(tmp_path):
    inventory, _plugin = build(tmp_path, config(include=['*.example.com', 'LOCALHOST'], exclude=['globex.*']))
    assert sorted(inventory.hosts) == ['acme.example.com@pbx-nyc', 'localhost@pbx-lon', 'localhost@pbx-nyc']
    inventory, _plugin = build(tmp_path, config(exclude=['localhost']))
    assert sorted(inventory.hosts) == ['acme.example.com@pbx-nyc', 'globex.example.com@pbx-lon']


def test_compose_groups_and_keyed_groups_work_on_the_tenant_variables(tmp_path):
    inventory, _plugin = build(tmp_path, config(
        compose={'label': "vodia_display_name ~ ' on ' ~ vodia_pbx"},
        groups={'customers': "vodia_domain != 'localhost'"},
        keyed_groups=[{'key': 'vodia_tenant.country', 'prefix': 'country'}]))
    assert host_vars(inventory, 'acme.example.com@pbx-nyc')['label'] == 'ACME Corp on pbx-nyc'
    assert hosts_of(inventory, 'customers') == ['acme.example.com@pbx-nyc', 'globex.example.com@pbx-lon']
    assert hosts_of(inventory, 'country_44') == ['globex.example.com@pbx-lon', 'localhost@pbx-lon']


def test_strict_makes_a_broken_compose_fail(tmp_path):
    with pytest.raises(Exception, match='no_such_variable'):
        build(tmp_path, config(strict=True, compose={'label': 'no_such_variable.x'}))
    inventory, _plugin = build(tmp_path, config(compose={'label': 'no_such_variable.x'}))
    assert 'label' not in host_vars(inventory, 'localhost@pbx-nyc')


def test_a_plain_url_names_the_pbx_after_its_host(tmp_path):
    inventory, _plugin = build(tmp_path, config(pbxs=[LON]))
    assert hosts_of(inventory, 'pbx_lon_example_com') == ['globex.example.com@pbx-lon.example.com', 'localhost@pbx-lon.example.com']


# Tenant names that host patterns cannot hold --------------------------------------------------

# A tenant list with the names of the issue, one that reads like the written name of another, and the operators of
# ansible-core's host patterns; and the host name each must get.
ODD_TENANTS = {'a,b': 'a%2Cb', 'two words': 'two%20words', 'x:y': 'x%3Ay', 'a%2Cb': 'a%252Cb', '!not': '%21not',
               '&and': '%26and', '~regex': '%7Eregex', '@file': '%40file', 'glob*?': 'glob%2A%3F', 'r[0:1]': 'r%5B0%3A1%5D'}


def odd_inventory(tmp_path, pbxs):
    pbxs[NYC] = dict((str(number), {'name': name}) for number, name in enumerate(list(ODD_TENANTS) + ['acme.example.com']))
    inventory, _plugin = build(tmp_path, config(pbxs=[{'name': 'pbx-nyc', 'url': NYC}]))
    return inventory


def selected_by(inventory, pattern):
    """The hosts that --limit PATTERN selects, by ansible-core's own pattern code (InventoryManager.subset)."""
    manager = InventoryManager(DataLoader(), sources=[])
    manager._inventory = inventory  # pylint: disable=protected-access
    inventory.reconcile_inventory()
    manager.subset(pattern)
    return sorted(host.name for host in manager.get_hosts('all'))


def test_a_tenant_whose_name_host_patterns_cannot_hold_gets_a_name_they_can_and_keeps_its_own_in_vodia_domain(tmp_path, pbxs):
    inventory = odd_inventory(tmp_path, pbxs)
    expected = dict(('%s@pbx-nyc' % host, tenant) for tenant, host in ODD_TENANTS.items())
    expected['acme.example.com@pbx-nyc'] = 'acme.example.com'
    assert sorted(inventory.hosts) == sorted(expected)
    for host, tenant in expected.items():
        assert host_vars(inventory, host)['vodia_domain'] == tenant


@pytest.mark.parametrize('tenant', sorted(ODD_TENANTS))
def test_limit_selects_a_mapped_host_alone_with_others_and_leaves_it_out_with_an_exclamation_mark(tmp_path, pbxs, tenant):
    inventory = odd_inventory(tmp_path, pbxs)
    host = ODD_TENANTS[tenant] + '@pbx-nyc'
    everyone = sorted(inventory.hosts)
    assert selected_by(inventory, host) == [host]
    assert selected_by(inventory, host + ',acme.example.com@pbx-nyc') == sorted([host, 'acme.example.com@pbx-nyc'])
    assert selected_by(inventory, 'pbx_nyc,!' + host) == [name for name in everyone if name != host]
    assert selected_by(inventory, 'pbx_nyc,&' + host) == [host]


def test_the_names_as_the_pbx_sent_them_would_have_broken_limit(tmp_path, pbxs):
    """Why the names are written: the same hosts under the tenants' own names, as the plugin made them before."""
    inventory = InventoryData()
    inventory.add_group('pbx_nyc')
    for tenant in ODD_TENANTS:
        inventory.add_host(tenant + '@pbx-nyc', group='pbx_nyc')
    # A host that the glob of "glob*?" matches too
    inventory.add_host('globex.example.com@pbx-nyc', group='pbx_nyc')
    broken = []
    for tenant in ODD_TENANTS:
        host = tenant + '@pbx-nyc'
        try:
            right = (selected_by(inventory, host) == [host]
                     and selected_by(inventory, 'pbx_nyc,!' + host) == sorted(set(inventory.hosts) - {host}))
        except Exception:  # pylint: disable=broad-exception-caught
            right = False  # "@file" reads a limit file that is not there
        if not right:
            broken.append(tenant)
    assert sorted(broken) == sorted(set(ODD_TENANTS) - {'a%2Cb'})


def test_a_mapped_name_is_shown_at_verbosity_1_naming_the_tenant_and_its_pbx(tmp_path, pbxs, monkeypatch):
    shown = []
    monkeypatch.setattr(Display, 'v', lambda _display, message, host=None: shown.append(message))
    odd_inventory(tmp_path, pbxs)
    assert "vodia.pbx.tenants: tenant 'a,b' of PBX pbx-nyc is the host a%2Cb@pbx-nyc: host patterns cannot hold its name as it " \
           "is; vodia_domain keeps the name" in shown
    assert len(shown) == len(ODD_TENANTS)


# Reading -------------------------------------------------------------------------------------

def test_each_pbx_is_read_once_with_the_options_of_the_file_over_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv('VODIA_TIMEOUT', '7')
    monkeypatch.setenv('VODIA_VALIDATE_CERTS', 'false')
    build(tmp_path, config(username='root', retries=5))
    assert sorted(transport.base_url for transport in FakeTransport.opened) == sorted([NYC, LON])
    transport = FakeTransport.opened[0]
    assert transport.credentials == ('root', PASSWORD)
    assert (transport.options['timeout'], transport.options['retries'], transport.options['verify']) == (7, 5, False)


def test_ca_path_is_given_to_every_pbx(tmp_path):
    ca_file = tmp_path / 'ca.pem'
    ca_file.write_text('-----BEGIN CERTIFICATE-----\n', encoding='utf-8')
    build(tmp_path, config(ca_path=str(ca_file)))
    assert [transport.options['verify'] for transport in FakeTransport.opened] == [str(ca_file)] * 2


@pytest.mark.parametrize('variable', ['VODIA_USERNAME', 'VODIA_PASSWORD'])
def test_missing_credentials_fail_before_any_request(tmp_path, monkeypatch, variable):
    monkeypatch.delenv(variable)
    with pytest.raises(AnsibleParserError, match='%s is required' % variable.split('_')[1].lower()):
        build(tmp_path, config())
    assert not FakeTransport.opened


@pytest.mark.parametrize('settings,message', [
    (dict(pbxs=[]), 'pbxs is empty'),
    (dict(pbxs=['https://admin:%s@pbx.example.com' % PASSWORD]), 'url must not contain credentials'),
    (dict(ca_path='/nonexistent/ca.pem'), 'ca_path /nonexistent/ca.pem is not a readable file'),
    (dict(parallel=0), 'parallel must be between 1 and 64'),
])
def test_a_file_that_cannot_work_fails_and_names_the_file(tmp_path, settings, message):
    with pytest.raises(AnsibleParserError) as caught:
        build(tmp_path, config(**settings))
    assert message in str(caught.value)
    assert 'fleet.vodia_tenants.yml' in str(caught.value)
    assert PASSWORD not in str(caught.value)
    assert not FakeTransport.opened


def down(url):
    return VodiaApiError('GET /rest/system/domains on %s failed: Connection refused. Check url and that the PBX is reachable '
                         'from this host.' % url, 'GET', '/rest/system/domains')


def test_a_pbx_that_is_down_fails_the_inventory_naming_its_url(tmp_path, pbxs):
    pbxs[LON] = down(LON)
    with pytest.raises(AnsibleParserError) as caught:
        build(tmp_path, config())
    message = str(caught.value)
    assert message.startswith('Cannot read the tenants of PBX pbx-lon (%s): ' % LON)
    assert 'Check url and that the PBX is reachable' in message
    assert 'on_pbx_error: warn' in message
    assert 'pbx-nyc' not in message


def test_on_pbx_error_warn_keeps_the_other_pbxs_and_warns(tmp_path, pbxs, monkeypatch):
    pbxs[LON] = down(LON)
    warnings = []
    inventory, plugin = build(tmp_path, config(on_pbx_error='warn'))
    assert hosts_of(inventory, 'pbx_nyc') == ['acme.example.com@pbx-nyc', 'localhost@pbx-nyc']
    assert 'pbx_lon' not in inventory.groups
    monkeypatch.setattr(plugin.display, 'warning', warnings.append)
    pbxs[NYC] = down(NYC)
    inventory, _plugin = build(tmp_path, config(on_pbx_error='warn', pbxs=[{'name': 'pbx-nyc', 'url': NYC}]))
    assert list(inventory.hosts) == []
    assert [warning.split(':')[0] for warning in warnings] == ['Cannot read the tenants of PBX pbx-nyc (https']
    assert warnings[0].endswith('Its tenants are not in the inventory.')


# The cache -----------------------------------------------------------------------------------

def cached_config(tmp_path, **options):
    return config(cache=True, cache_plugin='ansible.builtin.jsonfile', cache_connection=str(tmp_path / 'cache'), **options)


def test_the_cache_saves_the_reads_and_holds_no_credential(tmp_path, pbxs):
    build(tmp_path, cached_config(tmp_path, password=PASSWORD, username='root'))
    assert len(FakeTransport.opened) == 2
    cache_files = glob.glob(os.path.join(str(tmp_path / 'cache'), '*'))
    assert cache_files
    for path in cache_files:
        with open(path, encoding='utf-8') as handle:
            text = handle.read()
        assert PASSWORD not in text
        assert 'root' not in text
        assert 'acme.example.com' in text

    pbxs[NYC] = down(NYC)  # the cache answers: the PBX is not asked
    FakeTransport.opened = []
    inventory, _plugin = build(tmp_path, cached_config(tmp_path, password=PASSWORD, username='root'))
    assert not FakeTransport.opened
    assert 'acme.example.com@pbx-nyc' in inventory.hosts


def test_flushing_the_cache_reads_again(tmp_path, pbxs):
    build(tmp_path, cached_config(tmp_path))
    pbxs[NYC] = {'9': {'name': 'initech.example.com'}}
    FakeTransport.opened = []
    inventory, _plugin = build(tmp_path, cached_config(tmp_path), cache=False)
    assert len(FakeTransport.opened) == 2
    assert hosts_of(inventory, 'pbx_nyc') == ['initech.example.com@pbx-nyc']
    inventory, _plugin = build(tmp_path, cached_config(tmp_path))
    assert hosts_of(inventory, 'pbx_nyc') == ['initech.example.com@pbx-nyc']


def test_a_pbx_added_to_the_file_is_read_while_the_others_come_from_the_cache(tmp_path):
    build(tmp_path, cached_config(tmp_path, pbxs=[{'name': 'pbx-nyc', 'url': NYC}]))
    FakeTransport.opened = []
    inventory, _plugin = build(tmp_path, cached_config(tmp_path))
    assert [transport.base_url for transport in FakeTransport.opened] == [LON]
    assert sorted(inventory.hosts) == ['acme.example.com@pbx-nyc', 'globex.example.com@pbx-lon', 'localhost@pbx-lon',
                                       'localhost@pbx-nyc']


def test_a_pbx_that_could_not_be_read_is_not_cached(tmp_path, pbxs):
    pbxs[LON] = down(LON)
    build(tmp_path, cached_config(tmp_path, on_pbx_error='warn'))
    pbxs[LON] = TENANTS[LON]
    FakeTransport.opened = []
    inventory, _plugin = build(tmp_path, cached_config(tmp_path, on_pbx_error='warn'))
    assert [transport.base_url for transport in FakeTransport.opened] == [LON]
    assert 'localhost@pbx-lon' in inventory.hosts


def lock_path(tmp_path):
    found = glob.glob(os.path.join(str(tmp_path / 'cache'), '.*.lock'))
    assert len(found) == 1, found
    return found[0]


def test_processes_that_share_a_file_cache_wait_for_the_first_to_fill_it_and_read_no_pbx(tmp_path):
    """The first build holds the cache lock while its PBXs are slow to answer; a second one started meanwhile waits,
    then takes the tenant lists from the cache. Threads stand in for processes: flock() locks one open file against
    every other open of it, in this process too."""
    build(tmp_path, cached_config(tmp_path), cache=False)  # makes the cache directory and the lock file
    lock = lock_path(tmp_path)
    for name in os.listdir(str(tmp_path / 'cache')):
        if not name.startswith('.'):
            os.remove(os.path.join(str(tmp_path / 'cache'), name))  # an empty cache beside the lock file
    FakeTransport.opened = []
    FakeTransport.gate = threading.Event()
    results = {}

    def run(name):
        results[name] = build(tmp_path, cached_config(tmp_path))[0]

    first = threading.Thread(target=run, args=('first',))
    first.start()
    deadline = time.monotonic() + 10
    while len(FakeTransport.opened) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    second = threading.Thread(target=run, args=('second',))
    second.start()
    time.sleep(0.5)
    assert second.is_alive()  # waiting for the lock, not reading
    assert len(FakeTransport.opened) == 2
    FakeTransport.gate.set()
    first.join(10)
    second.join(10)
    assert len(FakeTransport.opened) == 2
    assert sorted(results['second'].hosts) == sorted(results['first'].hosts) == [
        'acme.example.com@pbx-nyc', 'globex.example.com@pbx-lon', 'localhost@pbx-lon', 'localhost@pbx-nyc']
    with open(lock, encoding='utf-8') as handle:
        assert handle.read() == ''  # the lock file holds nothing


def test_a_lock_held_longer_than_reading_can_take_is_not_waited_for(tmp_path, monkeypatch):
    build(tmp_path, cached_config(tmp_path), cache=False)
    warnings = []
    monkeypatch.setattr(plugin_file.InventoryModule, '_lock_wait_seconds', lambda self, pbxs, settings: 0.3)
    monkeypatch.setattr(Display, 'warning', lambda _display, message, *args, **kwargs: warnings.append(message))
    FakeTransport.opened = []
    with open(lock_path(tmp_path), 'a+b') as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        inventory, _plugin = build(tmp_path, cached_config(tmp_path), cache=False)
    assert len(FakeTransport.opened) == 2
    assert 'acme.example.com@pbx-nyc' in inventory.hosts
    assert len(warnings) == 1 and 'for longer than reading the PBXs can take; reading them without it' in warnings[0]


def test_the_wait_for_the_lock_is_bounded_by_what_reading_every_pbx_can_take(tmp_path):
    _inventory, plugin = build(tmp_path, config(parallel=1))
    pbxs = plugin_file.pbx_list(config()['pbxs'])
    settings = connection.ConnectionSettings(url='', username='admin', password=PASSWORD, timeout=5, retries=2)
    # Two PBXs one at a time, three tries each of a connect and a read timeout and the longest wait before a retry;
    # and a margin.
    assert plugin._lock_wait_seconds(pbxs, settings) == 2 * 3 * (2 * 5 + 30) + 30  # pylint: disable=protected-access


def test_a_cache_that_is_not_in_files_takes_no_lock(tmp_path, pbxs):
    settings = config(cache=True, cache_plugin='ansible.builtin.memory')
    if tuple(int(part) for part in ANSIBLE_CORE_VERSION.split('.')[:2]) < (2, 17):
        # ansible-core 2.16 itself refuses the memory cache for inventory plugins, before any lock is in question.
        with pytest.raises(AnsibleError, match='Unable to use cache plugin ansible.builtin.memory'):
            build(tmp_path, settings)
        return
    build(tmp_path, settings)
    assert len(FakeTransport.opened) == 2
    assert not os.path.exists(str(tmp_path / 'cache'))


def test_the_plugin_never_shows_its_options(tmp_path):
    _inventory, plugin = build(tmp_path, config(password=PASSWORD))
    assert PASSWORD not in repr(plugin)


def test_the_example_is_an_inventory_file_that_works(tmp_path, pbxs):
    example = yaml.safe_load(plugin_file.EXAMPLES)
    pbxs['https://pbx-syd.example.com'] = {'1': {'name': 'acme.customers.example.com', 'display': 'ACME AU', 'country': '61'}}
    example['cache_connection'] = str(tmp_path / 'cache')
    inventory, _plugin = build(tmp_path, example)
    assert sorted(inventory.hosts) == ['acme.customers.example.com@pbx-syd.example.com']
    host = 'acme.customers.example.com@pbx-syd.example.com'
    assert hosts_of(inventory, 'big_customers') == hosts_of(inventory, 'country_61') == [host]
    assert host_vars(inventory, host)['tenant_label'] == 'ACME AU (pbx-syd.example.com)'
