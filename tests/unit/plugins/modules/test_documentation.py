# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Documentation that sanity tests do not check: examples use FQCNs, and the bulk module documents each item
exactly as vodia_hunt_group documents the same options."""

from __future__ import annotations

import json

import pytest
import yaml

from ansible_collections.vodia.pbx.plugins.modules import vodia_hunt_group, vodia_hunt_group_info, vodia_hunt_groups

MODULES = [vodia_hunt_group, vodia_hunt_group_info, vodia_hunt_groups]
TASK_KEYWORDS = {'name', 'register', 'when', 'loop', 'loop_control', 'module_defaults', 'block', 'check_mode', 'diff',
                 'vars', 'environment', 'delegate_to', 'tags'}


def task_actions(tasks):
    for task in tasks:
        for key in task:
            if key not in TASK_KEYWORDS:
                yield key
        for inner in task.get('block', []):
            yield from task_actions([inner])


@pytest.mark.parametrize('module', MODULES, ids=lambda module: module.__name__.rsplit('.', 1)[-1])
def test_examples_use_fully_qualified_names(module):
    actions = list(task_actions(yaml.safe_load(module.EXAMPLES)))
    assert actions
    assert all(action.startswith(('vodia.pbx.', 'ansible.builtin.')) for action in actions), actions


def test_bulk_items_are_documented_like_the_single_module():
    single = yaml.safe_load(vodia_hunt_group.DOCUMENTATION)['options']
    items = yaml.safe_load(vodia_hunt_groups.DOCUMENTATION)['options']['hunt_groups']['suboptions']
    shared = set(single) - {'domain', 'name', 'state'}
    assert shared == set(items) - {'name', 'state'}
    for option in sorted(shared):
        item_doc = json.dumps(items[option]).replace('hunt_groups[].', '')
        assert item_doc == json.dumps(single[option]), option
