# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import certifi
import pytest

from ansible_collections.vodia.pbx.plugins.module_utils.connection import MAX_RETRIES, ConnectionSettings, parse_base_url
from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaConfigError
from ansible_collections.vodia.pbx.plugins.module_utils.transport import Transport

PASSWORD = 'Connection-Secret-2024'


def settings(**given):
    options = dict(url='https://pbx.example.com', username='admin', password=PASSWORD)
    options.update(given)
    return ConnectionSettings(**options)


@pytest.mark.parametrize('url, expected', [
    ('https://pbx.example.com', 'https://pbx.example.com'),
    ('https://pbx.example.com:8443/', 'https://pbx.example.com:8443'),
    ('http://127.0.0.1:8080', 'http://127.0.0.1:8080'),
    (' https://pbx.example.com/pbx/ ', 'https://pbx.example.com/pbx'),
])
def test_the_base_url_is_normalised(url, expected):
    assert parse_base_url(url) == expected


@pytest.mark.parametrize('url, reason', [
    ('', 'empty'),
    ('   ', 'empty'),
    ('pbx.example.com', 'must start with https://'),
    ('ftp://pbx.example.com', 'must start with https://'),
    ('https://', 'no host'),
    ('https://admin:pw@pbx.example.com', 'must not contain credentials'),
    ('htps://admin:Leaky-Secret@pbx', 'must not contain credentials'),
    ('https://pbx.example.com/?x=1', 'query'),
    ('https://pbx.example.com/#top', 'fragment'),
    ('https://pbx.example.com:99999', 'invalid port'),
])
def test_an_unusable_url_is_refused_before_any_request(url, reason):
    with pytest.raises(VodiaConfigError, match=reason) as caught:
        parse_base_url(url)
    assert 'Leaky-Secret' not in caught.value.message


def test_settings_come_from_the_validated_task_parameters():
    params = dict(url='https://pbx.example.com', username='admin', password=PASSWORD, validate_certs=False,
                  ca_path=None, timeout=9, retries=1, domain='localhost', name='1002')
    assert settings(validate_certs=False, timeout=9, retries=1) == ConnectionSettings.from_params(params)


def test_the_settings_never_show_the_password():
    shown = settings()
    assert PASSWORD not in repr(shown)
    assert PASSWORD not in str(shown)
    assert 'pbx.example.com' in repr(shown)


def test_checked_settings_give_the_normalised_url_and_no_warning_for_https():
    assert settings(url='https://pbx.example.com:8443/').checked() == ('https://pbx.example.com:8443', [])


def test_a_plain_http_url_works_with_a_warning_about_the_password():
    base_url, warnings = settings(url='http://pbx.example.com').checked()
    assert base_url == 'http://pbx.example.com'
    assert warnings == ['url http://pbx.example.com uses http: the PBX password crosses the network unencrypted. Use https.']


@pytest.mark.parametrize('given, message', [
    ({'url': 'ftp://pbx'}, 'must start with https://'),
    ({'timeout': 0}, 'timeout must be at least 1 second; got 0.'),
    ({'retries': -1}, 'retries must be between 0 and %d; got -1.' % MAX_RETRIES),
    ({'retries': MAX_RETRIES + 1}, 'retries must be between 0 and %d; got %d.' % (MAX_RETRIES, MAX_RETRIES + 1)),
    ({'ca_path': '/nonexistent/pbx-ca.pem'}, 'ca_path /nonexistent/pbx-ca.pem is not a readable file'),
])
def test_settings_that_cannot_work_are_refused_before_any_request(given, message):
    with pytest.raises(VodiaConfigError) as caught:
        settings(**given).checked()
    assert message in caught.value.message


@pytest.mark.parametrize('retries', [0, MAX_RETRIES])
def test_the_retry_budget_may_be_anything_from_zero_to_the_maximum(retries):
    assert settings(retries=retries).checked()[0] == 'https://pbx.example.com'


@pytest.mark.parametrize('validate_certs, use_ca_file, verify', [
    (True, False, True),
    (False, False, False),
    (True, True, 'CA_FILE'),
    (False, True, False),
])
def test_the_transport_verifies_the_pbx_as_the_tls_options_say(tmp_path, monkeypatch, validate_certs, use_ca_file, verify):
    monkeypatch.delenv('REQUESTS_CA_BUNDLE', raising=False)
    monkeypatch.delenv('CURL_CA_BUNDLE', raising=False)
    ca_file = tmp_path / 'pbx-ca.pem'
    ca_file.write_text(open(certifi.where(), encoding='utf-8').read())
    transport, warnings = settings(validate_certs=validate_certs, ca_path=str(ca_file) if use_ca_file else None).open()
    try:
        assert transport._verify == (str(ca_file) if verify == 'CA_FILE' else verify)
        assert warnings == []
    finally:
        transport.close()


def test_the_transport_gets_the_normalised_url_credentials_timeout_and_retries():
    transport, warnings = settings(url='http://pbx.example.com:8080/', timeout=12, retries=5).open()
    try:
        assert isinstance(transport, Transport)
        assert transport.base_url == 'http://pbx.example.com:8080'
        assert (transport.timeout, transport.retries) == (12, 5)
        assert transport._session.auth == ('admin', PASSWORD)
        assert 'unencrypted' in warnings[0]
    finally:
        transport.close()


def test_no_transport_is_opened_for_settings_that_cannot_work(monkeypatch):
    opened = []
    monkeypatch.setattr('ansible_collections.vodia.pbx.plugins.module_utils.connection.Transport',
                        lambda *args, **kwargs: opened.append(args))
    with pytest.raises(VodiaConfigError):
        settings(timeout=0).open()
    assert opened == []
