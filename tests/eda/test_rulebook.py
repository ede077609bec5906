# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The vodia.pbx.drift source under the real ansible-rulebook CLI (Java's drools engine included), against two simulated
PBXs: ansible-rulebook finds the source in the installed collection (ansible-galaxy collection list, over
ANSIBLE_COLLECTIONS_PATH), and on drift runs a playbook limited to the drifted host, once per tenant however many of its
accounts drifted (throttle once_after: the run comes at the end of the window, after every event of it).

ansible-rulebook lives in a venv of its own (make .venv-eda/.installed, a prerequisite of make test-eda): VODIA_RULEBOOK
names its ansible-rulebook, by default .venv-eda/bin/ansible-rulebook of this checkout. ansible-playbook and
ansible-galaxy come from the Python that runs the tests (.venv).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
import requests
import yaml

from pbxsim import seed

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
# How long a run that the first event would start at once (throttle once_within) is given to show up (it took 5 s
# on the 2-core machine); tests/eda/files/rulebook.yml's window (once_after: 40 seconds) leaves another 30 s for the
# second event to come within it, however busy the machine (the wait costs time, not CPU).
EARLY_RUN_GRACE = 10


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


class FakeController(BaseHTTPRequestHandler):
    """The few automation controller endpoints ansible-rulebook's run_job_template uses: the version, the job template
    by name, its launch (recorded) and the job's status (successful at once)."""
    launches: list = []
    template = 'Vodia PBX check'

    def log_message(self, *args):  # pylint: disable=arguments-differ
        pass

    def _answer(self, body):
        data = json.dumps(body).encode('utf-8')
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):  # pylint: disable=invalid-name
        path = urlsplit(self.path).path
        if path == '/api/v2/config/':
            self._answer({'version': '4.6.0'})
        elif path == '/api/v2/unified_job_templates/':
            self._answer({'count': 1, 'next': None, 'results': [{
                'id': 42, 'type': 'job_template', 'name': self.template,
                'summary_fields': {'organization': {'name': 'Default'}},
                'related': {'launch': '/api/v2/job_templates/42/launch/'},
                'ask_limit_on_launch': True, 'ask_labels_on_launch': False, 'ask_inventory_on_launch': False,
                'ask_variables_on_launch': True}]})
        elif path == '/api/v2/jobs/':
            self._answer({'count': len(self.launches), 'next': None, 'results': [
                {'id': number, 'status': 'successful', 'created': '2026-12-03T00:00:00Z'}
                for number in range(1, len(self.launches) + 1)]})
        else:
            self.send_error(404)

    def do_POST(self):  # pylint: disable=invalid-name
        body = json.loads(self.rfile.read(int(self.headers.get('Content-Length') or 0)) or b'{}')
        if urlsplit(self.path).path != '/api/v2/job_templates/42/launch/':
            self.send_error(404)
            return
        self.launches.append(body)
        number = len(self.launches)
        self._answer({'id': number, 'job': number, 'url': '/api/v2/jobs/%d/' % number, 'status': 'pending'})


def wait_for(done, process, timeout=STARTUP_TIMEOUT):
    """Wait until done() holds, the time runs out or ansible-rulebook ended; returns done()."""
    deadline = time.monotonic() + timeout
    while not done() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.25)
    return done()


def run_rulebook(args, cwd, env, done, log, meanwhile=None):
    """ansible-rulebook with these arguments: meanwhile(process, text) if given, then until done() or the time runs out,
    then SIGINT; returns its output. text() is its output so far."""
    with open(log, 'w', encoding='utf-8') as output:
        process = subprocess.Popen(  # pylint: disable=consider-using-with
            [RULEBOOK] + args, cwd=str(cwd), env=env, stdout=output, stderr=subprocess.STDOUT)

    def text():
        with open(log, encoding='utf-8') as handle:
            return handle.read()

    try:
        if meanwhile is not None:
            meanwhile(process, text)
        wait_for(done, process)
        # Some more polls: the other events of the tenant come, and are throttled.
        time.sleep(SETTLE)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(30)
    with open(log, encoding='utf-8') as handle:
        return handle.read()


def require_rulebook(env):
    if not os.access(RULEBOOK, os.X_OK):
        pytest.fail('%s is missing: make .venv-eda/.installed installs ansible-rulebook (or set VODIA_RULEBOOK)' % RULEBOOK)
    if not env.get('JAVA_HOME'):
        pytest.fail('ansible-rulebook needs Java 17 or later (its rule engine, drools): install it (Debian: '
                    'openjdk-17-jre-headless) or set JAVA_HOME')


def runs_of(path):
    if not os.path.exists(path):
        return []
    with open(path, encoding='utf-8') as handle:
        return handle.read().split()


