# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The git delivery (module_utils/git_publish.py): its checks of the input, and deliveries to real bare repositories
made with git in a temporary directory, including pushes that another push overtook (made to happen between the
fetch and the push), conflicts, and the bound on retries. HTTPS with a token is tested in tests/git against
git http-backend."""

from __future__ import annotations

import base64
import os
import subprocess

import pytest

from ansible_collections.vodia.pbx.plugins.module_utils import git_publish
from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaError, VodiaGitError
from ansible_collections.vodia.pbx.plugins.module_utils.git_publish import (
    MASK, Credentials, Delivery, Git, check_branch, check_repo, commit_message, display_url, files_to_deliver,
    mask, overtaken, repository_path, retry_wait, scrubbed, ssh_command)

SECRET = 'Unit-Test-Secret-4711'


def runner(command, cwd, environment):
    """What the module's AnsibleModule.run_command does for the delivery: the scrubbed environment plus git's."""
    completed = subprocess.run(command, cwd=cwd, env=dict(scrubbed(os.environ), **environment), capture_output=True,
                               text=True, check=False, stdin=subprocess.DEVNULL)
    return completed.returncode, completed.stdout, completed.stderr


def publish(delivery_, credentials, **options):
    return git_publish.publish(delivery_, credentials, runner, **options)


def new_git(directory, credentials):
    return Git(str(directory), credentials, 'vodia.pbx', 'vodia.pbx@localhost', runner)


# Git repositories for the tests ---------------------------------------------------------------------------------------

def run_git(*args, cwd=None):
    environment = dict(os.environ, GIT_AUTHOR_NAME='Someone', GIT_AUTHOR_EMAIL='someone@example.com',
                       GIT_COMMITTER_NAME='Someone', GIT_COMMITTER_EMAIL='someone@example.com')
    return subprocess.run(['git'] + list(args), cwd=cwd, env=environment, check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def bare(tmp_path):
    """An empty bare repository."""
    path = str(tmp_path / 'remote.git')
    run_git('init', '-q', '--bare', path)
    return path


class Other:
    """Another job with a clone of the bare repository, pushing commits of its own to main."""

    def __init__(self, bare, directory):
        self.clone = str(directory)
        self.bare = bare
        self.pushes = 0

    def push(self, name, text):
        if not os.path.isdir(self.clone):
            run_git('clone', '-q', self.bare, self.clone)
        if self.has_main():
            run_git('fetch', '-q', 'origin', cwd=self.clone)
            run_git('checkout', '-q', '-B', 'main', 'origin/main', cwd=self.clone)
        path = os.path.join(self.clone, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(text)
        run_git('add', name, cwd=self.clone)
        run_git('commit', '-q', '-m', 'other %s' % name, cwd=self.clone)
        run_git('push', '-q', 'origin', 'HEAD:refs/heads/main', cwd=self.clone)
        self.pushes += 1

    def has_main(self):
        return bool(run_git('ls-remote', '--heads', self.bare, 'refs/heads/main').strip())


@pytest.fixture
def other(bare, tmp_path):
    return Other(bare, tmp_path / 'other')


def source(tmp_path, files):
    directory = tmp_path / 'src'
    for name, text in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_text(text, encoding='utf-8')
    return str(directory)


def delivery(bare, src, path='exports', **options):
    return Delivery(repo=bare, branch=options.pop('branch', 'main'), path=path, files=tuple(files_to_deliver(src, None)),
                    message=options.pop('message', 'vodia.pbx export of 2 hosts'), **options)


def tree(bare, branch='main'):
    """{path: text} of the branch's newest commit in the bare repository."""
    names = run_git('--git-dir', bare, 'ls-tree', '-r', '--name-only', branch).split()
    return dict((name, run_git('--git-dir', bare, 'show', '%s:%s' % (branch, name))) for name in names)


def commits(bare, branch='main'):
    return run_git('--git-dir', bare, 'rev-list', branch).split() if run_git(
        '--git-dir', bare, 'for-each-ref', 'refs/heads/%s' % branch).strip() else []


# Checks of the input ---------------------------------------------------------------------------------------------------

