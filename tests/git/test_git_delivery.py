# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""vodia.pbx.git_publish against real repositories reached through git (docs/git-delivery.md):

- deliveries from several processes started at the same moment all end up in the bare repository, also when the
  server is made to take their pushes at the same instant;
- over HTTPS's protocol with the token of the AWX credential type (docs/awx/git_credential_type.yml, injected as AWX
  injects it): the token reaches the server through git's askpass and appears nowhere in ansible-playbook's -vvvv
  output or the results; a token the server refuses fails with what to check, and shows in no form.

    PYTHONPATH=tests VODIA_COLLECTIONS_PATH=<dir holding ansible_collections/vodia/pbx> .venv/bin/pytest -q tests/git
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

from dataclasses import replace
from types import SimpleNamespace
from urllib.parse import quote

import pytest
import yaml

from jinja2.sandbox import ImmutableSandboxedEnvironment

from git_servers import GitHttpServer, bare_repository, commits, git, hold_pushes, tree
from deliver import runner

sys.path.insert(0, os.environ['VODIA_COLLECTIONS_PATH'])

# pylint: disable=wrong-import-position
from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaGitError  # noqa: E402
from ansible_collections.vodia.pbx.plugins.module_utils.git_publish import (  # noqa: E402
    Credentials, Delivery, files_to_deliver, publish)

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
CREDENTIAL_TYPE = os.path.join(REPO_ROOT, 'docs', 'awx', 'git_credential_type.yml')
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')
TOKEN = 'Git-Token-Secret-93d1f7'
WRONG_TOKEN = 'Wrong-Token-Secret-5be02c'


# Deliveries at the same moment ------------------------------------------------------------------------------------------

def deliver_at_once(tmp_path, repo, exports):
    """Start one process per {file: text} of ``exports``, let them all go at the same moment, and return their outcomes."""
    processes = []
    for number, files in enumerate(exports):
        src = tmp_path / ('src%d' % number)
        src.mkdir()
        for name, text in files.items():
            (src / name).write_text(text, encoding='utf-8')
        paths = [str(tmp_path / ('%s%d' % (kind, number))) for kind in ('result', 'ready')]
        command = [sys.executable, os.path.join(HERE, 'deliver.py'), repo, str(src)] + paths + [str(tmp_path / 'go')]
        processes.append((subprocess.Popen(command), paths[0], paths[1]))
    deadline = time.monotonic() + 30
    while not all(os.path.exists(ready) for _process, _result, ready in processes):
        assert time.monotonic() < deadline, 'the delivery processes did not start'
        time.sleep(0.005)
    (tmp_path / 'go').touch()
    outcomes = []
    for process, result, _ready in processes:
        assert process.wait(timeout=120) == 0
        with open(result, encoding='utf-8') as handle:
            outcomes.append(json.load(handle))
    return outcomes


@pytest.mark.parametrize('existing', [False, True], ids=['new-branch', 'existing-branch'])
def test_deliveries_pushed_at_the_same_instant_keep_each_others_files(tmp_path, existing):
    """The server takes the pushes at the same instant (a hook holds each until all arrived): one updates the branch,
    the others are refused by the server, rebase onto it and push again."""
    repo = bare_repository(tmp_path / 'remote.git')
    if existing:
        git('clone', '-q', repo, str(tmp_path / 'seed'))
        (tmp_path / 'seed' / 'README.md').write_text('exports\n', encoding='utf-8')
        git('add', 'README.md', cwd=str(tmp_path / 'seed'))
        git('commit', '-q', '-m', 'seed', cwd=str(tmp_path / 'seed'))
        git('push', '-q', 'origin', 'HEAD:refs/heads/main', cwd=str(tmp_path / 'seed'))
    arrivals = hold_pushes(repo, 3)
    exports = [{'tenant-%d@pbx-%s.yml' % (number, pbx): '%s %d\n' % (pbx, number) for number in range(2)}
               for pbx in ('a', 'b', 'c')]
    outcomes = deliver_at_once(tmp_path, repo, exports)

    assert [outcome.get('error') for outcome in outcomes] == [None, None, None]
    expected = dict(('exports/' + name, text) for files in exports for name, text in files.items())
    if existing:
        expected['README.md'] = 'exports\n'
    assert tree(repo) == expected
    attempts = sorted(outcome['result']['push_attempts'] for outcome in outcomes)
    # All three reached the hook before any updated the branch, so exactly one got through at first.
    assert len(os.listdir(arrivals)) >= 3
    assert attempts[0] == 1 and attempts[1] >= 2 and attempts[2] >= 2
    assert len(commits(repo)) == 3 + existing
    assert git('--git-dir', repo, 'rev-list', '--merges', 'main').strip() == ''


