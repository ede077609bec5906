# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import threading

import pytest

from ansible_collections.vodia.pbx.plugins.module_utils import connection
from ansible_collections.vodia.pbx.plugins.module_utils.connection import ConnectionSettings
from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaApiError, VodiaConfigError
from ansible_collections.vodia.pbx.plugins.module_utils.tenants import (
    LONGEST_RETRY_WAIT_SECONDS, SAFE_CHARACTERS, Pbx, TenantList, check_settings, failure_message, group_name, host_name,
    host_safe, host_variables, longest_read_seconds, pbx_list, read_all, read_one, selected,
)
from ansible_collections.vodia.pbx.plugins.module_utils.transport import RETRY_MAX_WAIT_SECONDS

PASSWORD = 'Tenants-Unit-Secret-5150'
SETTINGS = ConnectionSettings(url='', username='admin', password=PASSWORD)
NYC = Pbx('pbx-nyc', 'https://pbx-nyc.example.com', 'pbx_nyc')


# Which PBXs ----------------------------------------------------------------------------------

def test_pbxs_are_items_with_url_and_name_or_plain_urls():
    pbxs = pbx_list([{'name': 'pbx-nyc', 'url': 'https://pbx-nyc.example.com/'}, 'https://pbx-lon.example.com:8443'])
    assert pbxs == [Pbx('pbx-nyc', 'https://pbx-nyc.example.com', 'pbx_nyc'),
                    Pbx('pbx-lon.example.com', 'https://pbx-lon.example.com:8443', 'pbx_lon_example_com')]


@pytest.mark.parametrize('name,group', [('pbx-nyc', 'pbx_nyc'), ('pbx.lon.1', 'pbx_lon_1'), ('10.0.0.5', '_10_0_0_5'),
                                        ('PBX_A', 'PBX_A')])
def test_the_group_of_a_pbx_is_its_name_made_a_valid_group_name(name, group):
    assert group_name(name) == group


@pytest.mark.parametrize('entries,message', [
    ([], 'pbxs is empty'),
    (None, 'pbxs is empty'),
    ([7], 'pbxs item 1 must be a URL or a mapping'),
    ([{'name': 'a'}], 'pbxs item 1 needs a url'),
    ([{'url': 'https://a.example.com', 'user': 'x'}], 'unknown keys user'),
    (['https://a.example.com', 'ftp://b.example.com'], 'pbxs item 2: url'),
    ([{'url': 'https://a.example.com', 'name': 'a:b'}], 'not usable in host names'),
    ([{'url': 'https://a.example.com', 'name': ''}], 'not usable in host names'),
    ([{'url': 'https://[::1]:8443'}], 'not usable in host names'),
    ([{'url': 'https://a.example.com', 'name': 'x'}, {'url': 'https://b.example.com', 'name': 'x'}], 'same name'),
    ([{'url': 'https://a.example.com', 'name': 'x-1'}, {'url': 'https://b.example.com', 'name': 'x_1'}], 'same group name'),
    (['https://a.example.com:1', 'https://a.example.com:2'], 'same name'),
    ([{'url': 'https://a.example.com', 'name': 'x'}, {'url': 'https://a.example.com/', 'name': 'y'}], 'same URL'),
    ([{'url': 'https://a.example.com', 'name': 'vodia_tenants'}], 'already uses'),
    ([{'url': 'https://a.example.com', 'name': 'all'}], 'already uses'),
])
def test_a_pbx_list_that_cannot_work_is_refused_before_any_request(entries, message):
    with pytest.raises(VodiaConfigError, match=message):
        pbx_list(entries)


@pytest.mark.parametrize('name,why', [
    ('pbx nyc', "it holds ' '"),
    ('a,b:c', "it holds ',' ':'"),
    ('pbx-[1]', "it holds '[' ']'"),
    ('-pbx', "it starts with '-'"),
    ('', 'it is empty'),
    (7, 'it is not text'),
])
def test_a_pbx_name_host_patterns_cannot_hold_is_refused_saying_which_character_and_why(name, why):
    with pytest.raises(VodiaConfigError) as caught:
        pbx_list([{'url': 'https://a.example.com', 'name': name}])
    message = caught.value.message
    assert message.startswith('pbxs item 1: the name %r is not usable in host names (%s)' % (name, why))
    assert 'host patterns (--limit, hosts:) read , : white space ! & ~ @ * ? [ ] as separators or operators' in message


