# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""VodiaAction with a recording operation, built as the task executor builds it, from mocks."""

from __future__ import annotations

import json
import os

from types import SimpleNamespace
from unittest.mock import MagicMock

import pytest

from ansible.errors import AnsibleActionFail

from ansible_collections.vodia.pbx.plugins.module_utils.argument_specs import account_info_spec, account_spec, accounts_spec
from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaApiError
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import HUNT_GROUP
from ansible_collections.vodia.pbx.plugins.module_utils.module_adapter import run_module
from ansible_collections.vodia.pbx.plugins.module_utils.runner import (
    PLANNED_ACCOUNTS, PLANNED_FACT, PLANNED_REFERENCES, PLANNED_REFERENCES_FACT, Report, RunMode)
from ansible_collections.vodia.pbx.plugins.plugin_utils import action_adapter
from ansible_collections.vodia.pbx.plugins.plugin_utils.action_adapter import RUN_FACT, VodiaAction, run_identity, shows_invocation

from ansible_collections.vodia.pbx.tests.unit.plugins.conftest import CONNECTION, PASSWORD, RecordingOperation, make_action

TASK = dict(CONNECTION, domain='localhost')
MODULE_RESULT = {'changed': True, 'ran_as': 'module'}
MASK = 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER'
# ansible-core 2.21 returns the invocation only when asked to; earlier versions ignore the variable.
SHOW_INVOCATION = {'ansible_inject_invocation': True}


def hunt_group_spec():
    return account_spec(HUNT_GROUP)


def hunt_group_info_spec():
    return account_info_spec(HUNT_GROUP)


def hunt_groups_spec():
    return accounts_spec(HUNT_GROUP)


def action_class(operation, spec=hunt_group_info_spec):
    return type('ActionModule', (VodiaAction,), {'argument_spec': staticmethod(spec), 'operation': staticmethod(operation)})


def build(operation, args=None, **surroundings):
    action = make_action(action_class(operation), TASK if args is None else args, **surroundings)
    action._execute_module = MagicMock(name='_execute_module', return_value=dict(MODULE_RESULT))
    action._remove_tmp_path = MagicMock(name='_remove_tmp_path')
    return action


def assert_never_shows_the_password(result):
    assert PASSWORD not in json.dumps(result, default=str)


# Where the task runs ---------------------------------------------------------------------------

@pytest.mark.parametrize('connection_type', ['local', 'ansible.builtin.local'])
def test_a_task_on_a_local_connection_runs_in_the_controller_process(pbx, connection_type):
    operation = RecordingOperation()
    action = build(operation, connection_type=connection_type)
    result = action.run(task_vars={})
    assert result['ran_as'] == 'operation'
    assert len(operation.calls) == 1
    assert operation.calls[0][2] is pbx
    action._execute_module.assert_not_called()


@pytest.mark.parametrize('surroundings', [
    {'connection_type': 'ssh'},
    {'connection_type': 'ansible.builtin.ssh'},
    {'connection_type': 'community.docker.docker'},
    {'become': True},
    {'async_val': 30, 'has_native_async': True},
], ids=['ssh', 'fqcn-ssh', 'docker', 'become', 'async'])
def test_a_task_that_does_not_run_plainly_on_the_controller_runs_the_module(pbx, surroundings):
    operation = RecordingOperation()
    action = build(operation, **surroundings)
    task_vars = {'inventory_hostname': 'jump'}
    result = action.run(task_vars=task_vars)
    assert result == MODULE_RESULT
    assert operation.calls == []
    assert pbx.opened_with is None
    action._execute_module.assert_called_once_with(module_args=TASK, task_vars=task_vars, wrap_async=False)


def test_the_module_is_forced_by_the_execution_variable(pbx):
    operation = RecordingOperation()
    action = build(operation)
    assert action.run(task_vars={'vodia_pbx_execution': 'module'}) == MODULE_RESULT
    assert operation.calls == []


