# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The service flag kind: its field table, and creation that a PBX answers with success without creating anything."""

from __future__ import annotations

import pytest

from ansible_collections.vodia.pbx.plugins.module_utils import engine, operations
from ansible_collections.vodia.pbx.plugins.module_utils import service_flag as model
from ansible_collections.vodia.pbx.plugins.module_utils.engine import Wanted
from ansible_collections.vodia.pbx.plugins.module_utils.errors import PartialConvergeError, VodiaApiError, WrongKindError
from ansible_collections.vodia.pbx.plugins.module_utils.kinds import KINDS
from ansible_collections.vodia.pbx.plugins.module_utils.runner import RunMode
from ansible_collections.vodia.pbx.plugins.module_utils.service_flag import SERVICE_FLAG, TABLE
from ansible_collections.vodia.pbx.plugins.module_utils.vodia_api import VodiaApi

SRVFLAGS = '/rest/domain/localhost/srvflags'
ADDACC = '/rest/domain/localhost/addacc'
SETTINGS_801 = '/rest/domain/localhost/user_settings/801'


def options(**given):
    """Module options as Ansible hands them over: every option present, unset ones None."""
    params = dict((field.option, None) for field in model.TYPED_FIELDS)
    params.update(settings=None)
    params.update(given)
    return params


def converge(pbx, name, state='present', check_mode=False, **desired):
    [outcome] = engine.converge(VodiaApi(pbx), SERVICE_FLAG, 'localhost', Wanted(name, state, desired), check_mode).outcomes
    return outcome


# The kind -------------------------------------------------------------------------------------------

def test_service_flags_are_listed_and_created_as_srvflags_and_reported_as_service_flags():
    assert (SERVICE_FLAG.list_endpoint, SERVICE_FLAG.addacc_type) == ('srvflags', 'srvflags')
    assert (SERVICE_FLAG.noun, SERVICE_FLAG.plural, SERVICE_FLAG.result_key, SERVICE_FLAG.results_key) == (
        'service flag', 'service flags', 'service_flag', 'service_flags')
    assert SERVICE_FLAG.list_name == 'the srvflags list'
    assert SERVICE_FLAG.fields is TABLE
    assert SERVICE_FLAG.limit_setting == ''
    # Deleting an account searches the accounts of every kind, flags too.
    assert SERVICE_FLAG in KINDS


def test_only_fields_a_source_names_are_typed_and_none_of_them_names_accounts():
    assert [(field.option, field.vodia) for field in model.TYPED_FIELDS] == [
        ('display_name', 'display'), ('aliases', 'alias'), ('disabled', 'disabled')]
    assert TABLE.reference_fields() == {}
    assert TABLE.offered_fields() == {}


def test_typed_options_become_vodia_strings_and_settings_carry_the_rest():
    assert TABLE.desired_fields(options(display_name='Office hours', aliases=['801', 'office'], disabled=False,
                                        settings={'mode': 'auto'})) == {
        'display': 'Office hours', 'alias': ['801', 'office'], 'disabled': 'false', 'mode': 'auto'}


def test_the_busy_lamp_state_is_left_out_of_the_export():
    raw = {'display': 'Office hours', 'disabled': 'false', 'dialog_state': 'confirmed', 'mode': 'auto', 'alias': ['801']}
    exported = TABLE.exportable('801', raw)
    assert (exported['display_name'], exported['aliases'], exported['disabled']) == ('Office hours', ['801'], False)
    assert exported['settings'] == {'mode': 'auto'}
    assert TABLE.canonical('801', raw)['settings']['dialog_state'] == 'confirmed'


# Creation is verified by a read -----------------------------------------------------------------------------

def test_a_create_adds_a_srvflags_account_and_reads_it_before_writing(pbx):
    outcome = converge(pbx, '801', display='Office hours')
    assert outcome.action == engine.CREATED
    assert outcome.after['display_name'] == 'Office hours'
    assert [request[:2] for request in pbx.requests] == [
        ('GET', SRVFLAGS), ('GET', SETTINGS_801), ('POST', ADDACC), ('GET', SETTINGS_801), ('POST', SETTINGS_801)]
    assert pbx.requests[2][2] == {'type': 'srvflags', 'account': '801'}
    assert pbx.accounts['localhost']['801']['type'] == 'srvflags'


def test_a_flag_the_pbx_does_not_create_fails_with_what_to_do_and_nothing_else_is_written(pbx):
    pbx.create_silently_fails = True
    with pytest.raises(VodiaApiError) as caught:
        converge(pbx, '801', display='Office hours')
    message = caught.value.message
    assert "accepted the creation of service flag '801' in domain 'localhost'" in message
    assert 'does not exist afterwards' in message
    assert 'Create the service flag in the PBX web interface (or upgrade the PBX)' in message
    assert caught.value.status == 404
    assert pbx.paths('POST') == [ADDACC]
    assert '801' not in pbx.accounts['localhost']


def test_in_a_bulk_task_the_first_flag_not_created_stops_the_others(pbx):
    pbx.create_silently_fails = True
    params = {'domain': 'localhost', 'parallel': 1, 'purge': False, 'reference_check': 'error', 'return_state': True,
              'service_flags': [dict(options(display_name=name), name=name, state='present') for name in ('801', '802')]}
    with pytest.raises(PartialConvergeError) as caught:
        operations.manage_many(SERVICE_FLAG, params, RunMode(check_mode=False, diff_mode=False), pbx)
    assert 'Service flag 801' in caught.value.message and 'web interface' in caught.value.message
    assert pbx.paths('POST') == [ADDACC]


def test_another_kind_is_never_taken_for_a_flag(pbx):
    with pytest.raises(WrongKindError, match='is not a service flag .*not in the srvflags list'):
        converge(pbx, '1002', state='absent')
    assert pbx.writes == []


def test_a_kind_without_a_hint_keeps_the_general_advice(pbx):
    from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import HUNT_GROUP

    pbx.create_silently_fails = True
    with pytest.raises(VodiaApiError) as caught:
        engine.converge(VodiaApi(pbx), HUNT_GROUP, 'localhost', Wanted('1005', 'present', {}), False)
    assert caught.value.message.endswith('Check the PBX logs and its account limits (max_hunts) for this domain.')