def test_a_url_with_credentials_is_refused_without_repeating_it():
    with pytest.raises(VodiaConfigError) as caught:
        pbx_list(['https://admin:%s@pbx.example.com' % PASSWORD])
    assert PASSWORD not in caught.value.message
    assert caught.value.message.startswith('pbxs item 1: url must not contain credentials')


def test_the_settings_are_checked_for_every_pbx_before_any_request(tmp_path):
    check_settings([NYC], SETTINGS)
    with pytest.raises(VodiaConfigError, match='ca_path'):
        check_settings([NYC], ConnectionSettings(url='', username='admin', password=PASSWORD, ca_path=str(tmp_path / 'none.pem')))
    with pytest.raises(VodiaConfigError, match='timeout'):
        check_settings([NYC], ConnectionSettings(url='', username='admin', password=PASSWORD, timeout=0))


# Which tenants, and what each becomes -------------------------------------------------------

@pytest.mark.parametrize('name,include,exclude,expected', [
    ('acme.example.com', ['*'], [], True),
    ('localhost', ['*'], ['localhost'], False),
    ('ACME.example.com', ['acme.*'], [], True),
    ('acme.example.com', ['*.customers.example.com'], [], False),
    ('a.customers.example.com', ['*.customers.example.com'], ['a.*'], False),
    ('tenant-0007.example.com', ['tenant-000[0-9].example.com'], [], True),
    ('acme.example.com', [], [], False),
])
def test_tenants_are_chosen_by_shell_patterns_on_their_names_in_any_case(name, include, exclude, expected):
    assert selected(name, include, exclude) is expected


def test_a_tenant_host_is_named_after_the_tenant_at_its_pbx():
    assert host_name(NYC, {'name': 'localhost'}) == 'localhost@pbx-nyc'


@pytest.mark.parametrize('tenant,host', [
    ('acme.example.com', 'acme.example.com'),
    ('Tenant_1-a.example', 'Tenant_1-a.example'),
    ('a,b', 'a%2Cb'),
    ('two words', 'two%20words'),
    ('x:y', 'x%3Ay'),
    ('!not', '%21not'),
    ('&and', '%26and'),
    ('~regex', '%7Eregex'),
    ('@file', '%40file'),
    ('user@example.com', 'user%40example.com'),
    ('glob*?', 'glob%2A%3F'),
    ('range[0:1]', 'range%5B0%3A1%5D'),
    ('tab\there', 'tab%09here'),
    ('100%', '100%25'),
    ('a%2Cb', 'a%252Cb'),
    ('müller.example', 'm%C3%BCller.example'),
    ('\ud800', '%ED%A0%80'),
])
def test_a_tenant_name_host_patterns_cannot_hold_is_written_as_in_urls(tenant, host):
    assert host_safe(tenant) == host
    assert host_name(NYC, {'name': tenant}) == host + '@pbx-nyc'
    assert set(host_safe(tenant)) <= SAFE_CHARACTERS | {'%'}


def test_two_tenants_never_get_one_host_name():
    """One to one: a real tenant named like another's written name ("a%2Cb" beside "a,b") keeps a host of its own,
    and the last "@" of a host name is always the one before the PBX."""
    tenants = ['a,b', 'a%2Cb', 'a%252Cb', 'a%2cb', 'A,b', 'a@b', 'a%40b', 'a b', 'a%20b', 'a+b', '%', '%25', '']
    hosts = [host_safe(tenant) for tenant in tenants]
    assert len(set(hosts)) == len(tenants)
    assert all('@' not in host for host in hosts)


def test_a_tenant_host_has_the_pbx_the_tenant_and_everything_the_pbx_said():
    tenant = {'id': '7', 'name': 'acme.example.com', 'display': 'ACME', 'alias': ['acme.example.com', 'pbx.acme'],
              'country': '1', 'area': '212', 'future_field': {'x': 1}}
    variables = host_variables(NYC, tenant)
    assert variables == {
        'vodia_url': 'https://pbx-nyc.example.com', 'vodia_domain': 'acme.example.com', 'vodia_pbx': 'pbx-nyc',
        'vodia_display_name': 'ACME', 'vodia_aliases': ['acme.example.com', 'pbx.acme'], 'vodia_tenant_id': '7',
        # Every other field, once: what has a variable of its own is not repeated here.
        'vodia_tenant': {'country': '1', 'area': '212', 'future_field': {'x': 1}},
    }


