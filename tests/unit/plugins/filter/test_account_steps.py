# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.vodia.pbx.plugins.filter.account_steps import FilterModule, account_steps
from ansible_collections.vodia.pbx.plugins.filter.call_queue_steps import call_queue_steps

OFFICE = {'name': '801', 'display_name': 'Office hours'}
NIGHT = {'name': 800}
GONE = {'name': '802', 'state': 'absent'}


def test_service_flags_are_split_as_the_call_queues_are():
    assert account_steps(None, purge=True) == {'first': [], 'first_purge': False, 'last': []}
    assert account_steps([OFFICE, GONE, NIGHT]) == {'first': [OFFICE, NIGHT], 'first_purge': False, 'last': [GONE]}
    steps = account_steps([OFFICE, GONE, NIGHT], purge=True)
    assert steps['last'] == [GONE, {'name': '801'}, {'name': '800'}]
    assert account_steps([], purge=True) == {'first': [], 'first_purge': True, 'last': []}


def test_in_check_mode_a_flag_the_first_step_would_create_is_not_listed_again():
    converged = {'check_mode': True, 'results': [{'name': '801', 'action': 'created'}, {'name': '800', 'action': 'unchanged'}]}
    assert account_steps([OFFICE, NIGHT], purge=True, converged=converged)['last'] == [{'name': '800'}]


def test_call_queue_steps_is_the_same_filter_under_its_first_name():
    assert call_queue_steps is account_steps
    assert FilterModule().filters() == {'account_steps': account_steps}
