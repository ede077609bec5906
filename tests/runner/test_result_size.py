# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What AWX keeps of a vodia_hunt_groups result for a tenant with 500 hunt groups.

    PYTHONPATH=tests VODIA_COLLECTIONS_PATH=<dir holding ansible_collections/vodia/pbx> .venv/bin/pytest -q \\
        tests/runner/test_result_size.py
    PYTHONPATH=tests VODIA_COLLECTIONS_PATH=<dir> .venv/bin/python tests/runner/test_result_size.py [ANSIBLE_BIN_DIR]

AWX passes its setting MAX_EVENT_RES_DATA (700,000 by default) to the job as the environment variable MAX_EVENT_RES,
and ansible-runner's event callback, which runs inside ansible-playbook, replaces the result ("res") of any event
whose str() is longer than that with {}. A task whose result is dropped shows nothing in the job's events, and the
indirect node counting of extensions/audit cannot count what it touched.

The test runs one vodia_hunt_groups task creating 500 hunt groups on a simulated 70.3 PBX (profile v70, HTTPS),
through ansible_runner.run() with that callback and AWX's default limit, the way the collection recommends it for AWX
(return_state: false) and with "Show changes" (--diff), the largest result of that setting (docs/result-size.md). The
result must reach the job event whole.

Run as a script, it measures every case of docs/result-size.md with the limit lifted, so that every result can be
measured: return_state true and false, first run and unchanged re-run, with and without --diff, and a read of the
tenant's 503 hunt groups with vodia_hunt_group_info in either form. ANSIBLE_BIN_DIR names the directory of another
ansible-core's ansible-playbook (.venv-2.21/bin: results without the invocation).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile

import ansible_runner

TESTS_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if TESTS_DIR not in sys.path:
    sys.path.insert(0, TESTS_DIR)

from pbxsim import seed  # noqa: E402  pylint: disable=wrong-import-position
from pbxsim.process import launch  # noqa: E402  pylint: disable=wrong-import-position

# AWX's default MAX_EVENT_RES_DATA (awx/settings/defaults.py), which it hands to the job as MAX_EVENT_RES
# (RunJob.build_env in awx/main/tasks/jobs.py); ansible-runner's awx_display callback compares len(str(res)) with it.
AWX_RESULT_LIMIT = 700000
HUNT_GROUPS = 500
FIRST_NAME = 2000
PROFILE = 'v70'
USERNAME = 'admin'
SECRET = 'Result-Size-Secret-7e2a91'
VENV_BIN = os.path.dirname(sys.executable)
PLAYBOOK = '''---
- name: One task on one tenant
  hosts: pbxs
  connection: local
  gather_facts: false
  tasks:
    - name: The task whose result is measured
      %s:
        url: "{{ vodia_url }}"
        domain: localhost
%s'''
CONVERGE = ('vodia.pbx.vodia_hunt_groups', '''        return_state: "{{ return_state }}"
        hunt_groups: "{{ desired_hunt_groups }}"
''')
READ = ('vodia.pbx.vodia_hunt_group_info', '''        form: "{{ form }}"
''')


def desired_hunt_groups(count=HUNT_GROUPS):
    """The hunt groups of benchmarks/fleet_bench.py: a display name, two stages, recording on every other one."""
    return [{
        'name': str(FIRST_NAME + index),
        'display_name': 'Group %d' % index,
        'stages': [{'extensions': ['444', '445'], 'duration': 20}, {'extensions': ['446'], 'duration': 30}],
        'record_calls': index % 2 == 0,
    } for index in range(count)]


def start_pbx(work_dir):
    """A simulated 70.3 PBX over HTTPS whose system administrator has the distinctive password."""
    seed_file = seed.write_seed_with_password(os.path.join(work_dir, 'seed.json'), USERNAME, SECRET)
    return launch(['--tls', '--profile', PROFILE, '--seed', seed_file])


def run_task(work_dir, sim, collections_path, return_state, diff, result_limit=AWX_RESULT_LIMIT, ansible_bin=VENV_BIN,
             task=CONVERGE, form=None):
    """Run the play through ansible_runner.run() with MAX_EVENT_RES as AWX sets it; returns the task's job event.

    ansible_bin is the directory of the ansible-playbook to run (ansible-runner's event callback needs only Ansible).
    """
    action, arguments = task
    pdd = tempfile.mkdtemp(prefix='job-', dir=work_dir)
    os.makedirs(os.path.join(pdd, 'project'))
    os.makedirs(os.path.join(pdd, 'inventory'))
    with open(os.path.join(pdd, 'project', 'play.yml'), 'w', encoding='utf-8') as handle:
        handle.write(PLAYBOOK % (action, arguments))
    inventory = {'all': {'children': {'pbxs': {'hosts': {'pbx': {
        'vodia_url': sim.url, 'ansible_python_interpreter': '{{ ansible_playbook_python }}'}}}}}}
    with open(os.path.join(pdd, 'inventory', 'hosts.json'), 'w', encoding='utf-8') as handle:
        json.dump(inventory, handle)
    env = {
        'ANSIBLE_COLLECTIONS_PATH': collections_path,
        'ANSIBLE_NOCOLOR': '1',
        'MAX_EVENT_RES': str(result_limit),
        'PATH': os.pathsep.join([ansible_bin, VENV_BIN, os.environ.get('PATH', '')]),
        'VODIA_USERNAME': USERNAME,
        'VODIA_PASSWORD': SECRET,
        'VODIA_CA_PATH': sim.ca_file,
    }
    saved_path = os.environ.get('PATH', '')
    os.environ['PATH'] = env['PATH']  # ansible-runner looks ansible-playbook up on its own PATH
    try:
        runner = ansible_runner.run(
            private_data_dir=pdd, playbook='play.yml', envvars=env, quiet=True, ident='job',
            extravars={'return_state': return_state, 'desired_hunt_groups': desired_hunt_groups(), 'form': form},
            cmdline='--diff' if diff else None)
    finally:
        os.environ['PATH'] = saved_path
    events = [event for event in runner.events if event.get('event') in ('runner_on_ok', 'runner_on_failed')
              and (event.get('event_data') or {}).get('resolved_action') == action]
    assert (runner.status, runner.rc, [event['event'] for event in events]) == ('successful', 0, ['runner_on_ok']), \
        '\n'.join(event.get('stdout', '') for event in runner.events)[-4000:]
    return events[0]


