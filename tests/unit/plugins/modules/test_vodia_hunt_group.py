# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import contextlib
import json

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes
from ansible.module_utils.common.warnings import get_warning_messages

from ansible_collections.vodia.pbx.plugins.module_utils import vodia_module
from ansible_collections.vodia.pbx.plugins.modules import vodia_hunt_group, vodia_hunt_group_info, vodia_hunt_groups
from ansible_collections.vodia.pbx.plugins.module_utils.vodia_client import VodiaApiError

try:  # ansible-core >= 2.19
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19
    @contextlib.contextmanager
    def patch_module_args(args=None):
        payload = to_bytes(json.dumps({'ANSIBLE_MODULE_ARGS': args or {}}))
        with pytest.MonkeyPatch.context() as patcher:
            patcher.setattr(basic, '_ANSIBLE_ARGS', payload)
            yield

PASSWORD = 'Module-Test-Secret-0815'
CONNECTION = {'url': 'https://pbx.example.com', 'username': 'admin', 'password': PASSWORD}


class ModuleExit(Exception):
    def __init__(self, result):
        super().__init__(result)
        self.result = result


@pytest.fixture
def run_module(pbx, monkeypatch):
    """Run a module's main() against the fake PBX and return (failed, result)."""

    def exit_json(self, **result):
        raise ModuleExit(dict(result, failed=False))

    def fail_json(self, **result):
        raise ModuleExit(dict(result, failed=True))

    monkeypatch.setattr(basic.AnsibleModule, 'exit_json', exit_json)
    monkeypatch.setattr(basic.AnsibleModule, 'fail_json', fail_json)
    monkeypatch.setattr(vodia_module, 'VodiaClient', lambda *args, **kwargs: pbx)
    pbx.close = lambda: None

    def run(module, check_mode=False, diff=False, **args):
        with patch_module_args(dict(CONNECTION, _ansible_check_mode=check_mode, _ansible_diff=diff, **args)):
            with pytest.raises(ModuleExit) as caught:
                module.main()
        result = caught.value.result
        assert PASSWORD not in json.dumps(result, default=str)
        return result

    return run


def test_create_returns_the_hunt_group_and_a_full_diff(run_module, pbx):
    result = run_module(vodia_hunt_group, diff=True, domain='localhost', name='1005', display_name='Support',
                        stages=[{'extensions': ['444'], 'duration': 10}])
    assert result['changed'] and not result['failed']
    assert result['hunt_group']['stages'] == [{'extensions': ['444'], 'duration': 10}]
    assert result['diff']['before'] == {}
    assert result['diff']['after'] == result['hunt_group']


def test_second_identical_run_is_unchanged_without_writes(run_module, pbx):
    args = dict(domain='localhost', name='1005', display_name='Support', record_calls=True)
    run_module(vodia_hunt_group, **args)
    writes = len(pbx.writes)
    result = run_module(vodia_hunt_group, **args)
    assert not result['changed']
    assert len(pbx.writes) == writes


def test_no_diff_key_without_diff_mode(run_module):
    assert 'diff' not in run_module(vodia_hunt_group, domain='localhost', name='1002')


def test_check_mode_changes_nothing(run_module, pbx):
    result = run_module(vodia_hunt_group, check_mode=True, diff=True, domain='localhost', name='1002', display_name='Sales')
    assert result['changed']
    assert result['diff']['after']['display_name'] == 'Sales'
    assert pbx.writes == []


