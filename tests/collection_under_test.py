# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection tree a pytest suite runs (VODIA_COLLECTIONS_PATH, which the Makefile sets), as a fixture that the
suites' conftest.py files import: tests/runner (ansible-runner jobs) and tests/eda (the event source and
ansible-rulebook)."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope='module')
def collections_path():
    path = os.environ.get('VODIA_COLLECTIONS_PATH')
    if not path or not os.path.isdir(os.path.join(path, 'ansible_collections', 'vodia', 'pbx')):
        pytest.fail('set VODIA_COLLECTIONS_PATH to a directory that holds ansible_collections/vodia/pbx '
                    '(tests/tools/collection_tree.sh DIR makes one)')
    return path