def test_the_git_error_is_of_the_collections_error_family():
    assert issubclass(VodiaGitError, VodiaError)


@pytest.mark.parametrize('repo, shown', [
    ('https://git.example.com/ops/config.git', 'https://git.example.com/ops/config.git'),
    ('ssh://git@git.example.com/ops/config.git', 'ssh://git.example.com/ops/config.git'),
    ('git@git.example.com:ops/config.git', 'git@git.example.com:ops/config.git'),
    ('/srv/git/config.git', '/srv/git/config.git'),
])
def test_a_repository_is_shown_without_user_information(repo, shown):
    assert display_url(repo) == shown
    assert check_repo(repo) == repo


# A token is often written as the user part of an HTTPS URL (https://TOKEN@host/...): all of it counts as secret.
@pytest.mark.parametrize('repo', ['https://deploy:%s@git.example.com/ops/config.git' % SECRET,
                                  'https://%s@git.example.com/ops/config.git' % SECRET,
                                  'ssh://git:%s@git.example.com/ops/config.git' % SECRET])
def test_a_password_in_the_url_is_refused_without_showing_it(repo):
    with pytest.raises(VodiaGitError) as caught:
        check_repo(repo)
    assert SECRET not in caught.value.message
    assert 'VODIA_GIT_PASSWORD' in caught.value.message and 'git.example.com/ops/config.git' in caught.value.message


def test_an_empty_repository_is_refused_with_what_to_give():
    with pytest.raises(VodiaGitError, match='HTTPS or SSH URL'):
        check_repo('  ')


@pytest.mark.parametrize('branch', ['', 'two words', 'a..b', '-x', 'ends.lock', 'x~1'])
def test_a_branch_git_would_refuse_is_refused_first(branch, tmp_path):
    with pytest.raises(VodiaGitError, match='not a valid branch name'):
        check_branch(new_git(tmp_path, Credentials()), branch)


def test_a_branch_with_slashes_is_a_branch(tmp_path):
    assert check_branch(new_git(tmp_path, Credentials()), 'exports/nyc') == 'exports/nyc'


@pytest.mark.parametrize('directory, name, path', [
    ('exports', 'pbx-nyc.yml', 'exports/pbx-nyc.yml'),
    ('/exports/', 'a@pbx-nyc.yml', 'exports/a@pbx-nyc.yml'),
    ('', 'drift.json', 'drift.json'),
    ('reports/nightly', 'sub/drift.md', 'reports/nightly/sub/drift.md'),
])
def test_files_go_below_the_path(directory, name, path):
    assert repository_path(directory, name) == path


@pytest.mark.parametrize('directory, name', [('..', 'x.yml'), ('exports', '../../x.yml'), ('.git', 'config'),
                                             ('exports', '/etc/passwd'), ('', '.')])
def test_a_path_that_leaves_the_repository_is_refused(directory, name):
    with pytest.raises(VodiaGitError, match='leaves the repository'):
        repository_path(directory, name)


def test_every_file_below_the_source_directory_is_delivered_in_name_order(tmp_path):
    src = source(tmp_path, {'b.yml': 'b', 'a.yml': 'a', 'sub/c.yml': 'c'})
    assert [name for _path, name in files_to_deliver(src, None)] == ['a.yml', 'b.yml', os.path.join('sub', 'c.yml')]
    assert files_to_deliver(src, ['b.yml']) == [(os.path.join(src, 'b.yml'), 'b.yml')]


def test_a_named_file_that_is_missing_is_refused(tmp_path):
    src = source(tmp_path, {'a.yml': 'a'})
    with pytest.raises(VodiaGitError, match='missing.yml to deliver is not a file'):
        files_to_deliver(src, ['a.yml', 'missing.yml'])
    with pytest.raises(VodiaGitError, match='does not exist'):
        files_to_deliver(str(tmp_path / 'nowhere'), None)


def test_the_waits_before_retries_are_short_jittered_and_bounded():
    assert [retry_wait(attempt, rand=lambda: 1.0) for attempt in range(1, 7)] == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert retry_wait(3, rand=lambda: 0.25) == 0.5


