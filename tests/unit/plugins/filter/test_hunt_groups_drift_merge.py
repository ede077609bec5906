# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import json

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.vodia.pbx.plugins.filter.hunt_groups_drift_merge import FilterModule, hunt_groups_drift_merge
from ansible_collections.vodia.pbx.plugins.filter.hunt_groups_drift_report import hunt_groups_drift_report

CHANGES = {'display_name': {'before': 'Support', 'after': 'Help'}}


def tenant(number, pbx, result=None):
    name = 't%02d.example.com' % number
    host_vars = {'inventory_hostname': '%s@%s' % (name, pbx), 'vodia_domain': name, 'vodia_pbx': pbx,
                 'vodia_url': 'https://%s.example.com' % pbx}
    if result is not None:
        host_vars['hunt_groups_result'] = result
    return host_vars


def fleet():
    """Ten tenants on three PBXs: unchanged, updated, created, one failed midway, one failed before any read."""
    hosts = []
    for number in range(10):
        items = [{'name': '2000', 'action': 'unchanged', 'changed': False}]
        if number % 3 == 0:
            items.append({'name': '2001', 'action': 'updated', 'changed': True, 'changes': CHANGES})
        if number % 4 == 1:
            items.append({'name': '2100', 'action': 'created', 'changed': True})
        result = {'changed': True, 'url': 'https://pbx-%d.example.com' % (number % 3), 'results': items}
        if number == 7:
            result.update(failed=True, msg='HTTP 500')
        hosts.append(tenant(number, 'pbx-%d' % (number % 3), None if number == 8 else result))
    return hosts


def running(hosts):
    return [entry['inventory_hostname'] for entry in hosts if entry['inventory_hostname'] not in (
        't07.example.com@pbx-1', 't08.example.com@pbx-2')]


def part(report, workflow_job_id=None):
    """What roles/hunt_groups/tasks/report.yml publishes for one job, through JSON as AWX stores it."""
    return json.loads(json.dumps({'check_mode': report['check_mode'], 'call_queues': 'call_queues' in report,
                                  'pbxs': report['pbxs'], 'awx_workflow_job_id': workflow_job_id}))


def sliced_artifacts(hosts, slices, finish_order, check_mode=False, workflow_job_id=40):
    """AWX's split (hosts by name, slice k gets hosts[k-1::N]) and its merge (dict.update in order of finish)."""
    hosts = sorted(hosts, key=lambda entry: entry['inventory_hostname'])
    active = running(hosts)
    artifacts = {}
    for index in finish_order:
        mine = hosts[index::slices]
        report = hunt_groups_drift_report(mine, active_hosts=[name for name in active if name in
                                                              [entry['inventory_hostname'] for entry in mine]],
                                          check_mode=check_mode)
        job_id = 41 + index
        artifacts.update({'hunt_groups_drift': {'summary': report['summary']},
                          'hunt_groups_drift_slice_%d' % job_id: part(report, workflow_job_id)})
    return artifacts


@pytest.mark.parametrize('finish_order', [(0, 1, 2), (2, 0, 1)])
def test_the_merged_parts_of_three_slices_are_the_report_of_the_unsliced_run(finish_order):
    hosts = fleet()
    unsliced = hunt_groups_drift_report(hosts, active_hosts=running(hosts), check_mode=True)
    artifacts = sliced_artifacts(hosts, 3, finish_order, check_mode=True)
    # The shared key holds one slice's numbers only, which is why each slice has a key of its own.
    assert artifacts['hunt_groups_drift']['summary'] != unsliced['summary']
    assert hunt_groups_drift_merge(artifacts) == unsliced
    assert unsliced['summary'] == {'pbxs': 3, 'failed_pbxs': 2, 'tenants': 10, 'failed_tenants': 2, 'created': 3,
                                   'updated': 4, 'deleted': 0, 'unchanged': 9}


def test_a_list_of_parts_merges_as_the_mapping_does():
    hosts = fleet()
    artifacts = sliced_artifacts(hosts, 2, (1, 0))
    parts = [value for key, value in artifacts.items() if key.startswith('hunt_groups_drift_slice_')]
    assert hunt_groups_drift_merge(parts) == hunt_groups_drift_merge(artifacts) == hunt_groups_drift_report(
        hosts, active_hosts=running(hosts))


