# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import NoLogError

from ansible_collections.vodia.pbx.plugins.module_utils import argument_specs
from ansible_collections.vodia.pbx.plugins.module_utils.argument_specs import (
    CONNECTION_ENVIRONMENT,
    account_info_spec,
    account_options,
    account_spec,
    accounts_spec,
    connection_spec,
    given_arguments,
    secret_values,
    validation_message,
)
from ansible_collections.vodia.pbx.plugins.module_utils.call_queue import CALL_QUEUE
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import HUNT_GROUP, TYPED_FIELDS
from ansible_collections.vodia.pbx.plugins.module_utils.kinds import KINDS
from ansible_collections.vodia.pbx.plugins.module_utils.runner import PLANNED_ACCOUNTS

CONNECTION_OPTIONS = {'url', 'username', 'password', 'validate_certs', 'ca_path', 'timeout', 'retries', 'max_concurrent_requests',
                      'request_lock_dir', 'request_lock_timeout'}
REFERENCE_OPTIONS = {'reference_check', 'planned_accounts', 'planned_references'}
# The options of saved plans (docs/saved-plans.md), on the same modules.
PLAN_OPTIONS = {'save_plan', 'plan_ttl', 'saved_plan', 'saved_plan_so_far'}


def hunt_group_spec():
    return account_spec(HUNT_GROUP)


def hunt_group_info_spec():
    return account_info_spec(HUNT_GROUP)


def hunt_groups_spec():
    return accounts_spec(HUNT_GROUP)


def hunt_group_options():
    return account_options(HUNT_GROUP)


MODULE_SPECS = [spec(kind) for spec in (account_spec, account_info_spec, accounts_spec) for kind in KINDS]
MODULE_SPEC_IDS = ['%s-%s' % (spec.__name__, kind.result_key) for spec in (account_spec, account_info_spec, accounts_spec)
                   for kind in KINDS]


def test_the_hunt_group_options_follow_the_typed_fields_of_the_model():
    spec = hunt_group_options()
    assert set(spec) == set(field.option for field in TYPED_FIELDS) | {'stages', 'settings'}
    assert spec['record_calls'] == {'type': 'bool'}
    assert spec['display_name'] == {'type': 'str'}
    # A free string: the values of algo are not reliably documented.
    assert spec['ring_strategy'] == {'type': 'str'}
    assert hunt_group_spec()['ring_strategy'] == hunt_groups_spec()['hunt_groups']['options']['ring_strategy'] == {'type': 'str'}
    assert spec['final_destinations'] == {'type': 'list', 'elements': 'str'}
    assert spec['aliases'] == {'type': 'list', 'elements': 'str'}
    assert spec['settings'] == {'type': 'dict'}
    assert spec['stages']['options'] == {'extensions': {'type': 'list', 'elements': 'str', 'default': []}, 'duration': {'type': 'int'}}


def test_every_connection_option_falls_back_to_its_environment_variable():
    spec = connection_spec()
    assert set(spec) == set(CONNECTION_ENVIRONMENT) == CONNECTION_OPTIONS
    for option, variable in CONNECTION_ENVIRONMENT.items():
        assert variable == 'VODIA_' + option.upper()
        assert spec[option]['fallback'][1] == [variable]


def test_only_the_password_is_secret():
    assert [option for option, details in connection_spec().items() if details.get('no_log')] == ['password']


def test_the_connection_defaults_are_safe():
    spec = connection_spec()
    assert spec['validate_certs']['default'] is True
    assert (spec['timeout']['default'], spec['retries']['default']) == (30, 3)
    assert all(spec[option]['required'] for option in ('url', 'username', 'password'))


@pytest.mark.parametrize('options', MODULE_SPECS, ids=MODULE_SPEC_IDS)
def test_every_module_takes_the_connection_options_and_a_domain(options):
    assert CONNECTION_OPTIONS <= set(options)
    assert options['domain'] == {'type': 'str', 'required': True}


