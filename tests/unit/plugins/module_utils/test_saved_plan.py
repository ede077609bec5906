# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Saved plans: the plan data (build, digest, expiry, version, compare), and the hooks of the operations against the
fake PBX: a check-mode run saves, a real run given the plan writes exactly that or refuses before any write."""

from __future__ import annotations

import dataclasses
import json
import os

from unittest.mock import MagicMock

import pytest
import yaml

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.vodia.pbx.plugins.module_utils import engine, saved_plan
from ansible_collections.vodia.pbx.plugins.module_utils.argument_specs import account_spec, accounts_spec
from ansible_collections.vodia.pbx.plugins.module_utils.call_queue import CALL_QUEUE
from ansible_collections.vodia.pbx.plugins.module_utils.engine import Plan, Wanted
from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaInputError, VodiaPlanError
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import HUNT_GROUP
from ansible_collections.vodia.pbx.plugins.module_utils.operations import manage_many, manage_one
from ansible_collections.vodia.pbx.plugins.module_utils.runner import PLAN_SO_FAR, SAVED_PLAN_FACT, RunMode
from ansible_collections.vodia.pbx.plugins.module_utils.service_flag import SERVICE_FLAG

from ansible_collections.vodia.pbx.plugins.action.vodia_hunt_groups import ActionModule as HuntGroupsAction
from ansible_collections.vodia.pbx.tests.unit.plugins.conftest import CONNECTION, PASSWORD, make_action

ROOT = os.path.join(os.path.dirname(__file__), '..', '..', '..', '..')
NOW = 1796306400.0  # 2026-12-03T14:00:00Z
URL = 'http://fake-pbx'
NORMAL = RunMode()
CHECK = RunMode(check_mode=True)
WANTED = [Wanted('1002', 'present', {'display': 'Sales'}), Wanted('1005', 'present', {'display': 'New'})]


def plans():
    return [Plan(action='updated', domain='localhost', name='1002', desired={'display': 'Sales'},
                 current={'display': 'Hunt', 'st1_ext': '444', 'dialog_state': 'idle'}, changes={'display': 'Sales'},
                 predicted={'display': 'Sales', 'st1_ext': '444'}),
            Plan(action='created', domain='localhost', name='1005', desired={'display': 'New'}, changes={'display': 'New'},
                 predicted={'display': 'New'})]


def entry(**overrides):
    wanted = overrides.pop('wanted', WANTED)
    return saved_plan.build_entry(URL, 'localhost', 'hunt groups', wanted, overrides.pop('purge', False),
                                  overrides.pop('plans', plans()), ('dialog_state',))


# Plan data ------------------------------------------------------------------------------------------

def test_the_collection_version_is_galaxy_yml_s():
    with open(os.path.join(ROOT, 'galaxy.yml'), encoding='utf-8') as handle:
        assert saved_plan.COLLECTION_VERSION == yaml.safe_load(handle)['version']


def test_the_plan_actions_are_the_engine_s():
    assert saved_plan.UNCHANGED == engine.UNCHANGED
    assert saved_plan.WRITES == (engine.CREATED, engine.UPDATED, engine.DELETED)


def test_an_entry_holds_actions_writes_values_before_and_fingerprints():
    built = entry()
    assert built['url'] == URL and built['domain'] == 'localhost' and built['kind'] == 'hunt groups'
    assert built['accounts'] == [
        {'name': '1002', 'action': 'updated', 'changes': {'display': 'Sales'}, 'before': {'display': 'Hunt'},
         'fingerprint': saved_plan.settings_fingerprint({'display': 'Hunt', 'st1_ext': '444'})},
        {'name': '1005', 'action': 'created', 'changes': {'display': 'New'}, 'before': {}, 'fingerprint': None},
    ]
    assert sorted(built['wanted']) == ['1002', '1005']
    json.dumps(built)  # plain JSON data


def test_the_fingerprint_leaves_out_runtime_state_and_sees_every_other_field():
    base = {'display': 'Hunt', 'st1_ext': '444'}
    runtime = ('dialog_state',)
    assert saved_plan.settings_fingerprint(dict(base, dialog_state='busy'), runtime) == saved_plan.settings_fingerprint(base, runtime)
    assert saved_plan.settings_fingerprint(dict(base, st1_ext='445'), runtime) != saved_plan.settings_fingerprint(base, runtime)
    assert saved_plan.settings_fingerprint(None) is None


def test_the_key_changes_with_url_domain_kind_accounts_fields_order_and_purge():
    key = saved_plan.entry_key(URL, 'localhost', 'hunt groups', WANTED, False)
    assert key == saved_plan.entry_key(URL, 'localhost', 'hunt groups', list(WANTED), False)
    others = [
        saved_plan.entry_key('http://other', 'localhost', 'hunt groups', WANTED, False),
        saved_plan.entry_key(URL, 'other', 'hunt groups', WANTED, False),
        saved_plan.entry_key(URL, 'localhost', 'call queues', WANTED, False),
        saved_plan.entry_key(URL, 'localhost', 'hunt groups', WANTED[:1], False),
        saved_plan.entry_key(URL, 'localhost', 'hunt groups', [WANTED[0], Wanted('1005', 'present', {'display': 'Other'})], False),
        saved_plan.entry_key(URL, 'localhost', 'hunt groups', list(reversed(WANTED)), False),
        saved_plan.entry_key(URL, 'localhost', 'hunt groups', WANTED, True),
    ]
    assert key not in others and len(set(others)) == len(others)


def test_a_host_part_keeps_entries_in_order_replaces_a_repeated_task_and_expires_at_the_earliest():
    first = entry()
    second = entry(wanted=WANTED[:1], plans=plans()[:1])
    part = saved_plan.add_entry(None, first, NOW, 3600)
    assert part == {'vodia_pbx_plan': 1, 'collection_version': saved_plan.COLLECTION_VERSION,
                    'created': '2026-12-03T14:00:00Z', 'expires': '2026-12-03T15:00:00Z', 'entries': [first]}
    part = saved_plan.add_entry(part, second, NOW + 60, 86400)
    part = saved_plan.add_entry(part, first, NOW + 120, 86400)
    assert [item['key'] for item in part['entries']] == [first['key'], second['key']]
    assert (part['created'], part['expires']) == ('2026-12-03T14:00:00Z', '2026-12-03T15:00:00Z')


def test_a_plan_document_of_hosts_gives_every_entry_and_the_earliest_times():
    one = saved_plan.add_entry(None, entry(), NOW, 3600)
    two = saved_plan.add_entry(None, entry(wanted=WANTED[:1], plans=plans()[:1]), NOW + 10, 600)
    document = saved_plan.document({'a': one, 'b': two, 'c': {}})
    assert sorted(document['hosts']) == ['a', 'b']
    assert document['expires'] == '2026-12-03T14:10:10Z'
    assert len(saved_plan.entries_of(document, NOW + 20)) == 2
    assert len(saved_plan.entries_of(one, NOW + 20)) == 1


@pytest.mark.parametrize('age, refused', [(3599, False), (3600, True), (10 ** 6, True)])
def test_a_plan_past_its_expiry_is_refused(age, refused):
    part = saved_plan.add_entry(None, entry(), NOW, 3600)
    if not refused:
        assert saved_plan.entries_of(part, NOW + age)
        return
    with pytest.raises(VodiaPlanError) as failure:
        saved_plan.entries_of(part, NOW + age)
    assert 'expired at 2026-12-03T15:00:00Z' in failure.value.message
    assert failure.value.facts()['plan_differences'][0]['problem'] == 'expired'


def test_a_plan_of_another_collection_version_is_refused():
    part = dict(saved_plan.add_entry(None, entry(), NOW, 3600), collection_version='0.9.0')
    with pytest.raises(VodiaPlanError, match='made by vodia.pbx 0.9.0; this is vodia.pbx'):
        saved_plan.entries_of(part, NOW)


@pytest.mark.parametrize('given', [{}, {'hosts': {}}, 'plan', {'vodia_pbx_plan': 2}, {'vodia_pbx_plan': 1, 'entries': []}])
def test_something_that_is_not_a_plan_is_an_input_error(given):
    with pytest.raises((VodiaInputError, VodiaPlanError)):
        saved_plan.entries_of(given, NOW)


def test_a_ttl_out_of_range_is_an_input_error():
    with pytest.raises(VodiaInputError, match='plan_ttl must be between 60'):
        saved_plan.checked_ttl(59)
    assert saved_plan.checked_ttl(60) == 60


def test_an_unchanged_pbx_compares_equal():
    assert saved_plan.compare(entry(), entry()) == ([], [])


def test_an_account_changed_on_the_pbx_is_named_with_its_fields():
    changed = plans()
    changed[0] = dataclasses.replace(changed[0], current={'display': 'Other', 'st1_ext': '444'})
    done, differences = saved_plan.compare(entry(), entry(plans=changed))
    assert done == []
    assert [item['account'] for item in differences] == ['1002']
    assert differences[0]['fields']['display'] == {'planned_before': 'Hunt', 'now_before': 'Other',
                                                   'planned_write': 'Sales', 'now_write': 'Sales'}
    assert "display was 'Hunt', is 'Other'" in differences[0]['text']


def test_a_field_the_plan_does_not_write_changed_on_the_pbx_is_a_difference_too():
    changed = plans()
    changed[0] = dataclasses.replace(changed[0], current={'display': 'Hunt', 'st1_ext': '445'})
    _done, differences = saved_plan.compare(entry(), entry(plans=changed))
    assert 'in fields the plan does not write' in differences[0]['text']


def test_an_account_created_out_of_band_turns_a_creation_into_an_update():
    changed = plans()
    changed[1] = Plan(action='updated', domain='localhost', name='1005', desired={'display': 'New'},
                      current={'display': 'Hand made'}, changes={'display': 'New'}, predicted={'display': 'New'})
    _done, differences = saved_plan.compare(entry(), entry(plans=changed))
    assert differences[0]['text'] == '1005: planned to be created; now it would be updated (display)'


def test_accounts_already_as_planned_are_done_not_differences():
    applied = [Plan(action='unchanged', domain='localhost', name='1002', desired={'display': 'Sales'},
                    current={'display': 'Sales', 'st1_ext': '444'}, predicted={'display': 'Sales', 'st1_ext': '444'}),
               plans()[1]]
    assert saved_plan.compare(entry(), entry(plans=applied)) == (['1002'], [])


def test_a_purge_that_finds_a_new_account_differs_and_one_gone_is_done():
    purge = [Plan(action='deleted', domain='localhost', name='1003', current={'display': 'Old'})]
    saved = entry(purge=True, plans=plans() + purge)
    assert saved_plan.compare(saved, entry(purge=True, plans=plans())) == (['1003'], [])
    new = [Plan(action='deleted', domain='localhost', name='1009', current={'display': 'New one'})]
    _done, differences = saved_plan.compare(saved, entry(purge=True, plans=plans() + purge + new))
    assert differences[0]['text'] == '1009: not in the plan; now it would be deleted'


def test_the_desired_state_that_differs_is_named():
    entries = [entry()]
    changed = [WANTED[0], Wanted('1005', 'present', {'display': 'Other'}), Wanted('1006', 'absent', {})]
    key = saved_plan.entry_key(URL, 'localhost', 'hunt groups', changed, True)
    with pytest.raises(VodiaPlanError) as failure:
        saved_plan.find_entry(entries, key, URL, 'localhost', 'hunt groups', changed, True)
    problems = [(item['problem'], item.get('account')) for item in failure.value.differences]
    assert problems == [('desired_changed', '1005'), ('desired_added', '1006'), ('purge', None)]
    assert 'differs from the saved plan' in failure.value.message


def test_a_task_the_plan_has_no_entry_for_is_refused():
    with pytest.raises(VodiaPlanError, match='no entry for the call queues of domain localhost'):
        saved_plan.find_entry([entry()], 'x', URL, 'localhost', 'call queues', WANTED, False)


# The hooks of the operations, against the fake PBX ----------------------------------------------------------------

def params(spec, kind=HUNT_GROUP, **given):
    validation = ArgumentSpecValidator(spec(kind)).validate(dict(CONNECTION, **given))
    assert not validation.error_messages, validation.error_messages
    return validation.validated_parameters


def bulk(pbx, mode, kind=HUNT_GROUP, **given):
    given = dict({'domain': 'localhost'}, **given)
    return manage_many(kind, params(accounts_spec, kind, **given), mode, pbx).result


def single(pbx, mode, **given):
    return manage_one(HUNT_GROUP, params(account_spec, **dict({'domain': 'localhost'}, **given)), mode, pbx).result


GROUPS = [{'name': '1002', 'display_name': 'Sales'}, {'name': '1005', 'display_name': 'Support', 'stages': [{'extensions': ['444']}]}]


def saved(pbx, **given):
    """A check-mode run's host part of the plan, with nothing written."""
    writes = len(pbx.writes)
    result = bulk(pbx, CHECK, hunt_groups=GROUPS, save_plan=True, **given)
    assert len(pbx.writes) == writes
    return result['ansible_facts'][SAVED_PLAN_FACT]


