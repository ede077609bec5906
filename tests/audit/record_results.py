# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Record the job events of every vodia.pbx module, as automation controller stores them, for the audit queries.

    PYTHONPATH=tests VODIA_COLLECTIONS_PATH=<dir holding ansible_collections/vodia/pbx> \\
        .venv/bin/python tests/audit/record_results.py [--ansible-bin .venv-2.21/bin] [--output FILE]

Runs tests/audit/record.yml through ansible-runner (what automation controller runs a job with) against two
simulated PBXs over HTTPS, pbx-a and pbx-b, and keeps of each job event that holds a task result what the
controller's indirect node counting reads from it: the event name, event_data.resolved_action and event_data.res,
plus the task name and host for the tests. --ansible-bin runs the play with the ansible-playbook of another
ansible-core (ansible-runner's event callback needs only Ansible), as tests/audit/fixtures/ holds results of 2.19,
which shows every task's invocation, and of 2.21, which does not unless asked (INJECT_INVOCATION).

The administrator's password is SECRET, distinctive enough to be searched for in the recorded results and in the
nodes the queries make of them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS_DIR = os.path.dirname(HERE)
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)

from pbxsim import seed  # noqa: E402  pylint: disable=wrong-import-position
from pbxsim.process import launch  # noqa: E402  pylint: disable=wrong-import-position

PLAYBOOK = os.path.join(HERE, 'record.yml')
FIXTURES = os.path.join(HERE, 'fixtures')
HOSTS = ('pbx-a', 'pbx-b')
USERNAME = 'admin'
SECRET = 'Audit-Secret-5d1c8e'
# What automation controller's indirect node counting looks at: events with a result ("res") and a resolved action.
RESULT_EVENTS = frozenset((
    'runner_on_ok', 'runner_on_failed', 'runner_on_skipped', 'runner_on_unreachable',
    'runner_item_on_ok', 'runner_item_on_failed', 'runner_item_on_skipped',
))


def ansible_core_version(ansible_bin):
    """The version ansible-playbook in ansible_bin reports, for example '2.19.14'."""
    output = subprocess.run([os.path.join(ansible_bin, 'ansible-playbook'), '--version'], check=True, text=True,
                            stdout=subprocess.PIPE).stdout
    first = output.splitlines()[0]  # "ansible-playbook [core 2.19.14]"
    return first.split('core', 1)[1].strip(' []')


def run_play(collections_path, ansible_bin, work_dir, sim):
    """Run record.yml through ansible_runner.run(); returns (status, rc, events)."""
    import ansible_runner  # pylint: disable=import-outside-toplevel

    pdd = os.path.join(work_dir, 'job')
    os.makedirs(os.path.join(pdd, 'project'))
    os.makedirs(os.path.join(pdd, 'inventory'))
    shutil.copy(PLAYBOOK, os.path.join(pdd, 'project', 'record.yml'))
    hosts = dict((host, {'vodia_url': url}) for host, url in zip(HOSTS, sim.urls))
    inventory = {'all': {
        'vars': {'ansible_python_interpreter': '{{ ansible_playbook_python }}'},
        'children': {'pbxs': {'hosts': hosts}},
    }}
    with open(os.path.join(pdd, 'inventory', 'hosts.json'), 'w', encoding='utf-8') as handle:
        json.dump(inventory, handle)
    env = {
        'ANSIBLE_COLLECTIONS_PATH': collections_path,
        'ANSIBLE_NOCOLOR': '1',
        # ansible-core 2.21's default, whatever the caller's environment says: its recording shows what a controller
        # gets from a job that does not ask for the invocation (earlier cores show it always).
        'ANSIBLE_INJECT_INVOCATION': 'false',
        'PATH': os.pathsep.join([ansible_bin, os.path.dirname(sys.executable), os.environ.get('PATH', '')]),
        'VODIA_USERNAME': USERNAME,
        'VODIA_PASSWORD': SECRET,
        'VODIA_CA_PATH': sim.ca_file,
    }
    saved_path = os.environ.get('PATH', '')
    os.environ['PATH'] = env['PATH']  # ansible-runner looks ansible-playbook up on its own PATH
    try:
        result = ansible_runner.run(private_data_dir=pdd, playbook='record.yml', envvars=env, quiet=True,
                                    ident='record')
    finally:
        os.environ['PATH'] = saved_path
    return result.status, result.rc, list(result.events)