def test_a_tenant_the_pbx_says_little_about_still_has_every_variable():
    variables = host_variables(NYC, {'name': 'globex.example.com'})
    assert (variables['vodia_display_name'], variables['vodia_aliases'], variables['vodia_tenant_id']) == (None, [], None)


# Reading the PBXs ------------------------------------------------------------------------------

class TenantPbx:
    """A transport whose PBX answers the tenant list (or fails), per base URL."""

    answers = {}
    opened = []

    def __init__(self, base_url, username, password, **options):
        self.base_url = base_url
        self.closed = False
        TenantPbx.opened.append(self)

    def describe(self):
        return self.base_url

    def get(self, path, missing_ok=False):
        answer = TenantPbx.answers[self.base_url]
        if isinstance(answer, Exception):
            raise answer
        return answer

    def close(self, keep_session=True):
        self.closed = 'kept' if keep_session else True


@pytest.fixture
def tenant_pbxs(monkeypatch):
    TenantPbx.answers, TenantPbx.opened = {}, []
    monkeypatch.setattr(connection, 'Transport', TenantPbx)
    return TenantPbx.answers


def test_one_pbx_is_read_with_the_shared_settings_and_its_own_url(tenant_pbxs):
    tenant_pbxs[NYC.url] = {'1': {'name': 'localhost'}}
    result = read_one(NYC, SETTINGS)
    assert result == TenantList(NYC, tenants=[{'id': '1', 'name': 'localhost'}])
    # Closed for good: the inventory runs in the process that forks every task, nothing is kept open there.
    assert [(transport.base_url, transport.closed) for transport in TenantPbx.opened] == [(NYC.url, True)]


def test_a_pbx_that_fails_gives_its_error_instead_of_raising(tenant_pbxs):
    refused = VodiaApiError('GET /rest/system/domains on %s failed: Connection refused.' % NYC.url, 'GET', '/rest/system/domains')
    tenant_pbxs[NYC.url] = refused
    result = read_one(NYC, SETTINGS)
    assert (result.tenants, result.error) == (None, refused)
    assert TenantPbx.opened[0].closed is True
    message = failure_message(result)
    assert message.startswith('Cannot read the tenants of PBX pbx-nyc (https://pbx-nyc.example.com): ')
    assert 'Connection refused' in message


def test_an_http_url_reads_with_a_warning(tenant_pbxs):
    plain = Pbx('lab', 'http://lab.example.com', 'lab')
    tenant_pbxs[plain.url] = {}
    assert read_one(plain, SETTINGS).warnings == ('url http://lab.example.com uses http: the PBX password crosses the network '
                                                  'unencrypted. Use https.',)


def test_the_pbxs_are_read_at_the_same_time_and_reported_in_their_order():
    pbxs = [Pbx('pbx-%d' % number, 'https://pbx-%d.example.com' % number, 'pbx_%d' % number) for number in range(6)]
    all_started = threading.Barrier(3, timeout=5)

    def read(pbx, settings):
        # Three reads wait for each other: this passes only if three run at once.
        all_started.wait()
        return TenantList(pbx, tenants=[{'name': pbx.name}])

    results = read_all(pbxs, SETTINGS, parallel=3, read=read)
    assert [result.pbx for result in results] == pbxs


def test_parallel_out_of_range_is_refused():
    with pytest.raises(VodiaConfigError, match='parallel must be between 1 and 64'):
        read_all([NYC], SETTINGS, parallel=0)


def test_no_pbx_to_read_reads_nothing():
    assert read_all([], SETTINGS, parallel=4) == []


def test_reading_every_pbx_takes_at_most_every_try_of_every_round_of_parallel_pbxs():
    settings = ConnectionSettings(url='', username='admin', password=PASSWORD, timeout=5, retries=2)
    # Five PBXs two at a time: three rounds; three tries each of a connect and a read timeout and the longest wait.
    assert longest_read_seconds(5, 2, settings) == 3 * 3 * (2 * 5 + 30)
    assert longest_read_seconds(1, 8, settings) == 3 * (2 * 5 + 30)
    assert LONGEST_RETRY_WAIT_SECONDS == RETRY_MAX_WAIT_SECONDS
