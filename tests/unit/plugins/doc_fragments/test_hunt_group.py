# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The doc fragment vodia.pbx.hunt_group and its computed variant vodia.pbx.hunt_group.bulk."""

from __future__ import annotations

import pytest
import yaml

from ansible.plugins.loader import fragment_loader

from ansible_collections.vodia.pbx.plugins.doc_fragments.hunt_group import ModuleDocFragment
from ansible_collections.vodia.pbx.plugins.plugin_utils.bulk_docs import bulk_documentation, bulk_head


HEAD = bulk_head('hunt_groups', 'hunt group', 'vodia_hunt_group', '1002')


def test_ansible_loads_both_variants():
    # add_fragments() asks the loader for vodia.pbx.hunt_group and reads DOCUMENTATION, or BULK for ".bulk".
    fragment = fragment_loader.get('vodia.pbx.hunt_group')
    assert fragment is not None
    assert yaml.safe_load(fragment.DOCUMENTATION)['options']
    assert yaml.safe_load(fragment.BULK)['options']['hunt_groups']['suboptions']


def test_bulk_holds_every_option_as_a_suboption_of_each_item():
    single = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)
    bulk = yaml.safe_load(ModuleDocFragment.BULK)
    assert list(single) == ['options']
    assert list(bulk) == ['options']
    assert list(bulk['options']) == ['hunt_groups']
    items = bulk['options']['hunt_groups']
    assert (items['type'], items['elements'], items['required']) == ('list', 'dict', True)
    assert list(items['suboptions']) == ['name', 'state'] + list(single['options'])
    assert items['suboptions']['stages']['suboptions'] == single['options']['stages']['suboptions']


def test_bulk_prefixes_references_to_item_options_only():
    documentation = '''
options:
  stages:
    description:
      - See O(stages[].duration), O(name), O(state=absent), O(domain), O(stages_extra) and RV(stages).
    type: list
  other:
    description: Not O(stages).
'''
    text = yaml.safe_load(bulk_documentation(documentation, HEAD, 'hunt_groups'))['options']['hunt_groups']['suboptions']
    assert text['stages']['description'] == [
        'See O(hunt_groups[].stages[].duration), O(hunt_groups[].name), O(hunt_groups[].state=absent), O(domain), '
        'O(stages_extra) and RV(stages).']
    assert text['other']['description'] == 'Not O(hunt_groups[].stages).'


def test_bulk_keeps_blank_lines_and_block_text():
    documentation = 'options:\n  text:\n    description: |\n      one\n\n      two\n    type: str\n'
    text = yaml.safe_load(bulk_documentation(documentation, HEAD, 'hunt_groups'))['options']['hunt_groups']['suboptions']['text']
    assert text['description'] == 'one\n\ntwo\n'


@pytest.mark.parametrize('documentation', [
    'options:\n  a:\n    description: x\nnotes:\n  - y\n',
    'description: x\noptions:\n  a:\n    description: x\n',
])
def test_bulk_refuses_anything_but_options(documentation):
    with pytest.raises(ValueError):
        bulk_documentation(documentation, HEAD, 'hunt_groups')