def test_one_slice_in_check_mode_makes_a_check_mode_report():
    hosts = fleet()
    artifacts = sliced_artifacts(hosts, 2, (0, 1))
    artifacts['hunt_groups_drift_slice_41']['check_mode'] = True
    assert hunt_groups_drift_merge(artifacts)['check_mode'] is True


def test_the_call_queues_are_covered_when_the_slices_covered_them():
    queues = {'changed': True, 'results': [{'name': '5000', 'action': 'created', 'changed': True}]}
    hosts = [dict(entry, hunt_groups_call_queues_result=queues) for entry in fleet()]
    unsliced = hunt_groups_drift_report(hosts, active_hosts=running(hosts), call_queues=True)
    parts = [part(hunt_groups_drift_report(hosts[index::2], active_hosts=running(hosts), call_queues=True))
             for index in range(2)]
    assert hunt_groups_drift_merge(parts) == unsliced
    assert unsliced['call_queues']['summary']['created'] == 10


def test_only_the_newest_workflow_job_s_parts_are_merged_unless_one_is_named():
    # A workflow node after a second sliced job also gets the artifacts of the first.
    hosts = fleet()
    artifacts = sliced_artifacts(hosts[:5], 2, (0, 1), check_mode=True, workflow_job_id=40)
    later = sliced_artifacts(hosts, 3, (0, 1, 2), workflow_job_id=140)
    artifacts.update(dict(('hunt_groups_drift_slice_%d' % (int(key.rsplit('_', 1)[1]) + 100), value)
                          for key, value in later.items() if key.startswith('hunt_groups_drift_slice_')))
    assert hunt_groups_drift_merge(artifacts) == hunt_groups_drift_report(hosts, active_hosts=running(hosts))
    first = hunt_groups_drift_merge(artifacts, workflow_job_id='40')
    assert first == hunt_groups_drift_report(hosts[:5], active_hosts=running(hosts), check_mode=True)


def test_a_host_in_two_parts_is_refused_with_its_name():
    hosts = fleet()
    report = hunt_groups_drift_report(hosts[:2], active_hosts=running(hosts))
    with pytest.raises(AnsibleFilterError, match=r'more than one part: t00\.example\.com@pbx-0, t01\.example\.com@pbx-1\.'):
        hunt_groups_drift_merge([part(report), part(report)])


@pytest.mark.parametrize('value', [{}, [], {'hunt_groups_drift': {'summary': {}}, 'hunt_groups_drift_slice_x': {}}])
def test_no_part_is_an_error_that_says_where_parts_come_from(value):
    with pytest.raises(AnsibleFilterError, match='found no part of a drift report.*hunt_groups_drift_slice_<awx_job_id>'):
        hunt_groups_drift_merge(value)


def test_no_part_of_the_named_workflow_job_is_an_error_that_names_it():
    artifacts = sliced_artifacts(fleet(), 2, (0, 1), workflow_job_id=40)
    with pytest.raises(AnsibleFilterError, match='found no part of a drift report of workflow job 41'):
        hunt_groups_drift_merge(artifacts, workflow_job_id=41)


@pytest.mark.parametrize('value', ['text', [{'pbxs': 'x'}], [None]])
def test_what_is_no_part_is_refused(value):
    with pytest.raises(AnsibleFilterError):
        hunt_groups_drift_merge(value)


def test_the_filter_is_published_under_its_name():
    assert FilterModule().filters() == {'hunt_groups_drift_merge': hunt_groups_drift_merge}


def test_the_service_flags_are_covered_when_the_slices_covered_them():
    flags = {'changed': True, 'results': [{'name': '801', 'action': 'created', 'changed': True}]}
    hosts = [dict(entry, hunt_groups_service_flags_result=flags) for entry in fleet()]
    unsliced = hunt_groups_drift_report(hosts, active_hosts=running(hosts), call_queues=True, service_flags=True)
    parts = [dict(part(hunt_groups_drift_report(hosts[index::2], active_hosts=running(hosts), call_queues=True,
                                                service_flags=True)), service_flags=True)
             for index in range(2)]
    assert hunt_groups_drift_merge(parts) == unsliced
    assert unsliced['service_flags']['summary']['created'] == 10
    # A part published before the report covered service flags has no service_flags key: the merge leaves them out.
    older = [dict((key, value) for key, value in item.items() if key != 'service_flags') for item in parts]
    assert 'service_flags' not in hunt_groups_drift_merge(older)
