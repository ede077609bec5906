# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the EDA tests share: the collection tree the source is loaded from (VODIA_COLLECTIONS_PATH), and two simulated
PBXs whose system administrator has the password of the test module (its SECRET), so that each module can check that
its own password shows nowhere."""

from __future__ import annotations

import pytest

from collection_under_test import collections_path  # noqa: F401  pylint: disable=unused-import
from pbxsim import seed
from pbxsim.process import launch

USERNAME = 'admin'
PBX_NAMES = ('pbx-a', 'pbx-b')


@pytest.fixture(scope='module')
def pbxs(request, tmp_path_factory):
    seed_file = seed.write_seed_with_password(tmp_path_factory.mktemp('seed') / 'seed.json', USERNAME, request.module.SECRET)
    sim = launch(['--pbx-count', str(len(PBX_NAMES)), '--seed', seed_file])
    yield sim
    sim.stop()