def test_the_execution_variable_is_templated(pbx):
    action = build(RecordingOperation())
    action._templar.template.side_effect = lambda value: 'module' if value == '{{ how }}' else value
    assert action.run(task_vars={'vodia_pbx_execution': '{{ how }}'}) == MODULE_RESULT


def test_auto_execution_is_the_default_and_may_be_named(pbx):
    operation = RecordingOperation()
    build(operation).run(task_vars={'vodia_pbx_execution': 'auto'})
    assert len(operation.calls) == 1


@pytest.mark.parametrize('value', ['modul', 'controller', '', None, True])
def test_an_unknown_execution_value_fails_the_task(pbx, value):
    operation = RecordingOperation()
    with pytest.raises(AnsibleActionFail, match='vodia_pbx_execution must be one of auto, module; got'):
        build(operation).run(task_vars={'vodia_pbx_execution': value})
    assert operation.calls == []


def test_without_requests_on_the_controller_the_module_runs(pbx, monkeypatch):
    monkeypatch.setattr(action_adapter, 'HAS_REQUESTS', False)
    operation = RecordingOperation()
    assert build(operation).run(task_vars={}) == MODULE_RESULT
    assert operation.calls == []


def test_an_async_task_without_native_async_is_wrapped_and_keeps_its_temporary_files(pbx):
    action = build(RecordingOperation(), async_val=60, has_native_async=False)
    action.run(task_vars={})
    action._execute_module.assert_called_once_with(module_args=TASK, task_vars={}, wrap_async=True)
    action._remove_tmp_path.assert_not_called()


def test_a_module_run_cleans_up_its_temporary_files(pbx):
    action = build(RecordingOperation(), connection_type='ssh')
    action._connection._shell.tmpdir = '/tmp/ansible-tmp-1'
    action.run(task_vars={})
    action._remove_tmp_path.assert_called_once_with('/tmp/ansible-tmp-1')


def test_the_action_supports_check_mode_and_async():
    assert VodiaAction._supports_check_mode and VodiaAction._supports_async


# The in-process run ------------------------------------------------------------------------------

@pytest.mark.parametrize('check_mode, diff', [(False, False), (True, False), (False, True), (True, True)])
def test_check_mode_and_diff_mode_reach_the_operation(pbx, check_mode, diff):
    operation = RecordingOperation()
    build(operation, check_mode=check_mode, diff=diff).run(task_vars={})
    assert operation.calls[0][1] == RunMode(check_mode=check_mode, diff_mode=diff)


def test_the_operation_gets_parameters_validated_and_typed_as_a_module_gets_them(pbx):
    operation = RecordingOperation()
    build(operation, dict(TASK, timeout='12', validate_certs='no', name=1002)).run(task_vars={})
    params = operation.calls[0][0]
    assert (params['timeout'], params['validate_certs'], params['name'], params['parallel']) == (12, False, '1002', 4)


def test_arguments_reach_the_validator_as_the_plain_json_a_module_receives():
    class TaggedText(str):
        """Stands in for Ansible's tagged strings."""

    received = action_adapter.as_module_receives({'name': TaggedText('1002'), 'aliases': ('1002', '+1555'), 'parallel': 4})
    assert received == {'name': '1002', 'aliases': ['1002', '+1555'], 'parallel': 4}
    assert not isinstance(received['name'], TaggedText)


def test_arguments_json_cannot_hold_are_left_for_the_validator():
    when = object()
    assert action_adapter.as_module_receives({'name': when}) == {'name': when}


def test_the_invocation_shows_the_parameters_with_the_password_masked(pbx):
    result = build(RecordingOperation()).run(task_vars=dict(SHOW_INVOCATION))
    assert result['invocation']['module_args']['password'] == MASK
    assert result['invocation']['module_args']['username'] == 'admin'
    assert_never_shows_the_password(result)


