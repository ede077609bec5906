# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The filter vodia.pbx.from_vodia_csv: a thin adapter over module_utils/vodia_csv.py (tested there)."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.vodia.pbx.plugins.filter.from_vodia_csv import FilterModule, from_vodia_csv


def test_the_filter_returns_the_roles_variables_and_the_report():
    result = from_vodia_csv('#alias;type;display\n1002;hunts;Hunt\n500;attendants;Menu\n', domain='localhost')
    assert result['hunt_groups_domain'] == 'localhost'
    assert result['hunt_groups_list'] == [{'name': '1002', 'display_name': 'Hunt', 'settings': {}}]
    assert [entry['account'] for entry in result['not_imported']] == ['500']


def test_bad_input_is_a_filter_error_that_names_the_line():
    with pytest.raises(AnsibleFilterError, match='from_vodia_csv: line 2 has 3 values'):
        from_vodia_csv('#alias;type\n1002;hunts;x\n')
    with pytest.raises(AnsibleFilterError, match='empty_cells must be'):
        from_vodia_csv('#alias\n', empty_cells='no')


def test_the_filter_is_published_under_its_name():
    assert FilterModule().filters() == {'from_vodia_csv': from_vodia_csv}
