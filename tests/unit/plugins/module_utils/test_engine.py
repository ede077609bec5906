# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import copy
import threading
import time

import pytest

from ansible_collections.vodia.pbx.plugins.module_utils import engine
from ansible_collections.vodia.pbx.plugins.module_utils.engine import Outcome, Plan, Wanted
from ansible_collections.vodia.pbx.plugins.module_utils.errors import PartialConvergeError, VodiaApiError, WrongKindError
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import HUNT_GROUP
from ansible_collections.vodia.pbx.plugins.module_utils.vodia_api import VodiaApi

HUNTS = '/rest/domain/localhost/hunts'
ADDACC = '/rest/domain/localhost/addacc'
SETTINGS_1002 = '/rest/domain/localhost/user_settings/1002'
SETTINGS_1005 = '/rest/domain/localhost/user_settings/1005'
USERS = '/rest/domain/localhost/users'


def run(pbx, name, state='present', check_mode=False, **desired):
    converged = engine.converge(VodiaApi(pbx), HUNT_GROUP, 'localhost', Wanted(name, state, desired), check_mode)
    [outcome] = converged.outcomes
    return outcome


def run_after(pbx, earlier_names, name, state='present', check_mode=False, **desired):
    """Converge as the next item of a loop does, with the hunts list an earlier item read."""
    return engine.converge(VodiaApi(pbx), HUNT_GROUP, 'localhost', Wanted(name, state, desired), check_mode, earlier_names)


# One hunt group --------------------------------------------------------------------------------

def test_a_create_adds_the_account_reads_its_defaults_and_writes_what_differs(pbx):
    outcome = run(pbx, '1005', display='Support', st1_ext='444', st2_ext='', rec='false')
    assert outcome.action == engine.CREATED and outcome.changed
    assert outcome.before == {}
    assert outcome.after['display_name'] == 'Support'
    assert outcome.after['stages'] == [{'extensions': ['444'], 'duration': None}]
    assert [request[:2] for request in pbx.requests] == [
        ('GET', HUNTS),
        ('GET', SETTINGS_1005),
        # A stage names accounts: the tenant's account list proves that 444 exists before anything is written.
        ('GET', USERS),
        ('POST', ADDACC),
        ('GET', SETTINGS_1005),
        ('POST', SETTINGS_1005),
    ]
    assert pbx.requests[3][2] == {'type': 'hunts', 'account': '1005'}
    # The answer to the write is the settings object, which verifies it; a PBX answering {} is read once more.
    assert pbx.requests[5][2] == {'display': 'Support', 'st1_ext': '444'}


def test_a_create_without_fields_to_set_writes_no_settings(pbx):
    outcome = run(pbx, '1005')
    assert outcome.action == engine.CREATED
    assert [request[:2] for request in pbx.writes] == [('POST', ADDACC)]
    assert outcome.after['aliases'] == ['1005']


def test_an_unchanged_hunt_group_costs_two_reads_and_no_write(pbx):
    outcome = run(pbx, '1002', display='Hunt', st1_ext='444')
    assert outcome.action == engine.UNCHANGED and not outcome.changed
    assert pbx.writes == []
    assert len(pbx.requests) == 2
    assert outcome.before == outcome.after


def test_an_update_sends_only_the_changed_fields(pbx):
    outcome = run(pbx, '1002', display='Sales', st1_ext='444')
    assert outcome.action == engine.UPDATED
    assert pbx.writes == [('POST', SETTINGS_1002, {'display': 'Sales'})]
    assert outcome.before['display_name'] == 'Hunt'
    assert outcome.after['display_name'] == 'Sales'


# What a settings write answers: {} on 69.5, true on some versions, nothing usable (a body that is not JSON).
@pytest.mark.parametrize('answer', [{}, True, None, ''])
def test_an_update_answered_without_the_settings_is_verified_by_reading_back(pbx, answer):
    write = pbx.post
    pbx.post = lambda path, body, repeatable=True: (write(path, body, repeatable), answer)[1]
    outcome = run(pbx, '1002', display='Sales')
    assert outcome.after['display_name'] == 'Sales'
    assert [request[:2] for request in pbx.requests][-2:] == [('POST', SETTINGS_1002), ('GET', SETTINGS_1002)]


