# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The vodia.pbx.drift source under the real ansible-rulebook CLI (Java's drools engine included), against two simulated
PBXs: ansible-rulebook finds the source in the installed collection (ansible-galaxy collection list, over
ANSIBLE_COLLECTIONS_PATH), and on drift runs a playbook limited to the drifted host, once per tenant however many of its
accounts drifted (throttle).

ansible-rulebook lives in a venv of its own (make .venv-eda/.installed, a prerequisite of make test-eda): VODIA_RULEBOOK
names its ansible-rulebook, by default .venv-eda/bin/ansible-rulebook of this checkout. ansible-playbook and
ansible-galaxy come from the Python that runs the tests (.venv).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
import requests
import yaml

from pbxsim import seed
from pbxsim.process import launch

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FILES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'files')
RULEBOOK = os.environ.get('VODIA_RULEBOOK') or os.path.join(REPO_ROOT, '.venv-eda', 'bin', 'ansible-rulebook')
JAVA_HOMES = ('/usr/lib/jvm/java-17-openjdk-amd64', '/usr/lib/jvm/java-17-openjdk')
USERNAME = 'admin'
SECRET = 'Rulebook-Drift-Secret-93af17'
PBX_NAMES = ('pbx-a', 'pbx-b')
HOSTS = ('localhost@pbx-a', 'branch.example.com@pbx-b', 'localhost@pbx-b')
# ansible-rulebook with its JVM takes some seconds to start on a busy machine; the playbook some more.
STARTUP_TIMEOUT = 120
SETTLE = 4


@pytest.fixture(scope='module')
def pbxs(tmp_path_factory):
    seed_file = seed.write_seed_with_password(tmp_path_factory.mktemp('seed') / 'seed.json', USERNAME, SECRET)
    sim = launch(['--pbx-count', str(len(PBX_NAMES)), '--seed', seed_file])
    yield sim
    sim.stop()


def environment(collections_path, runs):
    env = dict(os.environ)
    env.update({
        'ANSIBLE_COLLECTIONS_PATH': collections_path,
        # ansible-playbook and ansible-galaxy of the tests' ansible-core; ansible-rulebook's own tools after them.
        'PATH': os.pathsep.join([os.path.dirname(sys.executable), os.path.dirname(RULEBOOK), env.get('PATH', '')]),
        'VODIA_USERNAME': USERNAME,
        'VODIA_PASSWORD': SECRET,
        'DRIFT_RUNS': runs,
        'ANSIBLE_HOST_KEY_CHECKING': 'false',
    })
    if not env.get('JAVA_HOME'):
        env['JAVA_HOME'] = next((path for path in JAVA_HOMES if os.path.isdir(path)), '')
    return env


def runs_of(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding='utf-8') as handle:
        return handle.read().split()


def test_a_drifted_tenant_gets_one_playbook_run_limited_to_its_host(pbxs, collections_path, tmp_path):
    if not os.access(RULEBOOK, os.X_OK):
        pytest.fail('%s is missing: make .venv-eda/.installed installs ansible-rulebook (or set VODIA_RULEBOOK)' % RULEBOOK)
    pbxs.reset_all()
    desired = tmp_path / 'desired'
    desired.mkdir()
    for host in HOSTS:
        domain, _at, pbx = host.rpartition('@')
        hunt_groups = {'localhost': [{'name': '1003', 'display_name': 'Hunt_2'}, {'name': '1004', 'display_name': 'Hunt_3'}],
                       'branch.example.com': [{'name': '2100', 'display_name': 'Branch Hunt'}]}[domain]
        (desired / (host + '.yml')).write_text(yaml.safe_dump({'hunt_groups_domain': domain, 'hunt_groups_list': hunt_groups}))
    for name in ('rulebook.yml', 'check.yml'):
        shutil.copy(os.path.join(FILES, name), tmp_path / name)
    (tmp_path / 'inventory.yml').write_text(yaml.safe_dump({'all': {'hosts': dict((host, {}) for host in HOSTS), 'vars': {
        'ansible_connection': 'local', 'ansible_python_interpreter': sys.executable}}}))
    (tmp_path / 'vars.yml').write_text(yaml.safe_dump({
        'desired_dir': str(desired), 'interval': 0.5,
        'pbxs': [{'name': name, 'url': url} for name, url in zip(PBX_NAMES, pbxs.urls)]}))
    runs = str(tmp_path / 'runs')
    # Two hunt groups of one tenant drift: two events, one playbook run.
    for name in ('1003', '1004'):
        answer = requests.post(pbxs.urls[0] + '/rest/domain/localhost/user_settings/' + name, json={'display': 'By hand'},
                               auth=seed.TENANT_ADMIN, timeout=10)
        answer.raise_for_status()
    log = tmp_path / 'rulebook.log'
    with open(log, 'w', encoding='utf-8') as output:
        process = subprocess.Popen(  # pylint: disable=consider-using-with
            [RULEBOOK, '--rulebook', 'rulebook.yml', '-i', 'inventory.yml', '--vars', 'vars.yml', '--print-events'],
            cwd=str(tmp_path), env=environment(collections_path, runs), stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not runs_of(runs) and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.5)
        # Some more polls: the second event of the tenant comes, and is throttled.
        time.sleep(SETTLE)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(30)
    text = log.read_text()
    assert runs_of(runs) == ['localhost@pbx-a'], text[-4000:]
    # Both hunt groups were events (printed with --print-events); the throttle made them one run.
    assert "'name': '1003'" in text and "'name': '1004'" in text, text[-4000:]
    assert SECRET not in text