def test_a_drifted_tenant_gets_one_playbook_run_limited_to_its_host(pbxs, collections_path, tmp_path):
    require_rulebook(environment(collections_path, ''))
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
    early = []

    def second_change_within_the_window(process, text):
        """One hunt group drifts; once its event came (and a run that it would start at once had time to show up),
        another of the same tenant drifts within the throttle's window."""
        assert wait_for(lambda: "'name': '1003'" in text(), process), text()[-4000:]
        wait_for(lambda: runs_of(runs), process, EARLY_RUN_GRACE)
        by_hand(pbxs, '1004')
        assert wait_for(lambda: "'name': '1004'" in text(), process), text()[-4000:]
        early.extend(runs_of(runs))

    by_hand(pbxs, '1003')
    text = run_rulebook(['--rulebook', 'rulebook.yml', '-i', 'inventory.yml', '--vars', 'vars.yml', '--print-events'],
                        tmp_path, environment(collections_path, runs), lambda: runs_of(runs), tmp_path / 'rulebook.log',
                        second_change_within_the_window)
    # No run before the second event (once_within would have run at the first and dropped the second); one after both.
    assert early == [], text[-4000:]
    assert runs_of(runs) == ['localhost@pbx-a'], text[-4000:]
    assert SECRET not in text


def by_hand(pbxs, name):
    answer = requests.post(pbxs.urls[0] + '/rest/domain/localhost/user_settings/' + name, json={'display': 'By hand'},
                           auth=seed.TENANT_ADMIN, timeout=10)
    answer.raise_for_status()


def collection_with_short_window(collections_path, tmp_path):
    """A collection tree that is the one under test but for the shipped rulebook's throttle window, seconds instead of
    ten minutes: links to every file, a copy of drift_watch.yml."""
    real = os.path.join(collections_path, 'ansible_collections', 'vodia', 'pbx')
    copy = tmp_path / 'collections' / 'ansible_collections' / 'vodia' / 'pbx'
    for directory in ('', 'extensions', os.path.join('extensions', 'eda'), os.path.join('extensions', 'eda', 'rulebooks')):
        os.makedirs(copy / directory, exist_ok=True)
        for name in os.listdir(os.path.join(real, directory)):
            if not (copy / directory / name).exists() and name not in ('extensions', 'eda', 'rulebooks'):
                os.symlink(os.path.join(real, directory, name), copy / directory / name)
    rulebook = copy / 'extensions' / 'eda' / 'rulebooks' / 'drift_watch.yml'
    os.unlink(rulebook)
    with open(os.path.join(real, 'extensions', 'eda', 'rulebooks', 'drift_watch.yml'), encoding='utf-8') as handle:
        text = handle.read()
    assert text.count('once_after: 10 minutes') == 1
    rulebook.write_text(text.replace('once_after: 10 minutes', 'once_after: 3 seconds'))
    return str(tmp_path / 'collections')


def test_the_shipped_rulebook_launches_the_check_job_template_once_limited_to_the_tenant(pbxs, collections_path, tmp_path):
    """extensions/eda/rulebooks/drift_watch.yml, by its name in the installed collection (a tree where its window is
    seconds), against a fake automation controller: one launch, with the drifted tenant's host as its limit, for two
    drifted hunt groups. A single-PBX setup: no vodia_drift_pbxs, VODIA_URL, the other PBX named in its file; and the
    state file of vodia_drift_state_file."""
    require_rulebook(environment(collections_path, ''))
    pbxs.reset_all()
    desired = tmp_path / 'desired'
    desired.mkdir()
    (desired / 'branch.example.com@pbx-b.yml').write_text(yaml.safe_dump({
        'hunt_groups_url': pbxs.urls[1], 'hunt_groups_domain': 'branch.example.com',
        'hunt_groups_list': [{'name': '2100', 'display_name': 'Branch Hunt'}]}))
    (desired / 'localhost@pbx-a.yml').write_text(yaml.safe_dump({'hunt_groups_domain': 'localhost', 'hunt_groups_list': [
        {'name': '1003', 'display_name': 'Hunt_2'}, {'name': '1004', 'display_name': 'Hunt_3'}]}))
    state_file = tmp_path / 'state.json'
    (tmp_path / 'vars.yml').write_text(yaml.safe_dump({
        'vodia_drift_desired_dir': str(desired), 'vodia_drift_interval': 0.5, 'vodia_drift_state_file': str(state_file)}))
    for name in ('1003', '1004'):
        by_hand(pbxs, name)
    FakeController.launches = []
    controller = ThreadingHTTPServer(('127.0.0.1', 0), FakeController)
    threading.Thread(target=controller.serve_forever, daemon=True).start()
    env = dict(environment(collection_with_short_window(collections_path, tmp_path), str(tmp_path / 'runs')),
               VODIA_URL=pbxs.urls[0])
    try:
        text = run_rulebook(
            ['--rulebook', 'vodia.pbx.drift_watch', '--vars', 'vars.yml', '--print-events',
             '--controller-url', 'http://127.0.0.1:%d' % controller.server_address[1], '--controller-token', 'token'],
            tmp_path, env, lambda: FakeController.launches, tmp_path / 'rulebook.log')
    finally:
        controller.shutdown()
        controller.server_close()
    assert [launch.get('limit') for launch in FakeController.launches] == ['localhost@pbx-a'], text[-4000:]
    assert "'name': '1003'" in text and "'name': '1004'" in text, text[-4000:]
    assert list(json.loads(state_file.read_text())['hosts']) == ['localhost@pbx-a']
    assert SECRET not in text
