# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Converging one hunt group: the present/absent state machine.

Shared by every module that changes hunt groups, in two steps:
- ``plan`` only reads: it decides the action with the model in hunt_group.py and predicts
  what the PBX will hold. Check mode reports the plan, so ``changed``, the diff and the
  returned hunt group are those of a real run.
- ``apply`` only writes what the plan says, then verifies the PBX's answer.
Modules that handle many hunt groups plan them all (reads may run in parallel) before
they apply any.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from ansible_collections.vodia.pbx.plugins.module_utils import hunt_group as model
from ansible_collections.vodia.pbx.plugins.module_utils.vodia_client import VodiaApiError, rest_path

CREATED = 'created'
UPDATED = 'updated'
DELETED = 'deleted'
UNCHANGED = 'unchanged'


class NotAHuntGroupError(Exception):
    """The account exists on the PBX but is not a hunt group: it must not be touched."""


class PartialConvergeError(Exception):
    """Converging several hunt groups stopped at one; ``done`` holds the outcomes before it."""

    def __init__(self, name, error, done):
        super().__init__(error.message)
        self.name = name
        self.error = error
        self.done = done


def list_hunt_group_names(client, domain):
    """Names of the hunt groups of a domain, in the PBX's order, from one read of the hunts list."""
    path = rest_path('domain', domain, 'hunts')
    answer = client.get(path)
    if not isinstance(answer, list) or not all(isinstance(item, dict) and 'name' in item for item in answer):
        raise VodiaApiError(
            'GET %s on %s answered with something that is not a list of hunt groups; refusing to guess which hunt '
            'groups exist. Check that url points at a Vodia PBX (version 58 or later).' % (path, client.describe()),
            'GET', path)
    return [str(item['name']) for item in answer]


def settings_path(domain, name):
    return rest_path('domain', domain, 'user_settings', name)


def read_settings(client, domain, name):
    path = settings_path(domain, name)
    answer = client.get(path)
    return _require_settings_object(client, 'GET', path, answer)


def _require_settings_object(client, method, path, answer):
    if not isinstance(answer, dict):
        raise VodiaApiError(
            '%s %s on %s answered with something that is not a settings object, so the task stops here. Check that '
            'url points at a Vodia PBX (version 58 or later).' % (method, path, client.describe()), method, path)
    return answer


def read_hunt_group(client, domain, name, hunt_group_names):
    """Raw settings of hunt group ``name``, or None when no account of that name exists.

    ``user_settings`` answers for any account type, so the hunts list decides whether
    ``name`` is a hunt group; an existing account of another type raises NotAHuntGroupError.
    """
    if name in hunt_group_names:
        return read_settings(client, domain, name)
    other_account = client.get(settings_path(domain, name), missing_ok=True)
    if other_account is not None:
        raise NotAHuntGroupError(
            'Account %r in domain %r exists on the PBX but is not a hunt group (it is not in the hunts list, it may be '
            'an extension or another account type). Nothing was changed; choose a name that is free or already '
            'a hunt group.' % (name, domain))
    return None


def plan(client, domain, name, state, desired, hunt_group_names):
    """Decide, by reading only, what converging hunt group ``name`` takes.

    The plan is plain data: the action, the PBX's current raw settings (None when absent),
    the fields to write, and the raw settings the PBX is predicted to hold afterwards. Check mode
    stops here; ``apply`` carries a plan out.
    """
    current = read_hunt_group(client, domain, name, hunt_group_names)
    if state == 'absent':
        action = UNCHANGED if current is None else DELETED
        return _plan(action, domain, name, current, {}, None)
    if current is None:
        # The PBX fills in defaults for fields nobody sets; the prediction holds what would be written
        # and the one default every source shows: the account answers to its own name.
        return _plan(CREATED, domain, name, None, desired, model.apply_fields({'alias': [name]}, desired))
    changes = model.changed_fields(current, desired)
    action = UPDATED if changes else UNCHANGED
    return _plan(action, domain, name, current, changes, model.apply_fields(current, changes))


def _plan(action, domain, name, current, changes, predicted):
    return {'action': action, 'domain': domain, 'name': name, 'current': current, 'changes': changes, 'predicted': predicted}


def outcome(group_plan, after=None):
    """What a module reports for a plan: canonical before/after; ``after`` is the PBX's answer after a write."""
    after_raw = group_plan['predicted'] if after is None else after
    return {
        'name': group_plan['name'],
        'action': group_plan['action'],
        'changed': group_plan['action'] != UNCHANGED,
        'before': model.canonical(group_plan['name'], group_plan['current']) if group_plan['current'] is not None else {},
        'after': model.canonical(group_plan['name'], after_raw) if after_raw is not None else {},
    }


def apply(client, group_plan):
    """Carry out a plan with write requests, verify the PBX's answer, and return the outcome."""
    action = group_plan['action']
    if action == CREATED:
        return outcome(group_plan, _create(client, group_plan['domain'], group_plan['name'], group_plan['changes']))
    if action == UPDATED:
        return outcome(group_plan, _update(client, group_plan['domain'], group_plan['name'], group_plan['changes']))
    if action == DELETED:
        _delete(client, group_plan['domain'], group_plan['name'])
    return outcome(group_plan)


def carry_out(client, group_plan, check_mode):
    """The outcome of a plan: predicted in check mode, otherwise applied."""
    return outcome(group_plan) if check_mode else apply(client, group_plan)


