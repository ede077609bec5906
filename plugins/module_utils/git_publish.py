# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Delivery of files to a git repository: fetch the branch's newest commit into a temporary clone, put the files in
place under a path, commit, push. A push that another run overtook is rebased onto the remote branch and pushed again,
a bounded number of times; nothing is ever pushed by force. It knows nothing of Ansible; the vodia.pbx.git_publish
module adapts it.

Credentials reach git only through its environment: an HTTPS password or token through GIT_ASKPASS (a script that
prints it from the environment of the git process), an SSH key through GIT_SSH_COMMAND. They are never in a URL, in
git's arguments or in a file, and whatever git prints is masked before it goes into an error.

The caller runs the commands: ``runner(command, cwd, environment)`` runs ``command`` (a list) in ``cwd`` with the
variables of ``environment`` added to an environment that ``scrubbed()`` cleaned, and returns (exit code, output,
error output). The module hands in AnsibleModule.run_command, the tests a subprocess.
"""

from __future__ import annotations

import base64
import os
import posixpath
import random
import shlex
import shutil
import stat
import tempfile
import time

from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaGitError

MASK = '********'
DEFAULT_AUTHOR_NAME = 'vodia.pbx'
DEFAULT_AUTHOR_EMAIL = 'vodia.pbx@localhost'
# A push that another run overtook is tried again after a fetch and a rebase, up to this many pushes in all, with a
# random wait before each retry of up to 0.5, 1, 2, 4 ... seconds, capped at MAX_RETRY_WAIT_SECONDS.
DEFAULT_PUSH_ATTEMPTS = 5
MAX_PUSH_ATTEMPTS = 20
FIRST_RETRY_WAIT_SECONDS = 0.5
MAX_RETRY_WAIT_SECONDS = 4.0
# A transfer slower than 1 kB/s for 60 s fails (git's own HTTP limits; for SSH, keep-alives), so that a network that
# hangs fails the task instead of holding the job.
LOW_SPEED_SECONDS = 60
# The commit message lists the files it adds or changes, up to this many.
MESSAGE_FILE_LINES = 100

# Variables of the caller's environment that would point git at another repository, another identity or another
# credential than this delivery's, or make it print what it sends (GIT_TRACE_CURL prints the Authorization header).
_ENVIRONMENT_LEFT_OUT_PREFIXES = ('GIT_TRACE', 'GIT_AUTHOR_', 'GIT_COMMITTER_', 'GIT_CONFIG_')
_ENVIRONMENT_LEFT_OUT = frozenset((
    'GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES',
    'GIT_NAMESPACE', 'GIT_COMMON_DIR', 'GIT_CEILING_DIRECTORIES', 'GIT_ASKPASS', 'SSH_ASKPASS', 'GIT_SSH',
    'GIT_SSH_COMMAND', 'GIT_SSH_VARIANT', 'GIT_CURL_VERBOSE', 'GIT_REDACT_COOKIES', 'GIT_EDITOR',
    'GIT_SEQUENCE_EDITOR', 'GIT_TERMINAL_PROMPT', 'GIT_QUARANTINE_PATH', 'GIT_REFLOG_ACTION',
))
# Configuration that the user's git configuration must not change for a delivery: a signing key or a hook that the
# execution environment lacks would fail the commit, an editor would wait for a human.
_CONFIGURATION = ('-c', 'commit.gpgSign=false', '-c', 'core.hooksPath=/dev/null', '-c', 'core.editor=true',
                  '-c', 'advice.detachedHead=false', '-c', 'core.autocrlf=false',
                  '-c', 'http.lowSpeedLimit=1000', '-c', 'http.lowSpeedTime=%d' % LOW_SPEED_SECONDS)
# The reasons `git push --porcelain` gives for a ref that another push changed first: retried after a rebase.
_OVERTAKEN = ('fetch first', 'non-fast-forward', 'stale info', 'failed to update ref', 'cannot lock ref',
              'incorrect old value', 'reference already exists')
# The askpass program: git runs it with its prompt ("Username for ...", "Password for ...") as the only argument and
# reads the answer from its output. The answers come from the environment of the git process.
_ASKPASS_SCRIPT = '''#!/bin/sh
case "$1" in
    [Uu]sername*) printf '%s\\n' "$VODIA_GIT_ASKPASS_USERNAME" ;;
    *) printf '%s\\n' "$VODIA_GIT_ASKPASS_PASSWORD" ;;
esac
'''
# The user name git gives an HTTPS server with a token when none is set: servers that take a token as the password
# accept any user name (GitHub), others want their own (GitLab: oauth2, Bitbucket: x-token-auth).
DEFAULT_HTTPS_USERNAME = 'git'
HINT_CREDENTIALS = ('Check the repository URL and the credential: for HTTPS the token or password in VODIA_GIT_PASSWORD '
                    '(and the user name in VODIA_GIT_USERNAME), for SSH the private key file in VODIA_GIT_SSH_KEY_FILE '
                    'and the server\'s host key in the known hosts file of VODIA_GIT_SSH_KNOWN_HOSTS.')


@dataclass(frozen=True)
class Credentials:
    """How git authenticates. Empty strings count as not given (AWX renders an empty input as one)."""

    username: str | None = None
    password: str | None = field(default=None, repr=False)
    ssh_key_file: str | None = None
    ssh_known_hosts: str | None = None

    def secrets(self) -> list:
        """Every form in which the password could show up in what git prints."""
        if not self.password:
            return []
        forms = {self.password, quote(self.password, safe=''), quote(self.password)}
        basic = '%s:%s' % (self.username or DEFAULT_HTTPS_USERNAME, self.password)
        forms.add(base64.b64encode(basic.encode('utf-8')).decode('ascii'))
        return sorted(forms, key=len, reverse=True)


@dataclass(frozen=True)
class Delivery:
    """What to deliver where. ``files`` pairs each file on disk with its path below ``path`` in the repository."""

    repo: str
    branch: str
    path: str
    files: tuple
    message: str
    author_name: str = DEFAULT_AUTHOR_NAME
    author_email: str = DEFAULT_AUTHOR_EMAIL
    push_attempts: int = DEFAULT_PUSH_ATTEMPTS


# Checks of the input, before anything runs --------------------------------------------------------------------------

def display_url(repo: str) -> str:
    """The repository's address as it may be shown: a URL without any user information."""
    parts = urlsplit(repo)
    if parts.scheme and parts.netloc and '@' in parts.netloc:
        return parts._replace(netloc=parts.netloc.rsplit('@', 1)[1]).geturl()
    return repo