def test_the_password_is_masked_in_every_form_git_could_print_it():
    credentials = Credentials(username='deploy', password='p@ss word/' + SECRET)
    basic = base64.b64encode(('deploy:p@ss word/' + SECRET).encode()).decode()
    text = 'plain p@ss word/%s, in a URL p%%40ss%%20word%%2F%s, basic %s' % (SECRET, SECRET, basic)
    masked = mask(text, credentials.secrets())
    assert SECRET not in masked and basic not in masked
    assert masked.count(MASK) == 3
    assert SECRET not in repr(credentials)


def test_the_commit_message_names_what_was_delivered_and_lists_the_files():
    message = commit_message('vodia.pbx export of 2 hosts', [('exports/a.yml', 'added'), ('exports/b.yml', 'updated')])
    assert message == 'vodia.pbx export of 2 hosts\n\nA exports/a.yml\nM exports/b.yml\n'
    long = commit_message('x', [('f%03d' % number, 'added') for number in range(150)])
    assert long.splitlines()[-1] == '... and 50 more' and len(long.splitlines()) == 2 + 100 + 1


@pytest.mark.parametrize('porcelain, expected', [
    ('To /r.git\n!\tHEAD:refs/heads/main\t[rejected] (fetch first)\nDone\n', True),
    ('To /r.git\n!\tHEAD:refs/heads/main\t[rejected] (non-fast-forward)\nDone\n', True),
    ('To /r.git\n!\tHEAD:refs/heads/main\t[remote rejected] (failed to update ref)\nDone\n', True),
    ('To /r.git\n!\tHEAD:refs/heads/main\t[remote rejected] (pre-receive hook declined)\nDone\n', False),
    ('To /r.git\n!\tHEAD:refs/heads/main\t[remote rejected] (protected branch hook declined)\nDone\n', False),
    ('', False),
])
def test_only_a_push_that_another_push_overtook_is_retried(porcelain, expected):
    assert overtaken(porcelain) is expected


def test_ssh_never_prompts_uses_only_the_key_given_and_checks_host_keys():
    command = ssh_command(Credentials(ssh_key_file='/run/key file', ssh_known_hosts='/run/known_hosts'))
    assert command == ("ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=30 -o ServerAliveInterval=15 "
                       "-o ServerAliveCountMax=4 -i '/run/key file' -o IdentitiesOnly=yes "
                       "-o UserKnownHostsFile=/run/known_hosts")
    assert ssh_command(Credentials()).startswith('ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o ConnectTimeout=30')


def test_the_askpass_program_answers_git_from_the_environment_of_git_only(tmp_path):
    git = new_git(tmp_path, Credentials(username='deploy', password=SECRET))
    askpass = git.environment['GIT_ASKPASS']
    with open(askpass, encoding='utf-8') as handle:
        assert SECRET not in handle.read()
    assert SECRET not in ' '.join(git.options)

    def answer(prompt):
        return subprocess.run([askpass, prompt], env=dict(os.environ, **git.environment), capture_output=True,
                              text=True, check=True).stdout

    assert answer("Username for 'https://git.example.com': ") == 'deploy\n'
    assert answer("Password for 'https://deploy@git.example.com': ") == SECRET + '\n'
    assert ('-c', 'credential.helper=') == git.options[-2:]


def test_the_callers_git_environment_cannot_redirect_or_trace_the_delivery(tmp_path):
    caller = {'GIT_DIR': '/elsewhere', 'GIT_TRACE_CURL': '1', 'GIT_ASKPASS': '/bin/other', 'GIT_SSL_CAINFO': '/etc/ca.pem',
              'GIT_CONFIG_PARAMETERS': "'credential.helper'='store'", 'PATH': '/usr/bin'}
    assert scrubbed(caller) == {'GIT_SSL_CAINFO': '/etc/ca.pem', 'PATH': '/usr/bin'}
    git = new_git(tmp_path, Credentials())
    assert git.environment['GIT_TERMINAL_PROMPT'] == '0' and git.environment['LC_ALL'] == 'C'
    assert 'GIT_ASKPASS' not in git.environment


