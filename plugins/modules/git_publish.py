#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
module: git_publish
short_description: Commit files to a git repository and push them, safely beside other jobs pushing at once
version_added: 1.0.0
description:
  - Puts files from a local directory into a git repository under a path, commits them and pushes the commit, so that
    exports and reports written in an execution environment outlive it (for example an AWX job in a container group
    pod). The P(vodia.pbx.hunt_groups_export#role) role and the drift report of the P(vodia.pbx.hunt_groups#role) role
    use it when their C(_git_repo) variable is set. See docs/git-delivery.md.
  - The branch's newest commit is fetched into a temporary directory (a shallow fetch of that one branch), which is
    removed afterwards. A branch the repository does not have yet is created, with the delivered files as its first
    commit.
  - Files are added or replaced, never deleted; files of the repository that the task does not name stay as they are.
    When every file is already in the repository with the same content, nothing is committed or pushed and the task
    reports no change.
  - When another job pushed to the branch first, the push is rejected; the module then fetches the branch, rebases its
    commit onto it and pushes again, up to O(push_attempts) pushes in all, with a random wait before each retry (up to
    0.5, 1, 2 and then 4 seconds). Jobs that deliver different files therefore all end up in the branch. A file that
    another job changed too is a conflict, and the task fails, naming the file. Nothing is ever pushed by force.
  - Credentials come from the environment, which an AWX credential of the type in docs/git-delivery.md fills. For
    HTTPS, the password or token is handed to git through C(GIT_ASKPASS), never in a URL, a command line or a file; for
    SSH, the private key file goes to ssh with C(IdentitiesOnly=yes), host keys are checked against O(ssh_known_hosts)
    or ssh's own known hosts, and ssh never prompts. Whatever git prints is masked before it reaches an error message.
  - Runs where the task runs, normally the controller (C(delegate_to=localhost)), with the git command line installed
    there.
author:
  - vodia.pbx maintainers (@vodia-pbx)
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
    details:
      - Fetches the branch and compares the files, and reports in RV(files) what would be committed; commits and pushes
        nothing.
  diff_mode:
    support: none
  platform:
    platforms: posix
requirements:
  - the git command line on the host that runs the task (tested with git 2.39)
options:
  repo:
    description:
      - The repository, as git takes it. An HTTPS URL (V(https://git.example.com/ops/pbx-config.git)), an SSH URL
        (V(ssh://git@git.example.com/ops/pbx-config.git) or V(git@git.example.com:ops/pbx-config.git)), a V(file://)
        URL or a local path of a (bare) repository.
      - An HTTPS URL with a user part (which may be a token, as in V(https://TOKEN@host/...)) and any URL that holds a
        password are refused; give the user name in O(username) and the password or token in O(password) (from
        E(VODIA_GIT_USERNAME) and E(VODIA_GIT_PASSWORD)).
    type: str
    required: true
  branch:
    description:
      - The branch to push to. Created when the repository does not have it.
    type: str
    default: main
  path:
    description:
      - The directory in the repository that receives the files, relative to its top. Empty for the top itself.
      - It may not leave the repository (V(..)) or name its C(.git) directory.
    type: str
    default: ''
  src:
    description:
      - The local directory that holds the files to deliver.
    type: path
    required: true
  files:
    description:
      - The files to deliver, relative to O(src); each goes to the same relative path below O(path).
      - Not set, every file below O(src) is delivered.
    type: list
    elements: str
  commit_message:
    description:
      - The first line of the commit message, saying what was delivered. The module adds the list of files the commit
        adds (C(A)) or changes (C(M)) after it.
    type: str
    required: true
  author_name:
    description:
      - The name of the commit's author and committer.
      - Defaults to E(VODIA_GIT_AUTHOR_NAME), else V(vodia.pbx).
    type: str
  author_email:
    description:
      - The e-mail address of the commit's author and committer.
      - Defaults to E(VODIA_GIT_AUTHOR_EMAIL), else V(vodia.pbx@localhost).
    type: str
  username:
    description:
      - The user name for an HTTPS repository, given to git with the password.
      - Defaults to E(VODIA_GIT_USERNAME), else V(git), which servers that take a token as the password accept
        (GitHub); GitLab wants V(oauth2) or the token's name, Bitbucket V(x-token-auth).
      - A user name in the URL (V(https://deploy@git.example.com/...)) is used by git instead.
    type: str
  password:
    description:
      - The password or access token for an HTTPS repository. Defaults to E(VODIA_GIT_PASSWORD).
      - Handed to git only through its askpass program; it never appears in a URL, a command line, a file, the result or
        an error message.
    type: str
  ssh_key_file:
    description:
      - The private key file for an SSH repository. Defaults to E(VODIA_GIT_SSH_KEY_FILE).
      - Not set, ssh uses its own keys and agent. The key must have no passphrase, since ssh may not prompt.
    type: path
  ssh_known_hosts:
    description:
      - A known hosts file with the SSH server's host key. Defaults to E(VODIA_GIT_SSH_KNOWN_HOSTS).
      - Not set, ssh's own known hosts files are used. Either way, a server whose key is not known is refused.
    type: path
  push_attempts:
    description:
      - How many pushes are tried in all when other jobs push to the branch at the same time (1 to 20). Each retry
        first rebases the commit onto the branch as the server then has it.
    type: int
    default: 5
seealso:
  - name: Git delivery of exports and drift reports
    description: The role variables, the AWX credential type, concurrency and what the tests prove.
    link: https://github.com/vodia-pbx/vodia.pbx/blob/main/docs/git-delivery.md
'''

EXAMPLES = r'''
- name: Push the export files of this play's hosts
  vodia.pbx.git_publish:
    repo: https://git.example.com/ops/pbx-config.git   # VODIA_GIT_USERNAME / VODIA_GIT_PASSWORD from the environment
    branch: main
    path: exports
    src: /tmp/exports
    files: "{{ ansible_play_hosts | map('regex_replace', '$', '.yml') | list }}"
    commit_message: Export of {{ ansible_play_hosts | length }} tenants
  delegate_to: localhost
  run_once: true

- name: Push a drift report over SSH
  vodia.pbx.git_publish:
    repo: git@git.example.com:ops/pbx-reports.git
    branch: reports
    path: drift/nightly
    src: /tmp/report
    commit_message: Nightly drift report
    ssh_key_file: /run/secrets/deploy_key          # or VODIA_GIT_SSH_KEY_FILE
    ssh_known_hosts: /etc/ssh/git_known_hosts       # or VODIA_GIT_SSH_KNOWN_HOSTS
  delegate_to: localhost
  run_once: true
'''

RETURN = r'''
changed:
  description: Whether a commit was pushed (in check mode, whether one would be).
  returned: always
  type: bool
repo:
  description: The repository, without any user information of its URL.
  returned: always
  type: str
  sample: https://git.example.com/ops/pbx-config.git
branch:
  description: The branch.
  returned: always
  type: str
  sample: main
path:
  description: The directory in the repository that received the files.
  returned: always
  type: str
  sample: exports
files:
  description:
    - The files the commit adds or changes (in check mode, would add or change), in path order. Files whose content the
      repository already had are not listed.
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: The file's path in the repository.
      type: str
      sample: exports/pbx-nyc.yml
    action:
      description: V(added) or V(updated).
      type: str
      sample: updated
unchanged:
  description: How many of the files the repository already held with the same content.
  returned: always
  type: int
  sample: 2
commit:
  description: The commit pushed; null when nothing was pushed (no change, or check mode).
  returned: always
  type: str
  sample: 3f0c8e2a9b1d4c5e6f708192a3b4c5d6e7f80912
pushed:
  description: Whether a commit was pushed.
  returned: always
  type: bool
push_attempts:
  description: How many pushes it took; more than 1 when other jobs pushed to the branch at the same time.
  returned: always
  type: int
  sample: 1
created_branch:
  description: Whether the commit creates the branch (or in check mode would).
  returned: always
  type: bool
'''

import os

from ansible.module_utils.basic import AnsibleModule, env_fallback

from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaError
from ansible_collections.vodia.pbx.plugins.module_utils.git_publish import (
    DEFAULT_PUSH_ATTEMPTS, Credentials, Delivery, files_to_deliver, left_out, publish, url_password)

ARGUMENT_SPEC = dict(
    repo=dict(type='str', required=True),
    branch=dict(type='str', default='main'),
    path=dict(type='str', default=''),
    src=dict(type='path', required=True),
    files=dict(type='list', elements='str'),
    commit_message=dict(type='str', required=True),
    author_name=dict(type='str', fallback=(env_fallback, ['VODIA_GIT_AUTHOR_NAME'])),
    author_email=dict(type='str', fallback=(env_fallback, ['VODIA_GIT_AUTHOR_EMAIL'])),
    username=dict(type='str', fallback=(env_fallback, ['VODIA_GIT_USERNAME'])),
    password=dict(type='str', no_log=True, fallback=(env_fallback, ['VODIA_GIT_PASSWORD'])),
    ssh_key_file=dict(type='path', no_log=False, fallback=(env_fallback, ['VODIA_GIT_SSH_KEY_FILE'])),
    ssh_known_hosts=dict(type='path', fallback=(env_fallback, ['VODIA_GIT_SSH_KNOWN_HOSTS'])),
    push_attempts=dict(type='int', default=DEFAULT_PUSH_ATTEMPTS),
)


def given(value):
    """An empty value counts as not given: AWX renders an input left empty as an empty string."""
    return value or None


def git_runner(module):
    """Runs git for the delivery: arguments as they are (a commit message may hold a $ or a ~), variables added."""
    # This process is the module's own: the variables that would redirect, trace or authenticate git otherwise go.
    for name in [name for name in os.environ if left_out(name)]:
        del os.environ[name]

    def run(command, cwd, environment):
        return module.run_command(command, cwd=cwd, environ_update=environment, expand_user_and_vars=False,
                                  check_rc=False, handle_exceptions=False, errors='surrogate_then_replace')

    return run


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    params = module.params
    # A password or an HTTPS user part (a token) written into the URL is refused below; until then it must not show
    # in the result's invocation.
    if url_password(params['repo']):
        module.no_log_values.add(url_password(params['repo']))
    credentials = Credentials(username=given(params['username']), password=given(params['password']),
                              ssh_key_file=given(params['ssh_key_file']),
                              ssh_known_hosts=given(params['ssh_known_hosts']))
    try:
        delivery = Delivery(repo=params['repo'], branch=params['branch'], path=params['path'],
                            files=tuple(files_to_deliver(params['src'], params['files'])), message=params['commit_message'],
                            author_name=given(params['author_name']), author_email=given(params['author_email']),
                            push_attempts=params['push_attempts'])
        result = publish(delivery, credentials, git_runner(module), check_mode=module.check_mode)
    except VodiaError as error:
        module.fail_json(msg=error.message, **error.facts())
    module.exit_json(**result)


if __name__ == '__main__':
    main()
