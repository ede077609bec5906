# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One HTTP request to the simulated PBX, made in the controller's process.

The integration targets reset the simulator, arm faults and read its request journal around almost every step.
ansible.builtin.uri would start a module process for each of those requests, which cost about a third of an
integration run; this plugin sends the same request from the controller. It is test harness only, and takes the
part of uri's options the targets use: url, method, body (sent as JSON), url_username and url_password (basic
authentication) and status_code. The result has status and json, as uri's has.
"""

from __future__ import annotations

import base64
import json

from ansible.module_utils.six.moves.urllib.error import HTTPError
from ansible.module_utils.urls import open_url
from ansible.plugins.action import ActionBase

ARGUMENTS = dict(
    url=dict(type='str', required=True),
    method=dict(type='str', default='GET', choices=['GET', 'POST', 'PUT', 'DELETE']),
    body=dict(type='raw'),
    url_username=dict(type='str'),
    url_password=dict(type='str', no_log=True),
    status_code=dict(type='list', elements='int', default=[200]),
    timeout=dict(type='int', default=30),
)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        validation, args = self.validate_argument_spec(argument_spec=ARGUMENTS)
        headers = {'Accept': 'application/json'}
        data = None
        if args['body'] is not None:
            data = json.dumps(args['body']).encode('utf-8')
            headers['Content-Type'] = 'application/json'
        if args['url_username'] is not None:
            token = base64.b64encode(('%s:%s' % (args['url_username'], args['url_password'] or '')).encode('utf-8'))
            headers['Authorization'] = 'Basic ' + token.decode('ascii')
        try:
            response = open_url(args['url'], method=args['method'], data=data, headers=headers,
                                timeout=args['timeout'], validate_certs=False)
            status, content = response.getcode(), response.read()
        except HTTPError as error:
            status, content = error.code, error.read()
        result['status'] = status
        result['json'] = self._parse(content)
        result['changed'] = False
        if status not in args['status_code']:
            result['failed'] = True
            result['msg'] = 'Status code was %s and not %s: %s %s' % (status, args['status_code'], args['method'], args['url'])
        return result

    @staticmethod
    def _parse(content):
        if not content:
            return None
        try:
            return json.loads(content)
        except ValueError:
            return None