@pytest.mark.parametrize('state, name, desired', [
    ('present', '1005', {'display': 'Support'}),
    ('present', '1005', {}),
    ('present', '1002', {'display': 'Sales'}),
    ('present', '1002', {'display': 'Hunt'}),
    ('absent', '1002', {}),
    ('absent', '1009', {}),
])
def test_check_mode_writes_nothing_and_predicts_the_real_run(pbx, state, name, desired):
    real_pbx = copy.deepcopy(pbx)
    predicted = run(pbx, name, state, check_mode=True, **desired)
    assert pbx.writes == []
    real = run(real_pbx, name, state, **desired)
    assert predicted.changed == real.changed
    assert predicted.action == real.action
    assert predicted.before == real.before
    if real.action == engine.CREATED:
        # The PBX adds defaults of its own on creation; every typed option and every predicted field is exact.
        for key, value in predicted.after.items():
            if key != 'settings' and value is not None:
                assert real.after[key] == value
        for key, value in predicted.after['settings'].items():
            assert real.after['settings'][key] == value
    else:
        assert predicted.after == real.after


def test_absent_deletes_the_hunt_group_and_proves_it_gone(pbx):
    outcome = run(pbx, '1002', 'absent')
    assert outcome.action == engine.DELETED and outcome.changed
    assert outcome.after == {}
    assert outcome.before['name'] == '1002'
    assert ('DELETE', '/rest/domain/localhost/addacc/1002', None) in pbx.requests
    assert '1002' not in pbx.accounts['localhost']


def test_absent_when_already_absent_changes_nothing(pbx):
    outcome = run(pbx, '1009', 'absent')
    assert outcome.action == engine.UNCHANGED and not outcome.changed
    assert outcome.before == outcome.after == {}
    assert pbx.writes == []


@pytest.mark.parametrize('state', ['present', 'absent'])
def test_an_account_of_another_type_is_never_touched(pbx, state):
    before = copy.deepcopy(pbx.accounts)
    with pytest.raises(WrongKindError, match=r"Account '444' in domain 'localhost' exists on the PBX but is not a hunt group \(it is not in the hunts list"):
        run(pbx, '444', state, display='Hijacked')
    assert pbx.writes == []
    assert pbx.accounts == before


def _name_stops_reaching_the_account_after_a_write(pbx):
    """The PBX answers every write, but from then on 1002/1005 is found only by its new aliases."""
    write = pbx.post

    def post(path, body, repeatable=True):
        answer = write(path, body, repeatable)
        if 'alias' in (body or {}):
            account = path.rsplit('/', 1)[1]
            pbx.accounts['localhost'][body['alias'][0]] = pbx.accounts['localhost'].pop(account)
        return answer
    pbx.post = post


def test_an_update_of_aliases_is_confirmed_by_reading_the_hunt_group_by_its_name(pbx):
    outcome = run(pbx, '1002', alias=['1002', 'sales'])
    assert outcome.after['aliases'] == ['1002', 'sales']
    assert [request[:2] for request in pbx.requests][-2:] == [('POST', SETTINGS_1002), ('GET', SETTINGS_1002)]


def test_aliases_that_lose_the_name_fail_the_task_saying_what_to_fix(pbx):
    _name_stops_reaching_the_account_after_a_write(pbx)
    with pytest.raises(VodiaApiError) as caught:
        run(pbx, '1002', alias=['sales'])
    assert "no longer answers to its name" in caught.value.message
    assert "Include '1002' in aliases" in caught.value.message


def test_a_create_whose_aliases_lose_the_name_says_so_instead_of_missing(pbx):
    _name_stops_reaching_the_account_after_a_write(pbx)
    with pytest.raises(VodiaApiError, match="no longer answers to its name"):
        run(pbx, '1005', alias=['support'])