def test_deliveries_started_at_the_same_moment_all_arrive(tmp_path):
    """Four processes, no hook: whatever order the server takes them in, every file is in the branch."""
    repo = bare_repository(tmp_path / 'remote.git')
    exports = [{'slice-%d.yml' % number: 'slice %d\n' % number} for number in range(4)]
    outcomes = deliver_at_once(tmp_path, repo, exports)
    assert [outcome.get('error') for outcome in outcomes] == [None] * 4
    assert sorted(tree(repo)) == ['exports/slice-%d.yml' % number for number in range(4)]
    assert len(commits(repo)) == 4
    # How far apart they ran: every delivery started before the first one finished.
    assert max(outcome['started'] for outcome in outcomes) < min(outcome['finished'] for outcome in outcomes)


def test_the_same_file_changed_at_the_same_moment_fails_one_delivery_clearly_without_force(tmp_path):
    repo = bare_repository(tmp_path / 'remote.git')
    hold_pushes(repo, 2)
    outcomes = deliver_at_once(tmp_path, repo, [{'tenant@pbx-a.yml': 'one\n'}, {'tenant@pbx-a.yml': 'two\n'}])
    errors = [outcome['error'] for outcome in outcomes if 'error' in outcome]
    assert len(errors) == 1
    assert 'same files as this one (exports/tenant@pbx-a.yml)' in errors[0] and 'ever pushed by force' in errors[0]
    winner = [outcome['result'] for outcome in outcomes if 'result' in outcome][0]
    assert commits(repo) == [winner['commit']]


# HTTPS with the token of an AWX credential --------------------------------------------------------------------------

def credential_environment(inputs, env_dir):
    """The environment a "vodia.pbx git delivery" credential injects, rendered as AWX renders it: empty inputs left
    out, each file injector written to a private file whose path is tower.filename.<name>."""
    with open(CREDENTIAL_TYPE, encoding='utf-8') as handle:
        credential_type = yaml.safe_load(handle)
    namespace = dict((key, value) for key, value in inputs.items() if value)
    sandbox = ImmutableSandboxedEnvironment()
    filenames = SimpleNamespace()
    for label, template in credential_type['injectors']['file'].items():
        descriptor, path = tempfile.mkstemp(dir=str(env_dir))
        with os.fdopen(descriptor, 'w', encoding='utf-8') as handle:
            handle.write(sandbox.from_string(template).render(**namespace))
        setattr(filenames, label.split('.', 1)[1], path)
    namespace['tower'] = SimpleNamespace(filename=filenames)
    return dict((name, sandbox.from_string(template).render(**namespace))
                for name, template in credential_type['injectors']['env'].items())


def test_the_credential_type_injects_what_the_module_reads(tmp_path):
    environment = credential_environment(dict(password=TOKEN, ssh_key_data='-----BEGIN KEY-----\nx\n-----END KEY-----',
                                              author_name='AWX'), tmp_path)
    assert environment['VODIA_GIT_PASSWORD'] == TOKEN and environment['VODIA_GIT_USERNAME'] == ''
    with open(environment['VODIA_GIT_SSH_KEY_FILE'], encoding='utf-8') as handle:
        assert handle.read().endswith('-----END KEY-----\n')  # ssh refuses a key file without its last newline
    assert environment['VODIA_GIT_SSH_KNOWN_HOSTS'] == '' and environment['VODIA_GIT_AUTHOR_EMAIL'] == ''
    with open(os.path.join(REPO_ROOT, 'plugins', 'modules', 'git_publish.py'), encoding='utf-8') as handle:
        module = handle.read()
    for name in environment:
        assert "['%s']" % name in module, name


