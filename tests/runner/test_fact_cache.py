# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Check-mode predictions reach the later tasks of the run that made them, and only those, also under a fact cache.

AWX job templates with "Use fact storage", and ansible.cfg's fact_caching, keep the facts modules return from one job
to the next. A check-mode task returns what it predicts (the accounts it would create or delete) as facts for later
tasks of the same run; a later run's check must not count a prediction of an earlier run that never happened. Each test
runs ansible-playbook twice, in check mode, with a jsonfile fact cache; the last one runs a check on both execution
paths with facts kept out of the variables (INJECT_FACTS_AS_VARS off).
"""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys

import pytest

from pbxsim import seed
from pbxsim.process import launch

HOST = 'pbx'
DOMAIN = 'localhost'


@pytest.fixture(scope='module')
def simulator():
    sim = launch()
    yield sim
    sim.stop()


def write_playbook(directory, tasks):
    path = os.path.join(directory, 'play.yml')
    play = [{'hosts': HOST, 'gather_facts': False, 'tasks': tasks}]
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(play, handle)
    return path


def run_check(simulator, collections_path, directory, tasks, execution, **settings):
    env = dict(
        os.environ,
        **settings,
        ANSIBLE_COLLECTIONS_PATH=collections_path,
        ANSIBLE_NOCOLOR='1',
        ANSIBLE_CACHE_PLUGIN='jsonfile',
        ANSIBLE_CACHE_PLUGIN_CONNECTION=os.path.join(directory, 'facts'),
        VODIA_URL=simulator.url,
        VODIA_USERNAME=seed.SYSTEM_ADMIN[0],
        VODIA_PASSWORD=seed.SYSTEM_ADMIN[1],
    )
    command = [os.path.join(os.path.dirname(sys.executable), 'ansible-playbook'), write_playbook(directory, tasks),
               '-i', '%s,' % HOST, '-c', 'local', '--check', '-e', 'vodia_pbx_execution=%s' % execution,
               '-e', 'ansible_python_interpreter=%s' % sys.executable]
    return subprocess.run(command, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)


def cached_facts(directory):
    # The jsonfile cache names the file after the host; from ansible-core 2.19 on with a prefix, and the facts as a JSON
    # string under __payload__.
    [path] = glob.glob(os.path.join(directory, 'facts', '*' + HOST))
    with open(path, encoding='utf-8') as handle:
        cached = json.load(handle)
    return json.loads(cached['__payload__']) if '__payload__' in cached else cached


# The run's mark is set and read by the action plugin on either path (the module's facts pass through it too), so the
# runs over a fact cache take the controller path; the path of the module is taken by the test after them.
def test_a_deletion_predicted_by_an_earlier_run_does_not_count_in_the_next(simulator, collections_path, tmp_path):
    simulator.reset_all()
    delete_queue = [{'vodia.pbx.vodia_call_queue': {'domain': DOMAIN, 'name': '700', 'state': 'absent'}}]
    first = run_check(simulator, collections_path, str(tmp_path), delete_queue, 'auto')
    assert first.returncode == 0, first.stdout
    # The cache kept the prediction: without the run mark, the next run would take call queue 700 for deleted.
    assert cached_facts(str(tmp_path))['vodia_pbx_planned_references'] == {'%s %s' % (simulator.url, DOMAIN): {'700': None}}

    name_queue = [{'vodia.pbx.vodia_hunt_group': {'domain': DOMAIN, 'name': '1002', 'night_service': '700'}}]
    second = run_check(simulator, collections_path, str(tmp_path), name_queue, 'auto')
    assert second.returncode == 0, second.stdout
    assert 'changed=1' in second.stdout


def test_a_creation_predicted_by_an_earlier_run_does_not_count_in_the_next(simulator, collections_path, tmp_path):
    simulator.reset_all()
    create_queue = [{'vodia.pbx.vodia_call_queue': {'domain': DOMAIN, 'name': '5900'}}]
    first = run_check(simulator, collections_path, str(tmp_path), create_queue, 'auto')
    assert first.returncode == 0, first.stdout
    assert cached_facts(str(tmp_path))['vodia_pbx_planned_accounts'] == {'%s %s' % (simulator.url, DOMAIN): ['5900']}

    # Queue 5900 was never created: the second run's check must refuse it as the real run would.
    name_queue = [{'vodia.pbx.vodia_hunt_group': {'domain': DOMAIN, 'name': '1002', 'night_service': '5900'}}]
    second = run_check(simulator, collections_path, str(tmp_path), name_queue, 'auto')
    assert second.returncode != 0
    assert 'night_service names 5900, which is neither an account' in second.stdout


@pytest.mark.parametrize('execution', ['auto', 'module'])
def test_a_creation_predicted_earlier_in_the_run_counts_without_facts_as_variables(
        simulator, collections_path, tmp_path, execution):
    # ansible-core 2.21 deprecates reading facts as variables of their own; with INJECT_FACTS_AS_VARS off they are
    # only in ansible_facts.
    simulator.reset_all()
    tasks = [{'vodia.pbx.vodia_call_queue': {'domain': DOMAIN, 'name': '5900'}},
             {'vodia.pbx.vodia_hunt_group': {'domain': DOMAIN, 'name': '1002', 'night_service': '5900'}}]
    run = run_check(simulator, collections_path, str(tmp_path), tasks, execution, ANSIBLE_INJECT_FACT_VARS='False')
    assert run.returncode == 0, run.stdout
    assert 'changed=2' in run.stdout
