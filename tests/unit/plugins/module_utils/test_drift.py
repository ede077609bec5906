# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Drift against a desired state (module_utils/drift.py), on the fake PBX: what is drift, what it costs, no write."""

from __future__ import annotations

import pytest

from ansible_collections.vodia.pbx.plugins.module_utils import drift
from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaConfigError, VodiaInputError, WrongKindError
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import HUNT_GROUP
from ansible_collections.vodia.pbx.plugins.module_utils.service_flag import SERVICE_FLAG
from ansible_collections.vodia.pbx.plugins.module_utils.vodia_api import VodiaApi

HUNTS = '/rest/domain/localhost/hunts'
SRVFLAGS = '/rest/domain/localhost/srvflags'


def found(pbx, variables, workers=1):
    return [item.as_dict() for item in drift.tenant_drift(VodiaApi(pbx), 'localhost', drift.desired_state(variables), workers)]


def test_in_sync_costs_the_list_and_the_named_accounts_only(pbx):
    pbx.add('1003', 'hunts', display='Other')
    assert found(pbx, {'hunt_groups_list': [{'name': '1002', 'display_name': 'Hunt', 'record_calls': 'no'}]}) == []
    # 1003 is not named and there is no purge: it is not read.
    assert pbx.paths() == [HUNTS, '/rest/domain/localhost/user_settings/1002']


def test_an_update_names_the_options_that_differ_as_the_drift_report_does(pbx):
    variables = {'hunt_groups_list': [{'name': '1002', 'display_name': 'Reception', 'settings': {'st1_dur': 5}}]}
    assert found(pbx, variables) == [{'kind': 'hunt group', 'name': '1002', 'action': 'updated',
                                      'changes': {'display_name': {'before': 'Hunt', 'after': 'Reception'}}}]


def test_creation_lists_what_the_desired_state_sets_and_deletions_read_nothing(pbx):
    pbx.add('1003', 'hunts', display='Extra')
    variables = {'hunt_groups_list': [{'name': '2000', 'display_name': 'New'}, {'name': '1002', 'state': 'absent'}],
                 'hunt_groups_purge': True}
    assert found(pbx, variables) == [
        {'kind': 'hunt group', 'name': '2000', 'action': 'created', 'changes': {'display_name': {'before': '', 'after': 'New'}}},
        {'kind': 'hunt group', 'name': '1002', 'action': 'deleted', 'changes': {}},
        {'kind': 'hunt group', 'name': '1003', 'action': 'deleted', 'changes': {}},
    ]
    assert '/rest/domain/localhost/user_settings/1003' not in pbx.paths()
    assert '/rest/domain/localhost/user_settings/1002' not in pbx.paths()
    assert pbx.writes == []


def test_kinds_left_unset_are_not_read_and_hunt_groups_default_to_none(pbx):
    assert found(pbx, {}) == []
    assert pbx.paths() == [HUNTS]
    pbx.requests.clear()
    assert found(pbx, {'hunt_groups_service_flags': [{'name': '800', 'display_name': 'Night'}]}) == [
        {'kind': 'service flag', 'name': '800', 'action': 'created', 'changes': {'display_name': {'before': '', 'after': 'Night'}}}]
    assert pbx.paths()[:2] == [HUNTS, SRVFLAGS]


def test_a_name_held_by_another_account_type_is_an_error_not_drift(pbx):
    with pytest.raises(WrongKindError):
        found(pbx, {'hunt_groups_list': [{'name': '444', 'display_name': 'Desk'}]})


@pytest.mark.parametrize('variables, message', [
    ({'hunt_groups_list': [], 'hunt_groups_purge': True}, 'would delete every hunt group'),
    ({'hunt_groups_list': [{'name': '1002', 'colour': 'red'}]}, 'does not take: colour'),
    ({'hunt_groups_list': [{'display_name': 'x'}]}, 'mapping with a name'),
    ({'hunt_groups_list': [{'name': '1002', 'display_name': '{{ name }}'}]}, 'read as plain YAML'),
    ({'hunt_groups_list': [{'name': '1002', 'record_calls': 'maybe'}]}, 'must be true or false'),
    ({'hunt_groups_list': 'x'}, 'must be a list of hunt groups'),
    ({'hunt_groups_list': [{'name': '1002'}, {'name': '1002'}]}, 'more than once'),
])
def test_a_desired_state_the_modules_would_refuse_is_refused_before_any_request(variables, message):
    with pytest.raises(VodiaInputError, match=message):
        drift.desired_state(variables)