def test_the_password_is_masked_wherever_it_appears_in_a_failure(pbx):
    error = VodiaApiError('The PBX said: bad password %s' % PASSWORD, 'GET', '/rest/x', 401, 'echo %s' % PASSWORD)
    result = build(RecordingOperation(error=error)).run(task_vars={})
    assert result['failed']
    assert result['msg'] == 'The PBX said: bad password ********'
    assert result['response'] == 'echo ********'
    assert_never_shows_the_password(result)


def test_a_failed_operation_fails_the_task_with_the_request_facts(pbx):
    error = VodiaApiError('GET /rest/x failed with HTTP 500.', 'GET', '/rest/x', 500, 'boom')
    result = build(RecordingOperation(error=error)).run(task_vars={})
    assert result['failed'] is True and result['changed'] is False
    assert (result['msg'], result['method'], result['path'], result['status'], result['response']) == (
        'GET /rest/x failed with HTTP 500.', 'GET', '/rest/x', 500, 'boom')


def test_a_failure_after_a_write_reports_changed(pbx):
    result = build(RecordingOperation(error=VodiaApiError('HTTP 500'), write_first=True)).run(task_vars={})
    assert result['failed'] is True
    assert result['changed'] is True


def test_a_successful_run_is_not_marked_failed(pbx):
    result = build(RecordingOperation()).run(task_vars={})
    assert 'failed' not in result and 'warnings' not in result


def test_warnings_about_the_settings_are_returned(pbx):
    result = build(RecordingOperation(), dict(TASK, url='http://pbx.example.com')).run(task_vars={})
    assert result['warnings'] == ['url http://pbx.example.com uses http: the PBX password crosses the network unencrypted. Use https.']


def test_the_operation_s_warnings_are_returned_after_those_about_the_settings(pbx):
    result = build(RecordingOperation(warnings=['from the PBX']), dict(TASK, url='http://pbx.example.com')).run(task_vars={})
    assert len(result['warnings']) == 2
    assert 'unencrypted' in result['warnings'][0] and result['warnings'][1] == 'from the PBX'
    assert result['ran_as'] == 'operation'


def test_retries_are_returned(pbx):
    def operation(params, mode, transport):
        pbx.fail_with('POST', '/rest/domain/localhost/addacc', None)
        transport.create('/rest/domain/localhost/addacc', {'type': 'hunts', 'account': '1005'}, created=lambda: False)
        return Report({'changed': True})

    result = build(operation).run(task_vars={})
    assert result['http_retries'] == [{'method': 'POST', 'path': '/rest/domain/localhost/addacc', 'reason': 'no answer',
                                       'attempt': 1, 'wait_seconds': 0.0}]


# The task environment --------------------------------------------------------------------------

ENVIRONMENT = {'VODIA_URL': 'https://env-pbx.example.com/', 'VODIA_USERNAME': 'env-admin', 'VODIA_PASSWORD': PASSWORD,
               'VODIA_TIMEOUT': '9', 'VODIA_RETRIES': '1', 'VODIA_VALIDATE_CERTS': 'false'}


def test_the_connection_comes_from_the_task_environment_as_a_module_would_see_it(pbx):
    operation = RecordingOperation()
    result = build(operation, {'domain': 'localhost'}, environment=[ENVIRONMENT]).run(task_vars=dict(SHOW_INVOCATION))
    assert pbx.opened_with == {'base_url': 'https://env-pbx.example.com', 'username': 'env-admin', 'password': PASSWORD,
                               'verify': False, 'timeout': 9, 'retries': 1, 'request_slots': None}
    assert result['invocation']['module_args']['password'] == MASK
    assert_never_shows_the_password(result)


def test_the_task_environment_overrides_the_play_environment(pbx):
    play = dict(ENVIRONMENT, VODIA_URL='https://play.example.com')
    task = {'VODIA_URL': 'https://task.example.com'}
    build(RecordingOperation(), {'domain': 'localhost'}, environment=[play, task]).run(task_vars={})
    assert pbx.opened_with['base_url'] == 'https://task.example.com'