def test_a_write_the_pbx_ignores_is_reported(pbx):
    pbx.ignore_settings_writes = True
    with pytest.raises(VodiaApiError, match=r"did not keep them \(display: sent 'Sales', the PBX holds 'Hunt'\)") as caught:
        run(pbx, '1002', display='Sales')
    assert (caught.value.method, caught.value.path) == ('POST', SETTINGS_1002)


def test_a_field_the_hunt_group_does_not_have_is_never_written(pbx):
    outcome = run(pbx, '1002', display='Sales', algo='sequential')
    assert pbx.writes == [('POST', SETTINGS_1002, {'display': 'Sales'})]
    assert outcome.unknown_fields == ('algo',)
    assert 'algo' not in outcome.after['settings']


def test_a_field_the_hunt_group_does_not_have_alone_changes_nothing(pbx):
    outcome = run(pbx, '1002', algo='sequential', param9='x', display='Hunt')
    assert outcome.action == engine.UNCHANGED and pbx.writes == []
    assert outcome.unknown_fields == ('algo', 'param9')


def test_clearing_a_field_the_hunt_group_does_not_have_is_no_change_and_no_report(pbx):
    outcome = run(pbx, '1002', algo='', display='Hunt')
    assert outcome.action == engine.UNCHANGED and outcome.unknown_fields == ()


def test_a_created_hunt_group_never_gets_the_fields_it_does_not_have_and_the_next_run_writes_nothing(pbx):
    created = run(pbx, '1005', display='Support', algo='sequential')
    assert created.action == engine.CREATED and created.unknown_fields == ('algo',)
    assert created.after['display_name'] == 'Support'
    assert pbx.writes[1] == ('POST', SETTINGS_1005, {'display': 'Support'})
    pbx.requests.clear()
    again = run(pbx, '1005', display='Support', algo='sequential')
    assert again.action == engine.UNCHANGED and again.unknown_fields == ('algo',)
    assert pbx.writes == []


def test_a_field_the_pbx_has_but_does_not_keep_still_fails_the_task(pbx):
    pbx.fields_not_kept = {'display'}
    pbx.accounts['localhost']['1002']['settings']['display'] = ''
    with pytest.raises(VodiaApiError, match='did not keep them'):
        run(pbx, '1002', display='Support')


def test_a_create_the_pbx_silently_drops_is_reported(pbx):
    pbx.create_silently_fails = True
    with pytest.raises(VodiaApiError, match='does not exist afterwards') as caught:
        run(pbx, '1005', display='Support')
    assert caught.value.status == 404


def test_a_created_account_gone_before_its_settings_are_written_is_reported(pbx):
    pbx.fail_with('POST', SETTINGS_1005, 404)
    with pytest.raises(VodiaApiError, match='does not exist afterwards') as caught:
        run(pbx, '1005', display='Support')
    assert (caught.value.method, caught.value.path, caught.value.status) == ('POST', SETTINGS_1005, 404)


def test_a_hunts_list_that_is_not_a_list_stops_before_any_write(pbx):
    pbx.get = lambda path, missing_ok=False: {'error': 'login'}
    with pytest.raises(VodiaApiError, match='refusing to guess'):
        run(pbx, '1005', display='Support')
    assert pbx.writes == []


def test_a_failed_settings_write_after_a_create_is_completed_by_the_next_run(pbx):
    pbx.fail_with('POST', SETTINGS_1005, 500)
    with pytest.raises(VodiaApiError, match="The hunt group '1005' was created but its settings were not written; run the task again") as caught:
        run(pbx, '1005', display='Support')
    assert caught.value.status == 500
    assert '1005' in pbx.accounts['localhost']
    outcome = run(pbx, '1005', display='Support')
    assert outcome.action == engine.UPDATED
    assert outcome.after['display_name'] == 'Support'


def test_a_deletion_answered_404_while_the_account_stays_is_an_error(pbx):
    pbx.delete_answers_404 = True
    with pytest.raises(VodiaApiError, match='still exists'):
        run(pbx, '1002', 'absent')


# Plans and outcomes ------------------------------------------------------------------------------