def test_the_transport_refuses_every_write(pbx):
    api = drift.read_only(VodiaApi(pbx))
    with pytest.raises(VodiaConfigError, match='never writes'):
        api.write_settings('localhost', '1002', {'display': 'x'})
    with pytest.raises(VodiaConfigError):
        api.add_account('localhost', 'hunts', '2000')
    with pytest.raises(VodiaConfigError):
        api.delete_account('localhost', '1002', 'hunt group')
    assert pbx.writes == []


def test_memory_reports_news_changes_and_drift_that_came_back():
    memory = drift.DriftMemory()
    first = drift.Drift(HUNT_GROUP, '1002', 'updated', {'display_name': {'before': 'a', 'after': 'b'}})
    other = drift.Drift(SERVICE_FLAG, '1002', 'deleted', {})
    assert memory.news('h', [first, other]) == [first, other]
    assert memory.news('h', [first, other]) == []
    changed = drift.Drift(HUNT_GROUP, '1002', 'updated', {'display_name': {'before': 'c', 'after': 'b'}})
    assert memory.news('h', [changed, other]) == [changed]
    assert memory.news('h', [other]) == []
    assert memory.news('h', [changed, other]) == [changed]
    memory.keep_only(['g'])
    assert memory.news('h', [other]) == [other]


@pytest.mark.parametrize('variables, message', [
    ({'hunt_groups_list': [{'name': '1002', 'stages': [{'extensions': 444, 'duration': 10}]}]},
     r'hunt_groups_list: hunt_groups item 1 \(1002\): stages item 1 extensions must be a list'),
    ({'hunt_groups_list': [{'name': '1002', 'stages': ['444']}]}, r'hunt_groups_list item 1 \(1002\): stages item 1 must be a mapping'),
    ({'hunt_groups_list': [{'name': '1002', 'final_destinations': '444'}]},
     r'hunt_groups_list item 1 \(1002\): final_destinations must be a list'),
])
def test_an_item_of_the_wrong_shape_is_an_input_error_naming_item_and_option(variables, message):
    with pytest.raises(VodiaInputError, match=message):
        drift.desired_state(variables)


def test_the_default_purge_applies_to_the_kinds_a_file_lists_unless_it_sets_their_switch(pbx):
    pbx.add('1003', 'hunts', display='By hand')
    export = {'hunt_groups_list': [{'name': '1002', 'display_name': 'Hunt'}], 'hunt_groups_service_flags': []}
    assert found(pbx, export) == []
    desired = drift.desired_state(export, purge=True)
    assert [(entry.kind.noun, entry.purge) for entry in desired] == [('hunt group', True), ('service flag', True)]
    assert [item.as_dict() for item in drift.tenant_drift(VodiaApi(pbx), 'localhost', desired, 1)] == [
        {'kind': 'hunt group', 'name': '1003', 'action': 'deleted', 'changes': {}}]
    # A switch the file sets wins; a list the file does not hold is not purged.
    assert [entry.purge for entry in drift.desired_state(dict(export, hunt_groups_purge=False), purge=True)] == [False, True]
    assert [(entry.kind.noun, entry.purge) for entry in drift.desired_state({}, purge=True)] == [('hunt group', False)]
    # The modules' refusal of an empty list with purge is for a purge the file asks for.
    with pytest.raises(VodiaInputError, match='would delete every service flag'):
        drift.desired_state(dict(export, hunt_groups_service_flags_purge=True))


def test_the_memory_as_data_holds_digests_only_and_reads_back():
    memory = drift.DriftMemory()
    secret_value = drift.Drift(HUNT_GROUP, '2000', 'updated', {'settings.pin': {'before': 'Secret-1', 'after': 'Secret-2'}})
    assert memory.news('h', [secret_value]) == [secret_value] and memory.changed
    data = memory.as_data()
    assert 'Secret' not in repr(data) and "'2000'" not in repr(data)
    assert list(data['hosts']) == ['h'] and len(data['hosts']['h'][0]) == 64
    again = drift.DriftMemory.from_data(data)
    assert again.news('h', [secret_value]) == [] and not again.changed
    with pytest.raises(VodiaInputError):
        drift.DriftMemory.from_data({'hosts': {'h': ['x']}})