def test_what_git_prints_is_masked_in_output_and_errors(tmp_path):
    git = new_git(tmp_path, Credentials(password=SECRET))
    assert git.run('check-ref-format', '--branch', 'x' + SECRET, cwd=str(tmp_path)).stdout.strip() == 'x' + MASK
    os.mkdir(git.clone)
    git.run('init', '-q')
    with pytest.raises(VodiaGitError) as caught:
        git.run('show', 'no-such-' + SECRET)
    assert SECRET not in caught.value.message and 'no-such-' + MASK in caught.value.message


# Deliveries to a real bare repository ----------------------------------------------------------------------------------

def test_the_first_delivery_creates_the_branch_commits_and_pushes(bare, tmp_path):
    src = source(tmp_path, {'pbx-nyc.yml': 'nyc\n', 'pbx-lon.yml': 'lon\n'})
    result = publish(delivery(bare, src, author_name='Backup Bot', author_email='backup@example.com'), Credentials())
    assert result == dict(changed=True, repo=bare, branch='main', path='exports', pushed=True, push_attempts=1,
                          commit=result['commit'], created_branch=True, unchanged=0,
                          files=[dict(path='exports/pbx-lon.yml', action='added'),
                                 dict(path='exports/pbx-nyc.yml', action='added')])
    assert tree(bare) == {'exports/pbx-lon.yml': 'lon\n', 'exports/pbx-nyc.yml': 'nyc\n'}
    assert commits(bare) == [result['commit']]
    log = run_git('--git-dir', bare, 'log', '-1', '--format=%an <%ae>|%cn <%ce>|%B', 'main')
    assert log.startswith('Backup Bot <backup@example.com>|Backup Bot <backup@example.com>|vodia.pbx export of 2 hosts\n')
    assert 'A exports/pbx-lon.yml\nA exports/pbx-nyc.yml' in log


def test_a_directory_that_is_a_link_in_the_repository_is_refused_and_nothing_is_written_through_it(bare, tmp_path):
    outside = tmp_path / 'outside'
    outside.mkdir()
    clone = str(tmp_path / 'linker')
    run_git('clone', '-q', bare, clone)
    os.symlink(str(outside), os.path.join(clone, 'exports'))
    run_git('add', 'exports', cwd=clone)
    run_git('commit', '-q', '-m', 'exports is a link', cwd=clone)
    run_git('push', '-q', 'origin', 'HEAD:refs/heads/main', cwd=clone)
    with pytest.raises(VodiaGitError, match='is a link in the git repository'):
        publish(delivery(bare, source(tmp_path, {'pbx-nyc.yml': 'nyc\n'})), Credentials())
    assert not list(outside.iterdir())
    assert len(commits(bare)) == 1


def test_an_unchanged_delivery_commits_nothing(bare, tmp_path):
    src = source(tmp_path, {'pbx-nyc.yml': 'nyc\n'})
    first = publish(delivery(bare, src), Credentials())
    again = publish(delivery(bare, src), Credentials())
    assert again['changed'] is False and again['pushed'] is False and again['commit'] is None
    assert again['files'] == [] and again['unchanged'] == 1 and again['created_branch'] is False
    assert commits(bare) == [first['commit']]


def test_a_changed_file_is_updated_and_other_files_of_the_repository_stay(bare, tmp_path, other):
    other.push('README.md', 'kept\n')
    publish(delivery(bare, source(tmp_path, {'a.yml': 'one\n', 'b.yml': 'b\n'})), Credentials())
    (tmp_path / 'src' / 'a.yml').write_text('two\n', encoding='utf-8')
    (tmp_path / 'src' / 'b.yml').unlink()
    result = publish(delivery(bare, str(tmp_path / 'src')), Credentials())
    assert result['files'] == [dict(path='exports/a.yml', action='updated')] and result['created_branch'] is False
    assert tree(bare) == {'README.md': 'kept\n', 'exports/a.yml': 'two\n', 'exports/b.yml': 'b\n'}
    assert len(commits(bare)) == 3


