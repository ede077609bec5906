# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Chaos: the fleet example against simulated PBXs that answer 5xx, drop connections, hang and jitter.

The playbook is repeated until it succeeds, which must take at most 4 rounds. Then every PBX must hold exactly the
desired hunt groups, every other account must be as it was, and every failure on the way must have
named its PBX and its cause. Rounds and requests are printed (pytest -s) for docs/security.md.
"""

from __future__ import annotations

import os
import re
import sys

from playbooks import rest_get, run_playbook, write_json
from pbxsim.process import launch

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PLAYBOOK = os.path.join(REPO_ROOT, 'examples', 'fleet', 'playbook.yml')
PBXS = 5
GROUPS = 12
MAX_ROUNDS = 10
# What is left for another round is almost always a settings write that hit a hang (1 %): a write that timed out
# is not sent again, as the PBX may have carried it out. How many rounds that takes depends on where the seeded
# hangs fall. Over seeds 1 to 9 the rounds were 2,2,3,3,3,3,3,3,4 before the reference check, and 1,1,2,2,4,4,4,4,4
# with it (a few more reads per PBX move the seeded faults onto other requests; no failure was a read of the check).
GOAL_ROUNDS = 4
FAULTS = {'error_rate': 0.1, 'error_codes': [500, 502, 503], 'retry_after': '1', 'drop_rate': 0.05,
          'hang_rate': 0.01, 'hang_seconds': 6, 'latency_ms': 5, 'jitter_ms': 30}
FAILED_TASK = re.compile(r'^fatal: \[(?P<host>[^\]]+)\]: FAILED! => (?P<result>.*)$', re.MULTILINE)


def desired_groups():
    return [{'name': str(7000 + index), 'display_name': 'Chaos %d' % index,
             'stages': [{'extensions': ['444', '445'], 'duration': 10 + index}], 'record_calls': index % 2 == 0}
            for index in range(GROUPS)]


def test_the_fleet_converges_through_chaos(tmp_path):
    simulator = launch(['--pbx-count', str(PBXS), '--random-seed', '7'])
    try:
        hosts = dict(('pbx-%d' % index, {'vodia_url': url}) for index, url in enumerate(simulator.urls))
        inventory = write_json(tmp_path / 'inventory.json', {'pbxs': {'hosts': hosts, 'vars': {
            'ansible_python_interpreter': sys.executable, 'hunt_groups_domain': 'localhost',
            'hunt_groups_list': desired_groups(), 'hunt_groups_purge': True}}})
        accounts_before = [_other_accounts(url) for url in simulator.urls]
        for index in range(PBXS):
            simulator.control('POST', '/_sim/faults', FAULTS, index=index)
            simulator.control('DELETE', '/_sim/journal', index=index)

        rounds, failures = 0, []
        while rounds < MAX_ROUNDS:
            rounds += 1
            code, output = run_playbook(PLAYBOOK, inventory, {'VODIA_TIMEOUT': '3', 'VODIA_RETRIES': '3'})
            failures += [(match.group('host'), match.group('result')) for match in FAILED_TASK.finditer(output)]
            if code == 0:
                break
        assert code == 0, 'not converged after %d rounds:\n%s' % (rounds, output)
        # Reads that hit a hang or a run of 5xx are repeated within the task; what is left for another round
        # is a write that hung (never repeated blindly) or a read unlucky beyond its retry budget.
        assert rounds <= GOAL_ROUNDS, 'converged, but only after %d rounds (the goal is %d); failed tasks:\n%s' % (
            rounds, GOAL_ROUNDS, '\n'.join('%s: %s' % failure for failure in failures))

        journals = [simulator.control('GET', '/_sim/journal', index=index)[1] for index in range(PBXS)]
        _stop_faults(simulator)
        for index, url in enumerate(simulator.urls):
            hunts = rest_get(url, '/rest/domain/localhost/hunts')
            assert sorted(group['name'] for group in hunts) == sorted(group['name'] for group in desired_groups())
            assert _other_accounts(url) == accounts_before[index]
            assert rest_get(url, '/rest/domain/localhost/user_settings/7003')['st1_dur'] == '13'
        for host, result in failures:
            assert hosts[host]['vodia_url'] in result, 'failure without its PBX: %s' % result
            assert re.search(r'HTTP \d{3}|timeout|reachable|Connection|connection', result), 'failure without a cause: %s' % result

        for host, result in failures:
            print('failure on %s: %s' % (host, re.search(r'"msg": "(.*?)", "path"', result).group(1)[:200] if '"msg"' in result else result[-200:]))
        requests_made = sum(journal['reads'] + journal['writes'] for journal in journals)
        print('\nchaos: %d PBXs x %d hunt groups converged in %d rounds; %d failed tasks on the way; %d requests '
              '(%.1f per hunt group)' % (PBXS, GROUPS, rounds, len(failures), requests_made, requests_made / float(PBXS * GROUPS)))
    finally:
        simulator.stop()


def _other_accounts(url):
    return [account for account in rest_get(url, '/rest/domain/localhost/users') if account['usertype'] != 'hunts']


def _stop_faults(simulator):
    for index in range(PBXS):
        simulator.control('DELETE', '/_sim/faults', index=index)