def test_plan_then_apply_writes_exactly_the_planned_writes(pbx):
    plan = saved(pbx)
    entry_accounts = plan['entries'][0]['accounts']
    assert [(item['name'], item['action']) for item in entry_accounts] == [('1002', 'updated'), ('1005', 'created')]
    assert PASSWORD not in json.dumps(plan) and 'admin' not in json.dumps(plan)
    result = bulk(pbx, NORMAL, hunt_groups=GROUPS, saved_plan=plan)
    assert result['saved_plan'] == {'key': plan['entries'][0]['key'], 'writes': ['1002', '1005'], 'already_done': []}
    # The update's write is the planned one; the creation writes what it planned (after the new account's defaults).
    assert pbx.writes[0] == ('POST', '/rest/domain/localhost/user_settings/1002', {'display': 'Sales'})
    assert [write[1] for write in pbx.writes[1:]] == ['/rest/domain/localhost/addacc', '/rest/domain/localhost/user_settings/1005']
    assert pbx.writes[2][2] == {'display': 'Support', 'st1_ext': '444'}
    # Applied again: nothing left to write, and said so.
    writes = len(pbx.writes)
    again = bulk(pbx, NORMAL, hunt_groups=GROUPS, saved_plan=plan)
    assert not again['changed'] and len(pbx.writes) == writes
    assert again['saved_plan']['already_done'] == ['1002', '1005']


