# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One delivery in a process of its own, started at the same moment as others (a barrier of two files):

    python deliver.py REPO SRC_DIR RESULT_JSON READY_FILE GO_FILE

It imports vodia.pbx from VODIA_COLLECTIONS_PATH, writes READY_FILE, waits until GO_FILE exists, delivers every file of
SRC_DIR to the repository under exports/ on main, and writes the result, or the error message, to RESULT_JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.environ['VODIA_COLLECTIONS_PATH'])

# pylint: disable=wrong-import-position
from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaGitError  # noqa: E402
from ansible_collections.vodia.pbx.plugins.module_utils.git_publish import (  # noqa: E402
    Credentials, Delivery, files_to_deliver, publish, scrubbed)


def runner(command, cwd, environment):
    """Runs git as the module's AnsibleModule.run_command does: the scrubbed environment plus the delivery's."""
    completed = subprocess.run(command, cwd=cwd, env=dict(scrubbed(os.environ), **environment), capture_output=True,
                               text=True, check=False, stdin=subprocess.DEVNULL)
    return completed.returncode, completed.stdout, completed.stderr


def main(repo, src, result_path, ready, go):
    delivery = Delivery(repo=repo, branch='main', path='exports', files=tuple(files_to_deliver(src, None)),
                        message='delivery from process %d' % os.getpid())
    with open(ready, 'w', encoding='utf-8'):
        pass
    deadline = time.monotonic() + 30
    while not os.path.exists(go) and time.monotonic() < deadline:
        time.sleep(0.001)
    started = time.monotonic()
    try:
        outcome = dict(result=publish(delivery, Credentials(), runner))
    except VodiaGitError as error:
        outcome = dict(error=error.message)
    outcome.update(started=started, finished=time.monotonic())
    with open(result_path, 'w', encoding='utf-8') as handle:
        json.dump(outcome, handle)


if __name__ == '__main__':
    main(*sys.argv[1:])