def test_check_mode_reports_what_would_be_committed_and_pushes_nothing(bare, tmp_path, other):
    other.push('exports/a.yml', 'old\n')
    before = commits(bare)
    src = source(tmp_path, {'a.yml': 'new\n', 'b.yml': 'b\n'})
    result = publish(delivery(bare, src), Credentials(), check_mode=True)
    assert result['changed'] is True and result['pushed'] is False and result['commit'] is None
    assert result['files'] == [dict(path='exports/a.yml', action='updated'), dict(path='exports/b.yml', action='added')]
    assert commits(bare) == before and tree(bare) == {'exports/a.yml': 'old\n'}


def test_check_mode_on_a_branch_that_does_not_exist_creates_nothing(bare, tmp_path):
    result = publish(delivery(bare, source(tmp_path, {'a.yml': 'a\n'}), branch='reports'), Credentials(),
                     check_mode=True)
    assert result['changed'] is True and result['created_branch'] is True
    assert run_git('--git-dir', bare, 'for-each-ref').strip() == ''


def test_a_new_branch_starts_with_the_delivered_files_only(bare, tmp_path, other):
    other.push('README.md', 'main only\n')
    publish(delivery(bare, source(tmp_path, {'drift.json': '{}\n'}), path='', branch='reports'), Credentials())
    assert tree(bare, 'reports') == {'drift.json': '{}\n'}
    assert tree(bare) == {'README.md': 'main only\n'}


def overtaken_once(monkeypatch, push_first):
    """Let another job push right after this delivery fetched the branch, as a concurrent slice would."""
    fetch_branch = git_publish.fetch_branch

    def fetch_then_overtaken(*args):
        found = fetch_branch(*args)
        push_first()
        return found

    monkeypatch.setattr(git_publish, 'fetch_branch', fetch_then_overtaken)


def test_a_push_that_another_push_overtook_is_rebased_and_pushed_again(bare, tmp_path, other, monkeypatch):
    other.push('exports/first.yml', 'first\n')
    overtaken_once(monkeypatch, lambda: other.push('exports/other.yml', 'theirs\n'))
    waits = []
    result = publish(delivery(bare, source(tmp_path, {'mine.yml': 'mine\n'})), Credentials(), sleep=waits.append)
    assert result['pushed'] is True and result['push_attempts'] == 2 and len(waits) == 1 and 0 <= waits[0] <= 0.5
    assert tree(bare) == {'exports/first.yml': 'first\n', 'exports/other.yml': 'theirs\n', 'exports/mine.yml': 'mine\n'}
    assert run_git('--git-dir', bare, 'rev-parse', 'main').strip() == result['commit']
    # A rebase, not a merge: one line of history with the other job's commit below this one.
    assert run_git('--git-dir', bare, 'rev-list', '--merges', 'main').strip() == ''
    assert run_git('--git-dir', bare, 'log', '-1', '--format=%s', 'main~1').strip() == 'other exports/other.yml'


def test_two_deliveries_that_both_create_the_branch_keep_each_others_files(bare, tmp_path, other, monkeypatch):
    overtaken_once(monkeypatch, lambda: other.push('exports/other.yml', 'theirs\n'))
    result = publish(delivery(bare, source(tmp_path, {'mine.yml': 'mine\n'})), Credentials(), sleep=lambda _s: None)
    assert result['pushed'] is True and result['push_attempts'] == 2
    assert tree(bare) == {'exports/other.yml': 'theirs\n', 'exports/mine.yml': 'mine\n'}


def test_the_same_file_changed_by_another_push_fails_clearly_and_is_never_forced(bare, tmp_path, other, monkeypatch):
    other.push('exports/a.yml', 'base\n')
    overtaken_once(monkeypatch, lambda: other.push('exports/a.yml', 'theirs\n'))
    commands = []
    run = Git.run

    def recording(self, *arguments, **options):
        commands.append(arguments)
        return run(self, *arguments, **options)

    monkeypatch.setattr(Git, 'run', recording)
    with pytest.raises(VodiaGitError) as caught:
        publish(delivery(bare, source(tmp_path, {'a.yml': 'mine\n'})), Credentials(), sleep=lambda _s: None)
    message = caught.value.message
    assert 'same files as this one (exports/a.yml)' in message and 'nothing is ever pushed by force' in message
    assert tree(bare) == {'exports/a.yml': 'theirs\n'}
    pushes = [command for command in commands if command[0] == 'push']
    assert len(pushes) == 1
    assert not any(part.startswith('+') or part in ('-f', '--force', '--force-with-lease') for part in pushes[0])


