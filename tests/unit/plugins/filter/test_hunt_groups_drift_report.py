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


# The call queues of the call_flow entry point ------------------------------------------------------------------

QUEUE_CHANGES = {'agents': {'before': ['446'], 'after': ['446', '447']}}
SKIPPED = {'changed': False, 'skipped': True, 'false_condition': 'whatever'}


def call_flow_host(name, first=None, groups=None, last=None, **more):
    host_vars = host(name, groups if groups is not None else converged(), **more)
    if first is not None:
        host_vars['hunt_groups_call_queues_result'] = first
    if last is not None:
        host_vars['hunt_groups_call_queues_purge_result'] = last
    return host_vars


def test_the_call_queues_are_reported_next_to_the_hunt_groups_only_for_the_call_flow():
    first = converged({'name': '5001', 'action': 'updated', 'changed': True, 'changes': QUEUE_CHANGES},
                      {'name': '5000', 'action': 'created', 'changed': True})
    # The last step lists the queues it keeps again; only the deletion is new there.
    last = converged({'name': '5001', 'action': 'unchanged', 'changed': False},
                     {'name': '5000', 'action': 'unchanged', 'changed': False},
                     {'name': '700', 'action': 'deleted', 'changed': True})
    groups = converged({'name': '2000', 'action': 'unchanged', 'changed': False})
    hosts = [call_flow_host('pbx-lon', first, groups, last), call_flow_host('pbx-nyc', SKIPPED, groups, SKIPPED)]

    report = hunt_groups_drift_report(hosts, active_hosts=['pbx-lon', 'pbx-nyc'], call_queues=True)
    assert report['summary'] == {'pbxs': 2, 'failed_pbxs': 0, 'created': 0, 'updated': 0, 'deleted': 0, 'unchanged': 2}
    assert report['call_queues'] == {
        'summary': {'pbxs': 1, 'created': 1, 'updated': 1, 'deleted': 1, 'unchanged': 0},
        'changed': [
            {'host': 'pbx-lon', 'domain': 'localhost', 'name': '5001', 'action': 'updated', 'options': ['agents']},
            {'host': 'pbx-lon', 'domain': 'localhost', 'name': '5000', 'action': 'created'},
            {'host': 'pbx-lon', 'domain': 'localhost', 'name': '700', 'action': 'deleted'},
        ],
    }
    assert report['pbxs'][0]['call_queues'] == [
        {'name': '5001', 'action': 'updated', 'changes': QUEUE_CHANGES}, {'name': '5000', 'action': 'created'},
        {'name': '700', 'action': 'deleted'}]
    # A host without call queues (both steps skipped) does not manage them: no call_queues of its own.
    assert 'call_queues' not in report['pbxs'][1]

    # The hunt groups' report is what it always was, without the call queues and whatever results a host holds.
    alone = hunt_groups_drift_report(hosts, active_hosts=['pbx-lon', 'pbx-nyc'])
    without_queues = dict(report, pbxs=[dict((key, value) for key, value in entry.items() if key != 'call_queues')
                                        for entry in report['pbxs']])
    del without_queues['call_queues']
    assert alone == without_queues


def test_a_host_whose_first_call_queue_step_failed_is_failed_with_its_message_and_no_stale_results():
    first = dict(converged({'name': '5000', 'action': 'created', 'changed': True}), failed=True,
                 msg='References in domain localhost do not hold')
    # Results from an earlier run of the role on this host: the steps after the failed one did not run this time.
    stale_groups = converged({'name': '2000', 'action': 'created', 'changed': True})
    stale_last = converged({'name': '700', 'action': 'deleted', 'changed': True})
    report = hunt_groups_drift_report([call_flow_host('pbx-a', first, stale_groups, stale_last)], active_hosts=[],
                                      call_queues=True)
    entry = report['pbxs'][0]
    assert entry['failed'] is True and entry['msg'] == 'References in domain localhost do not hold'
    assert 'hunt_groups' not in entry
    assert entry['call_queues'] == [{'name': '5000', 'action': 'created'}]
    assert report['summary']['failed_pbxs'] == 1 and report['summary']['created'] == 0
    assert report['call_queues']['summary'] == {'pbxs': 1, 'created': 1, 'updated': 0, 'deleted': 0, 'unchanged': 0}