def sizes(res):
    """The result's size as AWX's limit counts it (len of its str()), and as JSON bytes."""
    return len(str(res)), len(json.dumps(res).encode('utf-8'))


def actions(res):
    return sorted(set(item['action'] for item in res['results']))


def test_500_new_hunt_groups_without_state_stay_within_awx_s_limit_also_with_diff(collections_path, tmp_path):
    """The largest result of the recommended setting: all 500 created, with --diff. (An unchanged re-run returns no
    diff entry and no state: the unit test test_bulk_diff_shows_each_changed_hunt_group_by_the_options_that_change
    shows that unchanged accounts add nothing in diff mode.)"""
    sim = start_pbx(str(tmp_path))
    try:
        res = run_task(str(tmp_path), sim, collections_path, return_state=False, diff=True)['event_data']['res']
    finally:
        sim.stop()
    assert res, 'ansible-runner replaced the result with {}: longer than %d characters' % AWX_RESULT_LIMIT
    assert len(res['results']) == HUNT_GROUPS and actions(res) == ['created'], sorted(res)
    assert max(sizes(res)) < AWX_RESULT_LIMIT, sizes(res)
    assert (res['url'], res['domain'], res['check_mode']) == (sim.url, 'localhost', False)
    assert 'hunt_groups' not in res
    assert SECRET not in json.dumps(res)
    # "Show changes" still shows each hunt group created, with what the task set.
    diff = dict((entry['after_header'], entry) for entry in res['diff'])
    assert sorted(diff) == sorted('hunt group %s' % group['name'] for group in desired_hunt_groups())
    first = diff['hunt group %d' % FIRST_NAME]
    assert first['before'] == {}
    assert (first['after']['display_name'], first['after']['stages'], first['after']['record_calls']) == (
        'Group 0', [{'extensions': ['444', '445'], 'duration': 20}, {'extensions': ['446'], 'duration': 30}], True)


# Measuring, for docs/result-size.md ---------------------------------------------------------------------------------

def measure(collections_path, ansible_bin=VENV_BIN):
    """Every case with the limit lifted: (task, run, diff, str length, JSON bytes, kept under AWX's limit)."""
    rows = []
    with tempfile.TemporaryDirectory(prefix='vodia-result-size-') as work_dir:
        for return_state in (True, False):
            for diff in (False, True):
                sim = start_pbx(work_dir)
                try:
                    for run in ('first run', 'unchanged re-run'):
                        res = run_task(work_dir, sim, collections_path, return_state, diff, result_limit=10 ** 9,
                                       ansible_bin=ansible_bin)
                        res = res['event_data']['res']
                        assert len(res['results']) == HUNT_GROUPS
                        rows.append(('vodia_hunt_groups, return_state: %s' % str(return_state).lower(), run, diff)
                                    + sizes(res))
                    if return_state and not diff:
                        # The tenant now has the 500 hunt groups and the seed's three: read them all.
                        for form in ('canonical', 'export'):
                            res = run_task(work_dir, sim, collections_path, None, False, result_limit=10 ** 9,
                                           ansible_bin=ansible_bin, task=READ, form=form)['event_data']['res']
                            assert len(res['hunt_groups']) == HUNT_GROUPS + 3
                            rows.append(('vodia_hunt_group_info, form: %s' % form, 'read', False) + sizes(res))
                finally:
                    sim.stop()
    return rows


def main():
    collections_path = os.environ.get('VODIA_COLLECTIONS_PATH')
    if not collections_path:
        sys.exit('set VODIA_COLLECTIONS_PATH (tests/tools/collection_tree.sh DIR makes one)')
    ansible_bin = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else VENV_BIN
    print('| task | run | --diff | len(str(res)) | JSON bytes | kept by AWX (<= %s) |' % '{:,}'.format(AWX_RESULT_LIMIT))
    print('| --- | --- | --- | --- | --- | --- |')
    for task, run, diff, length, json_bytes in measure(collections_path, ansible_bin):
        print('| %s | %s | %s | %s | %s | %s |' % (
            task, run, 'yes' if diff else 'no', '{:,}'.format(length), '{:,}'.format(json_bytes),
            'yes' if length <= AWX_RESULT_LIMIT else '**no**'))


if __name__ == '__main__':
    main()
