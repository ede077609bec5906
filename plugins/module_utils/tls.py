# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""TLS verification with the certificate authorities loaded once per session, not once per connection.

requests hands urllib3 the path of the CA bundle, and urllib3 reads and parses that file again for every new
connection. With a full bundle (certifi's, the system's, a company's) that costs about 20 ms of CPU per
connection, more than the requests sent over it; a task with parallel reads opens several. Here the bundle is
loaded into one SSL context, which every connection of the session shares. Verification itself is unchanged:
urllib3 still requires a valid chain and checks the host name.
"""

from __future__ import annotations

import os

from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaConfigError

try:
    from requests.adapters import HTTPAdapter
    from requests.utils import DEFAULT_CA_BUNDLE_PATH
    from urllib3.util.ssl_ import create_urllib3_context
except ImportError:  # pragma: no cover - transport.py reports the missing library
    HTTPAdapter = object


def verify_from_environment(verify: bool | str) -> bool | str:
    """What requests would verify against: REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE replace the default CA store."""
    if verify is True:
        return os.environ.get('REQUESTS_CA_BUNDLE') or os.environ.get('CURL_CA_BUNDLE') or True
    return verify


def ca_context(verify: bool | str):
    """An SSL context holding the authorities that ``verify`` names (True: requests' own bundle), or None
    when nothing is verified. Raises VodiaConfigError when they cannot be read, before any request."""
    if verify is False:
        return None
    location = DEFAULT_CA_BUNDLE_PATH if verify is True else verify
    context = create_urllib3_context()
    try:
        if os.path.isdir(location):
            context.load_verify_locations(capath=location)
        else:
            context.load_verify_locations(cafile=location)
    except (OSError, ValueError) as error:  # ssl.SSLError is an OSError
        raise VodiaConfigError(
            'The certificate authorities in %s cannot be read (%s). Give a PEM file of the authority that signed the '
            'PBX certificate with ca_path (VODIA_CA_PATH), or fix REQUESTS_CA_BUNDLE.' % (location, error)) from None
    return context


class SharedContextAdapter(HTTPAdapter):
    """requests' adapter, verifying every connection (direct or through a proxy) with one loaded SSL context."""

    def __init__(self, ssl_context, **kwargs):
        self.ssl_context = ssl_context
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs['ssl_context'] = self.ssl_context
        super().init_poolmanager(*args, **kwargs)

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        proxy_kwargs.setdefault('ssl_context', self.ssl_context)
        return super().proxy_manager_for(proxy, **proxy_kwargs)

    def build_connection_pool_key_attributes(self, request, verify, cert=None):
        # requests 2.32 and later: without a CA path in the pool's settings, urllib3 keeps to the context.
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        pool_kwargs.pop('ca_certs', None)
        pool_kwargs.pop('ca_cert_dir', None)
        return host_params, pool_kwargs

    def cert_verify(self, conn, url, verify, cert):
        super().cert_verify(conn, url, verify, cert)
        conn.ca_certs = None
        conn.ca_cert_dir = None


def adapter_for(ssl_context, **kwargs):
    """A requests adapter verifying with ``ssl_context`` (from ca_context), or a plain one when it is None."""
    if ssl_context is None:
        return HTTPAdapter(**kwargs)
    return SharedContextAdapter(ssl_context, **kwargs)
