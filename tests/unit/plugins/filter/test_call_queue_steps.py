# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.vodia.pbx.plugins.filter.call_queue_steps import FilterModule, call_queue_steps

SUPPORT = {'name': '5000', 'display_name': 'Support', 'agents': ['444']}
SALES = {'name': 5001, 'agents': ['446']}
GONE = {'name': '5002', 'state': 'absent'}


def test_without_call_queues_neither_step_has_an_item():
    assert call_queue_steps(None, purge=True) == {'first': [], 'first_purge': False, 'last': []}


def test_queues_are_converged_first_and_deleted_last():
    assert call_queue_steps([SUPPORT, GONE, SALES]) == {'first': [SUPPORT, SALES], 'first_purge': False, 'last': [GONE]}


def test_with_purge_the_last_step_names_every_listed_queue_so_that_only_the_others_are_deleted():
    steps = call_queue_steps([SUPPORT, GONE, SALES], purge='yes')
    assert steps['first'] == [SUPPORT, SALES] and steps['first_purge'] is False
    assert steps['last'] == [GONE, {'name': '5000'}, {'name': '5001'}]


def test_an_empty_list_with_purge_reaches_the_modules_refusal_in_the_first_step():
    assert call_queue_steps([], purge=True) == {'first': [], 'first_purge': True, 'last': []}
    assert call_queue_steps([], purge=False) == {'first': [], 'first_purge': False, 'last': []}
    # Only absent items is not an empty list: nothing is created, the purge runs last.
    assert call_queue_steps([GONE], purge=True) == {'first': [], 'first_purge': False, 'last': [GONE]}


def test_in_check_mode_the_queues_the_first_step_would_create_are_not_listed_again():
    converged = {'check_mode': True, 'results': [{'name': '5000', 'action': 'created'}, {'name': '5001', 'action': 'unchanged'}]}
    assert call_queue_steps([SUPPORT, SALES], purge=True, converged=converged)['last'] == [{'name': '5001'}]
    # In a real run they exist, and purge must keep them.
    real = dict(converged, check_mode=False)
    assert call_queue_steps([SUPPORT, SALES], purge=True, converged=real)['last'] == [{'name': '5000'}, {'name': '5001'}]
    # Purge needs an item: when every listed queue would be created, they stay.
    only_new = {'check_mode': True, 'results': [{'name': '5000', 'action': 'created'}]}
    assert call_queue_steps([SUPPORT], purge=True, converged=only_new)['last'] == [{'name': '5000'}]


def test_a_list_the_module_refuses_goes_whole_into_the_first_step():
    twice = [SUPPORT, dict(SUPPORT, state='absent')]
    assert call_queue_steps(twice, purge=True) == {'first': twice, 'first_purge': False, 'last': []}
    assert call_queue_steps('5000', purge=True) == {'first': '5000', 'first_purge': False, 'last': []}


def test_a_purge_that_is_not_a_boolean_counts_as_false_here():
    assert call_queue_steps([SUPPORT], purge='maybe')['last'] == []


def test_the_filter_is_published_under_its_name():
    assert FilterModule().filters() == {'call_queue_steps': call_queue_steps}