def test_a_failed_last_step_fails_the_host_after_its_hunt_groups():
    last = dict(converged(), failed=True, msg='Hunt group 2000 still names 700')
    groups = converged({'name': '2000', 'action': 'unchanged', 'changed': False})
    report = hunt_groups_drift_report([call_flow_host('pbx-a', converged(), groups, last)], active_hosts=[],
                                      call_queues=True)
    entry = report['pbxs'][0]
    assert entry['failed'] is True and entry['msg'] == 'Hunt group 2000 still names 700'
    assert entry['hunt_groups'] == [{'name': '2000', 'action': 'unchanged'}] and entry['call_queues'] == []


def test_a_call_queue_result_in_check_mode_makes_a_check_mode_report():
    first = dict(converged({'name': '5000', 'action': 'created', 'changed': True}), check_mode=True)
    report = hunt_groups_drift_report([call_flow_host('pbx-a', first)], active_hosts=['pbx-a'], call_queues=True)
    assert report['check_mode'] is True


# Tenants as hosts (the vodia.pbx.tenants inventory plugin) ----------------------------------------------------------

def tenant(name, pbx, result=None, **more):
    return host('%s@%s' % (name, pbx), result, vodia_domain=name, vodia_pbx=pbx, vodia_url='https://%s.example.com' % pbx,
                **more)


def test_tenant_hosts_are_counted_as_tenants_and_their_pbxs_once_each():
    unchanged = converged({'name': '2000', 'action': 'unchanged', 'changed': False})
    hosts = [tenant('t%d.example.com' % number, 'pbx-%d' % (number % 2), unchanged) for number in range(6)]
    report = hunt_groups_drift_report(hosts, active_hosts=[entry['inventory_hostname'] for entry in hosts])
    assert report['summary'] == {'pbxs': 2, 'failed_pbxs': 0, 'tenants': 6, 'failed_tenants': 0,
                                 'created': 0, 'updated': 0, 'deleted': 0, 'unchanged': 6}
    assert report['pbxs'][0] == {'host': 't0.example.com@pbx-0', 'url': 'https://pbx.example.com', 'domain': 'localhost',
                                 'pbx': 'pbx-0', 'hunt_groups': [{'name': '2000', 'action': 'unchanged'}]}


def test_a_failed_tenant_counts_its_pbx_among_the_failed_pbxs_once():
    failed = dict(converged(), failed=True, msg='HTTP 500')
    hosts = [tenant('a.example.com', 'pbx-a', failed), tenant('b.example.com', 'pbx-a', failed),
             tenant('c.example.com', 'pbx-b', converged())]
    summary = hunt_groups_drift_report(hosts, active_hosts=['c.example.com@pbx-b'])['summary']
    assert (summary['tenants'], summary['failed_tenants'], summary['pbxs'], summary['failed_pbxs']) == (3, 2, 2, 1)


def test_hosts_without_a_pbx_name_count_as_pbxs_of_their_own_next_to_tenants():
    # A PBX host that merely has vodia_domain (the role's default tenant) is no tenant of the plugin.
    hosts = [tenant('a.example.com', 'pbx-a', converged()), host('pbx-b', converged(), vodia_domain='branch.example.com'),
             host('pbx-c', converged(), vodia_pbx='pbx-c')]
    report = hunt_groups_drift_report(hosts, active_hosts=['a.example.com@pbx-a', 'pbx-b', 'pbx-c'])
    assert (report['summary']['pbxs'], report['summary']['tenants']) == (3, 1)
    assert [('pbx' in entry) for entry in report['pbxs']] == [True, False, False]


def test_pbx_hosts_keep_the_summary_they_always_had():
    report = hunt_groups_drift_report([host('pbx-a', converged()), host('pbx-b')], active_hosts=['pbx-a'])
    assert report['summary'] == {'pbxs': 2, 'failed_pbxs': 1, 'created': 0, 'updated': 0, 'deleted': 0, 'unchanged': 0}
    assert all('pbx' not in entry for entry in report['pbxs'])


def test_the_call_queue_summary_counts_tenants_and_pbxs_too():
    queues = converged({'name': '5000', 'action': 'created', 'changed': True})
    hosts = [tenant('a.example.com', 'pbx-a', converged(), hunt_groups_call_queues_result=queues),
             tenant('b.example.com', 'pbx-a', converged(), hunt_groups_call_queues_result=queues),
             tenant('c.example.com', 'pbx-b', converged(), hunt_groups_call_queues_result=SKIPPED)]
    report = hunt_groups_drift_report(hosts, active_hosts=[entry['inventory_hostname'] for entry in hosts],
                                      call_queues=True)
    assert report['call_queues']['summary'] == {'pbxs': 1, 'tenants': 2, 'created': 2, 'updated': 0, 'deleted': 0,
                                                'unchanged': 0}


