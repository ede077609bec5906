# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.vodia.pbx.plugins.filter.hunt_groups_drift_report import FilterModule, hunt_groups_drift_report

CHANGES = {'display_name': {'before': 'Support', 'after': 'Help'}}


def host(name, result=None, **more):
    host_vars = dict(inventory_hostname=name, hunt_groups_domain='localhost', **more)
    if result is not None:
        host_vars['hunt_groups_result'] = result
    return host_vars


def converged(*items, url='https://pbx.example.com'):
    return {'changed': True, 'url': url, 'results': list(items)}


def test_the_report_counts_each_action_and_lists_each_changed_hunt_group():
    report = hunt_groups_drift_report([
        host('pbx-lon', converged({'name': '2001', 'action': 'updated', 'changed': True, 'changes': CHANGES},
                                  {'name': '2000', 'action': 'unchanged', 'changed': False})),
        host('pbx-nyc', converged({'name': '2100', 'action': 'created', 'changed': True},
                                  {'name': '1003', 'action': 'deleted', 'changed': True})),
    ], active_hosts=['pbx-lon', 'pbx-nyc'], check_mode=True)
    assert report['check_mode'] is True
    assert report['summary'] == {'pbxs': 2, 'failed_pbxs': 0, 'created': 1, 'updated': 1, 'deleted': 1, 'unchanged': 1}
    assert report['changed'] == [
        {'host': 'pbx-lon', 'domain': 'localhost', 'name': '2001', 'action': 'updated', 'options': ['display_name']},
        {'host': 'pbx-nyc', 'domain': 'localhost', 'name': '2100', 'action': 'created'},
        {'host': 'pbx-nyc', 'domain': 'localhost', 'name': '1003', 'action': 'deleted'},
    ]
    assert report['pbxs'][0] == {'host': 'pbx-lon', 'url': 'https://pbx.example.com', 'domain': 'localhost', 'hunt_groups': [
        {'name': '2001', 'action': 'updated', 'changes': CHANGES}, {'name': '2000', 'action': 'unchanged'}]}


def test_pbxs_come_in_host_name_order_and_the_diff_of_a_result_is_left_out():
    item = {'name': '2000', 'action': 'unchanged', 'changed': False, 'diff': {'before': {'settings': {'x': 'y'}}}}
    report = hunt_groups_drift_report([host('b', converged(item)), host('a', converged(item))], ['a', 'b'])
    assert [entry['host'] for entry in report['pbxs']] == ['a', 'b']
    assert report['pbxs'][0]['hunt_groups'] == [{'name': '2000', 'action': 'unchanged'}]


def test_a_failed_host_is_reported_with_its_message_and_what_it_did_before():
    failed = dict(converged({'name': '2000', 'action': 'created', 'changed': True}), failed=True, msg='HTTP 500')
    report = hunt_groups_drift_report([host('pbx-a', failed), host('pbx-b', vodia_url='https://b.example.com')], [])
    assert report['summary']['failed_pbxs'] == 2
    assert report['pbxs'][0]['msg'] == 'HTTP 500' and report['pbxs'][0]['hunt_groups'][0]['action'] == 'created'
    assert report['pbxs'][1] == {'host': 'pbx-b', 'url': 'https://b.example.com', 'domain': 'localhost', 'failed': True,
                                 'msg': 'The host failed before its hunt groups were read.'}


def test_a_running_host_without_a_result_did_not_run_the_role_and_is_left_out():
    assert hunt_groups_drift_report([host('other')], active_hosts=['other'])['pbxs'] == []


def test_credentials_written_into_a_url_never_reach_the_report():
    report = hunt_groups_drift_report([host('pbx-a', hunt_groups_url='https://admin:Secret-1@pbx.example.com:8443/')], [])
    assert report['pbxs'][0]['url'] == 'https://pbx.example.com:8443/'
    assert 'Secret-1' not in repr(report)


def test_the_filter_is_published_under_its_name():
    assert FilterModule().filters() == {'hunt_groups_drift_report': hunt_groups_drift_report}


def test_a_result_in_check_mode_makes_a_check_mode_report_when_ansible_check_mode_is_false():
    # The check_mode keyword of a play, block or task does not show in ansible_check_mode; the results tell.
    result = dict(converged({'name': '2001', 'action': 'updated', 'changed': True, 'changes': CHANGES}), check_mode=True)
    assert hunt_groups_drift_report([host('pbx-lon', result)], active_hosts=['pbx-lon'])['check_mode'] is True
    result['check_mode'] = False
    assert hunt_groups_drift_report([host('pbx-lon', result)], active_hosts=['pbx-lon'])['check_mode'] is False


def test_the_domain_comes_from_the_result_when_the_host_variables_do_not_hold_it():
    # hunt_groups_domain given as a role or include_role variable is not among the host's variables.
    result = dict(converged({'name': '2001', 'action': 'unchanged', 'changed': False}), domain='branch.example.com')
    report = hunt_groups_drift_report([{'inventory_hostname': 'pbx-lon', 'hunt_groups_result': result}],
                                      active_hosts=['pbx-lon'])
    assert report['pbxs'][0]['domain'] == 'branch.example.com'
