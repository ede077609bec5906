# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The layers import in one direction only:
adapters -> operations -> engine -> models (field tables, kinds, references) -> Vodia API -> transport.

Read from the source with ast, so a new import that points the wrong way fails here, not in review.
"""

from __future__ import annotations

import ast
import os

import pytest

PLUGINS = os.path.join(os.path.dirname(__file__), '..', '..', '..', 'plugins')
PREFIX = 'ansible_collections.vodia.pbx.plugins.'

# The models: what an account kind is, its fields and the references between accounts. Plain data, no I/O.
MODELS = {'module_utils.fields', 'module_utils.account_kind', 'module_utils.hunt_group', 'module_utils.call_queue',
          'module_utils.service_flag', 'module_utils.kinds', 'module_utils.references'}

# What each file of the collection may import from the collection itself.
ALLOWED = {
    'module_utils/errors.py': set(),
    'module_utils/tls.py': {'module_utils.errors'},
    'module_utils/transport.py': {'module_utils.errors', 'module_utils.tls'},
    'module_utils/pbx_limit.py': {'module_utils.errors'},
    'module_utils/connection.py': {'module_utils.errors', 'module_utils.pbx_limit', 'module_utils.transport'},
    'module_utils/vodia_api.py': {'module_utils.errors'},
    'module_utils/fields.py': {'module_utils.errors'},
    'module_utils/account_kind.py': {'module_utils.fields'},
    'module_utils/hunt_group.py': {'module_utils.account_kind', 'module_utils.errors', 'module_utils.fields'},
    'module_utils/call_queue.py': {'module_utils.account_kind', 'module_utils.errors', 'module_utils.fields'},
    'module_utils/service_flag.py': {'module_utils.account_kind', 'module_utils.fields'},
    'module_utils/kinds.py': {'module_utils.account_kind', 'module_utils.call_queue', 'module_utils.hunt_group',
                              'module_utils.service_flag'},
    'module_utils/references.py': {'module_utils.account_kind', 'module_utils.fields'},
    'module_utils/engine.py': {'module_utils.errors', 'module_utils.vodia_api'} | MODELS,
    'module_utils/runner.py': {'module_utils.connection', 'module_utils.errors'},
    'module_utils/operations.py': {'module_utils.engine', 'module_utils.errors', 'module_utils.vodia_api', 'module_utils.runner',
                                   'module_utils.account_kind', 'module_utils.fields', 'module_utils.references',
                                   'module_utils.saved_plan', 'module_utils.kinds'},
    # Saved plans: plain data (build, digest, check, compare) over plans it reads by their attributes, below operations.
    'module_utils/saved_plan.py': {'module_utils.errors'},
    'module_utils/tenants.py': {'module_utils.connection', 'module_utils.errors', 'module_utils.vodia_api'},
    'module_utils/argument_specs.py': {'module_utils.account_kind', 'module_utils.connection', 'module_utils.fields',
                                       'module_utils.runner'},
    'module_utils/module_adapter.py': {'module_utils.argument_specs', 'module_utils.runner', 'module_utils.transport'},
    'plugin_utils/action_adapter.py': {'module_utils.argument_specs', 'module_utils.runner', 'module_utils.transport'},
    # Computes the bulk variant of a kind's doc fragment from its text: it imports nothing of the collection.
    'plugin_utils/bulk_docs.py': set(),
    # The inventory plugin is an adapter: it reads tenants through the core and knows no account kind.
    'inventory/tenants.py': {'module_utils.connection', 'module_utils.errors', 'module_utils.tenants'},
    # The git delivery of exports and reports (vodia.pbx.git_publish): git and the error family, no PBX.
    'module_utils/git_publish.py': {'module_utils.errors'},
    # The vendor's bulk CSV read into the roles' variables: plain data over the field tables of every kind.
    'module_utils/vodia_csv.py': {'module_utils.errors', 'module_utils.fields', 'module_utils.kinds'},
    # Drift against a desired state (the vodia.pbx.drift event source): the engine's plans and the bulk modules'
    # validation of items, read-only; beside operations, never below it.
    'module_utils/drift.py': {'module_utils.engine', 'module_utils.operations', 'module_utils.errors', 'module_utils.fields',
                              'module_utils.account_kind', 'module_utils.hunt_group', 'module_utils.call_queue',
                              'module_utils.service_flag', 'module_utils.kinds', 'module_utils.vodia_api'},
}
# The event sources of extensions/eda (ansible-rulebook runs them, Ansible does not): adapters of the core, knowing no
# Ansible either, with the comparison in module_utils.
EVENT_SOURCES = {
    '../extensions/eda/plugins/event_source/drift.py': {
        'module_utils.drift', 'module_utils.connection', 'module_utils.errors', 'module_utils.fields',
        'module_utils.operations', 'module_utils.pbx_limit', 'module_utils.tenants', 'module_utils.vodia_api'},
}
# Files that know nothing of Ansible: they import no ansible.* module at all.
ANSIBLE_FREE = {'errors', 'tls', 'transport', 'pbx_limit', 'connection', 'vodia_api', 'fields', 'account_kind', 'hunt_group', 'call_queue',
                'service_flag', 'kinds', 'references', 'engine', 'runner', 'operations', 'tenants', 'git_publish', 'saved_plan',
                'vodia_csv', 'drift'}
# What a module file or an action plugin may import: it binds a spec and an operation to its kind, nothing more.
BINDING = {'module_utils.argument_specs', 'module_utils.operations', 'module_utils.hunt_group', 'module_utils.call_queue',
           'module_utils.service_flag'}
ADAPTER_OF = {'modules': 'module_utils.module_adapter', 'action': 'plugin_utils.action_adapter'}
# Modules that manage no PBX account bind no kind: each is the adapter of a module_utils file of its own.
STANDALONE_MODULES = {'modules/git_publish.py': {'module_utils.errors', 'module_utils.git_publish'}}


def imports_of(relative_path):
    with open(os.path.join(PLUGINS, relative_path), encoding='utf-8') as handle:
        tree = ast.parse(handle.read())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update('%s.%s' % (node.module, alias.name) for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def collection_imports(relative_path):
    found = set()
    for name in imports_of(relative_path):
        if name.startswith(PREFIX):
            parts = name[len(PREFIX):].split('.')
            if len(parts) >= 2:
                found.add('.'.join(parts[:2]))
    return found - {'module_utils', 'plugin_utils'}


def test_every_layer_file_is_listed():
    listed = set(ALLOWED)
    for directory in ('module_utils', 'plugin_utils'):
        for name in os.listdir(os.path.join(PLUGINS, directory)):
            if name.endswith('.py') and name != '__init__.py':
                assert '%s/%s' % (directory, name) in listed, 'add %s/%s to ALLOWED with the layers it may import' % (directory, name)


@pytest.mark.parametrize('relative_path', sorted(ALLOWED))
def test_imports_point_one_way(relative_path):
    own = relative_path[:-3].replace('/', '.')
    assert collection_imports(relative_path) - {own} <= ALLOWED[relative_path]


@pytest.mark.parametrize('name', sorted(ANSIBLE_FREE))
def test_the_core_knows_nothing_of_ansible(name):
    ansible_imports = [imported for imported in imports_of('module_utils/%s.py' % name)
                       if imported.startswith('ansible.') or imported == 'ansible']
    assert not ansible_imports


@pytest.mark.parametrize('relative_path', sorted(EVENT_SOURCES))
def test_event_sources_adapt_the_core_and_know_no_ansible(relative_path):
    assert collection_imports(relative_path) <= EVENT_SOURCES[relative_path]
    assert not [imported for imported in imports_of(relative_path) if imported.startswith('ansible.') or imported == 'ansible']


@pytest.mark.parametrize('relative_path', ['plugin_utils/action_adapter.py', 'module_utils/module_adapter.py'])
def test_the_base_adapters_import_no_account_code(relative_path):
    imported = collection_imports(relative_path)
    assert not imported & (MODELS | {'module_utils.engine', 'module_utils.operations', 'module_utils.vodia_api'})


def test_the_allowed_imports_point_one_way():
    """No file may reach itself through the imports ALLOWED permits: the layers form no cycle."""
    graph = dict((path[:-3].replace('/', '.'), allowed) for path, allowed in ALLOWED.items())

    def reachable(start):
        seen, todo = set(), list(graph.get(start, ()))
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo.extend(graph.get(name, ()))
        return seen

    assert [name for name in graph if name in reachable(name)] == []


@pytest.mark.parametrize('layer', ['module_utils/vodia_api.py'] + ['module_utils/%s.py' % name.split('.')[1] for name in sorted(MODELS)])
def test_the_api_and_the_models_never_reach_up(layer):
    assert not ALLOWED[layer] & {'module_utils.transport', 'module_utils.connection', 'module_utils.engine',
                                 'module_utils.operations', 'module_utils.runner', 'module_utils.argument_specs'}


def test_the_models_do_not_talk_to_a_pbx():
    for name in MODELS:
        assert 'module_utils.vodia_api' not in ALLOWED['module_utils/%s.py' % name.split('.')[1]]


def binding_files():
    for directory in sorted(ADAPTER_OF):
        for name in sorted(os.listdir(os.path.join(PLUGINS, directory))):
            if name.endswith('.py') and name != '__init__.py' and '%s/%s' % (directory, name) not in STANDALONE_MODULES:
                yield '%s/%s' % (directory, name)


@pytest.mark.parametrize('relative_path', list(binding_files()))
def test_modules_and_action_plugins_only_bind_a_spec_and_an_operation_to_a_kind(relative_path):
    imported = collection_imports(relative_path)
    assert imported <= BINDING | {ADAPTER_OF[relative_path.split('/')[0]]}
    assert 'module_utils.operations' in imported and 'module_utils.argument_specs' in imported


@pytest.mark.parametrize('relative_path', sorted(STANDALONE_MODULES))
def test_a_module_that_binds_no_kind_imports_only_its_own_logic(relative_path):
    assert collection_imports(relative_path) == STANDALONE_MODULES[relative_path]
