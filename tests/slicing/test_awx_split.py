# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""tests/tools/awx_slices.py against AWX's own rules, on host lists whose slices are written out by hand.

AWX (awx/main/models/inventory.py) orders a job's hosts by name and gives slice k of N the hosts
hosts[k-1::N]; it makes no more slices than there are hosts (JobTemplate.get_effective_slice_ct() in
awx/main/models/jobs.py); and the next workflow node gets the slices' artifacts merged with dict.update in the
order (finished, id), from the jobs that ended successful or failed (WorkflowJob.get_effective_artifacts() in
awx/main/models/workflow.py).
"""

from __future__ import annotations

import os
import random
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'tools'))

import awx_slices  # noqa: E402  pylint: disable=wrong-import-position


@pytest.mark.parametrize('hosts, slice_count, expected', [
    # Sorted first: e, c, a, d, b is a b c d e, dealt in turn.
    (['e', 'c', 'a', 'd', 'b'], 2, [['a', 'c', 'e'], ['b', 'd']]),
    (['e', 'c', 'a', 'd', 'b'], 3, [['a', 'd'], ['b', 'e'], ['c']]),
    # Tenants of three PBXs with the same tenant lists: with as many slices as PBXs, each slice holds one PBX.
    (['b@pbx-2', 'a@pbx-1', 'b@pbx-1', 'a@pbx-3', 'a@pbx-2', 'b@pbx-3'], 3,
     [['a@pbx-1', 'b@pbx-1'], ['a@pbx-2', 'b@pbx-2'], ['a@pbx-3', 'b@pbx-3']]),
    # ... and with two slices each slice holds tenants of every PBX.
    (['b@pbx-2', 'a@pbx-1', 'b@pbx-1', 'a@pbx-3', 'a@pbx-2', 'b@pbx-3'], 2,
     [['a@pbx-1', 'a@pbx-3', 'b@pbx-2'], ['a@pbx-2', 'b@pbx-1', 'b@pbx-3']]),
    # More slices than hosts: one slice per host, none empty.
    (['y', 'x'], 5, [['x'], ['y']]),
    # One slice: every host.
    (['y', 'x', 'z'], 1, [['x', 'y', 'z']]),
    # Code-point order: upper case before lower case, '%' before letters, '.' before '@'.
    (['a@p', 'B@p', 'a.b@p', '%41@p'], 2, [['%41@p', 'a.b@p'], ['B@p', 'a@p']]),
])
def test_split_deals_the_sorted_hosts_to_the_slices_in_turn(hosts, slice_count, expected):
    assert awx_slices.split(hosts, slice_count) == expected


def test_slice_numbers_start_at_one_and_zero_means_every_host():
    hosts = ['d', 'a', 'c', 'b']
    assert awx_slices.sliced_hosts(hosts, 1, 2) == ['a', 'c']
    assert awx_slices.sliced_hosts(hosts, 2, 2) == ['b', 'd']
    # get_sliced_hosts() leaves the hosts whole for slice number 0 or a count of 1.
    assert awx_slices.sliced_hosts(hosts, 0, 2) == ['a', 'b', 'c', 'd']
    assert awx_slices.sliced_hosts(hosts, 1, 1) == ['a', 'b', 'c', 'd']


def test_the_slices_of_any_host_list_hold_every_host_once():
    rng = random.Random(19)
    for _round in range(50):
        hosts = ['t%03d@pbx-%d' % (rng.randrange(1000), rng.randrange(5)) for _index in range(rng.randrange(1, 40))]
        hosts = sorted(set(hosts))
        rng.shuffle(hosts)
        for slice_count in range(1, 7):
            slices = awx_slices.split(hosts, slice_count)
            assert len(slices) == min(slice_count, len(hosts))
            assert sorted(host for part in slices for host in part) == sorted(hosts)
            assert all(slices)
            # Round robin: slice sizes differ by one at most, the first slices being the larger.
            sizes = [len(part) for part in slices]
            assert sizes == sorted(sizes, reverse=True) and sizes[0] - sizes[-1] <= 1


def test_job_ids_reach_the_job_as_awx_names_them():
    assert awx_slices.awx_meta_vars(7) == {'awx_job_id': 7, 'tower_job_id': 7}
    assert awx_slices.awx_meta_vars(7, workflow_job_id=5) == {
        'awx_job_id': 7, 'tower_job_id': 7, 'awx_workflow_job_id': 5, 'tower_workflow_job_id': 5}


def finished_job(job_id, finished, artifacts, status='successful'):
    return awx_slices.FinishedJob(job_id=job_id, private_data_dir='', status=status, rc=0, artifacts=artifacts,
                                  finished=finished, processed_hosts=[], stdout='')


def test_the_artifacts_merge_in_finish_order_and_the_last_to_finish_wins_a_shared_key():
    jobs = [
        finished_job(101, 3.0, {'summary': 'slice 1', 'part_101': 1}),
        finished_job(102, 1.0, {'summary': 'slice 2', 'part_102': 2}),
        finished_job(103, 2.0, {'summary': 'slice 3', 'part_103': 3}),
    ]
    assert awx_slices.merge_artifacts(jobs) == {'summary': 'slice 1', 'part_101': 1, 'part_102': 2, 'part_103': 3}


def test_jobs_that_finished_at_once_merge_in_job_id_order():
    jobs = [finished_job(103, 1.0, {'summary': 'slice 3'}), finished_job(102, 1.0, {'summary': 'slice 2'})]
    assert awx_slices.merge_artifacts(jobs) == {'summary': 'slice 3'}


def test_only_successful_and_failed_jobs_hand_on_their_artifacts():
    jobs = [
        finished_job(101, 1.0, {'part_101': 1}, status='failed'),
        finished_job(102, 2.0, {'part_102': 2}, status='canceled'),
        finished_job(103, 3.0, {'part_103': 3}, status='error'),
        finished_job(104, 4.0, {'part_104': 4}),
    ]
    assert awx_slices.merge_artifacts(jobs) == {'part_101': 1, 'part_104': 4}
