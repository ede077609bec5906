# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shared helpers for playbook-level reliability tests against simulated PBXs.

The tests need VODIA_COLLECTIONS_PATH: a directory that holds ansible_collections/vodia/pbx.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import requests

from pbxsim import seed

ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), 'ansible-playbook')


def write_json(path, data):
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(data, handle)
    return str(path)


def run_playbook(playbook, inventory, extra_env=None, args=()):
    """Run ansible-playbook; returns (exit code, combined output)."""
    env = dict(
        os.environ,
        ANSIBLE_COLLECTIONS_PATH=os.environ['VODIA_COLLECTIONS_PATH'],
        ANSIBLE_NOCOLOR='1',
        ANSIBLE_HOST_KEY_CHECKING='0',
        VODIA_USERNAME=seed.SYSTEM_ADMIN[0],
        VODIA_PASSWORD=seed.SYSTEM_ADMIN[1],
    )
    env.update(extra_env or {})
    completed = subprocess.run([ANSIBLE_PLAYBOOK, playbook, '-i', inventory] + list(args), env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    return completed.returncode, completed.stdout


def rest_get(url, path, ca_file=None):
    answer = requests.get(url + path, auth=seed.SYSTEM_ADMIN, verify=ca_file or True, timeout=30)
    answer.raise_for_status()
    return answer.json()