def url_password(repo: str) -> str | None:
    """The secret written into a repository URL, if any (for the caller to hide before it shows the URL).

    In an HTTP(S) URL the user part itself may be a token (https://TOKEN@host/...), so all of it counts as secret
    there; an SSH URL's user (ssh://git@host/...) is an account name.
    """
    parts = urlsplit((repo or '').strip())
    if not (parts.scheme and parts.netloc and '@' in parts.netloc):
        return None
    if parts.scheme.lower() in ('http', 'https'):
        return parts.netloc.rsplit('@', 1)[0]
    return parts.password


def check_repo(repo: str) -> str:
    """The repository URL or path, refused when it holds a password (which git would print and store)."""
    repo = (repo or '').strip()
    if not repo:
        raise VodiaGitError('The git repository is empty. Set it to an HTTPS or SSH URL (https://git.example.com/'
                            'configs.git, git@git.example.com:configs.git), a file:// URL or a local path.')
    if url_password(repo) is not None:
        raise VodiaGitError('The git repository URL %s holds a password or a user part (which may be a token). Take '
                            'it out of the URL and give the user name in the environment variable VODIA_GIT_USERNAME '
                            'and the password or token in VODIA_GIT_PASSWORD (an AWX credential of the type '
                            '"vodia.pbx git delivery" does that), so that it never shows in output or in git\'s '
                            'configuration.' % display_url(repo))
    return repo


def left_out(name: str) -> bool:
    """Whether a variable of the caller's environment must not reach git."""
    return name in _ENVIRONMENT_LEFT_OUT or name.startswith(_ENVIRONMENT_LEFT_OUT_PREFIXES)


def scrubbed(environment: dict) -> dict:
    """The caller's environment without what would redirect, trace or authenticate git otherwise."""
    return dict((name, value) for name, value in environment.items() if not left_out(name))


def check_branch(git, branch: str) -> str:
    branch = (branch or '').strip()
    valid = git.run('check-ref-format', 'refs/heads/%s' % branch, check=False, cwd=git.workdir).returncode == 0
    if not branch or branch.startswith('-') or not valid:
        raise VodiaGitError('The git branch %r is not a valid branch name. Give a name such as main or exports/nyc.'
                            % branch)
    return branch