def recorded_events(events):
    """The result events, reduced to what the controller's queries read and what the tests name them by."""
    kept = []
    for event in sorted(events, key=lambda item: item.get('counter', 0)):
        data = event.get('event_data') or {}
        if event.get('event') not in RESULT_EVENTS or 'res' not in data:
            continue
        kept.append({
            'event': event['event'],
            'host': data.get('host'),
            'task': data.get('task'),
            'resolved_action': data.get('resolved_action'),
            'res': data['res'],
        })
    return kept


def record(collections_path, ansible_bin, work_dir, profile='v58'):
    """Run the play against fresh simulated PBXs; returns the fixture: what ran, the PBXs' URLs and the events."""
    seed_file = seed.write_seed_with_password(os.path.join(work_dir, 'seed.json'), USERNAME, SECRET)
    sim = launch(['--pbx-count', str(len(HOSTS)), '--tls', '--seed', seed_file, '--profile', profile])
    try:
        status, rc, events = run_play(collections_path, ansible_bin, work_dir, sim)
    finally:
        sim.stop()
    if status != 'successful' or rc != 0:
        stdout = '\n'.join(event.get('stdout', '') for event in events)
        raise RuntimeError('the recording play ended %s (rc %s):\n%s' % (status, rc, stdout[-6000:]))
    return {
        'ansible_core': ansible_core_version(ansible_bin),
        'pbx_profile': profile,
        'pbx_urls': dict(zip(HOSTS, sim.urls)),
        'events': recorded_events(events),
    }


def write_fixture(path, fixture):
    """JSON with one event to a line: compact, yet a change to one result shows as a change to one line."""
    compact = dict(separators=(',', ':'), sort_keys=True)
    lines = ['{']
    for key in sorted(key for key in fixture if key != 'events'):
        lines.append('%s:%s,' % (json.dumps(key), json.dumps(fixture[key], **compact)))
    lines.append('"events":[')
    lines.append(',\n'.join(json.dumps(event, **compact) for event in fixture['events']))
    lines.append(']}')
    with open(path, 'w', encoding='utf-8') as handle:
        handle.write('\n'.join(lines) + '\n')


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--ansible-bin', default=os.path.dirname(sys.executable),
                        help='directory of the ansible-playbook to run (default: the one next to this Python)')
    parser.add_argument('--profile', default='v58', help='PBX version profile of the simulator (default v58)')
    parser.add_argument('--output', help='fixture file to write (default tests/audit/fixtures/core-MAJOR.MINOR.json)')
    options = parser.parse_args()
    collections_path = os.environ.get('VODIA_COLLECTIONS_PATH')
    if not collections_path or not os.path.isdir(os.path.join(collections_path, 'ansible_collections', 'vodia', 'pbx')):
        parser.error('set VODIA_COLLECTIONS_PATH to a directory that holds ansible_collections/vodia/pbx '
                     '(tests/tools/collection_tree.sh DIR makes one)')
    ansible_bin = os.path.abspath(options.ansible_bin)
    work_dir = tempfile.mkdtemp(prefix='vodia-audit-')
    try:
        fixture = record(collections_path, ansible_bin, work_dir, options.profile)
    finally:
        shutil.rmtree(work_dir, ignore_errors=True)
    output = options.output or os.path.join(
        FIXTURES, 'core-%s.json' % '.'.join(fixture['ansible_core'].split('.')[:2]))
    os.makedirs(os.path.dirname(output), exist_ok=True)
    write_fixture(output, fixture)
    print('%s: %d result events of ansible-core %s' % (output, len(fixture['events']), fixture['ansible_core']))


if __name__ == '__main__':
    main()
