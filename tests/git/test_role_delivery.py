# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The roles' git delivery end to end, on the three simulated PBXs of the fleet example (docs/git-delivery.md):

- the export role pushes one file per PBX, in the form it writes to a directory; an unchanged re-run commits nothing
  and reports no change; check mode after a change on a PBX reports the change and pushes nothing;
- the hunt_groups role's drift report of a check run, and the report vodia.pbx.drift_merge builds from the run's
  artifacts, are pushed with commit messages that sum them up.

    PYTHONPATH=tests VODIA_COLLECTIONS_PATH=<dir holding ansible_collections/vodia/pbx> .venv/bin/pytest -q tests/git
"""

from __future__ import annotations

import json
import os

import pytest

from fleet.simulated_fleet import clear_journals, journals, rest, run_playbook, start_fleet
from git_servers import bare_repository, commits, git, tree

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXPORT = os.path.join(REPO_ROOT, 'examples', 'backup', 'export.yml')
CONVERGE = os.path.join(REPO_ROOT, 'examples', 'fleet', 'playbook.yml')
ARTIFACTS_CALLBACK = os.path.join(REPO_ROOT, 'tests', 'integration', 'targets', 'hunt_groups_drift_slices',
                                  'callback_plugins')
HOSTS = ['pbx-lon', 'pbx-nyc', 'pbx-syd']
NYC = 0


@pytest.fixture(scope='module')
def fleet(tmp_path_factory):
    simulator, inventory = start_fleet(tmp_path_factory.mktemp('git-fleet'))
    yield simulator, inventory
    simulator.stop()


@pytest.fixture
def seeded(fleet):
    simulator, _inventory = fleet
    simulator.reset_all()
    clear_journals(fleet)
    return fleet


def last_message(repo):
    return git('--git-dir', repo, 'log', '-1', '--format=%B', 'main')


def test_the_export_role_pushes_its_files_once_and_check_mode_pushes_nothing(seeded, tmp_path):
    repo = bare_repository(tmp_path / 'config.git')
    to_git = ('-e', 'hunt_groups_export_git_repo=%s' % repo, '-e', 'hunt_groups_export_git_path=exports/fleet')

    changed, output = run_playbook(seeded, EXPORT, *to_git)
    assert sum(changed.values()) == 1, output  # the one delivery, run once for the play
    files = tree(repo)
    assert sorted(files) == ['exports/fleet/%s.yml' % host for host in HOSTS]
    assert last_message(repo).startswith(
        'vodia.pbx export of the hunt groups, call queues and service flags of 3 hosts: pbx-lon, pbx-nyc, pbx-syd\n\n'
        'A exports/fleet/pbx-lon.yml\nA exports/fleet/pbx-nyc.yml\nA exports/fleet/pbx-syd.yml\n')

    # The file is the one the role writes to a directory (the same template; tests/fleet checks that form in depth).
    text = files['exports/fleet/pbx-nyc.yml']
    assert text.startswith('---\n# Hunt groups, call queues and service flags of tenant localhost, written by the '
                           'vodia.pbx.hunt_groups_export role.\n')
    assert '\nhunt_groups_domain: localhost\nhunt_groups_list:\n' in text and '\nhunt_groups_call_queues:\n' in text
    assert '\nhunt_groups_service_flags:\n' in text

    # Unchanged: no commit, nothing reported changed.
    changed, output = run_playbook(seeded, EXPORT, *to_git)
    assert changed == dict((host, 0) for host in HOSTS), output
    assert len(commits(repo)) == 1

    # A hand edit on one PBX: check mode reports the file that would change and pushes nothing.
    rest(seeded, NYC, '/rest/domain/localhost/user_settings/1002', 'POST', {'display': 'Changed by hand'})
    changed, output = run_playbook(seeded, EXPORT, '--check', '-v', *to_git)
    assert sum(changed.values()) == 1, output
    # -v shows the delivery's result: the one file it would update.
    assert 'exports/fleet/pbx-nyc.yml' in output and 'exports/fleet/pbx-lon.yml' not in output
    assert len(commits(repo)) == 1 and tree(repo) == files
    assert [journal['writes'] for journal in journals(seeded)] == [1, 0, 0]  # the hand edit only


def test_the_drift_report_and_its_merge_are_pushed(seeded, tmp_path, monkeypatch):
    repo = bare_repository(tmp_path / 'reports.git')
    artifacts = tmp_path / 'artifacts.json'
    monkeypatch.setenv('ANSIBLE_CALLBACK_PLUGINS', ARTIFACTS_CALLBACK)
    monkeypatch.setenv('ANSIBLE_CALLBACKS_ENABLED', 'drift_artifacts')
    monkeypatch.setenv('DRIFT_ARTIFACTS', str(artifacts))
    clear_journals(seeded)

    # The report of one (unsliced) check run, with the part an AWX job publishes for the merge.
    changed, output = run_playbook(seeded, CONVERGE, '--check', '-e', 'awx_job_id=41', '-e', 'hunt_groups_report=drift.json',
                                   '-e', 'hunt_groups_report_git_repo=%s' % repo, '-e', 'hunt_groups_report_git_path=nightly')
    assert [journal['writes'] for journal in journals(seeded)] == [0, 0, 0]
    report = json.loads(tree(repo)['nightly/drift.json'])
    # The simulators' seed lacks the example's hunt groups: the check run would create them.
    assert report['check_mode'] is True and report['summary']['pbxs'] == 3 and report['summary']['created'] >= 3
    assert sorted(tree(repo)) == ['nightly/drift.json', 'nightly/drift.md']
    assert last_message(repo).startswith(
        'vodia.pbx drift report drift.json (check mode): 3 PBXs, 0 failed; hunt groups %(created)d created, '
        '%(updated)d updated, %(deleted)d deleted, %(unchanged)d unchanged\n\nA nightly/drift.json\nA nightly/drift.md\n'
        % report['summary']), output
    assert not os.path.exists(os.path.join(REPO_ROOT, 'examples', 'fleet', 'drift.json'))

    # The merge step, as a workflow node after a sliced job runs it: the same report, to another path.
    run_playbook(seeded, 'vodia.pbx.drift_merge', '-e', '@%s' % artifacts, '-e', 'hunt_groups_report=drift.json',
                 '-e', 'hunt_groups_report_git_repo=%s' % repo, '-e', 'hunt_groups_report_git_path=merged')
    files = tree(repo)
    assert files['merged/drift.json'] == files['nightly/drift.json']
    assert files['merged/drift.md'] == files['nightly/drift.md']
    assert len(commits(repo)) == 2