def repository_path(directory: str, name: str) -> str:
    """The path of a file in the repository, refused when it would leave the repository or touch .git."""
    joined = posixpath.normpath(posixpath.join((directory or '').strip().strip('/'), name.replace(os.sep, '/')))
    parts = joined.split('/')
    if posixpath.isabs(name) or joined in ('.', '') or '..' in parts or '.git' in parts:
        raise VodiaGitError('The path %r in the git repository leaves the repository or names its .git directory. Give '
                            'a path relative to the repository\'s top, without "..".' % joined)
    return joined


def files_to_deliver(src: str, names: list | None) -> list:
    """(file on disk, path below the delivery's path) for the files under ``src``: those named, or all of them."""
    if not os.path.isdir(src):
        raise VodiaGitError('The directory %s with the files to deliver does not exist.' % src)
    if names is None:
        names = []
        for top, directories, files in os.walk(src):
            directories[:] = sorted(name for name in directories if name != '.git')
            names.extend(os.path.relpath(os.path.join(top, name), src) for name in sorted(files))
    found = []
    for name in names:
        source = os.path.join(src, name)
        if os.path.isabs(name) or not os.path.isfile(source):
            raise VodiaGitError('The file %s to deliver is not a file in %s. Name the files relative to that directory.'
                                % (name, src))
        found.append((source, name))
    return found


def retry_wait(attempt: int, rand=random.random) -> float:
    """The jittered wait before retry number ``attempt``: up to 0.5 s, then 1, 2, 4 s (full jitter)."""
    return rand() * min(MAX_RETRY_WAIT_SECONDS, FIRST_RETRY_WAIT_SECONDS * 2 ** (attempt - 1))


def mask(text: str, secrets: list) -> str:
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


def commit_message(subject: str, changes: list) -> str:
    """The subject the caller gave, then the files this commit adds (A) or changes (M)."""
    lines = ['%s %s' % ('A' if action == 'added' else 'M', path) for path, action in changes]
    if len(lines) > MESSAGE_FILE_LINES:
        lines = lines[:MESSAGE_FILE_LINES] + ['... and %d more' % (len(lines) - MESSAGE_FILE_LINES)]
    return '%s\n\n%s\n' % (subject.strip() or 'Delivered by vodia.pbx', '\n'.join(lines))


def overtaken(porcelain: str) -> bool:
    """Whether `git push --porcelain` says the branch moved on the server since it was fetched."""
    rejected = [line for line in porcelain.splitlines() if line.startswith('!')]
    return bool(rejected) and all(any(reason in line for reason in _OVERTAKEN) for line in rejected)


# Git itself ------------------------------------------------------------------------------------------------------------

class Completed:
    """What a git command gave: its exit code and its output, masked."""

    def __init__(self, returncode: int, stdout: str, stderr: str):
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


class Git:
    """Runs git in one temporary directory, with the delivery's identity and credentials in its environment only."""

    def __init__(self, workdir: str, credentials: Credentials, author_name: str, author_email: str, runner):
        self.runner = runner
        self.workdir = workdir
        self.clone = os.path.join(workdir, 'repository')
        self.secrets = credentials.secrets()
        self.environment = self._environment(credentials, author_name, author_email)
        self.options = _CONFIGURATION
        if credentials.password:
            # No credential helper of the user's configuration may offer another credential or store this one.
            self.options += ('-c', 'credential.helper=')

    def _environment(self, credentials, author_name, author_email):
        """The variables git gets on top of the caller's scrubbed environment."""
        environment = dict(LC_ALL='C', LANGUAGE='C', GIT_TERMINAL_PROMPT='0',
                           GIT_AUTHOR_NAME=author_name, GIT_AUTHOR_EMAIL=author_email,
                           GIT_COMMITTER_NAME=author_name, GIT_COMMITTER_EMAIL=author_email,
                           GIT_SSH_COMMAND=ssh_command(credentials))
        if credentials.password:
            askpass = os.path.join(self.workdir, 'askpass.sh')
            with open(askpass, 'w', encoding='utf-8') as handle:
                handle.write(_ASKPASS_SCRIPT)
            os.chmod(askpass, stat.S_IRWXU)
            environment.update(GIT_ASKPASS=askpass, VODIA_GIT_ASKPASS_PASSWORD=credentials.password,
                               VODIA_GIT_ASKPASS_USERNAME=credentials.username or DEFAULT_HTTPS_USERNAME)
        return environment

    def run(self, *arguments, check=True, cwd=None) -> Completed:
        command = ['git'] + list(self.options) + list(arguments)
        try:
            returncode, stdout, stderr = self.runner(command, cwd or self.clone, self.environment)
        except OSError as error:
            raise VodiaGitError('git could not be started (%s). Install git where the task runs (the controller or '
                                'the execution environment).' % error) from error
        completed = Completed(returncode, mask(stdout or '', self.secrets), mask(stderr or '', self.secrets))
        if check and completed.returncode != 0:
            raise VodiaGitError('git %s failed: %s' % (arguments[0], printed(completed)))
        return completed

    def head(self, revision='HEAD') -> str:
        return self.run('rev-parse', '--verify', '-q', revision).stdout.strip()


