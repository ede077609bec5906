# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""AWX job slicing without AWX: how AWX splits an inventory into slices, how it merges the slices' artifacts for the
next workflow node, and a runner for N ansible-runner jobs started at once, the way AWX starts a sliced job's slices.

    import awx_slices
    slices = awx_slices.split(host_names, 3)                  # [[hosts of slice 1], [slice 2], [slice 3]]
    jobs = [awx_slices.JobSpec(job_id=101 + k, private_data_dir=..., runner_kwargs={'playbook': ..., 'limit': ...,
                               'extravars': awx_slices.awx_meta_vars(101 + k, workflow_job_id=100)}) for k ...]
    finished = awx_slices.run_jobs(jobs)                      # FinishedJob items, in the order they finished
    extra_vars = awx_slices.merge_artifacts(finished)         # what the next workflow node gets as extra variables

What each piece reproduces, from AWX's own code (github.com/ansible/awx, read at commit e21dd0a, 2024-10-23):

- awx/main/models/inventory.py: Inventory.get_script_data() builds a job's inventory from the inventory's enabled hosts
  ordered by name (order_by('name')), then Inventory.get_sliced_hosts() keeps hosts[slice_number - 1::slice_count]
  when slice_count > 1 and slice_number > 0; otherwise every host. Slice numbers start at 1.
- awx/main/models/jobs.py: JobTemplate.get_effective_slice_ct() makes no more slices than the inventory has hosts.
- awx/main/models/unified_jobs.py: UnifiedJob.awx_meta_vars() gives every job awx_job_id (and tower_job_id), and every
  job of a workflow awx_workflow_job_id (and tower_workflow_job_id). A slice is told neither its number nor the count.
- awx/main/tasks/callback.py: a job's artifacts are the artifact_data of its playbook_on_stats event, which the
  display callback of ansible-runner fills with the set_stats data of the whole run.
- awx/main/tasks/jobs.py: a job whose runner status is "timeout" is stored as "failed".
- awx/main/models/workflow.py: WorkflowJob.get_effective_artifacts() takes the artifacts of the workflow's jobs whose
  status is successful or failed, ordered by (finished, id), and merges them with dict.update: for a key that several
  slices publish, the slice that finished last wins.

One difference stays: AWX orders hosts in its database, PostgreSQL, whose collation may order names with punctuation
differently from Python's code-point order used here. That moves hosts between slices; it does not change what
slicing does to them.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field

import ansible_runner

# The statuses of the jobs whose artifacts WorkflowJob.get_effective_artifacts() merges.
MERGED_STATUSES = ('successful', 'failed')
# What AWX stores for a runner status (awx/main/tasks/jobs.py); any other status is stored as it is.
AWX_STATUS = {'timeout': 'failed'}
JOB_VARIABLE_PREFIXES = ('awx', 'tower')


# The split --------------------------------------------------------------------------------------------------------

def effective_slice_count(requested, host_count):
    """How many slices AWX makes: the job template's count, at most one slice per host."""
    return min(requested, host_count)


def sliced_hosts(host_names, slice_number, slice_count):
    """The hosts of slice slice_number (from 1) of slice_count, as AWX gives them to that slice's job: sorted by name."""
    ordered = sorted(host_names)
    if slice_count > 1 and slice_number > 0:
        return ordered[slice_number - 1::slice_count]
    return ordered


def split(host_names, slice_count):
    """Every slice's hosts, slice 1 first; a single slice when AWX would not slice."""
    count = max(1, effective_slice_count(slice_count, len(host_names)))
    return [sliced_hosts(host_names, number, count) for number in range(1, count + 1)]


def awx_meta_vars(job_id, workflow_job_id=None):
    """The job IDs AWX puts into a job's extra variables: the job's own, and its workflow job's when it has one."""
    variables = dict(('%s_job_id' % prefix, job_id) for prefix in JOB_VARIABLE_PREFIXES)
    if workflow_job_id is not None:
        variables.update(('%s_workflow_job_id' % prefix, workflow_job_id) for prefix in JOB_VARIABLE_PREFIXES)
    return variables


