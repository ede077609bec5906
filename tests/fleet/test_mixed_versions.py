# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A fleet whose PBXs run different versions, as a service provider's do: pbx-nyc answers as v58, pbx-lon as 69.x
and pbx-syd as 70.x (the simulator's version profiles, docs/simulator.md). One playbook run serves them all.

Run by `make test-fleet` with VODIA_COLLECTIONS_PATH pointing at a tree that holds vodia.pbx.
"""

from __future__ import annotations

import os
import sys

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO_ROOT, 'tests', 'tools'))

from demo import EXAMPLE, HOSTS  # noqa: E402  pylint: disable=wrong-import-position
from simulated_fleet import (  # noqa: E402  pylint: disable=wrong-import-position
    EXAMPLE_HUNT_GROUPS, add_named_accounts, clear_journals, journals, rest, run_playbook, start_fleet)

PROFILES = ['v58', 'v69', 'v70']
NYC, LON, SYD = range(len(HOSTS))
BACKUP = os.path.join(REPO_ROOT, 'examples', 'backup')
BRANCH = 'branch.example.com'


@pytest.fixture(scope='module')
def fleet(tmp_path_factory):
    simulator, inventory = start_fleet(tmp_path_factory.mktemp('mixed'), profiles=PROFILES)
    yield simulator, inventory
    simulator.stop()


@pytest.fixture
def converged(fleet):
    simulator, _inventory = fleet
    simulator.reset_all()
    run_playbook(fleet, os.path.join(EXAMPLE, 'playbook.yml'), '-e', 'hunt_groups_purge=true')
    clear_journals(fleet)
    return fleet


def writes(fleet):
    return [journal['writes'] for journal in journals(fleet)]


def test_each_pbx_answers_as_its_version(fleet):
    assert [rest(fleet, index, '/rest/system/status')['version'] for index in range(len(HOSTS))] == [
        '58.0.0', '69.5.0', '70.3.1']


def test_one_run_converges_every_version_and_the_next_writes_nothing(converged):
    for index, host in enumerate(HOSTS):
        assert sorted(group['name'] for group in rest(converged, index, '/rest/domain/localhost/hunts')) == \
            EXAMPLE_HUNT_GROUPS[host]
    changed, _output = run_playbook(converged, os.path.join(EXAMPLE, 'playbook.yml'), '-e', 'hunt_groups_purge=true')
    assert changed == dict((host, 0) for host in HOSTS)
    assert writes(converged) == [0, 0, 0]


def test_every_pbx_takes_back_its_own_export_without_a_write(converged, tmp_path):
    run_playbook(converged, os.path.join(BACKUP, 'export.yml'), '-e', 'hunt_groups_export_dir=%s' % tmp_path)
    assert 'oauth_list' in (tmp_path / 'pbx-syd.yml').read_text(encoding='utf-8')
    changed, _output = run_playbook(converged, os.path.join(BACKUP, 'restore.yml'),
                                    '-e', 'hunt_groups_export_dir=%s' % tmp_path)
    assert changed == dict((host, 0) for host in HOSTS)
    assert writes(converged) == [0, 0, 0]


@pytest.mark.parametrize('source, target', [(SYD, NYC), (NYC, SYD)], ids=['70-to-58', '58-to-70'])
def test_a_copy_between_versions_converges_and_stays_converged(converged, tmp_path, source, target):
    run_playbook(converged, os.path.join(BACKUP, 'export.yml'), '-e', 'hunt_groups_export_dir=%s' % tmp_path,
                 '--limit', HOSTS[source])
    # The hunt groups name extensions and the auto attendant by number: the tenant they are copied to has the same.
    add_named_accounts(converged, target, BRANCH)
    # The whole call flow: the tenant's service flag (the seed's 800) and call queue (700) with the hunt groups.
    copy = [os.path.join(BACKUP, 'restore_call_flow.yml'), '-e', 'hunt_groups_export_dir=%s' % tmp_path,
            '--limit', HOSTS[target], '-e', 'restore_from=%s' % HOSTS[source], '-e', 'restore_domain=%s' % BRANCH]
    changed, output = run_playbook(converged, *copy)
    assert changed == {HOSTS[target]: 3}, output  # the flag, the queue and the hunt groups
    copied = sorted(group['name'] for group in rest(converged, target, '/rest/domain/%s/hunts' % BRANCH))
    assert copied == EXAMPLE_HUNT_GROUPS[HOSTS[source]]
    assert [flag['name'] for flag in rest(converged, target, '/rest/domain/%s/srvflags' % BRANCH)] == ['800']
    assert [queue['name'] for queue in rest(converged, target, '/rest/domain/%s/acds' % BRANCH)] == ['700']

    clear_journals(converged)
    changed, output = run_playbook(converged, *copy)
    assert changed == {HOSTS[target]: 0}
    assert writes(converged) == [0, 0, 0]
    # The empty fields a 70.x export carries are no change on an older PBX, so there is nothing to warn about.
    assert 'has no field' not in output