def test_a_plan_with_the_hunts_list_already_read_costs_only_the_settings_read(pbx):
    current = copy.deepcopy(pbx.accounts['localhost']['1002']['settings'])
    group_plan = engine.plan(VodiaApi(pbx), HUNT_GROUP, 'localhost', Wanted('1002', 'present', {'display': 'Sales'}), ['1002'])
    assert pbx.paths() == [SETTINGS_1002]
    assert group_plan == Plan(action=engine.UPDATED, domain='localhost', name='1002', desired={'display': 'Sales'},
                              current=current, changes={'display': 'Sales'}, predicted=dict(current, display='Sales'))


def test_the_plan_of_an_update_keeps_what_the_task_asks_apart_from_what_it_sends(pbx):
    group_plan = engine.plan(VodiaApi(pbx), HUNT_GROUP, 'localhost',
                             Wanted('1002', 'present', {'display': 'Sales', 'st1_ext': '444'}), ['1002'])
    assert group_plan.desired == {'display': 'Sales', 'st1_ext': '444'}
    assert group_plan.changes == {'display': 'Sales'}


def test_converge_hands_back_the_hunts_list_it_read(pbx):
    converged = engine.converge(VodiaApi(pbx), HUNT_GROUP, 'localhost', Wanted('1002', 'present', {'display': 'Hunt'}), False)
    assert converged.names == ['1002']
    assert converged.reference_warnings == []


# One hunt group after an earlier item of a loop -------------------------------------------------

def test_an_unchanged_hunt_group_settled_by_an_earlier_list_costs_one_read(pbx):
    converged = run_after(pbx, ['1002'], '1002', display='Hunt')
    assert converged.outcomes[0].action == engine.UNCHANGED
    assert [request[:2] for request in pbx.requests] == [('GET', SETTINGS_1002)]
    assert converged.names == ['1002']


def test_a_change_is_proved_with_a_fresh_list_before_the_write(pbx):
    converged = run_after(pbx, ['1002'], '1002', display='Sales')
    assert converged.outcomes[0].action == engine.UPDATED
    assert [request[:2] for request in pbx.requests] == [('GET', SETTINGS_1002), ('GET', HUNTS), ('POST', SETTINGS_1002)]


def test_a_change_in_check_mode_is_proved_with_a_fresh_list_too(pbx):
    converged = run_after(pbx, ['1002'], '1002', check_mode=True, display='Sales')
    assert converged.outcomes[0].action == engine.UPDATED
    assert [request[:2] for request in pbx.requests] == [('GET', SETTINGS_1002), ('GET', HUNTS)]


def test_an_account_that_is_no_longer_a_hunt_group_is_never_written(pbx):
    # The earlier list still names 444, which is (now) an extension: only a plan that writes nothing may trust it.
    with pytest.raises(WrongKindError):
        run_after(pbx, ['1002', '444'], '444', display='Changed')
    assert pbx.writes == []


def test_a_hunt_group_the_earlier_list_did_not_know_is_found_with_a_fresh_list(pbx):
    converged = run_after(pbx, [], '1002', display='Sales')
    assert converged.outcomes[0].action == engine.UPDATED
    assert converged.names == ['1002']
    assert pbx.writes[0][:2] == ('POST', SETTINGS_1002)


def test_a_hunt_group_deleted_since_the_earlier_list_is_created_again(pbx):
    converged = run_after(pbx, ['1002', '1005'], '1005', display='Support')
    assert converged.outcomes[0].action == engine.CREATED
    assert ('GET', HUNTS) in [request[:2] for request in pbx.requests]


def test_the_plan_of_a_new_hunt_group_predicts_its_own_name_as_alias(pbx):
    group_plan = engine.plan(VodiaApi(pbx), HUNT_GROUP, 'localhost', Wanted('1005', 'present', {'display': 'New'}), ['1002'])
    assert group_plan.action == engine.CREATED
    assert group_plan.current is None
    assert group_plan.changes == {'display': 'New'}
    assert group_plan.predicted == {'alias': ['1005'], 'display': 'New'}