@pytest.mark.parametrize('args, message', [
    ({'name': 'a/b'}, 'name'),
    ({'name': ''}, 'name must not be empty'),
    ({'domain': '../x'}, 'domain'),
    ({'stages': [{'extensions': ['1']}] * 4}, 'ringing stages'),
    ({'stages': [{'extensions': ['1'], 'duration': -1}]}, 'must not be negative'),
    ({'settings': {'display': {'a': 1}}}, 'single value'),
    ({'url': 'ftp://pbx'}, 'https://'),
    ({'timeout': 0}, 'timeout'),
    ({'ca_path': '/nonexistent/pbx-ca.pem'}, 'ca_path /nonexistent/pbx-ca.pem is not a readable file'),
])
def test_bad_input_fails_before_any_request(run_module, pbx, args, message):
    task = dict(dict(domain='localhost', name='1005'), **args)
    result = run_module(vodia_hunt_group, **task)
    assert result['failed']
    assert message in result['msg']
    assert pbx.requests == []


def test_an_extension_name_fails_and_nothing_is_written(run_module, pbx):
    result = run_module(vodia_hunt_group, domain='localhost', name='444', display_name='x')
    assert result['failed'] and 'not a hunt group' in result['msg']
    assert pbx.writes == []


def test_api_errors_fail_with_request_facts(run_module, pbx):
    result = run_module(vodia_hunt_group, domain='nowhere', name='1002')
    assert result['failed']
    assert result['status'] == 404
    assert result['path'] == '/rest/domain/nowhere/hunts'


def test_http_url_warns(run_module):
    run_module(vodia_hunt_group, url='http://pbx.example.com', domain='localhost', name='1002')
    assert any('unencrypted' in warning for warning in get_warning_messages())


def test_info_returns_all_or_one(run_module):
    everything = run_module(vodia_hunt_group_info, domain='localhost')
    assert [group['name'] for group in everything['hunt_groups']] == ['1002']
    assert run_module(vodia_hunt_group_info, domain='localhost', name='1002')['hunt_groups'][0]['display_name'] == 'Hunt'
    assert run_module(vodia_hunt_group_info, domain='localhost', name='444')['hunt_groups'] == []
    assert not everything['changed']


@pytest.mark.parametrize('module, args', [
    (vodia_hunt_groups, {'hunt_groups': [{'name': '1002'}], 'parallel': 0}),
    (vodia_hunt_groups, {'hunt_groups': [{'name': '1002'}], 'parallel': 17}),
    (vodia_hunt_group_info, {'parallel': 0}),
    (vodia_hunt_group, {'name': '1002', 'retries': 11}),
])
def test_limits_fail_before_any_request(run_module, pbx, module, args):
    result = run_module(module, domain='localhost', **args)
    assert result['failed']
    assert pbx.requests == []


def test_a_failure_after_a_write_reports_changed(run_module, pbx):
    path = '/rest/domain/localhost/user_settings/1005'
    pbx.fail_next('POST', path, (VodiaApiError('POST %s failed with HTTP 500' % path, 'POST', path, 500), False))
    single = run_module(vodia_hunt_group, domain='localhost', name='1005', display_name='New')
    assert single['failed'] and single['changed']
    assert 'run the task again' in single['msg']


def test_the_bulk_module_reports_each_group_and_partial_progress(run_module, pbx):
    result = run_module(vodia_hunt_groups, diff=True, domain='localhost', hunt_groups=[
        {'name': '1002', 'display_name': 'Main'}, {'name': '1005', 'display_name': 'New'}])
    assert [(item['name'], item['action']) for item in result['results']] == [('1002', 'updated'), ('1005', 'created')]
    assert [group['display_name'] for group in result['hunt_groups']] == ['Main', 'New']
    assert [entry['before_header'] for entry in result['diff']] == ['hunt group 1002', 'hunt group 1005']

    path = '/rest/domain/localhost/user_settings/1006'
    pbx.fail_next('POST', path, (VodiaApiError('POST %s failed with HTTP 500' % path, 'POST', path, 500), False))
    failed = run_module(vodia_hunt_groups, domain='localhost', hunt_groups=[
        {'name': '1002', 'display_name': 'Again'}, {'name': '1006', 'display_name': 'Broken'}])
    assert failed['failed'] and failed['changed']
    assert failed['msg'].startswith('Hunt group 1006: ')
    assert [item['action'] for item in failed['results']] == ['updated']