def ssh_command(credentials: Credentials) -> str:
    """The ssh command git runs for an SSH remote: never a prompt, the key given and no other, known hosts checked."""
    command = ['ssh', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', 'ConnectTimeout=30',
               '-o', 'ServerAliveInterval=15', '-o', 'ServerAliveCountMax=%d' % (LOW_SPEED_SECONDS // 15)]
    if credentials.ssh_key_file:
        command += ['-i', credentials.ssh_key_file, '-o', 'IdentitiesOnly=yes']
    if credentials.ssh_known_hosts:
        command += ['-o', 'UserKnownHostsFile=%s' % credentials.ssh_known_hosts]
    return ' '.join(shlex.quote(part) for part in command)


def printed(completed: Completed) -> str:
    text = (completed.stderr.strip() or completed.stdout.strip() or 'exit code %d' % completed.returncode)
    return ' '.join(text.split())


# The delivery ------------------------------------------------------------------------------------------------------------

def publish(delivery: Delivery, credentials: Credentials, runner, check_mode: bool = False, sleep=time.sleep,
            rand=random.random) -> dict:
    """Deliver the files; the result says what changed. In check mode nothing is committed or pushed."""
    repo = check_repo(delivery.repo)
    targets = [(source, repository_path(delivery.path, name)) for source, name in delivery.files]
    if not 1 <= delivery.push_attempts <= MAX_PUSH_ATTEMPTS:
        raise VodiaGitError('push_attempts is %d; give a number from 1 to %d.'
                            % (delivery.push_attempts, MAX_PUSH_ATTEMPTS))
    workdir = tempfile.mkdtemp(prefix='vodia-git-')
    try:
        git = Git(workdir, credentials, delivery.author_name or DEFAULT_AUTHOR_NAME,
                  delivery.author_email or DEFAULT_AUTHOR_EMAIL, runner)
        branch = check_branch(git, delivery.branch)
        created = not fetch_branch(git, repo, branch)
        changes = place(git, targets)
        result = dict(changed=bool(changes), repo=display_url(repo), branch=branch, path=delivery.path or '',
                      files=[dict(path=path, action=action) for path, action in changes],
                      unchanged=len(targets) - len(changes), commit=None, pushed=False, push_attempts=0,
                      created_branch=created and bool(changes))
        if not changes or check_mode:
            return result
        git.run('commit', '-q', '--no-verify', '-m', commit_message(delivery.message, changes))
        attempts, commit = push(git, repo, branch, delivery.push_attempts, sleep, rand)
        result.update(push_attempts=attempts, commit=commit, pushed=commit is not None, changed=commit is not None)
        if attempts > 1 or commit is None:
            # After a rebase the commit holds what the other runs had not pushed already (nothing, when one of them
            # pushed exactly these contents first).
            changes = committed(git) if commit else []
            result.update(files=[dict(path=path, action=action) for path, action in changes],
                          unchanged=len(targets) - len(changes), created_branch=False)
        return result
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def fetch_branch(git: Git, repo: str, branch: str) -> bool:
    """Fetch the branch's newest commit only (shallow) and check it out; an unborn branch when the remote lacks it."""
    os.mkdir(git.clone)
    git.run('init', '-q')
    git.run('remote', 'add', 'origin', repo)
    listed = git.run('ls-remote', '--heads', 'origin', 'refs/heads/%s' % branch, check=False)
    if listed.returncode != 0:
        raise VodiaGitError('The git repository %s could not be read: %s. %s'
                            % (display_url(repo), printed(listed), HINT_CREDENTIALS))
    if not listed.stdout.strip():
        git.run('symbolic-ref', 'HEAD', 'refs/heads/%s' % branch)
        return False
    git.run('fetch', '-q', '--depth=1', '--no-tags', 'origin', tracking_refspec(branch))
    git.run('checkout', '-q', '-B', branch, 'refs/remotes/origin/%s' % branch)
    return True


def tracking_refspec(branch: str) -> str:
    # The + only lets the local remote-tracking ref follow the server; pushes never carry one.
    return '+refs/heads/%s:refs/remotes/origin/%s' % (branch, branch)


def place(git: Git, targets: list) -> list:
    """Copy the files into the clone and stage them; (path, added or updated) for each that git sees as changed."""
    clone = os.path.realpath(git.clone)
    for source, path in targets:
        destination = os.path.join(git.clone, *path.split('/'))
        try:
            os.makedirs(os.path.dirname(destination), exist_ok=True)
        except OSError as exc:
            raise VodiaGitError('%s cannot be written in the git repository (%s). Deliver under another path.'
                                % (path, exc.strerror)) from None
        # A directory of the path that is a link in the repository could point anywhere on this machine.
        if os.path.realpath(os.path.dirname(destination)) != os.path.join(clone, *path.split('/')[:-1]).rstrip('/'):
            raise VodiaGitError('A directory of %s is a link in the git repository; the delivery would write outside '
                                'the repository. Deliver under another path.' % path)
        if os.path.islink(destination) or os.path.isdir(destination):
            raise VodiaGitError('%s is a link or a directory in the git repository, not a file; the delivery would '
                                'replace it. Deliver under another path.' % path)
        shutil.copyfile(source, destination)
    if not targets:
        return []
    paths = [path for _source, path in targets]
    # --force: a file the repository's .gitignore names is still delivered when asked for.
    git.run('add', '--force', '--', *paths)
    return changes_from(git.run('diff', '--cached', '--name-status', '--no-renames', '--', *paths).stdout)


def changes_from(name_status: str) -> list:
    """(path, added or updated) from the --name-status lines of git."""
    changes = []
    for line in name_status.splitlines():
        status, _tab, path = line.partition('\t')
        if path:
            changes.append((path, 'added' if status.startswith('A') else 'updated'))
    return sorted(changes)


def committed(git: Git) -> list:
    """What the commit at HEAD adds or changes."""
    return changes_from(git.run('show', '--name-status', '--no-renames', '--format=', 'HEAD').stdout)


def push(git: Git, repo: str, branch: str, attempts: int, sleep, rand) -> tuple:
    """Push, and after a push that another run overtook fetch, rebase and push again. (pushes made, commit or None)."""
    for attempt in range(1, attempts + 1):
        pushed = git.run('push', '--porcelain', 'origin', 'HEAD:refs/heads/%s' % branch, check=False)
        if pushed.returncode == 0:
            return attempt, git.head()
        if not overtaken(pushed.stdout):
            raise VodiaGitError('The git server refused the push to branch %s of %s: %s. Nothing was pushed. Check '
                                'that the credential may push to this branch (a protected branch refuses it). %s'
                                % (branch, display_url(repo), printed(pushed), HINT_CREDENTIALS))
        if attempt == attempts:
            break
        sleep(retry_wait(attempt, rand))
        git.run('fetch', '-q', '--no-tags', 'origin', tracking_refspec(branch))
        rebase(git, repo, branch)
        if git.head() == git.head('refs/remotes/origin/%s' % branch):
            return attempt, None
    raise VodiaGitError('The push to branch %s of %s was overtaken by other pushes %d times in a row, each time after '
                        'a rebase onto the newest commit. Nothing of this run was pushed. Run it again, or let fewer '
                        'jobs push to the branch at once.' % (branch, display_url(repo), attempts))


def rebase(git: Git, repo: str, branch: str) -> None:
    """Rebase the delivery's commit onto the branch as the server now has it; a file changed on both sides fails."""
    rebased = git.run('rebase', '--no-autostash', 'refs/remotes/origin/%s' % branch, check=False)
    if rebased.returncode == 0:
        return
    conflicts = git.run('diff', '--name-only', '--diff-filter=U', check=False).stdout.split()
    git.run('rebase', '--abort', check=False)
    if conflicts:
        raise VodiaGitError('Another run pushed changes to branch %s of %s to the same files as this one (%s). Nothing '
                            'of this run was pushed, and nothing is ever pushed by force. See what the other run '
                            'committed, then run this one again (it will replace those files), or give each run its '
                            'own path.' % (branch, display_url(repo), ', '.join(conflicts)))
    raise VodiaGitError('Rebasing onto branch %s of %s after a rejected push failed: %s. Nothing of this run was '
                        'pushed.' % (branch, display_url(repo), printed(rebased)))