def test_an_outcome_diff_is_before_and_after():
    outcome = Outcome('1002', engine.UPDATED, {'name': '1002', 'display_name': 'A'}, {'name': '1002', 'display_name': 'B'})
    assert outcome.changed
    assert outcome.diff() == {'before': {'name': '1002', 'display_name': 'A'}, 'after': {'name': '1002', 'display_name': 'B'}}
    assert not Outcome('1002', engine.UNCHANGED, {}, {}).changed


# Several hunt groups -----------------------------------------------------------------------------

def converge_many(pbx, wanted, purge=False, check_mode=False, workers=2):
    return engine.converge_many(VodiaApi(pbx), HUNT_GROUP, 'localhost', wanted, purge, check_mode, workers).outcomes


def test_converging_several_reads_the_hunts_list_once_and_reports_partial_progress(pbx):
    wanted = [Wanted('1002', 'present', {'display': 'Main'}), Wanted('1005', 'present', {'display': 'New'}),
              Wanted('1006', 'present', {})]
    pbx.fail_with('POST', SETTINGS_1005, 500)
    with pytest.raises(PartialConvergeError) as caught:
        converge_many(pbx, wanted)
    assert caught.value.message.startswith('Hunt group 1005: POST %s' % SETTINGS_1005)
    assert caught.value.cause.status == 500
    assert [(done.name, done.action) for done in caught.value.results] == [('1002', engine.UPDATED)]
    assert pbx.paths().count(HUNTS) == 1
    assert '1006' not in pbx.accounts['localhost']


def test_converging_several_plans_all_before_writing_any(pbx):
    wanted = [Wanted('1002', 'present', {'display': 'Main'}), Wanted('444', 'present', {'display': 'Hijacked'})]
    with pytest.raises(WrongKindError):
        converge_many(pbx, wanted)
    assert pbx.writes == []


def test_converging_several_in_check_mode_writes_nothing(pbx):
    wanted = [Wanted('1002', 'present', {'display': 'Main'}), Wanted('1005', 'present', {})]
    outcomes = converge_many(pbx, wanted, purge=True, check_mode=True)
    assert [(outcome.name, outcome.action) for outcome in outcomes] == [('1002', engine.UPDATED), ('1005', engine.CREATED)]
    assert pbx.writes == []


def test_purge_deletes_only_the_other_hunt_groups_after_the_listed_ones(pbx):
    pbx.accounts['localhost']['1003'] = {'type': 'hunts', 'settings': {'display': 'Old', 'alias': ['1003']}}
    outcomes = converge_many(pbx, [Wanted('1002', 'present', {}), Wanted('1005', 'present', {})], purge=True, workers=4)
    assert [(outcome.name, outcome.action) for outcome in outcomes] == [
        ('1002', engine.UNCHANGED), ('1005', engine.CREATED), ('1003', engine.DELETED)]
    assert '444' in pbx.accounts['localhost']
    assert '1003' not in pbx.accounts['localhost']


def test_purge_never_deletes_what_the_same_task_created_changed_or_already_deleted(pbx):
    pbx.accounts['localhost']['1003'] = {'type': 'hunts', 'settings': {'display': 'Old', 'alias': ['1003']}}
    pbx.accounts['localhost']['1004'] = {'type': 'hunts', 'settings': {'display': 'Gone', 'alias': ['1004']}}
    wanted = [Wanted('1002', 'present', {'display': 'Sales'}), Wanted('1005', 'present', {}), Wanted('1004', 'absent', {})]
    outcomes = converge_many(pbx, wanted, purge=True, workers=4)
    assert [(outcome.name, outcome.action) for outcome in outcomes] == [
        ('1002', engine.UPDATED), ('1005', engine.CREATED), ('1004', engine.DELETED), ('1003', engine.DELETED)]
    assert pbx.paths('DELETE') == ['/rest/domain/localhost/addacc/1004', '/rest/domain/localhost/addacc/1003']
    assert set(['1002', '1005']) <= set(pbx.accounts['localhost'])


def test_without_purge_unlisted_hunt_groups_stay(pbx):
    pbx.accounts['localhost']['1003'] = {'type': 'hunts', 'settings': {'display': 'Old', 'alias': ['1003']}}
    outcomes = converge_many(pbx, [Wanted('1002', 'present', {})])
    assert [outcome.name for outcome in outcomes] == ['1002']
    assert '1003' in pbx.accounts['localhost']