# The service flags of the call_flow entry point ----------------------------------------------------------------

def test_the_service_flags_are_reported_next_to_the_call_queues_only_when_asked():
    flags = converged({'name': '801', 'action': 'created', 'changed': True},
                      {'name': '800', 'action': 'updated', 'changed': True, 'changes': CHANGES})
    # The last step lists the flags it keeps again; only the deletion is new there.
    flags_last = converged({'name': '800', 'action': 'unchanged', 'changed': False},
                           {'name': '802', 'action': 'deleted', 'changed': True})
    queues = converged({'name': '5000', 'action': 'unchanged', 'changed': False})
    groups = converged({'name': '2000', 'action': 'created', 'changed': True})
    lon = call_flow_host('pbx-lon', queues, groups, SKIPPED, hunt_groups_service_flags_result=flags,
                         hunt_groups_service_flags_purge_result=flags_last)
    nyc = call_flow_host('pbx-nyc', SKIPPED, groups, SKIPPED, hunt_groups_service_flags_result=SKIPPED,
                         hunt_groups_service_flags_purge_result=SKIPPED)

    report = hunt_groups_drift_report([lon, nyc], active_hosts=['pbx-lon', 'pbx-nyc'], call_queues=True,
                                      service_flags=True)
    assert report['service_flags'] == {
        'summary': {'pbxs': 1, 'created': 1, 'updated': 1, 'deleted': 1, 'unchanged': 0},
        'changed': [
            {'host': 'pbx-lon', 'domain': 'localhost', 'name': '801', 'action': 'created'},
            {'host': 'pbx-lon', 'domain': 'localhost', 'name': '800', 'action': 'updated', 'options': ['display_name']},
            {'host': 'pbx-lon', 'domain': 'localhost', 'name': '802', 'action': 'deleted'},
        ],
    }
    assert report['pbxs'][0]['service_flags'] == [
        {'name': '801', 'action': 'created'}, {'name': '800', 'action': 'updated', 'changes': CHANGES},
        {'name': '802', 'action': 'deleted'}]
    assert report['pbxs'][0]['call_queues'] == [{'name': '5000', 'action': 'unchanged'}]
    assert 'service_flags' not in report['pbxs'][1]

    # Without service_flags the report is the one of the call queues, whatever flag results a host holds.
    queues_only = hunt_groups_drift_report([lon, nyc], active_hosts=['pbx-lon', 'pbx-nyc'], call_queues=True)
    assert 'service_flags' not in queues_only and 'service_flags' not in queues_only['pbxs'][0]
    assert queues_only['call_queues'] == report['call_queues'] and queues_only['summary'] == report['summary']


def test_a_failed_first_flag_step_fails_the_host_before_anything_else_ran():
    flags = dict(converged(), failed=True, msg='A Vodia 69.5 PBX is reported to answer the creation ...')
    # Results from an earlier run of the role on this host: the steps after the failed one did not run this time.
    stale = converged({'name': '2000', 'action': 'created', 'changed': True})
    report = hunt_groups_drift_report([call_flow_host('pbx-a', stale, stale, hunt_groups_service_flags_result=flags)],
                                      active_hosts=[], call_queues=True, service_flags=True)
    entry = report['pbxs'][0]
    assert entry['failed'] is True and entry['msg'].startswith('A Vodia 69.5 PBX')
    assert 'hunt_groups' not in entry and 'call_queues' not in entry and entry['service_flags'] == []
    assert report['summary']['created'] == 0 and report['call_queues']['summary']['pbxs'] == 0


def test_a_failed_last_flag_step_fails_the_host_after_its_hunt_groups_and_call_queues():
    last = dict(converged(), failed=True, msg='Hunt group 2000 still names 801')
    groups = converged({'name': '2000', 'action': 'unchanged', 'changed': False})
    report = hunt_groups_drift_report(
        [call_flow_host('pbx-a', converged(), groups, SKIPPED, hunt_groups_service_flags_result=converged(),
                        hunt_groups_service_flags_purge_result=last)],
        active_hosts=[], call_queues=True, service_flags=True)
    entry = report['pbxs'][0]
    assert entry['failed'] is True and entry['msg'] == 'Hunt group 2000 still names 801'
    assert entry['hunt_groups'] == [{'name': '2000', 'action': 'unchanged'}] and entry['service_flags'] == []