PLAYBOOK = '''
- name: Deliver over HTTPS's protocol
  hosts: localhost
  gather_facts: false
  vars:
    delivery: &delivery
      repo: "{{ repo }}"
      path: exports
      src: "{{ src }}"
      commit_message: vodia.pbx export over HTTP
  tasks:
    - name: Deliver
      vodia.pbx.git_publish: *delivery
      register: first
    - name: Deliver again
      vodia.pbx.git_publish: *delivery
      register: again
    - name: Deliver in check mode
      vodia.pbx.git_publish: *delivery
      check_mode: true
      register: checked
    - name: Keep the results
      ansible.builtin.copy:
        dest: "{{ results }}"
        content: "{{ dict(first=first, again=again, checked=checked) | to_json }}"
        mode: "0600"
'''


def run_https_playbook(tmp_path, server, token):
    (tmp_path / 'src').mkdir(exist_ok=True)
    (tmp_path / 'src' / 'tenant@pbx-a.yml').write_text('hunt_groups_list: []\n', encoding='utf-8')
    (tmp_path / 'playbook.yml').write_text(PLAYBOOK, encoding='utf-8')
    env_dir = tmp_path / 'env'
    env_dir.mkdir()
    environment = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.environ['VODIA_COLLECTIONS_PATH'], ANSIBLE_NOCOLOR='1',
                       ANSIBLE_LOCALHOST_WARNING='0', ANSIBLE_INVENTORY_UNPARSED_WARNING='0', NO_PROXY='127.0.0.1',
                       no_proxy='127.0.0.1', **credential_environment(dict(username='deploy', password=token), env_dir))
    for name in ('http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY'):
        environment.pop(name, None)
    results = tmp_path / 'results.json'
    completed = subprocess.run(
        [ANSIBLE_PLAYBOOK, '-vvvv', str(tmp_path / 'playbook.yml'), '-e', 'repo=%s/remote.git' % server.url,
         '-e', 'src=%s' % (tmp_path / 'src'), '-e', 'results=%s' % results],
        env=environment, capture_output=True, text=True, check=False, cwd=str(tmp_path))
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    return json.loads(results.read_text(encoding='utf-8')), output


def test_https_with_a_token_uses_it_and_never_shows_it(tmp_path):
    repo = bare_repository(tmp_path / 'remote.git')
    with GitHttpServer(tmp_path, 'deploy', TOKEN) as server:
        results, output = run_https_playbook(tmp_path, server, TOKEN)
        seen = server.credentials_seen()
    assert results['first']['changed'] is True and results['first']['pushed'] is True
    assert results['first']['repo'] == '%s/remote.git' % server.url
    assert tree(repo) == {'exports/tenant@pbx-a.yml': 'hunt_groups_list: []\n'}
    assert results['again']['changed'] is False and results['checked']['changed'] is False
    assert len(commits(repo)) == 1
    # The token reached the server, as the credential's user and password, through git's askpass.
    assert seen and set(seen) == {'deploy:' + TOKEN}
    assert TOKEN not in output and TOKEN not in json.dumps(results)
    assert 'VODIA_GIT_PASSWORD' not in output


def test_a_refused_token_fails_clearly_and_is_never_shown(tmp_path):
    """In this process (an ansible-playbook run costs seconds): the error of a refused token, which the module puts
    into its result as it is, names what to check and holds no form of the token."""
    repo = bare_repository(tmp_path / 'remote.git')
    (tmp_path / 'src').mkdir()
    (tmp_path / 'src' / 'a.yml').write_text('a\n', encoding='utf-8')
    delivery = Delivery(repo='', branch='main', path='', files=tuple(files_to_deliver(str(tmp_path / 'src'), None)),
                        message='refused')
    with GitHttpServer(tmp_path, 'deploy', TOKEN) as server:
        with pytest.raises(VodiaGitError) as caught:
            publish(replace(delivery, repo='%s/remote.git' % server.url),
                    Credentials(username='deploy', password=WRONG_TOKEN), runner)
        refused, seen = server.refused, server.credentials_seen()
    message = caught.value.message
    assert 'could not be read' in message and 'Authentication failed' in message and 'VODIA_GIT_PASSWORD' in message
    assert refused >= 1 and 'deploy:' + WRONG_TOKEN in seen
    assert WRONG_TOKEN not in message and quote(WRONG_TOKEN, safe='') not in message
    assert commits(repo) == []