def test_task_options_win_over_the_task_environment(pbx):
    build(RecordingOperation(), dict(TASK, timeout=20), environment=[ENVIRONMENT]).run(task_vars={})
    assert (pbx.opened_with['base_url'], pbx.opened_with['timeout']) == ('https://pbx.example.com', 20)


def test_the_task_environment_wins_over_the_controller_environment(pbx, monkeypatch):
    monkeypatch.setenv('VODIA_URL', 'https://controller.example.com')
    build(RecordingOperation(), {'domain': 'localhost'}, environment=[ENVIRONMENT]).run(task_vars={})
    assert pbx.opened_with['base_url'] == 'https://env-pbx.example.com'


def test_the_controller_environment_applies_when_the_task_sets_nothing(pbx, monkeypatch):
    monkeypatch.setenv('VODIA_URL', 'https://controller.example.com')
    monkeypatch.setenv('VODIA_USERNAME', 'controller-admin')
    monkeypatch.setenv('VODIA_PASSWORD', PASSWORD)
    result = build(RecordingOperation(), {'domain': 'localhost'}).run(task_vars=dict(SHOW_INVOCATION))
    assert (pbx.opened_with['base_url'], pbx.opened_with['username']) == ('https://controller.example.com', 'controller-admin')
    assert result['invocation']['module_args']['password'] == MASK
    assert_never_shows_the_password(result)


def test_the_operation_sees_the_task_environment_and_the_process_gets_its_own_back(pbx, monkeypatch):
    # requests takes HTTPS_PROXY, NO_PROXY and REQUESTS_CA_BUNDLE from the environment, as it would in the module.
    monkeypatch.setenv('NO_PROXY', 'controller.example.com')
    monkeypatch.delenv('HTTPS_PROXY', raising=False)
    seen = []

    def operation(params, mode, transport):
        seen.append((os.environ.get('HTTPS_PROXY'), os.environ.get('NO_PROXY')))
        return Report({'changed': False})

    build(operation, TASK, environment=[{'HTTPS_PROXY': 'http://proxy:3128', 'NO_PROXY': 'pbx.example.com'}]).run(task_vars={})
    assert seen == [('http://proxy:3128', 'pbx.example.com')]
    assert 'HTTPS_PROXY' not in os.environ
    assert os.environ['NO_PROXY'] == 'controller.example.com'


def test_the_process_gets_its_environment_back_even_when_the_operation_breaks(pbx, monkeypatch):
    monkeypatch.delenv('VODIA_TIMEOUT', raising=False)

    def broken(params, mode, transport):
        raise KeyError('a bug')

    with pytest.raises(KeyError):
        build(broken, TASK, environment=[{'VODIA_TIMEOUT': '5'}]).run(task_vars={})
    assert 'VODIA_TIMEOUT' not in os.environ


def test_other_environment_variables_are_not_options(pbx):
    operation = RecordingOperation()
    build(operation, TASK, environment=[{'HTTPS_PROXY': 'http://proxy:3128', 'VODIA_DOMAIN': 'other'}]).run(task_vars={})
    assert operation.calls[0][0]['domain'] == 'localhost'


# Argument validation -----------------------------------------------------------------------------

def module_message(run_main, args, module_name, spec=hunt_group_info_spec):
    """The message the module gives for the same arguments, running the same spec."""
    run = run_main(SimpleNamespace(main=lambda: run_module(spec(), RecordingOperation())), args, module_name=module_name)
    assert run.failed
    return run.result['msg']


@pytest.mark.parametrize('action_name', ['vodia.pbx.vodia_hunt_group_info', 'vodia_hunt_group_info'])
def test_unsupported_parameters_fail_with_the_words_of_ansible_module(pbx, run_main, action_name):
    args = dict(TASK, bogus=1, colour='red')
    operation = RecordingOperation()
    result = build(operation, args, action=action_name).run(task_vars={})
    assert result['failed'] is True and result['changed'] is False
    assert result['msg'].startswith('Unsupported parameters for (%s) module: bogus, colour.' % action_name)
    assert result['msg'] == module_message(run_main, args, action_name)
    assert operation.calls == []
    assert pbx.opened_with is None


