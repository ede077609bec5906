# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The engine: converging hunt groups in two steps.

- ``plan`` only reads: it decides the action with the model (hunt_group.py) and predicts what the PBX will
  hold. Check mode reports the plan, so ``changed``, the diff and the returned hunt group are those of a
  real run.
- ``apply`` only writes what the plan says, then verifies the PBX's answer.
Several hunt groups are all planned (reads may run in parallel) before any is applied.
"""

from __future__ import annotations

import time

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, NamedTuple, TypeVar

from ansible_collections.vodia.pbx.plugins.module_utils import hunt_group as model
from ansible_collections.vodia.pbx.plugins.module_utils.errors import NotAHuntGroupError, PartialConvergeError, VodiaApiError
from ansible_collections.vodia.pbx.plugins.module_utils.vodia_api import VodiaApi, settings_path

CREATED = 'created'
UPDATED = 'updated'
DELETED = 'deleted'
UNCHANGED = 'unchanged'

PRESENT = 'present'
ABSENT = 'absent'


class Wanted(NamedTuple):
    """What a task asks of one hunt group: its name, its state and the Vodia fields to enforce (wire form)."""
    name: str
    state: str
    desired: dict


@dataclass(frozen=True)
class Plan:
    """What converging one hunt group takes, decided by reading only.

    ``current`` is the PBX's raw settings (None when the hunt group is absent), ``changes`` the fields to
    write, ``predicted`` the raw settings the PBX will hold afterwards (None after a deletion).
    ``unknown_fields`` are fields the task sets that the PBX's hunt group does not have; they are not written.
    """
    action: str
    domain: str
    name: str
    current: dict | None = None
    changes: dict = field(default_factory=dict)
    predicted: dict | None = None
    unknown_fields: tuple = ()


@dataclass(frozen=True)
class Outcome:
    """What happened to one hunt group (in check mode: what would happen), canonical before and after.

    ``unknown_fields`` are the fields the task sets that this PBX's hunt group does not have, so it cannot hold them.
    """
    name: str
    action: str
    before: dict
    after: dict
    unknown_fields: tuple = ()

    @property
    def changed(self) -> bool:
        return self.action != UNCHANGED

    def diff(self) -> dict:
        return {'before': self.before, 'after': self.after}


# Planning (reads only) -----------------------------------------------------------------

def read_hunt_group(api: VodiaApi, domain: str, name: str, hunt_group_names: Iterable[str]) -> dict | None:
    """Raw settings of hunt group ``name``, or None when no account of that name exists.

    ``user_settings`` answers for any account type, so the hunts list decides whether ``name`` is a hunt
    group; an existing account of another type raises NotAHuntGroupError.
    """
    if name in hunt_group_names:
        return api.read_settings(domain, name)
    if api.find_settings(domain, name) is not None:
        raise NotAHuntGroupError(
            'Account %r in domain %r exists on the PBX but is not a hunt group (it is not in the hunts list, it may be '
            'an extension or another account type). Nothing was changed; choose a name that is free or already '
            'a hunt group.' % (name, domain))
    return None


def plan(api: VodiaApi, domain: str, wanted: Wanted, hunt_group_names: Iterable[str]) -> Plan:
    """Decide, by reading only, what converging one hunt group takes."""
    current = read_hunt_group(api, domain, wanted.name, hunt_group_names)
    if wanted.state == ABSENT:
        return Plan(UNCHANGED if current is None else DELETED, domain, wanted.name, current)
    if current is None:
        # The PBX fills in defaults for fields nobody sets; the prediction holds what would be written
        # and the one default every source shows: the account answers to its own name.
        predicted = model.apply_fields({model.ALIAS_FIELD: [wanted.name]}, wanted.desired)
        return Plan(CREATED, domain, wanted.name, None, wanted.desired, predicted)
    changes, unknown = changes_to_send(current, wanted.desired)
    return Plan(UPDATED if changes else UNCHANGED, domain, wanted.name, current, changes,
                model.apply_fields(current, changes), unknown)


def changes_to_send(settings: dict, desired: dict) -> tuple[dict, tuple]:
    """The desired fields that differ from the PBX's settings and that the PBX has, then those it does not have.

    A PBX answers ``user_settings`` with every field an account of its version has, empty ones too (the vendor
    example, S1; 100 to 200 keys on 70.x, S2). A field missing there is one this PBX does not have, and a PBX may
    accept such a field and drop it silently: sending it again on every run would only be a write that never
    lands. Clearing such a field is no change to begin with (the model counts a missing field as empty).
    """
    changes = model.changed_fields(settings, desired)
    unknown = tuple(sorted(name for name in changes if name not in settings))
    return dict((name, value) for name, value in changes.items() if name not in unknown), unknown


def plan_many(api: VodiaApi, domain: str, wanted: list[Wanted], hunt_group_names: list[str], workers: int) -> list[Plan]:
    return read_all(lambda target: plan(api, domain, target, hunt_group_names), wanted, workers)


# Applying (writes, then verifies) ----------------------------------------------------------

def outcome(group_plan: Plan, after: dict | None = None, unknown_fields: tuple = ()) -> Outcome:
    """The outcome of a plan; ``after`` is the PBX's answer after a write, else the prediction counts."""
    after_raw = group_plan.predicted if after is None else after
    return Outcome(
        name=group_plan.name,
        action=group_plan.action,
        before=model.canonical(group_plan.name, group_plan.current) if group_plan.current is not None else {},
        after=model.canonical(group_plan.name, after_raw) if after_raw is not None else {},
        unknown_fields=group_plan.unknown_fields + unknown_fields,
    )


