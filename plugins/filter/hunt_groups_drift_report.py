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
      type: dict
    changed:
      description:
        - One item per hunt group created, updated or deleted, with C(host), C(domain), C(name), C(action) and, for
          updates, C(options), the names of the changed options.
      type: list
      elements: dict
    pbxs:
      description:
        - One item per host, in host name order, with C(host), C(url), C(domain) and C(hunt_groups).
        - Each hunt group has C(name) and C(action); an update also has C(changes), each changed option with its
          C(before) and C(after) value.
        - A host whose run failed has C(failed=true) and C(msg) instead of C(hunt_groups).
      type: list
      elements: dict
'''

from urllib.parse import urlsplit, urlunsplit

ACTIONS = ('created', 'updated', 'deleted', 'unchanged')


def _without_credentials(url):
    """The URL without any user:password@ part: a report is shared more widely than the inventory."""
    if not url:
        return None
    parts = urlsplit(str(url))
    host = parts.netloc.rpartition('@')[2]
    return urlunsplit((parts.scheme, host, parts.path, '', ''))


def _pbx_entry(host_vars, result):
    entry = {
        'host': str(host_vars.get('inventory_hostname')),
        'url': _without_credentials((result or {}).get('url') or host_vars.get('hunt_groups_url') or host_vars.get('vodia_url')),
        # The result names the tenant even when the role got hunt_groups_domain as a role or include_role variable,
        # which the host's variables do not hold.
        'domain': (result or {}).get('domain') or host_vars.get('hunt_groups_domain'),
    }
    if result is None or result.get('failed'):
        entry['failed'] = True
        entry['msg'] = (result or {}).get('msg') or 'The host failed before its hunt groups were read.'
    # A run that failed midway still lists what it did to the hunt groups before the failure.
    groups = []
    for item in (result or {}).get('results') or []:
        group = {'name': item['name'], 'action': item['action']}
        if item['action'] == 'updated':
            group['changes'] = item.get('changes') or {}
        groups.append(group)
    if groups or not entry.get('failed'):
        entry['hunt_groups'] = groups
    return entry


def hunt_groups_drift_report(hosts_vars, active_hosts=None, check_mode=False):
    active = set(active_hosts or [])
    pbxs = []
    for host_vars in hosts_vars:
        result = host_vars.get('hunt_groups_result')
        if result is None and host_vars.get('inventory_hostname') in active:
            continue
        pbxs.append(_pbx_entry(host_vars, result))
    pbxs.sort(key=lambda entry: entry['host'])
    results = [host_vars.get('hunt_groups_result') or {} for host_vars in hosts_vars]
    check_mode = bool(check_mode) or any(result.get('check_mode') is True for result in results)

    summary = {'pbxs': len(pbxs), 'failed_pbxs': sum(1 for entry in pbxs if entry.get('failed'))}
    summary.update((action, 0) for action in ACTIONS)
    changed = []
    for entry in pbxs:
        for group in entry.get('hunt_groups', []):
            summary[group['action']] += 1
            if group['action'] != 'unchanged':
                row = {'host': entry['host'], 'domain': entry['domain'], 'name': group['name'], 'action': group['action']}
                if 'changes' in group:
                    row['options'] = sorted(group['changes'])
                changed.append(row)
    return {'check_mode': bool(check_mode), 'summary': summary, 'changed': changed, 'pbxs': pbxs}


class FilterModule:
    """The drift report of the hunt_groups role."""

    def filters(self):
        return {'hunt_groups_drift_report': hunt_groups_drift_report}
