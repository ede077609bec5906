# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
name: hunt_groups_drift_merge
short_description: One drift report from the parts that the slices of a sliced AWX job published
version_added: 1.0.0
description:
  - Under AWX job slicing, each slice runs the P(vodia.pbx.hunt_groups#role) role over its own hosts. With
    C(hunt_groups_report) set and C(awx_job_id) defined (AWX defines it in every job), each slice publishes its part
    of the drift report with M(ansible.builtin.set_stats) under a key of its own, C(hunt_groups_drift_slice_<awx_job_id>),
    so that AWX's merge of the slices' artifacts (a dictionary update) keeps every part.
  - This filter builds the report of the whole job from those parts, with the code that builds the report of an
    unsliced run (P(vodia.pbx.hunt_groups_drift_report#filter)), so that the result is the report an unsliced run over
    the same hosts gives.
  - The collection playbook C(vodia.pbx.drift_merge) uses it; a workflow node after the sliced job runs that playbook.
author:
  - vodia.pbx maintainers (@vodia-pbx)
options:
  _input:
    description:
      - The parts, as a list, or a mapping such as the artifacts of a job or a workflow node's extra variables, of which
        the values under the keys C(hunt_groups_drift_slice_<number>) are taken (every other key is left alone).
      - A part holds C(check_mode), C(call_queues) (whether the report covers the call queues), C(service_flags)
        (whether it covers the service flags; a part without it does not), C(pbxs) (the host
        entries of the report, as P(vodia.pbx.hunt_groups_drift_report#filter) returns them) and C(awx_workflow_job_id).
    type: raw
    required: true
  workflow_job_id:
    description:
      - Only the parts of this workflow job (C(awx_workflow_job_id), which the slices of one sliced job share).
      - Without it, when the parts come from several workflow jobs (the artifacts of a workflow reach every later node,
        so a node after a second sliced job also gets the parts of the first), only those of the newest one (the highest
        ID) are merged.
    type: raw
'''

EXAMPLES = r'''
- name: The report of a sliced job, on a workflow node after it
  ansible.builtin.set_fact:
    drift: >-
      {{ query('ansible.builtin.vars', *query('ansible.builtin.varnames', '^hunt_groups_drift_slice_[0-9]+$'))
         | vodia.pbx.hunt_groups_drift_merge }}

- name: The same, from the artifacts of a job read as a mapping
  ansible.builtin.set_fact:
    drift: "{{ artifacts | vodia.pbx.hunt_groups_drift_merge }}"
'''

RETURN = r'''
_value:
  description: The report, in the form of P(vodia.pbx.hunt_groups_drift_report#filter)'s.
  type: dict
'''

import re
from collections import Counter

from ansible.errors import AnsibleFilterError

from ansible_collections.vodia.pbx.plugins.filter.hunt_groups_drift_report import build_report

PART_KEY = re.compile(r'^hunt_groups_drift_slice_[0-9]+$')


def _parts(value):
    if isinstance(value, dict):
        return [value[key] for key in sorted(value) if PART_KEY.match(str(key))]
    if isinstance(value, (list, tuple)):
        return list(value)
    raise AnsibleFilterError('hunt_groups_drift_merge takes a list of parts or a mapping of them, not %s'
                             % type(value).__name__)


def _workflow(part):
    """A part's workflow job ID, comparable with the others'; a part made outside a workflow sorts first."""
    value = part.get('awx_workflow_job_id')
    if value is None or value == '':
        return (0, 0, '')
    try:
        return (1, int(value), '')
    except (TypeError, ValueError):
        return (1, 0, str(value))


def hunt_groups_drift_merge(value, workflow_job_id=None):
    parts = _parts(value)
    for part in parts:
        if not isinstance(part, dict) or not isinstance(part.get('pbxs'), list):
            raise AnsibleFilterError('hunt_groups_drift_merge: a part of a drift report is a mapping with a list "pbxs", '
                                     'as the hunt_groups role publishes it; got %r' % (part,))
    if workflow_job_id is not None and workflow_job_id != '':
        wanted = _workflow({'awx_workflow_job_id': workflow_job_id})
        parts = [part for part in parts if _workflow(part) == wanted]
    elif parts:
        newest = max(_workflow(part) for part in parts)
        parts = [part for part in parts if _workflow(part) == newest]
    if not parts:
        raise AnsibleFilterError(
            'hunt_groups_drift_merge found no part of a drift report%s. The slices of a job that runs the hunt_groups role '
            'with hunt_groups_report publish them as hunt_groups_drift_slice_<awx_job_id>; AWX hands them to the '
            'workflow nodes after that job as extra variables.'
            % ('' if workflow_job_id in (None, '') else ' of workflow job %s' % workflow_job_id))

    pbxs = [entry for part in parts for entry in part['pbxs']]
    counts = Counter(entry['host'] for entry in pbxs)
    twice = sorted(host for host, count in counts.items() if count > 1)
    if twice:
        # Slices hold disjoint hosts; a host in two parts means parts of different runs, whose sum is no report.
        raise AnsibleFilterError('hunt_groups_drift_merge: hosts in more than one part: %s. The parts of one job '
                                 'hold each host once.' % ', '.join(twice))
    return build_report(pbxs, any(part.get('check_mode') for part in parts),
                        any(part.get('call_queues') for part in parts),
                        any(part.get('service_flags') for part in parts))


class FilterModule:
    """The drift report of a sliced job."""

    def filters(self):
        return {'hunt_groups_drift_merge': hunt_groups_drift_merge}