@pytest.mark.parametrize('args', [
    {'url': 'https://pbx.example.com', 'username': 'admin', 'password': PASSWORD},
    dict(TASK, timeout='soon'),
    dict(TASK, parallel=[1]),
], ids=['missing-domain', 'bad-int', 'bad-list'])
def test_other_validation_errors_fail_with_the_message_of_ansible_module(pbx, run_main, args):
    operation = RecordingOperation()
    result = build(operation, args).run(task_vars={})
    assert result['failed'] is True
    assert result['msg'] == module_message(run_main, args, 'vodia.pbx.vodia_hunt_group')
    assert operation.calls == []


@pytest.mark.parametrize('hunt_groups', ['2000', ['2000', '2001']], ids=['a-string', 'names-only'])
def test_a_list_of_dictionaries_given_something_else_fails_naming_the_option(pbx, run_main, hunt_groups):
    # Ansible's first error here comes from its no_log scan and names no option; both paths show the next one.
    args = dict(TASK, hunt_groups=hunt_groups)
    result = make_action(action_class(RecordingOperation(), hunt_groups_spec), args).run(task_vars={})
    assert result['failed'] is True
    assert result['msg'].startswith("Elements value for option 'hunt_groups' is of type")
    assert result['msg'] == module_message(run_main, args, 'vodia.pbx.vodia_hunt_groups', hunt_groups_spec)


@pytest.mark.parametrize('hunt_groups', ['2000', ['2000'], [{'name': '2000'}, 'x']], ids=['a-string', 'names-only', 'one-bad-item'])
def test_the_password_is_masked_when_a_list_of_dictionaries_is_not_one(pbx, run_main, hunt_groups):
    # Ansible loses the no_log values it collected when its scan meets such a list; both paths mask them anyway
    # (run_main checks the module's output for the password).
    args = dict(TASK, hunt_groups=hunt_groups)
    result = make_action(action_class(RecordingOperation(), hunt_groups_spec), args).run(task_vars=dict(SHOW_INVOCATION))
    assert result['failed'] is True
    assert result['invocation']['module_args']['password'] == MASK
    assert_never_shows_the_password(result)
    module_message(run_main, args, 'vodia.pbx.vodia_hunt_groups', hunt_groups_spec)


def test_the_invocation_shows_the_options_the_task_set_on_both_paths(pbx, run_main):
    args = dict(TASK, hunt_groups=[{'name': '2000', 'display_name': 'Sales'}])
    result = make_action(action_class(RecordingOperation(), hunt_groups_spec), args).run(task_vars=dict(SHOW_INVOCATION))
    shown = result['invocation']['module_args']
    assert shown['hunt_groups'] == [{'name': '2000', 'display_name': 'Sales', 'state': 'present'}]
    assert shown['purge'] is False and 'ca_path' not in shown
    # Where a module returns no invocation unless asked (ansible-core 2.21), it is asked, as Ansible would.
    module_args = dict(args) if shows_invocation({}) else dict(args, _ansible_inject_invocation=True)
    run = run_main(SimpleNamespace(main=lambda: run_module(hunt_groups_spec(), RecordingOperation())), module_args,
                   module_name='vodia.pbx.vodia_hunt_groups')
    assert run.result['invocation'] == result['invocation']


def test_the_invocation_is_returned_where_a_module_returns_it(pbx, run_main):
    # Always before ansible-core 2.21; from 2.21 on only with INJECT_INVOCATION, which is off by default.
    result = build(RecordingOperation()).run(task_vars={})
    run = run_main(SimpleNamespace(main=lambda: run_module(hunt_group_info_spec(), RecordingOperation())), dict(TASK),
                   module_name='vodia.pbx.vodia_hunt_group_info')
    assert ('invocation' in result) == ('invocation' in run.result)