def test_the_single_module_takes_a_name_a_state_and_the_hunt_group_options():
    assert set(hunt_group_spec()) == CONNECTION_OPTIONS | {'domain', 'name', 'state'} | set(hunt_group_options()) | REFERENCE_OPTIONS | PLAN_OPTIONS
    assert hunt_group_spec()['state'] == {'type': 'str', 'default': 'present', 'choices': ['present', 'absent']}
    assert hunt_group_spec()['name']['required'] is True


def test_the_info_module_takes_an_optional_name_a_parallelism_and_a_form():
    assert set(hunt_group_info_spec()) == CONNECTION_OPTIONS | {'domain', 'name', 'parallel', 'form'}
    assert hunt_group_info_spec()['name'] == {'type': 'str'}
    assert hunt_group_info_spec()['parallel'] == {'type': 'int', 'default': 4}
    assert hunt_group_info_spec()['form'] == {'type': 'str', 'default': 'canonical', 'choices': ['canonical', 'export']}


def test_each_bulk_item_takes_what_the_single_module_takes_for_one_hunt_group():
    spec = hunt_groups_spec()
    assert set(spec) == CONNECTION_OPTIONS | {'domain', 'hunt_groups', 'purge', 'parallel', 'return_state'} | REFERENCE_OPTIONS | PLAN_OPTIONS
    items = spec['hunt_groups']
    assert (items['type'], items['elements'], items['required']) == ('list', 'dict', True)
    single = hunt_group_spec()
    assert items['options'] == dict((option, single[option])
                                    for option in set(single) - CONNECTION_OPTIONS - {'domain'} - REFERENCE_OPTIONS - PLAN_OPTIONS)
    assert spec['purge'] == {'type': 'bool', 'default': False}
    assert spec['return_state'] == {'type': 'bool', 'default': True}


def test_specs_are_fresh_copies_that_callers_may_change():
    hunt_group_spec()['url']['required'] = False
    hunt_group_options()['stages']['options']['duration']['type'] = 'str'
    assert hunt_group_spec()['url']['required'] is True
    assert hunt_group_options()['stages']['options']['duration']['type'] == 'int'


def test_connection_options_are_taken_from_the_environment_and_typed(monkeypatch):
    environment = {'VODIA_URL': 'https://env.example.com', 'VODIA_USERNAME': 'env-admin', 'VODIA_PASSWORD': 'env-secret',
                   'VODIA_VALIDATE_CERTS': 'no', 'VODIA_CA_PATH': '/etc/ca.pem', 'VODIA_TIMEOUT': '7', 'VODIA_RETRIES': '0'}
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    validation = ArgumentSpecValidator(hunt_group_info_spec()).validate({'domain': 'localhost'})
    assert not validation.error_messages
    params = validation.validated_parameters
    assert params['url'] == 'https://env.example.com'
    assert params['username'] == 'env-admin'
    assert (params['validate_certs'], params['ca_path'], params['timeout'], params['retries']) == (False, '/etc/ca.pem', 7, 0)
    assert 'env-secret' in validation._no_log_values


def test_a_task_option_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv('VODIA_URL', 'https://env.example.com')
    validation = ArgumentSpecValidator(hunt_group_info_spec()).validate(
        {'domain': 'localhost', 'url': 'https://task.example.com', 'username': 'a', 'password': 'b'})
    assert validation.validated_parameters['url'] == 'https://task.example.com'


def test_the_option_types_cover_every_kind_of_typed_field():
    assert set(field.kind for field in TYPED_FIELDS) <= set(argument_specs.OPTION_TYPES)


def test_a_failed_validation_shows_the_first_error_that_names_an_option():
    bad_items = ArgumentSpecValidator(hunt_groups_spec()).validate(dict(url='https://pbx', username='u', password='p', domain='d', hunt_groups='2000'))
    assert isinstance(bad_items.errors[0], NoLogError)
    assert validation_message(bad_items.errors, 'vodia.pbx.vodia_hunt_groups').startswith(
        "Elements value for option 'hunt_groups' is of type")


def test_unsupported_parameters_read_as_ansible_module_words_them():
    unknown = ArgumentSpecValidator(hunt_group_info_spec()).validate(dict(url='https://pbx', username='u', password='p', domain='d', colour='red'))
    assert validation_message(unknown.errors, 'vodia_hunt_group_info').startswith(
        'Unsupported parameters for (vodia_hunt_group_info) module: colour.')