# Reading: one at a time while the PBX answers quickly, else in parallel ------------------------------

class SteppedClock:
    """A clock that a read moves forward by the time it is said to take."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def timed_reads(clock, seconds_by_item):
    def read(item):
        clock.now += seconds_by_item.get(item, 0.001)
        return (item, threading.current_thread())
    return read


def test_reads_answered_quickly_go_one_at_a_time_in_the_calling_thread():
    clock = SteppedClock()
    results = engine.read_all(timed_reads(clock, {}), ['a', 'b', 'c', 'd'], 4, clock=clock)
    assert results == [(item, threading.current_thread()) for item in 'abcd']


def test_once_reads_are_slow_on_average_the_rest_are_read_in_parallel_in_order():
    clock = SteppedClock()
    slow = engine.SLOW_ANSWER_SECONDS * 3
    results = engine.read_all(timed_reads(clock, {'a': slow, 'b': slow}), ['a', 'b', 'c', 'd', 'e'], 4, clock=clock)
    assert [item for item, _thread in results] == ['a', 'b', 'c', 'd', 'e']
    assert [thread is threading.current_thread() for _item, thread in results] == [True, True, False, False, False]


def test_one_late_answer_among_quick_ones_does_not_start_parallel_reads():
    clock = SteppedClock()
    late = engine.SLOW_ANSWER_SECONDS * 1.5
    results = engine.read_all(timed_reads(clock, {'a': late}), ['a', 'b', 'c', 'd'], 4, clock=clock)
    assert [thread for _item, thread in results] == [threading.current_thread()] * 4


def test_a_slow_pbx_is_read_in_parallel_from_the_third_read_on():
    barrier = threading.Barrier(3, timeout=5)
    clock = SteppedClock()

    def read(item):
        if item in ('first', 'second'):
            clock.now += 1.0
            return True
        return barrier.wait() >= 0

    assert engine.read_all(read, ['first', 'second', 'a', 'b', 'c'], 3, clock=clock) == [True] * 5


def test_a_failed_read_stops_the_reads_that_follow():
    clock = SteppedClock()
    read_items = []

    def read(item):
        read_items.append(item)
        if item == 'b':
            raise VodiaApiError('b failed')
        return item

    with pytest.raises(VodiaApiError, match='b failed'):
        engine.read_all(read, ['a', 'b', 'c'], 4, clock=clock)
    assert read_items == ['a', 'b']


def test_parallel_results_come_in_the_order_of_the_items():
    def slow_square(number):
        time.sleep(0.01 * (5 - number))
        return number * number

    assert engine.run_parallel(slow_square, range(5), 4) == [0, 1, 4, 9, 16]


def test_parallel_calls_really_overlap():
    barrier = threading.Barrier(3, timeout=5)
    assert engine.run_parallel(lambda item: barrier.wait() >= 0, ['a', 'b', 'c'], 3) == [True, True, True]


@pytest.mark.parametrize('workers, items', [(1, ['a', 'b', 'c']), (4, ['a'])])
def test_one_worker_or_one_item_runs_in_the_calling_thread(workers, items):
    threads = engine.run_parallel(lambda item: threading.current_thread(), items, workers)
    assert threads == [threading.current_thread()] * len(items)


def test_the_first_failure_in_item_order_is_raised():
    def read(item):
        if item == 'first':
            time.sleep(0.05)
            raise VodiaApiError('first failed')
        raise VodiaApiError('%s failed' % item)

    with pytest.raises(VodiaApiError, match='first failed'):
        engine.run_parallel(read, ['first', 'second'], 2)


def test_purge_targets_adds_every_unnamed_account_as_absent_in_the_lists_order():
    wanted = [Wanted('1002', engine.PRESENT, {'display': 'a'}), Wanted('1009', engine.ABSENT, {})]
    assert engine.purge_targets(wanted, ['1004', '1002', '1003']) == wanted + [
        Wanted('1004', engine.ABSENT, {}), Wanted('1003', engine.ABSENT, {})]