# The jobs ---------------------------------------------------------------------------------------------------------

@dataclass
class JobSpec:
    """One job to start: its AWX job ID, its own private data directory, and ansible_runner.run's other arguments
    (playbook, inventory, limit, extravars, envvars, cmdline, ...)."""
    job_id: int
    private_data_dir: str
    runner_kwargs: dict = field(default_factory=dict)


@dataclass
class FinishedJob:
    """A job after it ended. finished is a time.monotonic() reading; status is what AWX would store."""
    job_id: int
    private_data_dir: str
    status: str
    rc: int | None
    artifacts: dict
    finished: float
    processed_hosts: list
    stdout: str


def _stdout(runner):
    try:
        with runner.stdout as handle:
            return handle.read()
    except Exception as error:  # pylint: disable=broad-exception-caught
        # A job that never started has no stdout file; say so instead of hiding the job.
        return 'no stdout: %s' % error


def run_jobs(specs, timeout=600):
    """Start every job at once (ansible_runner.run_async) and wait for all; return them in the order they finished.

    A job's artifacts are the artifact_data of its playbook_on_stats event, caught as AWX's event handler catches it.
    A job that ends without that event has no artifacts ({}); one still running after timeout seconds is canceled and
    comes back with status "canceled". Every job comes back: none is dropped, whatever became of it.
    """
    lock = threading.Lock()
    finish_times = {}
    artifacts = {}
    processed = {}
    deadline = time.monotonic() + timeout

    def event_handler_for(job_id):
        def handle(event):
            if event.get('event') == 'playbook_on_stats':
                data = event.get('event_data', {})
                with lock:
                    artifacts[job_id] = data.get('artifact_data') or {}
                    processed[job_id] = sorted(data.get('processed') or {})
            return True
        return handle

    def finished_callback_for(job_id):
        def finished(_runner):
            with lock:
                finish_times[job_id] = time.monotonic()
        return finished

    started = []
    for spec in specs:
        thread, runner = ansible_runner.run_async(
            private_data_dir=spec.private_data_dir, ident='job_%s' % spec.job_id, quiet=True,
            event_handler=event_handler_for(spec.job_id), finished_callback=finished_callback_for(spec.job_id),
            # Passing a cancel callback also keeps ansible-runner from taking over the test process's signal handlers.
            cancel_callback=lambda: time.monotonic() > deadline,
            **spec.runner_kwargs)
        started.append((spec, thread, runner))
    for _spec, thread, _runner in started:
        thread.join(max(0.0, deadline - time.monotonic()) + 30)

    jobs = []
    for spec, thread, runner in started:
        status = 'running' if thread.is_alive() else runner.status
        jobs.append(FinishedJob(
            job_id=spec.job_id, private_data_dir=spec.private_data_dir, status=AWX_STATUS.get(status, status), rc=runner.rc,
            artifacts=artifacts.get(spec.job_id, {}), finished=finish_times.get(spec.job_id, float('inf')),
            processed_hosts=processed.get(spec.job_id, []), stdout=_stdout(runner)))
    return sorted(jobs, key=lambda job: (job.finished, job.job_id))


def merge_artifacts(jobs):
    """The extra variables AWX gives the workflow node after a sliced job: the artifacts of its slices that ended
    successful or failed, merged with dict.update in the order (finished, job ID)."""
    merged = {}
    for job in sorted(jobs, key=lambda job: (job.finished, job.job_id)):
        if job.status in MERGED_STATUSES:
            merged.update(job.artifacts)
    return merged


def job_dir(base, name):
    """A private data directory of its own for one job, as AWX makes one per job; returns its path."""
    path = os.path.join(str(base), name)
    os.makedirs(path, exist_ok=True)
    return path