def test_an_account_changed_out_of_band_refuses_the_plan_before_any_write(pbx):
    plan = saved(pbx)
    pbx.accounts['localhost']['1002']['settings']['display'] = 'Changed by hand'
    writes = len(pbx.writes)
    with pytest.raises(VodiaPlanError) as failure:
        bulk(pbx, NORMAL, hunt_groups=GROUPS, saved_plan=plan)
    assert len(pbx.writes) == writes
    assert "1002: changed on the PBX since the plan (display was 'Hunt', is 'Changed by hand')" in failure.value.message
    assert failure.value.facts()['plan_differences'][0]['account'] == '1002'


def test_another_desired_state_is_refused_before_any_request(pbx):
    plan = saved(pbx)
    requests = len(pbx.requests)
    with pytest.raises(VodiaPlanError, match='what is asked of 1005 is not what was planned'):
        bulk(pbx, NORMAL, hunt_groups=[GROUPS[0], dict(GROUPS[1], display_name='Other')], saved_plan=plan)
    with pytest.raises(VodiaPlanError, match='purge was False in the plan and is True now'):
        bulk(pbx, NORMAL, hunt_groups=GROUPS, purge=True, saved_plan=plan)
    assert len(pbx.requests) == requests


def test_check_mode_with_a_saved_plan_verifies_and_writes_nothing(pbx):
    plan = saved(pbx)
    result = bulk(pbx, CHECK, hunt_groups=GROUPS, saved_plan=plan)
    assert result['changed'] and result['saved_plan']['writes'] == ['1002', '1005']
    assert pbx.writes == []
    pbx.accounts['localhost']['1002']['settings']['display'] = 'Changed by hand'
    with pytest.raises(VodiaPlanError):
        bulk(pbx, CHECK, hunt_groups=GROUPS, saved_plan=plan)