def outcome_diff(group_outcome):
    return {'before': group_outcome['before'], 'after': group_outcome['after']}


def converge(client, domain, name, state, desired, check_mode, hunt_group_names=None):
    """Plan, and unless in check mode apply, one hunt group. Returns the outcome.

    ``hunt_group_names`` may be passed by callers that already read the hunts list.
    """
    if hunt_group_names is None:
        hunt_group_names = list_hunt_group_names(client, domain)
    return carry_out(client, plan(client, domain, name, state, desired, hunt_group_names), check_mode)


def converge_many(client, domain, wanted, purge, check_mode, workers):
    """Converge several hunt groups: one read of the hunts list, the plans read in parallel, then
    the plans carried out one at a time. ``wanted`` holds (name, state, desired fields) tuples; with
    ``purge``, every other hunt group of the list is planned for deletion after them.

    Raises PartialConvergeError, with the outcomes so far, when one hunt group fails.
    """
    existing = list_hunt_group_names(client, domain)
    if purge:
        listed = set(name for name, _state, _desired in wanted)
        wanted = list(wanted) + [(name, 'absent', {}) for name in existing if name not in listed]
    plans = plan_many(client, domain, wanted, existing, workers)
    outcomes = []
    for group_plan in plans:
        try:
            outcomes.append(carry_out(client, group_plan, check_mode))
        except VodiaApiError as error:
            raise PartialConvergeError(group_plan['name'], error, outcomes) from None
    return outcomes


def _create(client, domain, name, desired):
    _add_account(client, domain, name)
    if desired:
        _write_settings(client, domain, name, desired, after_create=True)
    actual = client.get(settings_path(domain, name), missing_ok=True)
    if actual is None:
        raise _created_account_missing(domain, name, 'GET')
    actual = _require_settings_object(client, 'GET', settings_path(domain, name), actual)
    _verify(domain, name, actual, desired)
    return actual


def _add_account(client, domain, name):
    """Create the account. addacc is never repeated blindly: after a failure without a clear
    answer, the account may exist all the same, so read first and decide."""
    path = rest_path('domain', domain, 'addacc')
    attempt = 0
    while True:
        try:
            client.post(path, {'type': 'hunts', 'account': name}, repeatable=False)
            return
        except VodiaApiError as error:
            answer_unclear = error.status is None or error.status >= 500
            if not answer_unclear:
                raise
            if client.get(settings_path(domain, name), missing_ok=True) is not None:
                return
            if attempt >= client.retries:
                raise
            reason = 'no answer' if error.status is None else 'HTTP %d' % error.status
            client.pause_before_retry('POST', path, attempt, reason)
            attempt += 1


def _update(client, domain, name, changes):
    answer = _write_settings(client, domain, name, changes)
    if not answer or not isinstance(answer, dict):
        # Older PBXs answer an update with an empty body: read back to verify.
        answer = read_settings(client, domain, name)
    _verify(domain, name, answer, changes)
    return answer


def _delete(client, domain, name):
    path = rest_path('domain', domain, 'addacc', name)
    # A 404 may mean someone deleted it meanwhile, or a PBX without this route: the read decides.
    client.delete(path, missing_ok=True)
    if client.get(settings_path(domain, name), missing_ok=True) is not None:
        raise VodiaApiError(
            'The PBX accepted the deletion of hunt group %r in domain %r but the account still exists. Check the PBX '
            'logs.' % (name, domain), 'DELETE', path)


def _write_settings(client, domain, name, fields, after_create=False):
    path = settings_path(domain, name)
    try:
        return client.post(path, fields)
    except VodiaApiError as error:
        if after_create and error.status == 404:
            raise _created_account_missing(domain, name, 'POST') from None
        if after_create:
            raise VodiaApiError(
                '%s The hunt group %r was created but its settings were not written; run the task again to '
                'complete it.' % (error.message, name), error.method, error.path, error.status, error.body) from None
        raise


def _created_account_missing(domain, name, method):
    # Public reports say addacc can answer 200 without creating anything.
    return VodiaApiError(
        'The PBX accepted the creation of hunt group %r in domain %r but the account does not exist afterwards. '
        'Check the PBX logs and its account limits (max_hunts) for this domain.' % (name, domain),
        method, settings_path(domain, name), 404)


def _verify(domain, name, actual, desired):
    unapplied = model.unapplied_fields(actual, desired)
    if unapplied:
        details = '; '.join('%s: sent %r, the PBX holds %r' % (field, desired[field], actual.get(field)) for field in unapplied)
        raise VodiaApiError(
            'The PBX accepted the settings of hunt group %r in domain %r but did not keep them (%s). The PBX may reject '
            'such values silently; check them in its web interface (aliases usually must include the account number '
            'itself).' % (name, domain, details),
            'POST', settings_path(domain, name))


def run_parallel(function, items, workers):
    """``[function(item) for item in items]`` with up to ``workers`` threads, in order.

    Only for reads: writes to one PBX stay sequential, since no source says a PBX takes
    concurrent account changes safely. Every call runs; the first exception is raised after.
    """
    items = list(items)
    if workers <= 1 or len(items) <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        return list(pool.map(function, items))


def plan_many(client, domain, wanted, hunt_group_names, workers):
    """Plan several hunt groups; ``wanted`` holds (name, state, desired fields) tuples."""
    return run_parallel(
        lambda target: plan(client, domain, target[0], target[1], target[2], hunt_group_names), wanted, workers)
