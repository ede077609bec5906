# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""TLS verification with the certificate authorities loaded once: against a local HTTPS server with its own CA."""

from __future__ import annotations

import contextlib
import http.server
import ssl
import threading

import certifi
import pytest
import requests

from ansible_collections.vodia.pbx.plugins.module_utils import tls
from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaConfigError
from ansible_collections.vodia.pbx.tests.pbxsim import tlsutil


class Answer(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def do_GET(self):  # pylint: disable=invalid-name
        self.send_response(200)
        self.send_header('Content-Length', '2')
        self.end_headers()
        self.wfile.write(b'{}')

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        pass


@pytest.fixture(scope='module')
def certificates(tmp_path_factory):
    ca, cert, key = tlsutil.create_tls_files(str(tmp_path_factory.mktemp('tls')))
    return {'ca': ca, 'cert': cert, 'key': key}


@contextlib.contextmanager
def serving(certificates, address='127.0.0.1'):
    server = http.server.ThreadingHTTPServer((address, 0), Answer)
    context = tlsutil.server_context(certificates['cert'], certificates['key'])
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def https_server(certificates):
    with serving(certificates) as server:
        yield server


def session_for(ssl_context):
    session = requests.Session()
    session.trust_env = False
    session.mount('https://', tls.adapter_for(ssl_context))
    return session


def count_ca_loads(monkeypatch):
    """Every time an SSL context (ours or urllib3's) loads certificate authorities."""
    loads = []
    original = ssl.SSLContext.load_verify_locations

    def load_verify_locations(context, *args, **kwargs):
        loads.append(args or kwargs)
        return original(context, *args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, 'load_verify_locations', load_verify_locations)
    return loads


def three_connections(session, url, verify):
    for _attempt in range(3):
        assert session.get(url, verify=verify, timeout=5).json() == {}
        session.close()  # the next request opens a new connection


def test_the_authorities_are_loaded_once_for_many_connections(https_server, certificates, monkeypatch):
    url = 'https://127.0.0.1:%d/' % https_server.server_address[1]
    loads = count_ca_loads(monkeypatch)
    plain = requests.Session()
    plain.trust_env = False
    three_connections(plain, url, certificates['ca'])
    assert len(loads) == 3  # what requests and urllib3 do on their own: once per connection
    del loads[:]
    three_connections(session_for(tls.ca_context(certificates['ca'])), url, certificates['ca'])
    assert len(loads) == 1


def test_a_server_signed_by_another_authority_still_fails_verification(https_server):
    session = session_for(tls.ca_context(certifi.where()))
    url = 'https://127.0.0.1:%d/' % https_server.server_address[1]
    with pytest.raises(requests.exceptions.SSLError, match='certificate verify failed'):
        session.get(url, verify=certifi.where(), timeout=5)


def test_a_host_name_the_certificate_does_not_name_fails_verification(certificates):
    # The certificate names localhost, 127.0.0.1 and ::1, not 127.0.0.2 (a loopback address all the same).
    session = session_for(tls.ca_context(certificates['ca']))
    with serving(certificates, '127.0.0.2') as server:
        url = 'https://127.0.0.2:%d/' % server.server_address[1]
        with pytest.raises(requests.exceptions.SSLError, match='127.0.0.2'):
            session.get(url, verify=certificates['ca'], timeout=5)


def test_nothing_is_verified_without_verification():
    assert tls.ca_context(False) is None
    assert type(tls.adapter_for(None)) is requests.adapters.HTTPAdapter  # pylint: disable=unidiomatic-typecheck


def test_without_a_file_the_bundle_of_requests_is_loaded():
    assert tls.ca_context(True).cert_store_stats()['x509_ca'] > 0


def test_a_directory_of_authorities_is_loaded_as_such(tmp_path, certificates):
    (tmp_path / 'ca.pem').write_text(open(certificates['ca'], encoding='utf-8').read())
    assert tls.ca_context(str(tmp_path)) is not None


def test_authorities_that_cannot_be_read_fail_before_any_request(tmp_path):
    broken = tmp_path / 'broken.pem'
    broken.write_text('-----BEGIN CERTIFICATE-----\nnot base64\n')
    with pytest.raises(VodiaConfigError, match='broken.pem cannot be read.*ca_path'):
        tls.ca_context(str(broken))


@pytest.mark.parametrize('variable', ['REQUESTS_CA_BUNDLE', 'CURL_CA_BUNDLE'])
def test_the_environment_names_the_bundle_to_verify_against_unless_a_task_gives_one(monkeypatch, variable):
    monkeypatch.delenv('REQUESTS_CA_BUNDLE', raising=False)
    monkeypatch.delenv('CURL_CA_BUNDLE', raising=False)
    assert tls.verify_from_environment(True) is True
    monkeypatch.setenv(variable, '/etc/pki/company.pem')
    assert tls.verify_from_environment(True) == '/etc/pki/company.pem'
    assert tls.verify_from_environment('/tmp/pbx-ca.pem') == '/tmp/pbx-ca.pem'
    assert tls.verify_from_environment(False) is False