def test_save_plan_outside_check_mode_fails_before_any_request(pbx):
    with pytest.raises(VodiaInputError, match='save_plan saves the plan of a check-mode run'):
        bulk(pbx, NORMAL, hunt_groups=GROUPS, save_plan=True)
    assert pbx.requests == []


def test_tasks_of_a_play_build_one_host_part_and_each_applies_its_entry(pbx):
    pbx.add('700', 'acds', display='Queue')
    first = single(pbx, CHECK, name='1002', display_name='Sales', save_plan=True)['ansible_facts'][SAVED_PLAN_FACT]
    part = bulk(pbx, CHECK, CALL_QUEUE, call_queues=[{'name': '700', 'display_name': 'Orders'}], save_plan=True,
                **{PLAN_SO_FAR: first})['ansible_facts'][SAVED_PLAN_FACT]
    assert [item['kind'] for item in part['entries']] == ['hunt groups', 'call queues']
    document = saved_plan.document({'pbx-1': part})
    assert single(pbx, NORMAL, name='1002', display_name='Sales', saved_plan=document)['changed']
    assert bulk(pbx, NORMAL, CALL_QUEUE, call_queues=[{'name': '700', 'display_name': 'Orders'}], saved_plan=document)['changed']
    assert [write[2] for write in pbx.writes] == [{'display': 'Sales'}, {'display': 'Orders'}]


