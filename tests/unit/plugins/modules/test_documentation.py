# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Documentation that sanity tests do not check.

- Examples use FQCNs.
- The options of the modules, as ansible-doc shows them (doc fragments merged in), match the argument
  specs the modules run with: the same names, types, elements, defaults, choices, required flags and
  suboptions. validate-modules checks much of this too, but not every detail of nested suboptions, and
  only when sanity runs.
- The bulk module of each kind (vodia_hunt_groups, vodia_call_queues) documents each item of its list exactly as
  the single module (vodia_hunt_group, vodia_call_queue) documents the same options, so the two cannot drift apart.
"""

from __future__ import annotations

import json

import pytest
import yaml

from ansible.plugins.loader import fragment_loader, module_loader
from ansible.utils.plugin_docs import get_plugin_docs

from ansible_collections.vodia.pbx.plugins.module_utils import argument_specs
from ansible_collections.vodia.pbx.plugins.module_utils.call_queue import CALL_QUEUE
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import HUNT_GROUP
from ansible_collections.vodia.pbx.plugins.module_utils.service_flag import SERVICE_FLAG
from ansible_collections.vodia.pbx.plugins.modules import (
    vodia_call_queue,
    vodia_call_queue_info,
    vodia_call_queues,
    vodia_hunt_group,
    vodia_hunt_group_info,
    vodia_hunt_groups,
    vodia_service_flag,
    vodia_service_flag_info,
    vodia_service_flags,
)

MODULES = [vodia_hunt_group, vodia_hunt_group_info, vodia_hunt_groups, vodia_call_queue, vodia_call_queue_info, vodia_call_queues,
           vodia_service_flag, vodia_service_flag_info, vodia_service_flags]
TASK_KEYWORDS = {'name', 'register', 'when', 'loop', 'loop_control', 'module_defaults', 'block', 'check_mode', 'diff',
                 'vars', 'environment', 'delegate_to', 'tags'}
# Each kind with its single, info and bulk module.
KINDS_AND_MODULES = [
    (HUNT_GROUP, ('vodia_hunt_group', 'vodia_hunt_group_info', 'vodia_hunt_groups')),
    (CALL_QUEUE, ('vodia_call_queue', 'vodia_call_queue_info', 'vodia_call_queues')),
    (SERVICE_FLAG, ('vodia_service_flag', 'vodia_service_flag_info', 'vodia_service_flags')),
]
KIND_IDS = [kind.result_key for kind, _modules in KINDS_AND_MODULES]
SPECS = {}
for _kind, (_single, _info, _bulk) in KINDS_AND_MODULES:
    SPECS[_single] = (argument_specs.account_spec, _kind)
    SPECS[_info] = (argument_specs.account_info_spec, _kind)
    SPECS[_bulk] = (argument_specs.accounts_spec, _kind)
CONNECTION_OPTIONS = set(argument_specs.connection_spec())
# Options of a task that are not options of one account, and so not of a bulk item.
TASK_ONLY_OPTIONS = {'domain', 'reference_check', 'planned_accounts', 'planned_references'}
# The options of saved plans (argument_specs._plan_options) are of the task too.
TASK_ONLY_OPTIONS |= {'save_plan', 'plan_ttl', 'saved_plan', 'saved_plan_so_far'}
ITEM_IDENTITY = {'name', 'state'}


def short_name(module):
    return module.__name__.rsplit('.', 1)[-1]


def task_actions(tasks):
    for task in tasks:
        for key in task:
            if key not in TASK_KEYWORDS:
                yield key
        for inner in task.get('block', []):
            yield from task_actions([inner])


def documented_options(name):
    """The options of vodia.pbx.NAME as ansible-doc loads them: DOCUMENTATION with its doc fragments merged in."""
    doc = get_plugin_docs('vodia.pbx.%s' % name, 'module', module_loader, fragment_loader, False)[0]
    # Round-trip through JSON, as ansible-doc --json does: plain dicts, lists and strings.
    return json.loads(json.dumps(doc['options']))


def comparable(options, children='suboptions'):
    """What an option must agree on between the documentation and the argument spec, and between modules."""
    result = {}
    for name, option in options.items():
        entry = {
            'type': option.get('type', 'str'),
            'elements': option.get('elements'),
            'default': option.get('default'),
            'choices': option.get('choices'),
            'required': bool(option.get('required', False)),
        }
        if option.get(children):
            entry['suboptions'] = comparable(option[children], children)
        result[name] = entry
    return result


@pytest.mark.parametrize('module', MODULES, ids=short_name)
def test_examples_use_fully_qualified_names(module):
    actions = list(task_actions(yaml.safe_load(module.EXAMPLES)))
    assert actions
    assert all(action.startswith(('vodia.pbx.', 'ansible.builtin.')) for action in actions), actions


@pytest.mark.parametrize('name', sorted(SPECS))
def test_documented_options_match_the_argument_spec(name):
    documented = comparable(documented_options(name))
    make_spec, kind = SPECS[name]
    spec = comparable(make_spec(kind), children='options')
    assert sorted(documented) == sorted(spec)
    for option in sorted(spec):
        assert documented[option] == spec[option], option


@pytest.mark.parametrize('kind, modules', KINDS_AND_MODULES, ids=KIND_IDS)
def test_bulk_items_are_documented_like_the_single_module(kind, modules):
    single_module, _info, bulk_module = modules
    single = documented_options(single_module)
    items = documented_options(bulk_module)[kind.results_key]['suboptions']
    shared = set(single) - CONNECTION_OPTIONS - TASK_ONLY_OPTIONS - ITEM_IDENTITY
    assert shared
    assert sorted(shared) == sorted(set(items) - ITEM_IDENTITY)
    for option in sorted(shared):
        # The same text, word for word, except that references to options point into the list.
        bulk_text = json.dumps(items[option], sort_keys=True).replace('%s[].' % kind.results_key, '')
        assert bulk_text == json.dumps(single[option], sort_keys=True), option
    # name and state are worded for each module, but must accept the same values.
    assert comparable(dict((key, items[key]) for key in ITEM_IDENTITY)) == comparable(dict((key, single[key]) for key in ITEM_IDENTITY))


def test_bulk_references_point_into_the_list():
    items = documented_options('vodia_hunt_groups')['hunt_groups']['suboptions']
    assert 'O(hunt_groups[].stages[].duration)' in ' '.join(items['stages']['description'])


@pytest.mark.parametrize('kind', [kind for kind, _modules in KINDS_AND_MODULES], ids=KIND_IDS)
def test_bulk_items_take_the_options_of_the_single_module(kind):
    single = argument_specs.account_spec(kind)
    items = argument_specs.accounts_spec(kind)[kind.results_key]['options']
    for option in CONNECTION_OPTIONS | TASK_ONLY_OPTIONS:
        single.pop(option)
    assert comparable(items, children='options') == comparable(single, children='options')


@pytest.mark.parametrize('name', [name for name, (make_spec, _kind) in sorted(SPECS.items()) if make_spec is not argument_specs.account_info_spec])
def test_every_converging_module_documents_the_reference_check(name):
    documented = documented_options(name)
    assert documented['reference_check']['default'] == 'error'
    assert documented['reference_check']['choices'] == ['error', 'warn']
    assert documented['planned_accounts']['type'] == 'dict'
