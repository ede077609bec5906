# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The vodia.pbx.git_publish module through AnsibleModule: its options and their environment defaults, check mode,
the result, and the password kept out of results and errors, against a real bare repository."""

from __future__ import annotations

import subprocess

import pytest
import yaml

from ansible_collections.vodia.pbx.plugins.modules import git_publish
from ansible_collections.vodia.pbx.tests.unit.plugins.conftest import PASSWORD


def git(*args):
    return subprocess.run(['git'] + list(args), check=True, capture_output=True, text=True).stdout


@pytest.fixture
def bare(tmp_path):
    path = str(tmp_path / 'remote.git')
    git('init', '-q', '--bare', path)
    return path


@pytest.fixture
def src(tmp_path):
    directory = tmp_path / 'export'
    directory.mkdir()
    (directory / 'pbx-nyc.yml').write_text('hunt_groups_list: []\n', encoding='utf-8')
    (directory / 'pbx-lon.yml').write_text('hunt_groups_list: []\n', encoding='utf-8')
    return str(directory)


@pytest.fixture(autouse=True)
def no_git_environment(monkeypatch):
    for name in ('VODIA_GIT_USERNAME', 'VODIA_GIT_PASSWORD', 'VODIA_GIT_SSH_KEY_FILE', 'VODIA_GIT_SSH_KNOWN_HOSTS',
                 'VODIA_GIT_AUTHOR_NAME', 'VODIA_GIT_AUTHOR_EMAIL'):
        monkeypatch.delenv(name, raising=False)


def test_it_commits_and_pushes_the_files_with_the_author_from_the_environment(run_main, bare, src, monkeypatch):
    monkeypatch.setenv('VODIA_GIT_AUTHOR_NAME', 'AWX Backup')
    monkeypatch.setenv('VODIA_GIT_AUTHOR_EMAIL', 'awx@example.com')
    run = run_main(git_publish, dict(repo=bare, path='exports', src=src, commit_message='vodia.pbx export of 2 hosts'))
    assert run.result['changed'] is True and run.result['pushed'] is True
    assert run.result['files'] == [dict(path='exports/pbx-lon.yml', action='added'),
                                   dict(path='exports/pbx-nyc.yml', action='added')]
    assert git('--git-dir', bare, 'log', '-1', '--format=%an <%ae>', 'main').strip() == 'AWX Backup <awx@example.com>'
    assert git('--git-dir', bare, 'rev-parse', 'main').strip() == run.result['commit']


def test_a_second_run_reports_no_change(run_main, bare, src):
    run_main(git_publish, dict(repo=bare, src=src, commit_message='export'))
    run = run_main(git_publish, dict(repo=bare, src=src, commit_message='export'))
    assert run.result['changed'] is False and run.result['commit'] is None and run.result['unchanged'] == 2


def test_check_mode_pushes_nothing(run_main, bare, src):
    run = run_main(git_publish, dict(repo=bare, src=src, files=['pbx-nyc.yml'], commit_message='export'),
                   check_mode=True)
    assert run.result['changed'] is True and run.result['pushed'] is False
    assert run.result['files'] == [dict(path='pbx-nyc.yml', action='added')]
    assert git('--git-dir', bare, 'for-each-ref').strip() == ''


def test_the_password_from_the_environment_never_shows_in_a_failure(run_main, src, tmp_path, monkeypatch):
    monkeypatch.setenv('VODIA_GIT_PASSWORD', PASSWORD)
    run = run_main(git_publish, dict(repo=str(tmp_path / 'missing.git'), src=src, commit_message='export'))
    assert run.result['failed'] is True and 'could not be read' in run.result['msg']
    assert PASSWORD not in str(run.result)


def test_a_password_in_the_url_fails_before_anything_runs_without_showing_it(run_main, src):
    run = run_main(git_publish, dict(repo='https://deploy:%s@git.example.com/config.git' % PASSWORD, src=src,
                                     commit_message='export'))
    assert run.result['failed'] is True and 'VODIA_GIT_PASSWORD' in run.result['msg']
    assert PASSWORD not in str(run.result)


def test_a_missing_source_file_fails_with_what_to_do(run_main, bare, src):
    run = run_main(git_publish, dict(repo=bare, src=src, files=['pbx-syd.yml'], commit_message='export'))
    assert run.result['failed'] is True
    assert 'pbx-syd.yml to deliver is not a file' in run.result['msg'] and 'relative to that directory' in run.result['msg']


def test_empty_credentials_from_awx_count_as_not_given(run_main, bare, src, monkeypatch):
    # AWX renders an input left empty as an empty string: an empty key file must not become "ssh -i ''".
    for name in ('VODIA_GIT_USERNAME', 'VODIA_GIT_PASSWORD', 'VODIA_GIT_SSH_KEY_FILE', 'VODIA_GIT_SSH_KNOWN_HOSTS',
                 'VODIA_GIT_AUTHOR_NAME', 'VODIA_GIT_AUTHOR_EMAIL'):
        monkeypatch.setenv(name, '')
    run = run_main(git_publish, dict(repo=bare, src=src, commit_message='export'))
    assert run.result['pushed'] is True
    assert git('--git-dir', bare, 'log', '-1', '--format=%an <%ae>', 'main').strip() == 'vodia.pbx <vodia.pbx@localhost>'


def test_the_documented_options_are_the_options_it_takes():
    documented = yaml.safe_load(git_publish.DOCUMENTATION)['options']
    assert sorted(documented) == sorted(git_publish.ARGUMENT_SPEC)
    for name, spec in git_publish.ARGUMENT_SPEC.items():
        assert documented[name]['type'] == spec['type'], name
        assert documented[name].get('default') == spec.get('default'), name
        assert documented[name].get('required', False) == spec.get('required', False), name
    for name, spec in git_publish.ARGUMENT_SPEC.items():
        if 'fallback' in spec:
            assert 'E(%s)' % spec['fallback'][1][0] in ' '.join(documented[name]['description']), name


def test_git_variables_of_the_callers_environment_do_not_redirect_the_delivery(
        run_main, bare, src, tmp_path, monkeypatch):
    elsewhere = str(tmp_path / 'elsewhere.git')
    git('init', '-q', '--bare', elsewhere)
    monkeypatch.setenv('GIT_DIR', elsewhere)
    monkeypatch.setenv('GIT_WORK_TREE', str(tmp_path))
    run = run_main(git_publish, dict(repo=bare, src=src, commit_message='export'))
    monkeypatch.delenv('GIT_DIR', raising=False)
    monkeypatch.delenv('GIT_WORK_TREE', raising=False)
    assert run.result['pushed'] is True
    assert git('--git-dir', bare, 'rev-parse', 'main').strip() == run.result['commit']
    assert git('--git-dir', elsewhere, 'for-each-ref').strip() == ''