def test_a_single_account_task_changed_out_of_band_is_refused(pbx):
    part = single(pbx, CHECK, name='1002', display_name='Sales', save_plan=True)['ansible_facts'][SAVED_PLAN_FACT]
    pbx.accounts['localhost']['1002']['settings']['st1_ext'] = '445'
    with pytest.raises(VodiaPlanError, match='in fields the plan does not write'):
        single(pbx, NORMAL, name='1002', display_name='Sales', saved_plan=part)
    assert pbx.writes == []


def test_a_saved_purge_deletes_only_what_was_planned(pbx):
    pbx.add('1003', 'hunts', display='Old')
    part = bulk(pbx, CHECK, hunt_groups=[{'name': '1002', 'display_name': 'Hunt'}], purge=True, save_plan=True)
    part = part['ansible_facts'][SAVED_PLAN_FACT]
    pbx.add('1004', 'hunts', display='Made since')
    with pytest.raises(VodiaPlanError, match='1004: not in the plan; now it would be deleted'):
        bulk(pbx, NORMAL, hunt_groups=[{'name': '1002', 'display_name': 'Hunt'}], purge=True, saved_plan=part)
    assert pbx.writes == []


def test_service_flags_save_and_apply_like_every_kind(pbx):
    flags = [{'name': '800', 'display_name': 'Office hours'}]
    part = bulk(pbx, CHECK, SERVICE_FLAG, service_flags=flags, save_plan=True)['ansible_facts'][SAVED_PLAN_FACT]
    assert part['entries'][0]['accounts'][0]['action'] == 'created'
    assert bulk(pbx, NORMAL, SERVICE_FLAG, service_flags=flags, saved_plan=part)['saved_plan']['writes'] == ['800']


# The action adapter hands the host's part so far to the next saving task ----------------------------------------

def bulk_action(args, check_mode):
    action = make_action(HuntGroupsAction, dict(CONNECTION, domain='localhost', **args), action='vodia.pbx.vodia_hunt_groups',
                         check_mode=check_mode)
    action._execute_module = MagicMock(name='_execute_module')
    return action


def test_the_action_plugin_builds_the_host_part_task_after_task(pbx):
    pbx.add('1003', 'hunts', display='Other')
    first = bulk_action({'hunt_groups': [GROUPS[0]], 'save_plan': True}, True).run(task_vars={})
    part = first['ansible_facts'][SAVED_PLAN_FACT]
    second = bulk_action({'hunt_groups': [{'name': '1003', 'display_name': 'Three'}], 'save_plan': True}, True)
    # The facts the first task left are the host's variables for the next (with the run they belong to).
    part = second.run(task_vars=dict(first['ansible_facts']))['ansible_facts'][SAVED_PLAN_FACT]
    assert [item['accounts'][0]['name'] for item in part['entries']] == ['1002', '1003']
    # Not handed on to a task that does not save, nor outside check mode.
    verifying = bulk_action({'hunt_groups': [GROUPS[0]], 'saved_plan': part}, True)
    assert verifying.run(task_vars={SAVED_PLAN_FACT: part})['saved_plan']['writes'] == ['1002']
    assert 'ansible_facts' not in verifying.run(task_vars={SAVED_PLAN_FACT: part})
    applied = bulk_action({'hunt_groups': [GROUPS[0]], 'saved_plan': part}, False).run(task_vars={SAVED_PLAN_FACT: part})
    assert applied['changed'] and pbx.writes == [('POST', '/rest/domain/localhost/user_settings/1002', {'display': 'Sales'})]
    assert PASSWORD not in json.dumps(applied)


# A host's plan is checked whole before its first write ---------------------------------------------------------

QUEUES = [{'name': '700', 'display_name': 'Orders'}]