def test_a_validation_failure_masks_the_password_in_the_invocation(pbx):
    result = build(RecordingOperation(), dict(TASK, bogus=PASSWORD)).run(task_vars=dict(SHOW_INVOCATION))
    assert result['failed']
    assert result['invocation']['module_args']['password'] == MASK
    assert_never_shows_the_password(result)


def test_the_adapter_itself_names_no_spec_and_no_operation():
    with pytest.raises(NotImplementedError):
        VodiaAction.argument_spec()
    with pytest.raises(NotImplementedError):
        VodiaAction.operation({}, RunMode(), None)


# Accounts earlier check-mode tasks predicted ------------------------------------------------------

PLANNED = {'http://fake-pbx localhost': ['2000', '2001']}


def converging(operation, args=None, **surroundings):
    """An action plugin of a module that checks references (its spec has planned_accounts)."""
    action = make_action(action_class(operation, hunt_group_spec), dict(TASK, name='2002') if args is None else args,
                         **surroundings)
    action._execute_module = MagicMock(name='_execute_module', return_value=dict(MODULE_RESULT))
    action._remove_tmp_path = MagicMock(name='_remove_tmp_path')
    return action


def test_in_check_mode_the_operation_receives_the_accounts_earlier_tasks_planned(pbx):
    operation = RecordingOperation()
    converging(operation, check_mode=True).run(task_vars={RUN_FACT: run_identity(), PLANNED_FACT: PLANNED})
    assert operation.calls[0][0][PLANNED_ACCOUNTS] == PLANNED


def test_facts_an_earlier_run_left_are_not_handed_on(pbx):
    # A fact cache keeps module facts across runs: yesterday's check must not count in today's.
    operation = RecordingOperation()
    converging(operation, check_mode=True).run(task_vars={RUN_FACT: 'another run', PLANNED_FACT: PLANNED})
    converging(operation, check_mode=True).run(task_vars={PLANNED_FACT: PLANNED})
    assert [call[0][PLANNED_ACCOUNTS] for call in operation.calls] == [None, None]


def test_the_facts_are_found_in_ansible_facts_when_not_injected_as_variables(pbx):
    # INJECT_FACTS_AS_VARS off (deprecated to read from 2.21 on): the facts are only in ansible_facts.
    operation = RecordingOperation()
    converging(operation, check_mode=True).run(task_vars={'ansible_facts': {RUN_FACT: run_identity(), PLANNED_FACT: PLANNED}})
    assert operation.calls[0][0][PLANNED_ACCOUNTS] == PLANNED


def test_the_facts_a_check_mode_task_leaves_are_marked_as_this_run_s(pbx):
    facts = {PLANNED_FACT: PLANNED}
    operation = RecordingOperation(result={'changed': True, 'ansible_facts': facts})
    result = converging(operation, check_mode=True).run(task_vars={RUN_FACT: run_identity(), PLANNED_FACT: PLANNED})
    assert result['ansible_facts'] == {PLANNED_FACT: PLANNED, RUN_FACT: run_identity()}


def test_the_first_facts_of_a_run_clear_those_an_earlier_run_left(pbx):
    operation = RecordingOperation(result={'changed': True, 'ansible_facts': {PLANNED_FACT: PLANNED}})
    result = converging(operation, check_mode=True).run(task_vars={
        RUN_FACT: 'another run', PLANNED_REFERENCES_FACT: {'http://fake-pbx localhost': {'5000': None}}})
    assert result['ansible_facts'] == {PLANNED_FACT: PLANNED, PLANNED_REFERENCES_FACT: {}, RUN_FACT: run_identity()}


def identity_in_a_forked_child():
    """run_identity() as a worker process sees it: Ansible forks its workers from the ansible-playbook process."""
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(reading)
        os.write(writing, run_identity().encode())
        os._exit(0)  # pylint: disable=protected-access
    os.close(writing)
    with os.fdopen(reading) as answer:
        identity = answer.read()
    os.waitpid(child, 0)
    return identity