def test_secret_values_are_the_values_given_to_no_log_options():
    given = dict(url='https://pbx', username='admin', password='Pass-1', domain='d', hunt_groups='2000')
    assert secret_values(hunt_groups_spec(), given) == {'Pass-1'}
    assert secret_values(hunt_groups_spec(), dict(given, password=None)) == set()


def test_given_arguments_leave_out_unset_options_at_every_depth():
    params = {'domain': 'd', 'name': None, 'purge': False,
              'hunt_groups': [{'name': '2000', 'display_name': None, 'stages': [{'extensions': ['1'], 'duration': None}]}]}
    assert given_arguments(params) == {'domain': 'd', 'purge': False,
                                       'hunt_groups': [{'name': '2000', 'stages': [{'extensions': ['1']}]}]}


# Every kind ------------------------------------------------------------------------------------

def test_the_call_queue_options_follow_its_field_table():
    spec = account_options(CALL_QUEUE)
    assert set(spec) == set(field.option for field in CALL_QUEUE.fields.typed) | {'settings'}
    assert spec['agents'] == spec['escalation_agents'] == {'type': 'list', 'elements': 'str'}
    assert spec['escalation_time'] == {'type': 'int'}
    assert spec['record_calls'] == {'type': 'bool'}
    assert 'stages' not in spec and 'final_destinations' not in spec


@pytest.mark.parametrize('kind', KINDS, ids=lambda kind: kind.result_key)
def test_each_kind_has_the_three_module_shapes_with_its_own_list_option(kind):
    assert set(account_spec(kind)) == CONNECTION_OPTIONS | {'domain', 'name', 'state'} | set(account_options(kind)) | REFERENCE_OPTIONS | PLAN_OPTIONS
    assert set(account_info_spec(kind)) == CONNECTION_OPTIONS | {'domain', 'name', 'parallel', 'form'}
    bulk = accounts_spec(kind)
    assert set(bulk) == CONNECTION_OPTIONS | {'domain', kind.results_key, 'purge', 'parallel', 'return_state'} | REFERENCE_OPTIONS | PLAN_OPTIONS
    assert set(bulk[kind.results_key]['options']) == {'name', 'state'} | set(account_options(kind))


@pytest.mark.parametrize('spec', [account_spec, accounts_spec], ids=lambda spec: spec.__name__)
def test_the_converging_modules_check_references_strictly_unless_told_otherwise(spec):
    options = spec(HUNT_GROUP)
    assert options['reference_check'] == {'type': 'str', 'default': 'error', 'choices': ['error', 'warn']}
    assert options[PLANNED_ACCOUNTS] == {'type': 'dict'}
    assert PLANNED_ACCOUNTS == 'planned_accounts'


def test_the_info_modules_check_no_references():
    assert not (REFERENCE_OPTIONS | PLAN_OPTIONS) & set(account_info_spec(HUNT_GROUP))


@pytest.mark.parametrize('spec', [account_spec, accounts_spec], ids=lambda spec: spec.__name__)
def test_the_converging_modules_take_the_saved_plan_options(spec):
    options = spec(HUNT_GROUP)
    assert options['save_plan'] == {'type': 'bool', 'default': False}
    assert options['plan_ttl'] == {'type': 'int', 'default': 86400}
    assert options['saved_plan'] == options['saved_plan_so_far'] == {'type': 'dict'}


def test_every_option_type_of_every_kind_is_known():
    for kind in KINDS:
        assert set(field.kind for field in kind.fields.typed) <= set(argument_specs.OPTION_TYPES)
        assert set(composite.option for composite in kind.fields.composites) <= set(argument_specs.COMPOSITE_OPTIONS)


def test_a_reference_check_other_than_error_or_warn_is_refused():
    validation = ArgumentSpecValidator(hunt_group_spec()).validate(
        dict(url='https://pbx', username='u', password='p', domain='d', name='2000', reference_check='off'))
    assert validation.error_messages
    assert 'reference_check' in validation.error_messages[0]
