# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
name: hunt_groups_drift_report
short_description: Sum up what the hunt_groups role did (or would do) on every PBX of a play
version_added: 1.0.0
description:
  - Takes the host variables of the play's hosts and returns one report over all of them, built from the result
    C(hunt_groups_result) that the P(vodia.pbx.hunt_groups#role) role registers on each host.
  - The P(vodia.pbx.hunt_groups#role) role uses it to write its drift report when C(hunt_groups_report) is set.
  - The filter P(vodia.pbx.hunt_groups_drift_merge#filter) builds the same report from the parts that the slices of
    a sliced AWX job publish.
  - The report holds no secret. The module results it reads never hold the password, and any credentials written
    into a URL are removed.
author:
  - vodia.pbx maintainers (@vodia-pbx)
options:
  _input:
    description:
      - The host variables of each host of the play, for example C(ansible_play_hosts_all | map('extract', hostvars)).
    type: list
    elements: dict
    required: true
  active_hosts:
    description:
      - The hosts still running (C(ansible_play_hosts)). A host not among them that has no result failed before its
        hunt groups were read, and is reported as failed; a running host without a result did not run the role and
        is left out.
    type: list
    elements: str
    default: []
  check_mode:
    description:
      - Whether the run was in check mode, so that the report says whether anything was changed, usually
        C(ansible_check_mode).
      - A host whose result says it ran in check mode (the C(check_mode) keyword of a task, block or play, which
        C(ansible_check_mode) does not show) makes the report a check-mode report too.
    type: bool
    default: false
  call_queues:
    description:
      - Whether the role ran its C(call_flow) (or C(converge)) entry point, which converges call queues before and
        after the hunt groups. Then the report also covers the call queues, from the results
        C(hunt_groups_call_queues_result) (the queues created and updated before the hunt groups) and
        C(hunt_groups_call_queues_purge_result) (those deleted after them).
      - Without it the report is that of the hunt groups alone, and leaves out any call queue result a host may hold
        from an earlier role run.
    type: bool
    default: false
  service_flags:
    description:
      - Whether the role ran its C(call_flow) (or C(converge)) entry point, which also converges service flags before
        the call queues and deletes them after them. Then the report also covers the service flags, from the results
        C(hunt_groups_service_flags_result) (the flags created and updated first) and
        C(hunt_groups_service_flags_purge_result) (those deleted last), in the form of the call queues.
      - Without it, any service flag result a host may hold is left out.
    type: bool
    default: false
'''

EXAMPLES = r'''
- name: Build the drift report once, after every host ran the role
  ansible.builtin.set_fact:
    drift: >-
      {{ ansible_play_hosts_all | map('extract', hostvars) | list
         | vodia.pbx.hunt_groups_drift_report(active_hosts=ansible_play_hosts, check_mode=ansible_check_mode) }}
  run_once: true
'''

RETURN = r'''
_value:
  description: The report.
  type: dict
  contains:
    check_mode:
      description: Whether the run was in check mode (nothing was changed).
      type: bool
    summary:
      description:
        - C(pbxs) and C(failed_pbxs), and for each action (C(created), C(updated), C(deleted), C(unchanged)) how many
          hunt groups it took.
        - C(pbxs) counts PBXs, not hosts. A host of the P(vodia.pbx.tenants#inventory) inventory plugin (one with the
          host variables C(vodia_pbx) and C(vodia_domain)) is a tenant of the PBX C(vodia_pbx), and the tenants of one
          PBX count as one PBX; any other host counts as a PBX of its own. C(failed_pbxs) counts the PBXs with a failed
          host.
        - Where hosts are tenants, also C(tenants), the number of tenant hosts, and C(failed_tenants), those that failed.
      type: dict
    changed:
      description:
        - One item per hunt group created, updated or deleted, with C(host), C(domain), C(name), C(action) and, for
          updates, C(options), the names of the changed options.
      type: list
      elements: dict
    call_queues:
      description:
        - Only with O(call_queues=true). C(summary) holds C(pbxs), the number of PBXs with hosts that manage call
          queues (those with C(hunt_groups_call_queues)), counted as in RV(_value.summary) (where hosts are tenants, also
          C(tenants), the tenant hosts that manage call queues), and for each action how many call queues it took;
          C(changed) lists the call queues created, updated or deleted, in the form of the hunt groups' RV(_value.changed).
      type: dict
    service_flags:
      description:
        - Only with O(service_flags=true). In the form of RV(_value.call_queues), for the hosts that manage service
          flags (those with C(hunt_groups_service_flags)).
      type: dict
    pbxs:
      description:
        - One item per host, in host name order, with C(host), C(url), C(domain) and C(hunt_groups); a tenant host
          also has C(pbx), the name of its PBX (C(vodia_pbx)).
        - Each hunt group has C(name) and C(action); an update also has C(changes), each changed option with its
          C(before) and C(after) value.
        - A host whose run failed has C(failed=true) and C(msg) instead of C(hunt_groups).
        - With O(call_queues=true), a host that manages call queues also has C(call_queues), in the form of
          C(hunt_groups), those listed first, then those deleted.
        - With O(service_flags=true), a host that manages service flags also has C(service_flags), in the same form.
      type: list
      elements: dict
'''

from urllib.parse import urlsplit, urlunsplit

ACTIONS = ('created', 'updated', 'deleted', 'unchanged')
HUNT_GROUPS = 'hunt_groups_result'
# The call queues of the call_flow entry point: those created and updated before the hunt groups, those deleted after.
CALL_QUEUES = 'hunt_groups_call_queues_result'
CALL_QUEUES_PURGE = 'hunt_groups_call_queues_purge_result'
# The service flags of the call_flow entry point: created and updated before the call queues, deleted after them.
SERVICE_FLAGS = 'hunt_groups_service_flags_result'
SERVICE_FLAGS_PURGE = 'hunt_groups_service_flags_purge_result'
# The accounts around the hunt groups, by report key: the result of their first step and of their last.
AROUND = (('call_queues', CALL_QUEUES, CALL_QUEUES_PURGE), ('service_flags', SERVICE_FLAGS, SERVICE_FLAGS_PURGE))


def _without_credentials(url):
    """The URL without any user:password@ part: a report is shared more widely than the inventory."""
    if not url:
        return None
    parts = urlsplit(str(url))
    host = parts.netloc.rpartition('@')[2]
    return urlunsplit((parts.scheme, host, parts.path, '', ''))


def _accounts(result):
    """What a result says happened to each account, without its diff."""
    accounts = []
    for item in (result or {}).get('results') or []:
        account = {'name': item['name'], 'action': item['action']}
        if item['action'] == 'updated':
            account['changes'] = item.get('changes') or {}
        accounts.append(account)
    return accounts


def _ran(name, result):
    """Whether a task left its result. A call queue task that was skipped (a host without call queues) did not run;
    a skipped hunt groups task counts as one that read nothing, as it always did."""
    return isinstance(result, dict) and (name == HUNT_GROUPS or not result.get('skipped'))


def _steps(host_vars, call_queues, service_flags=False):
    """The results of the role's tasks on a host, in the order they ran, up to the first that failed (any later one is
    left from an earlier run of the role)."""
    names = (SERVICE_FLAGS, CALL_QUEUES, HUNT_GROUPS, CALL_QUEUES_PURGE, SERVICE_FLAGS_PURGE)
    names = [name for name in names if name == HUNT_GROUPS or (call_queues and name in (CALL_QUEUES, CALL_QUEUES_PURGE))
             or (service_flags and name in (SERVICE_FLAGS, SERVICE_FLAGS_PURGE))]
    steps = {}
    for name in names:
        result = host_vars.get(name)
        if _ran(name, result):
            steps[name] = result
            if result.get('failed'):
                break
    return steps


def _pbx_entry(host_vars, steps):
    result = steps.get(HUNT_GROUPS)
    first = next(iter(steps.values()), {})
    entry = {
        'host': str(host_vars.get('inventory_hostname')),
        'url': _without_credentials(first.get('url') or host_vars.get('hunt_groups_url') or host_vars.get('vodia_url')),
        # The result names the tenant even when the role got hunt_groups_domain as a role or include_role variable,
        # which the host's variables do not hold.
        'domain': first.get('domain') or host_vars.get('hunt_groups_domain'),
    }
    # A host of the vodia.pbx.tenants inventory plugin is one tenant of a PBX: the summary counts it as a tenant, and
    # its PBX once however many of its tenants the play holds.
    if host_vars.get('vodia_pbx') and host_vars.get('vodia_domain'):
        entry['pbx'] = str(host_vars['vodia_pbx'])
    failed = [step for step in steps.values() if step.get('failed')]
    if result is None or failed:
        entry['failed'] = True
        entry['msg'] = (failed[0] if failed else {}).get('msg') or 'The host failed before its hunt groups were read.'
    # A run that failed midway still lists what it did to the hunt groups before the failure.
    groups = _accounts(result)
    if groups or not entry.get('failed'):
        entry['hunt_groups'] = groups
    for key, first_step, last_step in AROUND:
        if first_step in steps or last_step in steps:
            accounts = _accounts(steps.get(first_step))
            listed = set(account['name'] for account in accounts)
            # The last step lists the accounts it keeps again: only what the first step did not report is new.
            entry[key] = accounts + [account for account in _accounts(steps.get(last_step)) if account['name'] not in listed]
    return entry


def _count(pbxs, key):
    """The summary per action and the changed accounts of one kind over every host."""
    summary = dict((action, 0) for action in ACTIONS)
    changed = []
    for entry in pbxs:
        for account in entry.get(key, []):
            summary[account['action']] += 1
            if account['action'] != 'unchanged':
                row = {'host': entry['host'], 'domain': entry['domain'], 'name': account['name'], 'action': account['action']}
                if 'changes' in account:
                    row['options'] = sorted(account['changes'])
                changed.append(row)
    return summary, changed


def _hosts(pbxs):
    """How many PBXs (and, where hosts are tenants, tenants) the entries stand for.

    A host without a PBX name counts as a PBX of its own, as every host did before tenants were hosts."""
    counts = {'pbxs': len(set((True, entry['pbx']) if 'pbx' in entry else (False, entry['host']) for entry in pbxs))}
    tenants = sum(1 for entry in pbxs if 'pbx' in entry)
    if tenants:
        counts['tenants'] = tenants
    return counts


def host_entries(hosts_vars, active_hosts=None, call_queues=False, service_flags=False):
    """Each reported host's entry, and whether any of their results ran in check mode."""
    active = set(active_hosts or [])
    pbxs = []
    check_mode = False
    for host_vars in hosts_vars:
        steps = _steps(host_vars, call_queues, service_flags)
        if not steps and host_vars.get('inventory_hostname') in active:
            continue
        check_mode = check_mode or any(result.get('check_mode') is True for result in steps.values())
        pbxs.append(_pbx_entry(host_vars, steps))
    return pbxs, check_mode


def build_report(pbxs, check_mode=False, call_queues=False, service_flags=False):
    """The report over the given host entries, wherever they were made: one play, or the slices of a sliced job."""
    pbxs = sorted(pbxs, key=lambda entry: entry['host'])
    failed = [entry for entry in pbxs if entry.get('failed')]
    summary = _hosts(pbxs)
    summary['failed_pbxs'] = _hosts(failed)['pbxs']
    if 'tenants' in summary:
        summary['failed_tenants'] = sum(1 for entry in failed if 'pbx' in entry)
    counts, changed = _count(pbxs, 'hunt_groups')
    summary.update(counts)
    report = {'check_mode': bool(check_mode), 'summary': summary, 'changed': changed, 'pbxs': pbxs}
    for key, covered in (('call_queues', call_queues), ('service_flags', service_flags)):
        if covered:
            counts, changed = _count(pbxs, key)
            counts.update(_hosts([entry for entry in pbxs if key in entry]))
            report[key] = {'summary': counts, 'changed': changed}
    return report


def hunt_groups_drift_report(hosts_vars, active_hosts=None, check_mode=False, call_queues=False, service_flags=False):
    pbxs, results_check_mode = host_entries(hosts_vars, active_hosts, call_queues, service_flags)
    return build_report(pbxs, bool(check_mode) or results_check_mode, call_queues, service_flags)


class FilterModule:
    """The drift report of the hunt_groups role."""

    def filters(self):
        return {'hunt_groups_drift_report': hunt_groups_drift_report}