def test_the_run_is_the_process_that_forked_the_worker():
    # Two workers of one run agree, and name this process (with its start time, where /proc shows it); this process,
    # forked by another, is of another run.
    first, second = identity_in_a_forked_child(), identity_in_a_forked_child()
    assert first == second
    assert first.split()[0] == str(os.getpid())
    assert run_identity() != first


def test_in_check_mode_the_operation_receives_the_references_earlier_tasks_planned_too(pbx):
    operation = RecordingOperation()
    references = {'http://fake-pbx localhost': {'2001': None, '2002': {'kind': 'hunt group', 'fields': {'night': '5000'}}}}
    converging(operation, check_mode=True).run(task_vars={RUN_FACT: run_identity(), PLANNED_FACT: PLANNED, PLANNED_REFERENCES_FACT: references})
    assert operation.calls[0][0][PLANNED_ACCOUNTS] == PLANNED
    assert operation.calls[0][0][PLANNED_REFERENCES] == references
    converging(operation, check_mode=False).run(task_vars={PLANNED_REFERENCES_FACT: references})
    assert operation.calls[1][0][PLANNED_REFERENCES] is None


def test_the_planned_accounts_are_templated_as_task_variables_are(pbx):
    operation = RecordingOperation()
    action = converging(operation, check_mode=True)
    action._templar.template.side_effect = lambda value: {'http://fake-pbx localhost': ['2000']} if value == '{{ planned }}' else value
    action.run(task_vars={RUN_FACT: run_identity(), PLANNED_FACT: '{{ planned }}'})
    assert operation.calls[0][0][PLANNED_ACCOUNTS] == {'http://fake-pbx localhost': ['2000']}


def test_in_a_real_run_the_planned_accounts_are_not_handed_on(pbx):
    # In a real run the earlier tasks created them: the PBX's list has them, and a prediction must not cover a failure.
    operation = RecordingOperation()
    converging(operation, check_mode=False).run(task_vars={RUN_FACT: run_identity(), PLANNED_FACT: PLANNED})
    assert operation.calls[0][0][PLANNED_ACCOUNTS] is None


def test_a_module_without_the_option_gets_no_planned_accounts(pbx):
    operation = RecordingOperation()
    result = build(operation, check_mode=True).run(task_vars={RUN_FACT: run_identity(), PLANNED_FACT: PLANNED})
    assert 'failed' not in result
    assert PLANNED_ACCOUNTS not in operation.calls[0][0]


def test_planned_accounts_the_task_gives_itself_win_over_the_fact(pbx):
    operation = RecordingOperation()
    own = {'http://fake-pbx localhost': ['2009']}
    converging(operation, dict(TASK, name='2002', planned_accounts=own), check_mode=True).run(task_vars={RUN_FACT: run_identity(), PLANNED_FACT: PLANNED})
    assert operation.calls[0][0][PLANNED_ACCOUNTS] == own


def test_without_the_fact_nothing_is_added(pbx):
    operation = RecordingOperation()
    converging(operation, check_mode=True).run(task_vars={})
    assert operation.calls[0][0][PLANNED_ACCOUNTS] is None


def test_a_module_run_in_check_mode_gets_the_planned_accounts_too(pbx):
    action = converging(RecordingOperation(), check_mode=True, connection_type='ssh')
    action.run(task_vars={RUN_FACT: run_identity(), PLANNED_FACT: PLANNED})
    assert action._execute_module.call_args.kwargs['module_args'] == dict(TASK, name='2002', planned_accounts=PLANNED)


def test_the_fact_does_not_change_the_task_s_own_arguments(pbx):
    action = converging(RecordingOperation(), check_mode=True)
    action.run(task_vars={RUN_FACT: run_identity(), PLANNED_FACT: PLANNED})
    assert PLANNED_ACCOUNTS not in action._task.args