def test_the_same_change_already_pushed_by_another_job_leaves_nothing_to_push(bare, tmp_path, other, monkeypatch):
    other.push('exports/a.yml', 'base\n')
    overtaken_once(monkeypatch, lambda: other.push('exports/a.yml', 'same\n'))
    result = publish(delivery(bare, source(tmp_path, {'a.yml': 'same\n'})), Credentials(), sleep=lambda _s: None)
    assert result['changed'] is False and result['pushed'] is False and result['files'] == []
    assert len(commits(bare)) == 2


def test_retries_are_bounded_when_other_pushes_keep_overtaking(bare, tmp_path, other, monkeypatch):
    other.push('exports/base.yml', 'base\n')
    counter = iter(range(100))

    def another_push():
        other.push('exports/o%d.yml' % next(counter), 'o\n')

    overtaken_once(monkeypatch, another_push)
    rebase = git_publish.rebase

    def rebase_then_overtaken(*args):
        rebase(*args)
        another_push()

    monkeypatch.setattr(git_publish, 'rebase', rebase_then_overtaken)
    waits = []
    with pytest.raises(VodiaGitError) as caught:
        publish(delivery(bare, source(tmp_path, {'mine.yml': 'mine\n'}), push_attempts=3), Credentials(),
                sleep=waits.append)
    assert 'overtaken by other pushes 3 times' in caught.value.message
    assert 'Nothing of this run was pushed' in caught.value.message
    assert len(waits) == 2 and all(0 <= wait <= bound for wait, bound in zip(waits, (0.5, 1.0)))
    assert 'exports/mine.yml' not in tree(bare) and len(commits(bare)) == 4


def test_push_attempts_outside_their_range_are_refused_before_anything_runs(bare, tmp_path):
    with pytest.raises(VodiaGitError, match='from 1 to 20'):
        publish(delivery(bare, source(tmp_path, {'a.yml': 'a'}), push_attempts=0), Credentials())
    assert commits(bare) == []


def test_a_repository_that_cannot_be_read_says_what_to_check(tmp_path):
    with pytest.raises(VodiaGitError) as caught:
        publish(delivery(str(tmp_path / 'missing.git'), source(tmp_path, {'a.yml': 'a'})),
                Credentials(password=SECRET))
    assert 'could not be read' in caught.value.message and 'VODIA_GIT_PASSWORD' in caught.value.message
    assert SECRET not in caught.value.message


def test_a_refused_push_is_not_retried_and_says_so(bare, tmp_path):
    hook = os.path.join(bare, 'hooks', 'pre-receive')
    with open(hook, 'w', encoding='utf-8') as handle:
        handle.write('#!/bin/sh\necho "branch main is protected" >&2\nexit 1\n')
    os.chmod(hook, 0o755)
    waits = []
    with pytest.raises(VodiaGitError) as caught:
        publish(delivery(bare, source(tmp_path, {'a.yml': 'a'})), Credentials(), sleep=waits.append)
    assert 'refused the push to branch main' in caught.value.message and 'protected' in caught.value.message
    assert waits == [] and commits(bare) == []


def test_the_temporary_clone_is_removed(bare, tmp_path, monkeypatch):
    made = []
    mkdtemp = git_publish.tempfile.mkdtemp

    def recording_mkdtemp(**options):
        made.append(mkdtemp(**options))
        return made[-1]

    monkeypatch.setattr(git_publish.tempfile, 'mkdtemp', recording_mkdtemp)
    publish(delivery(bare, source(tmp_path, {'a.yml': 'a'})), Credentials(password=SECRET))
    assert made and not os.path.exists(made[0])
