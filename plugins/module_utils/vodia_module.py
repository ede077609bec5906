# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Ansible side shared by every vodia.pbx module.

VodiaModule owns the connection options (documented in the vodia.pbx.connection
doc fragment), builds one VodiaClient per module run, and turns every known error
into a clear fail_json before or instead of a write.
"""

from __future__ import annotations

import os

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import HuntGroupInputError, validate_identifier
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group_converge import NotAHuntGroupError
from ansible_collections.vodia.pbx.plugins.module_utils.vodia_client import (
    HAS_REQUESTS,
    VodiaApiError,
    VodiaClient,
    VodiaConfigError,
    parse_base_url,
)

MAX_PARALLEL = 16
MAX_RETRIES = 10


def connection_argument_spec():
    return dict(
        url=dict(type='str', required=True, fallback=(env_fallback, ['VODIA_URL'])),
        username=dict(type='str', required=True, fallback=(env_fallback, ['VODIA_USERNAME'])),
        password=dict(type='str', required=True, no_log=True, fallback=(env_fallback, ['VODIA_PASSWORD'])),
        validate_certs=dict(type='bool', default=True, fallback=(env_fallback, ['VODIA_VALIDATE_CERTS'])),
        ca_path=dict(type='path', fallback=(env_fallback, ['VODIA_CA_PATH'])),
        timeout=dict(type='int', default=30, fallback=(env_fallback, ['VODIA_TIMEOUT'])),
        retries=dict(type='int', default=3, fallback=(env_fallback, ['VODIA_RETRIES'])),
    )


class VodiaModule(AnsibleModule):
    """An AnsibleModule with the Vodia connection options and error handling."""

    def __init__(self, argument_spec, **kwargs):
        spec = connection_argument_spec()
        spec.update(argument_spec)
        super().__init__(argument_spec=spec, supports_check_mode=True, **kwargs)
        if not HAS_REQUESTS:
            self.fail_json(msg=missing_required_lib('requests'))
        self._client = None

    @property
    def client(self):
        if self._client is None:
            self._client = self._connect()
        return self._client

    def _connect(self):
        params = self.params
        try:
            base_url = parse_base_url(params['url'])
        except VodiaConfigError as error:
            self.fail_json(msg=str(error))
        if params['timeout'] < 1:
            self.fail_json(msg='timeout must be at least 1 second; got %d.' % params['timeout'])
        if not 0 <= params['retries'] <= MAX_RETRIES:
            self.fail_json(msg='retries must be between 0 and %d; got %d.' % (MAX_RETRIES, params['retries']))
        if params['ca_path'] and not os.path.isfile(params['ca_path']):
            self.fail_json(msg='ca_path %s is not a readable file; give the PEM file of the certificate authority that '
                               'signed the PBX certificate (VODIA_CA_PATH).' % params['ca_path'])
        if base_url.startswith('http://'):
            self.warn('url %s uses http: the PBX password crosses the network unencrypted. Use https.' % base_url)
        return VodiaClient(
            base_url, params['username'], params['password'],
            validate_certs=params['validate_certs'], ca_path=params['ca_path'], timeout=params['timeout'],
            connections=self.parallel, retries=params['retries'],
        )

    def check_parallel(self):
        if not 1 <= self.parallel <= MAX_PARALLEL:
            self.fail_json(msg='parallel must be between 1 and %d; got %d.' % (MAX_PARALLEL, self.parallel))

    @property
    def parallel(self):
        """How many reads may run at once; modules without a parallel option read one at a time."""
        parallel = self.params.get('parallel')
        return 1 if parallel is None else parallel

    def exit_json(self, **kwargs):
        super().exit_json(**self._with_transport_facts(kwargs))

    def fail_json(self, msg, **kwargs):
        client = getattr(self, '_client', None)  # absent while AnsibleModule still validates arguments
        if client is not None and 'changed' not in kwargs:
            # A task that fails after a write has still changed the PBX, and must say so.
            kwargs['changed'] = client.writes_done > 0
        super().fail_json(msg=msg, **self._with_transport_facts(kwargs))

    def _with_transport_facts(self, result):
        """Every retry the client made is reported, so it shows in verbose output and in AWX job events."""
        client = getattr(self, '_client', None)
        if client is not None and client.retry_log:
            result = dict(result, http_retries=list(client.retry_log))
        return result

    def identifier(self, option):
        """A validated domain or account name; fails the task before any request when it cannot be used."""
        try:
            return validate_identifier(option, self.params[option])
        except HuntGroupInputError as error:
            return self.fail_json(msg=str(error))

    def run_safely(self, work):
        """Run ``work()`` and turn the errors we know into failures that say what to do."""
        try:
            return work()
        except (HuntGroupInputError, NotAHuntGroupError, VodiaConfigError) as error:
            return self.fail_json(msg=str(error))
        except VodiaApiError as error:
            return self.fail_json(msg=error.message, **error.to_result())
        finally:
            if self._client is not None:
                self._client.close()
