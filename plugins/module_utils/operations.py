# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What each vodia.pbx module does, as one function each, knowing nothing of Ansible.

An operation takes the task's parameters (already validated against its argument spec), the run mode and a
transport to the PBX, and returns the task result as a dict, or raises a VodiaError. The module file and the
action plugin of the same name are two thin adapters over the same operation.
"""

from __future__ import annotations

from ansible_collections.vodia.pbx.plugins.module_utils import engine
from ansible_collections.vodia.pbx.plugins.module_utils.engine import Outcome, Wanted
from ansible_collections.vodia.pbx.plugins.module_utils.errors import PartialConvergeError, VodiaInputError
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import (
    TYPED_FIELDS, canonical, changed_options, desired_fields, exportable, name_order, validate_identifier)
from ansible_collections.vodia.pbx.plugins.module_utils.runner import RunMode
from ansible_collections.vodia.pbx.plugins.module_utils.vodia_api import VodiaApi

MAX_PARALLEL = 16
# The hunts list read by the last vodia_hunt_group run of this process, by connection and domain. On the
# controller every item of a loop runs in one process, and engine.converge lets the next item use it.
EARLIER_HUNTS_LISTS: dict = {}

# The forms vodia_hunt_group_info returns hunt groups in: as the modules return them, or as a backup file holds them.
CANONICAL_FORM = 'canonical'
EXPORT_FORM = 'export'


def manage_hunt_group(params: dict, mode: RunMode, transport) -> dict:
    """vodia.pbx.vodia_hunt_group: converge one hunt group."""
    domain = validate_identifier('domain', params['domain'])
    name = validate_identifier('name', params['name'])
    desired = desired_fields(params) if params['state'] == engine.PRESENT else {}
    list_key = (transport.identity, domain)
    converged = engine.converge(VodiaApi(transport), domain, Wanted(name, params['state'], desired), mode.check_mode,
                                EARLIER_HUNTS_LISTS.get(list_key))
    # Only the latest is kept: the items of a loop go to one domain of one PBX.
    EARLIER_HUNTS_LISTS.clear()
    EARLIER_HUNTS_LISTS[list_key] = converged.hunt_group_names
    result = converged.outcome
    report = {'changed': result.changed, 'hunt_group': result.after}
    if mode.diff_mode:
        report['diff'] = result.diff()
    warnings = unknown_field_warnings(domain, [result])
    if warnings:
        report['warnings'] = warnings
    return report


def read_hunt_groups(params: dict, mode: RunMode, transport) -> dict:
    """vodia.pbx.vodia_hunt_group_info: read one or every hunt group of a domain.

    In the export form the hunt groups come in name order, so that two exports of the same PBX are identical.
    """
    domain = validate_identifier('domain', params['domain'])
    wanted = validate_identifier('name', params['name']) if params['name'] is not None else None
    workers = checked_parallel(params['parallel'])
    api = VodiaApi(transport)
    names = api.hunt_group_names(domain)
    if wanted is not None:
        names = [name for name in names if name == wanted]
    shape = canonical
    if params.get('form') == EXPORT_FORM:
        names, shape = sorted(names, key=name_order), exportable
    hunt_groups = engine.read_all(lambda name: shape(name, api.read_settings(domain, name)), names, workers)
    return {'changed': False, 'hunt_groups': hunt_groups}


def manage_hunt_groups(params: dict, mode: RunMode, transport) -> dict:
    """vodia.pbx.vodia_hunt_groups: converge the listed hunt groups of a domain, and with purge delete the others."""
    domain = validate_identifier('domain', params['domain'])
    workers = checked_parallel(params['parallel'])
    wanted = wanted_hunt_groups(params['hunt_groups'], params['purge'])
    try:
        outcomes = engine.converge_many(VodiaApi(transport), domain, wanted, params['purge'], mode.check_mode, workers)
    except PartialConvergeError as failure:
        raise PartialConvergeError(
            '%s The hunt groups before it were converged; run the task again to continue.' % failure.message,
            failure.cause, [_report(done, mode.diff_mode) for done in failure.results]) from None
    result = {
        'changed': any(item.changed for item in outcomes),
        # Which PBX this was, for reports over many PBXs; the URL never holds credentials (connection.py refuses them).
        'url': transport.describe(),
        'domain': domain,
        # Whether nothing was written: a task or play keyword check_mode does not show in ansible_check_mode.
        'check_mode': mode.check_mode,
        'results': [_report(item, mode.diff_mode) for item in outcomes],
    }
    if params['return_state']:
        present = set(target.name for target in wanted if target.state == engine.PRESENT)
        result['hunt_groups'] = [item.after for item in outcomes if item.name in present]
    if mode.diff_mode:
        result['diff'] = [
            dict(item.diff(), before_header='hunt group %s' % item.name, after_header='hunt group %s' % item.name)
            for item in outcomes if item.changed
        ]
    warnings = unknown_field_warnings(domain, outcomes)
    if warnings:
        result['warnings'] = warnings
    return result


def wanted_hunt_groups(items: list[dict], purge: bool) -> list[Wanted]:
    """Validate every item before any request."""
    if purge and not items:
        raise VodiaInputError(
            'hunt_groups is empty and purge is true, which would delete every hunt group of the domain. If that is '
            'what you want, list them with state absent; otherwise check the variable that fills hunt_groups.')
    wanted, seen = [], set()
    for position, item in enumerate(items, start=1):
        name = validate_identifier('hunt_groups item %d name' % position, item['name'])
        if name in seen:
            raise VodiaInputError('hunt_groups names hunt group %r more than once; give each hunt group once.' % name)
        seen.add(name)
        try:
            desired = desired_fields(item) if item['state'] == engine.PRESENT else {}
        except VodiaInputError as error:
            raise VodiaInputError('hunt_groups item %d (%s): %s' % (position, name, error.message)) from None
        wanted.append(Wanted(name, item['state'], desired))
    return wanted


def checked_parallel(parallel: int) -> int:
    if not 1 <= parallel <= MAX_PARALLEL:
        raise VodiaInputError('parallel must be between 1 and %d; got %d.' % (MAX_PARALLEL, parallel))
    return parallel


def unknown_field_warnings(domain: str, outcomes: list[Outcome]) -> list[str]:
    """One warning per set of fields the PBX does not have, naming every hunt group it concerns."""
    groups_by_fields: dict = {}
    for item in outcomes:
        if item.unknown_fields:
            groups_by_fields.setdefault(item.unknown_fields, []).append(item.name)
    return [_unknown_fields_warning(domain, fields, names) for fields, names in groups_by_fields.items()]


def _unknown_fields_warning(domain: str, fields: tuple, names: list[str]) -> str:
    options = ', '.join(_option_name(field) for field in fields)
    return (
        'Hunt group%s %s in domain %s: this PBX has no field %s, so %s %s not sent. PBX versions differ in their '
        'fields (see docs/compatibility.md of vodia.pbx): remove %s from the task for this PBX, or check the spelling.'
        % ('s' if len(names) > 1 else '', ', '.join(names), domain, ', '.join(fields), options,
           'were' if len(fields) > 1 else 'was', 'them' if len(fields) > 1 else 'it'))


def _option_name(vodia_field: str) -> str:
    """The task option that sets a Vodia field, as a user wrote it."""
    for typed in TYPED_FIELDS:
        if typed.vodia == vodia_field:
            return typed.option
    return 'settings.%s' % vodia_field


def _report(item: Outcome, diff_mode: bool) -> dict:
    entry = {'name': item.name, 'action': item.action, 'changed': item.changed}
    if item.action == engine.UPDATED:
        entry['changes'] = changed_options(item.before['settings'], item.after['settings'])
    if diff_mode:
        entry['diff'] = item.diff()
    return entry