def apply(api: VodiaApi, group_plan: Plan) -> Outcome:
    """Carry out a plan with write requests, verify the PBX's answer, and return the outcome."""
    if group_plan.action == CREATED:
        created, unknown = _create(api, group_plan.domain, group_plan.name, group_plan.changes)
        return outcome(group_plan, created, unknown)
    if group_plan.action == UPDATED:
        return outcome(group_plan, _update(api, group_plan.domain, group_plan.name, group_plan.changes))
    if group_plan.action == DELETED:
        api.delete_account(group_plan.domain, group_plan.name)
    return outcome(group_plan)


def carry_out(api: VodiaApi, group_plan: Plan, check_mode: bool) -> Outcome:
    """The outcome of a plan: predicted in check mode, otherwise applied."""
    return outcome(group_plan) if check_mode else apply(api, group_plan)


class Converged(NamedTuple):
    """The outcome of converging one hunt group, and the hunts list that proved it (for the next item of a loop)."""
    outcome: Outcome
    hunt_group_names: list[str]


def converge(api: VodiaApi, domain: str, wanted: Wanted, check_mode: bool,
             earlier_names: list[str] | None = None) -> Converged:
    """Plan, and unless in check mode apply, one hunt group.

    ``earlier_names`` is a hunts list read before, by an earlier item of the same loop; it may be stale. It
    settles only a hunt group that needs nothing, whose settings are read fresh in any case. Any other plan
    is made, or confirmed, with a fresh read of the list, which proves that the account is a hunt group before
    anything is written. A loop over many unchanged hunt groups so reads the list once, not once per item.
    """
    group_plan = None if earlier_names is None else _plan_with_earlier_list(api, domain, wanted, earlier_names)
    if group_plan is not None and group_plan.action == UNCHANGED:
        return Converged(outcome(group_plan), earlier_names)
    names = api.hunt_group_names(domain)
    if group_plan is None or (wanted.name in names) != (wanted.name in earlier_names):
        group_plan = plan(api, domain, wanted, names)
    return Converged(carry_out(api, group_plan, check_mode), names)


def _plan_with_earlier_list(api: VodiaApi, domain: str, wanted: Wanted, earlier_names: list[str]) -> Plan | None:
    """A plan made with a hunts list that may be stale, or None where only a fresh list can decide."""
    try:
        return plan(api, domain, wanted, earlier_names)
    except NotAHuntGroupError:
        return None  # it may have become a hunt group since
    except VodiaApiError as error:
        if error.status == 404:
            return None  # deleted since
        raise


def converge_many(api: VodiaApi, domain: str, wanted: list[Wanted], purge: bool, check_mode: bool,
                  workers: int) -> list[Outcome]:
    """Converge several hunt groups: one read of the hunts list, the plans read (in parallel once the PBX answers
    slowly, see read_all), then the plans carried out one at a time. With ``purge``, every other hunt group of
    the list is deleted after them.

    Raises PartialConvergeError, whose ``results`` are the outcomes so far, when one hunt group fails.
    """
    existing = api.hunt_group_names(domain)
    if purge:
        listed = set(target.name for target in wanted)
        wanted = list(wanted) + [Wanted(name, ABSENT, {}) for name in existing if name not in listed]
    outcomes = []
    for group_plan in plan_many(api, domain, wanted, existing, workers):
        try:
            outcomes.append(carry_out(api, group_plan, check_mode))
        except VodiaApiError as error:
            raise PartialConvergeError('Hunt group %s: %s' % (group_plan.name, error.message), error, outcomes) from None
    return outcomes