def two_task_plan(pbx):
    """The host part of a check run of two tasks: the hunt groups, then the call queues."""
    pbx.add('700', 'acds', display='Queue')
    part = bulk(pbx, CHECK, hunt_groups=GROUPS, save_plan=True)['ansible_facts'][SAVED_PLAN_FACT]
    return bulk(pbx, CHECK, CALL_QUEUE, call_queues=QUEUES, save_plan=True,
                **{PLAN_SO_FAR: part})['ansible_facts'][SAVED_PLAN_FACT]


def test_a_change_in_a_later_task_s_account_refuses_the_first_task_before_any_write(pbx):
    part = two_task_plan(pbx)
    pbx.accounts['localhost']['700']['settings']['display'] = 'Changed by hand'
    with pytest.raises(VodiaPlanError) as failure:
        bulk(pbx, NORMAL, hunt_groups=GROUPS, saved_plan=part)
    assert pbx.writes == []
    assert "700 (call queues of domain localhost): changed on the PBX since the plan (display was 'Queue', is 'Changed by hand')" in failure.value.message
    assert failure.value.message.startswith("The accounts of later tasks of this host's plan on PBX http://fake-pbx (checked before")


def test_an_account_created_for_a_later_task_s_creation_refuses_the_first_task(pbx):
    part = bulk(pbx, CHECK, hunt_groups=[GROUPS[0]], save_plan=True)['ansible_facts'][SAVED_PLAN_FACT]
    part = bulk(pbx, CHECK, CALL_QUEUE, call_queues=[{'name': '701', 'display_name': 'New'}], save_plan=True,
                **{PLAN_SO_FAR: part})['ansible_facts'][SAVED_PLAN_FACT]
    pbx.add('701', 'acds', display='Made by hand')
    with pytest.raises(VodiaPlanError, match='701 .call queues of domain localhost.: created on the PBX since the plan'):
        bulk(pbx, NORMAL, hunt_groups=[GROUPS[0]], saved_plan=part)
    assert pbx.writes == []


def test_a_plan_run_again_after_it_stopped_half_way_goes_on(pbx):
    part = two_task_plan(pbx)
    bulk(pbx, NORMAL, hunt_groups=GROUPS, saved_plan=part)
    bulk(pbx, NORMAL, CALL_QUEUE, call_queues=QUEUES, saved_plan=part)
    writes = len(pbx.writes)
    # Both tasks again: the first finds its own accounts and the later task's done, so nothing differs or is written.
    assert not bulk(pbx, NORMAL, hunt_groups=GROUPS, saved_plan=part)['changed']
    assert not bulk(pbx, NORMAL, CALL_QUEUE, call_queues=QUEUES, saved_plan=part)['changed']
    assert len(pbx.writes) == writes


def test_an_account_left_alone_may_change_where_the_task_sets_nothing(pbx):
    groups = [{'name': '1002', 'display_name': 'Hunt'}]
    part = bulk(pbx, CHECK, hunt_groups=groups, save_plan=True)['ansible_facts'][SAVED_PLAN_FACT]
    part = bulk(pbx, CHECK, CALL_QUEUE, call_queues=[{'name': '701', 'display_name': 'New'}], save_plan=True,
                **{PLAN_SO_FAR: part})['ansible_facts'][SAVED_PLAN_FACT]
    pbx.accounts['localhost']['1002']['settings']['st1_dur'] = '30'
    assert bulk(pbx, NORMAL, hunt_groups=groups, saved_plan=part)['saved_plan']['writes'] == []
    # A field it sets is another matter: checked before the first write, by the first task for the later ones.
    part = bulk(pbx, CHECK, CALL_QUEUE, call_queues=[{'name': '701', 'display_name': 'New'}], save_plan=True,
                )['ansible_facts'][SAVED_PLAN_FACT]
    part = bulk(pbx, CHECK, hunt_groups=groups, save_plan=True, **{PLAN_SO_FAR: part})['ansible_facts'][SAVED_PLAN_FACT]
    pbx.accounts['localhost']['1002']['settings']['display'] = 'Changed by hand'
    with pytest.raises(VodiaPlanError, match='1002 .hunt groups of domain localhost.: planned to be left alone'):
        bulk(pbx, NORMAL, CALL_QUEUE, call_queues=[{'name': '701', 'display_name': 'New'}], saved_plan=part)
    assert pbx.writes == []
