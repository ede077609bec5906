# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The vodia.pbx.tenants inventory plugin, loaded by Ansible's plugin loader, over fake PBXs (one per URL).

Real HTTP against simulated PBXs is tested in tests/tenants.
"""

from __future__ import annotations

import glob
import os

import pytest
import yaml

from ansible.errors import AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader
from ansible.template import Templar

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

    def __init__(self, base_url, username, password, **options):
        self.base_url = base_url
        self.credentials = (username, password)
        self.options = options
        FakeTransport.opened.append(self)

    def describe(self):
        return self.base_url

    def get(self, path, missing_ok=False):
        assert path == '/rest/system/domains'
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