def _create(api: VodiaApi, domain: str, name: str, desired: dict) -> tuple[dict, tuple]:
    """Create the account, then set what differs from its defaults; returns its settings and the unknown fields.

    Which fields a new account has, and their defaults, differ between PBX versions and are known only once it
    exists. So it is read first, and then written to like any hunt group: only what differs, and never a field
    the PBX does not have (a 70.x backup copied to an older PBX carries such fields).
    """
    api.add_hunt_group_account(domain, name)
    defaults = api.find_settings(domain, name)
    if defaults is None:
        raise _created_account_missing(domain, name, 'GET')
    changes, unknown = changes_to_send(defaults, desired)
    if not changes:
        return defaults, unknown
    return _update(api, domain, name, changes, _write_after_create), unknown


def _write_after_create(api: VodiaApi, domain: str, name: str, changes: dict) -> Any:
    try:
        return api.write_settings(domain, name, changes)
    except VodiaApiError as error:
        if error.status == 404:
            raise _created_account_missing(domain, name, 'POST') from None
        raise error.with_message(
            '%s The hunt group %r was created but its settings were not written; run the task again to complete it.'
            % (error.message, name)) from None


def _update(api: VodiaApi, domain: str, name: str, changes: dict, write: Callable = VodiaApi.write_settings) -> dict:
    answer = write(api, domain, name, changes)
    if model.ALIAS_FIELD in changes:
        # Whether a PBX still finds the account by its name once its aliases change is not documented:
        # only a read by name proves that the next run (and everyone else) can reach it.
        answer = api.find_settings(domain, name)
        if answer is None:
            raise _name_lost_with_aliases(domain, name, changes[model.ALIAS_FIELD])
    elif not answer or not isinstance(answer, dict):
        # Some PBXs answer an update with {}, true or no JSON at all: read back to verify.
        answer = api.read_settings(domain, name)
    _verify(domain, name, answer, changes)
    return answer


def _name_lost_with_aliases(domain: str, name: str, aliases: list) -> VodiaApiError:
    return VodiaApiError(
        'After its aliases were set to %s, hunt group %r in domain %r no longer answers to its name on the PBX, so '
        'no later task can reach it by that name. Include %r in aliases (the PBX knows an account by its aliases), '
        'and put it back in the PBX web interface, where the hunt group now answers to %s.'
        % (', '.join(aliases) or 'nothing', name, domain, name, ', '.join(aliases) or 'no name'),
        'GET', settings_path(domain, name), 404)


def _created_account_missing(domain: str, name: str, method: str) -> VodiaApiError:
    # Public reports say addacc can answer 200 without creating anything.
    return VodiaApiError(
        'The PBX accepted the creation of hunt group %r in domain %r but the account does not exist afterwards. '
        'Check the PBX logs and its account limits (max_hunts) for this domain.' % (name, domain),
        method, settings_path(domain, name), 404)


def _verify(domain: str, name: str, actual: dict, desired: dict) -> None:
    unapplied = model.unapplied_fields(actual, desired)
    if unapplied:
        details = '; '.join('%s: sent %r, the PBX holds %r' % (key, desired[key], actual.get(key)) for key in unapplied)
        raise VodiaApiError(
            'The PBX accepted the settings of hunt group %r in domain %r but did not keep them (%s). The PBX may reject '
            'such values silently; check them in its web interface (aliases usually must include the account number '
            'itself).' % (name, domain, details),
            'POST', settings_path(domain, name))


Item = TypeVar('Item')
Result = TypeVar('Result')


# Reads of one PBX go one at a time over one connection while it answers within this time on average, as a PBX
# close by does: there, more connections and threads cost the controller and the PBX more CPU (a TLS handshake
# and a thread each) than they save. Once the average is longer, as from a PBX far away, the rest are read in
# parallel. The average is taken over two reads at least, so that one late answer (a controller busy with other
# tasks, measured at up to 70 ms on a loaded 2-core machine) does not decide alone.
SLOW_ANSWER_SECONDS = 0.04


def read_all(read: Callable[[Item], Result], items: Iterable[Item], workers: int,
             clock: Callable[[], float] = time.monotonic) -> list[Result]:
    """``[read(item) for item in items]`` from one PBX, in order: one at a time while the reads so far were answered
    within SLOW_ANSWER_SECONDS on average, and the rest with up to ``workers`` threads once they were not.

    Only for reads: writes to one PBX stay sequential, since no source says a PBX takes concurrent account
    changes safely. Once a read fails, reads not yet started are cancelled; the first failure in item order is
    raised.
    """
    items = list(items)
    results = []
    started = clock()
    for item in items:
        results.append(read(item))
        done = len(results)
        if done >= 2 and (clock() - started) / done > SLOW_ANSWER_SECONDS:
            return results + run_parallel(read, items[done:], workers)
    return results


def run_parallel(function: Callable[[Item], Result], items: Iterable[Item], workers: int) -> list[Result]:
    """``[function(item) for item in items]`` with up to ``workers`` threads, in order (see read_all)."""
    items = list(items)
    if workers <= 1 or len(items) <= 1:
        return [function(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        return list(pool.map(function, items))
