# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""How a task reaches its PBX: the connection options, checked before any request, and the transport they open.

The options are documented in the vodia.pbx.connection doc fragment and declared in argument_specs.py.
"""

from __future__ import annotations

import os

from dataclasses import dataclass
from urllib.parse import urlsplit

from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaConfigError
from ansible_collections.vodia.pbx.plugins.module_utils.pbx_limit import DEFAULT_WAIT_SECONDS, check_limit, request_slots
from ansible_collections.vodia.pbx.plugins.module_utils.transport import Transport

MAX_RETRIES = 10

# The environment variable each connection option falls back to when the task does not set it
# (the modules, and the EDA event source, which runs without Ansible).
CONNECTION_ENVIRONMENT = {
    'url': 'VODIA_URL',
    'username': 'VODIA_USERNAME',
    'password': 'VODIA_PASSWORD',
    'validate_certs': 'VODIA_VALIDATE_CERTS',
    'ca_path': 'VODIA_CA_PATH',
    'timeout': 'VODIA_TIMEOUT',
    'retries': 'VODIA_RETRIES',
    'max_concurrent_requests': 'VODIA_MAX_CONCURRENT_REQUESTS',
    'request_lock_dir': 'VODIA_REQUEST_LOCK_DIR',
    'request_lock_timeout': 'VODIA_REQUEST_LOCK_TIMEOUT',
}


def parse_base_url(url: str) -> str:
    """Return the normalised base URL, or raise VodiaConfigError saying what is wrong."""
    if not url or not url.strip():
        raise VodiaConfigError('url is empty; set it to the PBX address, for example https://pbx.example.com:8443.')
    parts = urlsplit(url.strip())
    if '@' in parts.netloc:
        # Checked first, and the URL is not repeated: it would show the password.
        raise VodiaConfigError('url must not contain credentials; use username and password instead.')
    if parts.scheme not in ('http', 'https'):
        raise VodiaConfigError('url %r must start with https:// (or http://), for example https://pbx.example.com:8443.' % url)
    if not parts.hostname:
        raise VodiaConfigError('url %r has no host name; use a form such as https://pbx.example.com:8443.' % url)
    if parts.query or parts.fragment:
        raise VodiaConfigError('url %r must not contain a query or fragment; give only scheme, host and port.' % url)
    try:
        parts.port  # pylint: disable=pointless-statement
    except ValueError:
        raise VodiaConfigError('url %r has an invalid port.' % url) from None
    return '%s://%s%s' % (parts.scheme, parts.netloc, parts.path.rstrip('/'))


@dataclass(frozen=True)
class ConnectionSettings:
    """The connection options of a task, after Ansible's argument validation."""
    url: str
    username: str
    password: str
    validate_certs: bool = True
    ca_path: str | None = None
    timeout: int = 30
    retries: int = 3
    # At most this many requests at once to the PBX from all processes of this machine; None or 0: no limit.
    max_concurrent_requests: int | None = None
    request_lock_dir: str | None = None
    request_lock_timeout: int = DEFAULT_WAIT_SECONDS

    @classmethod
    def from_params(cls, params: dict) -> ConnectionSettings:
        return cls(
            url=params['url'], username=params['username'], password=params['password'],
            validate_certs=params['validate_certs'], ca_path=params['ca_path'], timeout=params['timeout'],
            retries=params['retries'],
            # The limit is optional throughout: parameters without its options mean no limit, as unset ones do.
            max_concurrent_requests=params.get('max_concurrent_requests'), request_lock_dir=params.get('request_lock_dir'),
            request_lock_timeout=params.get('request_lock_timeout', DEFAULT_WAIT_SECONDS))

    def __repr__(self) -> str:
        # The dataclass default would show the password in any traceback or log line that prints settings.
        return 'ConnectionSettings(url=%r, username=%r)' % (self.url, self.username)

    def checked(self) -> tuple[str, list[str]]:
        """The normalised base URL and the warnings to show, or VodiaConfigError before any request."""
        base_url = parse_base_url(self.url)
        if self.timeout < 1:
            raise VodiaConfigError('timeout must be at least 1 second; got %d.' % self.timeout)
        if not 0 <= self.retries <= MAX_RETRIES:
            raise VodiaConfigError('retries must be between 0 and %d; got %d.' % (MAX_RETRIES, self.retries))
        if self.ca_path and not os.path.isfile(self.ca_path):
            raise VodiaConfigError(
                'ca_path %s is not a readable file; give the PEM file of the certificate authority that signed the PBX '
                'certificate (VODIA_CA_PATH).' % self.ca_path)
        check_limit(self.max_concurrent_requests, self.request_lock_timeout)
        warnings = []
        if base_url.startswith('http://'):
            warnings.append('url %s uses http: the PBX password crosses the network unencrypted. Use https.' % base_url)
        return base_url, warnings

    def open(self) -> tuple[Transport, list[str]]:
        """A transport to the PBX and the warnings about these settings."""
        base_url, warnings = self.checked()
        verify = self.ca_path if self.validate_certs and self.ca_path else bool(self.validate_certs)
        slots = request_slots(base_url, self.max_concurrent_requests, self.request_lock_dir, self.request_lock_timeout)
        transport = Transport(base_url, self.username, self.password, verify=verify, timeout=self.timeout,
                              retries=self.retries, request_slots=slots)
        return transport, warnings
