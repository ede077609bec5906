# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The engine: converging accounts of any kind (account_kind.py) in two steps.

- ``plan`` only reads: it decides the action with the kind's field table and predicts what the PBX will hold.
  Check mode reports the plan, so ``changed``, the diff and the returned account are those of a real run.
- ``check_references`` reads the tenant's account list, once, when a plan writes a field that names accounts or
  deletes one, and fails (or warns) before anything is written.
- ``apply`` only writes what the plan says, then verifies the PBX's answer.
Several accounts are all planned (reads may run in parallel) and checked before any is applied.
"""

from __future__ import annotations

import time

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, NamedTuple, TypeVar

from ansible_collections.vodia.pbx.plugins.module_utils import references
from ansible_collections.vodia.pbx.plugins.module_utils.account_kind import AccountKind
from ansible_collections.vodia.pbx.plugins.module_utils.errors import (
    PartialConvergeError, VodiaApiError, VodiaReferenceError, WrongKindError)
from ansible_collections.vodia.pbx.plugins.module_utils.fields import ALIAS_FIELD, apply_fields, members
from ansible_collections.vodia.pbx.plugins.module_utils.kinds import KIND_BY_NOUN, KINDS
from ansible_collections.vodia.pbx.plugins.module_utils.vodia_api import VodiaApi

CREATED = 'created'
UPDATED = 'updated'
DELETED = 'deleted'
UNCHANGED = 'unchanged'

PRESENT = 'present'
ABSENT = 'absent'

# Reads of accounts that may refer to one being deleted, at once.
REFERENCE_READERS = 4


class Wanted(NamedTuple):
    """What a task asks of one account: its name, its state and the Vodia fields to enforce (wire form)."""
    name: str
    state: str
    desired: dict


@dataclass(frozen=True)
class Plan:
    """What converging one account takes, decided by reading only.

    ``desired`` is what the task asks for, ``current`` the PBX's raw settings (None when the account is absent),
    ``changes`` the fields to write, ``predicted`` the raw settings the PBX will hold afterwards (None after a
    deletion). ``unknown_fields`` are fields the task sets that the PBX's account does not have; they are not written.
    """
    action: str
    domain: str
    name: str
    desired: dict = field(default_factory=dict)
    current: dict | None = None
    changes: dict = field(default_factory=dict)
    predicted: dict | None = None
    unknown_fields: tuple = ()


@dataclass(frozen=True)
class Outcome:
    """What happened to one account (in check mode: what would happen), canonical before and after.

    ``unknown_fields`` are the fields the task sets that this PBX's account does not have, so it cannot hold them.
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


class Convergence(NamedTuple):
    """The outcomes of a task, the list of the kind's accounts that proved them (for the next item of a loop), the
    reference problems a lenient check let through, as messages, and in check mode the references the accounts would
    hold afterwards (planned_references)."""
    outcomes: list
    names: list
    reference_warnings: list
    planned_references: dict


# Planning (reads only) -----------------------------------------------------------------

def read_account(api: VodiaApi, kind: AccountKind, domain: str, name: str, names_of_kind: Iterable[str]) -> dict | None:
    """Raw settings of account ``name`` of ``kind``, or None when no account of that name exists.

    ``user_settings`` answers for any account type, so the kind's list decides whether ``name`` is of the kind;
    an existing account of another type raises WrongKindError.
    """
    if name in names_of_kind:
        return api.read_settings(domain, name)
    if api.find_settings(domain, name) is not None:
        raise WrongKindError(
            'Account %r in domain %r exists on the PBX but is not a %s (it is not in %s, it may be an extension or '
            'another account type). Nothing was changed; choose a name that is free or already a %s.'
            % (name, domain, kind.noun, kind.list_name, kind.noun))
    return None


def plan(api: VodiaApi, kind: AccountKind, domain: str, wanted: Wanted, names_of_kind: Iterable[str]) -> Plan:
    """Decide, by reading only, what converging one account takes."""
    current = read_account(api, kind, domain, wanted.name, names_of_kind)
    if wanted.state == ABSENT:
        return Plan(action=UNCHANGED if current is None else DELETED, domain=domain, name=wanted.name, current=current)
    if current is None:
        # The PBX fills in defaults for fields nobody sets; the prediction holds what would be written
        # and the one default every source shows: the account answers to its own name.
        return Plan(action=CREATED, domain=domain, name=wanted.name, desired=wanted.desired, changes=wanted.desired,
                    predicted=apply_fields({ALIAS_FIELD: [wanted.name]}, wanted.desired))
    changes, unknown = changes_to_send(kind, current, wanted.desired)
    return Plan(action=UPDATED if changes else UNCHANGED, domain=domain, name=wanted.name, desired=wanted.desired,
                current=current, changes=changes, predicted=apply_fields(current, changes), unknown_fields=unknown)


def changes_to_send(kind: AccountKind, settings: dict, desired: dict) -> tuple[dict, tuple]:
    """The desired fields that differ from the PBX's settings and that the PBX has, then those it does not have.

    A PBX answers ``user_settings`` with every field an account of its version has, empty ones too (the vendor
    example, S1; 100 to 200 keys on 70.x, S2). A field missing there is one this PBX does not have, and a PBX may
    accept such a field and drop it silently: sending it again on every run would only be a write that never
    lands. Clearing such a field is no change to begin with (a missing field counts as empty).
    """
    changes = kind.fields.changed_fields(settings, desired)
    unknown = tuple(sorted(name for name in changes if name not in settings))
    return dict((name, value) for name, value in changes.items() if name not in unknown), unknown


def plan_many(api: VodiaApi, kind: AccountKind, domain: str, wanted: list[Wanted], names_of_kind: list[str],
              workers: int) -> list[Plan]:
    return read_all(lambda target: plan(api, kind, domain, target, names_of_kind), wanted, workers)


# Checking references (reads only) ------------------------------------------------------------

def check_references(api: VodiaApi, kind: AccountKind, domain: str, plans: list[Plan], policy: references.Policy) -> list[str]:
    """Before any write: every name a planned write puts into a field that names accounts must be an account of the
    tenant (or one the plans create, or one the policy assumes) or an outside number; every value it puts into a
    field whose values the PBX lists must be in that list; and no account of a managed kind may keep naming one the
    plans delete. Reads the tenant's account list, or an offered list, only when a planned write or deletion needs
    it. Raises VodiaReferenceError, or returns the problems as warnings when the policy is lenient."""
    writes = [item for item in plans if item.action in (CREATED, UPDATED)]
    naming = [item for item in writes if references.touches_references(kind, item.changes)]
    deletions = [item for item in plans if item.action == DELETED]
    endpoints = set().union(*[references.lists_needed(kind, item.changes) for item in writes])
    problems = []
    if naming or deletions:
        accounts = api.tenant_accounts(domain)
        # Accounts the task creates count, and so do the aliases its writes give accounts.
        created = [item.name for item in plans if item.action == CREATED]
        created += [alias for item in writes for alias in members(item.changes.get(ALIAS_FIELD))]
        gone = [item.name for item in deletions] + policy.planned_deletions()
        known = references.known_names(accounts, created + sorted(policy.assumed), gone)
        for item in naming:
            problems.extend(references.missing(kind, item.name, item.changes, known))
        if deletions:
            problems.extend(_kept_references(api, kind, domain, plans, deletions, accounts, policy.planned_holders()))
    if endpoints:
        offered = dict((endpoint, api.offered_values(domain, endpoint)) for endpoint in sorted(endpoints))
        for item in writes:
            problems.extend(references.unoffered(kind, item.name, item.changes, offered))
    if not problems:
        return []
    relaxed = policy.mode == references.LENIENT
    message = references.describe(kind, domain, problems, relaxed)
    if relaxed:
        return [message]
    raise VodiaReferenceError(message, [problem.as_dict() for problem in problems])


def _kept_references(api: VodiaApi, kind: AccountKind, domain: str, plans: list[Plan], deletions: list[Plan],
                     accounts: list[dict], earlier: dict) -> list:
    """References that accounts of every managed kind would keep to the accounts being deleted. An account of this
    task counts as the plan leaves it, one that an earlier check-mode task changed or would create as that task
    predicted (``earlier``: references.Policy.planned), and the others are read."""
    deleted = dict((item.name, references.answers_to(item.name, item.current)) for item in deletions)
    in_task = dict((item.name, item) for item in plans)
    holders = []
    for holder_kind in KINDS:
        if not holder_kind.fields.reference_fields():
            continue  # a kind whose fields name no account (service flags) cannot hold a reference: nothing to read
        for account in accounts:
            name = account['name']
            deleted_earlier = name in earlier and earlier[name] is None
            if account['usertype'] != holder_kind.addacc_type or name in deleted or deleted_earlier:
                continue
            planned = in_task.get(name) if holder_kind is kind else None
            if planned is not None:
                known = planned.predicted
            else:
                known = earlier[name].fields if name in earlier else None  # None: read it
            holders.append((holder_kind, name, known))
    listed = set(account['name'] for account in accounts)
    holders.extend((KIND_BY_NOUN[holder.kind], name, holder.fields) for name, holder in sorted(earlier.items())
                   if holder is not None and name not in listed and name not in in_task and holder.kind in KIND_BY_NOUN)
    settings = read_all(lambda holder: holder[2] if holder[2] is not None else api.read_settings(domain, holder[1]),
                        holders, REFERENCE_READERS)
    problems = []
    for (holder_kind, name, _planned), holder_settings in zip(holders, settings):
        problems.extend(references.dangling(holder_kind, name, holder_settings, deleted))
    return problems


def planned_references(kind: AccountKind, plans: list[Plan]) -> dict:
    """What the plans leave of references, for the reference checks of later check-mode tasks (which cannot read it
    from the PBX, as nothing was written): None for an account they delete, and for one they create or update in a
    field that names accounts, those fields as the account would hold them (a references.PlannedHolder)."""
    reference_fields = kind.fields.reference_fields()
    planned = {}
    for item in plans:
        if item.action == DELETED:
            planned[item.name] = None
        elif item.action in (CREATED, UPDATED) and references.touches_references(kind, item.changes):
            fields = dict((name, value) for name, value in item.predicted.items() if name in reference_fields)
            planned[item.name] = references.PlannedHolder(kind.noun, fields)
    return planned


# Applying (writes, then verifies) ----------------------------------------------------------

def outcome(kind: AccountKind, account_plan: Plan, after: dict | None = None, unknown_fields: tuple = ()) -> Outcome:
    """The outcome of a plan; ``after`` is the PBX's answer after a write, else the prediction counts."""
    after_raw = account_plan.predicted if after is None else after
    return Outcome(
        name=account_plan.name,
        action=account_plan.action,
        before=kind.fields.canonical(account_plan.name, account_plan.current) if account_plan.current is not None else {},
        after=kind.fields.canonical(account_plan.name, after_raw) if after_raw is not None else {},
        unknown_fields=account_plan.unknown_fields + unknown_fields,
    )


def apply(api: VodiaApi, kind: AccountKind, account_plan: Plan) -> Outcome:
    """Carry out a plan with write requests, verify the PBX's answer, and return the outcome."""
    if account_plan.action == CREATED:
        created, unknown = _create(api, kind, account_plan.domain, account_plan.name, account_plan.desired)
        return outcome(kind, account_plan, created, unknown)
    if account_plan.action == UPDATED:
        return outcome(kind, account_plan, _update(api, kind, account_plan.domain, account_plan.name, account_plan.changes))
    if account_plan.action == DELETED:
        api.delete_account(account_plan.domain, account_plan.name, kind.noun)
    return outcome(kind, account_plan)


def carry_out(api: VodiaApi, kind: AccountKind, account_plan: Plan, check_mode: bool) -> Outcome:
    """The outcome of a plan: predicted in check mode, otherwise applied."""
    return outcome(kind, account_plan) if check_mode else apply(api, kind, account_plan)


def converge(api: VodiaApi, kind: AccountKind, domain: str, wanted: Wanted, check_mode: bool,
             earlier_names: list[str] | None = None, policy: references.Policy = references.Policy(),
             review: Callable[[list], list] | None = None) -> Convergence:
    """Plan, check, and unless in check mode apply, one account.

    ``earlier_names`` is the kind's list read before, by an earlier item of the same loop; it may be stale. It
    settles only an account that needs nothing, whose settings are read fresh in any case. Any other plan is made,
    or confirmed, with a fresh read of the list, which proves that the account is of the kind before anything is
    written. A loop over many unchanged accounts so reads the list once, not once per item.

    ``review``, when given, is called with the plans after the reference check and before any write, and returns the
    plans to carry out (saved_plan.Review: it raises to refuse). A reviewed account is planned with a fresh list.
    """
    if review is not None:
        earlier_names = None
    account_plan = None if earlier_names is None else _plan_with_earlier_list(api, kind, domain, wanted, earlier_names)
    if account_plan is not None and account_plan.action == UNCHANGED:
        return Convergence([outcome(kind, account_plan)], earlier_names, [], {})
    names = api.account_names(domain, kind.list_endpoint, kind.plural)
    if account_plan is None or (wanted.name in names) != (wanted.name in earlier_names):
        account_plan = plan(api, kind, domain, wanted, names)
    warnings = check_references(api, kind, domain, [account_plan], policy)
    if review is not None:
        account_plan = review([account_plan])[0]
    planned = planned_references(kind, [account_plan]) if check_mode else {}
    return Convergence([carry_out(api, kind, account_plan, check_mode)], names, warnings, planned)


def _plan_with_earlier_list(api: VodiaApi, kind: AccountKind, domain: str, wanted: Wanted,
                            earlier_names: list[str]) -> Plan | None:
    """A plan made with a list that may be stale, or None where only a fresh list can decide."""
    try:
        return plan(api, kind, domain, wanted, earlier_names)
    except WrongKindError:
        return None  # it may have become of the kind since
    except VodiaApiError as error:
        if error.status == 404:
            return None  # deleted since
        raise


def purge_targets(wanted: list[Wanted], existing: list[str]) -> list[Wanted]:
    """``wanted`` and, after it, every account of ``existing`` (in its order) that it does not name, as absent: what
    purge deletes. Shared by converge_many and the drift comparison (module_utils/drift.py)."""
    listed = set(target.name for target in wanted)
    return list(wanted) + [Wanted(name, ABSENT, {}) for name in existing if name not in listed]


def converge_many(api: VodiaApi, kind: AccountKind, domain: str, wanted: list[Wanted], purge: bool, check_mode: bool,
                  workers: int, policy: references.Policy = references.Policy(),
                  review: Callable[[list], list] | None = None) -> Convergence:
    """Converge several accounts of one kind: one read of the kind's list, the plans read (in parallel once the PBX
    answers slowly, see read_all), the references of all of them checked, then the plans carried out one at a
    time. With ``purge``, every other account of the list is deleted after them. ``review`` is as for converge.

    Raises PartialConvergeError, whose ``results`` are the outcomes so far, when one account fails.
    """
    existing = api.account_names(domain, kind.list_endpoint, kind.plural)
    if purge:
        wanted = purge_targets(wanted, existing)
    plans = plan_many(api, kind, domain, wanted, existing, workers)
    warnings = check_references(api, kind, domain, plans, policy)
    if review is not None:
        plans = review(plans)
    outcomes = []
    for account_plan in plans:
        try:
            outcomes.append(carry_out(api, kind, account_plan, check_mode))
        except VodiaApiError as error:
            raise PartialConvergeError('%s %s: %s' % (kind.capitalized(), account_plan.name, error.message),
                                       error, outcomes) from None
    return Convergence(outcomes, existing, warnings, planned_references(kind, plans) if check_mode else {})


def _create(api: VodiaApi, kind: AccountKind, domain: str, name: str, desired: dict) -> tuple[dict, tuple]:
    """Create the account, then set what differs from its defaults; returns its settings and the unknown fields.

    Which fields a new account has, and their defaults, differ between PBX versions and are known only once it
    exists. So it is read first, and then written to like any account: only what differs, and never a field
    the PBX does not have (a 70.x backup copied to an older PBX carries such fields).
    """
    api.add_account(domain, kind.addacc_type, name)
    defaults = api.find_settings(domain, name)
    if defaults is None:
        raise _created_account_missing(api, kind, domain, name, 'GET')
    changes, unknown = changes_to_send(kind, defaults, desired)
    if not changes:
        return defaults, unknown
    return _update(api, kind, domain, name, changes, _write_after_create), unknown


def _write_after_create(api: VodiaApi, kind: AccountKind, domain: str, name: str, changes: dict) -> Any:
    try:
        return api.write_settings(domain, name, changes)
    except VodiaApiError as error:
        if error.status == 404:
            raise _created_account_missing(api, kind, domain, name, 'POST') from None
        raise error.with_message(
            '%s The %s %r was created but its settings were not written; run the task again to complete it.'
            % (error.message, kind.noun, name)) from None


def _write(api: VodiaApi, kind: AccountKind, domain: str, name: str, changes: dict) -> Any:
    return api.write_settings(domain, name, changes)


def _update(api: VodiaApi, kind: AccountKind, domain: str, name: str, changes: dict, write: Callable = _write) -> dict:
    answer = write(api, kind, domain, name, changes)
    if ALIAS_FIELD in changes:
        # Whether a PBX still finds the account by its name once its aliases change is not documented:
        # only a read by name proves that the next run (and everyone else) can reach it.
        answer = api.find_settings(domain, name)
        if answer is None:
            aliases = ', '.join(changes[ALIAS_FIELD]) or 'nothing'
            raise api.settings_error('GET', domain, name, (
                'After its aliases were set to %s, %s %r in domain %r no longer answers to its name on the PBX, so no '
                'later task can reach it by that name. Include %r in aliases (the PBX knows an account by its '
                'aliases), and put it back in the PBX web interface, where the %s now answers to %s.'
                % (aliases, kind.noun, name, domain, name, kind.noun, ', '.join(changes[ALIAS_FIELD]) or 'no name')), 404)
    elif not answer or not isinstance(answer, dict):
        # Some PBXs answer an update with {}, true or no JSON at all: read back to verify.
        answer = api.read_settings(domain, name)
    _verify(api, kind, domain, name, answer, changes)
    return answer


def _created_account_missing(api: VodiaApi, kind: AccountKind, domain: str, name: str, method: str) -> VodiaApiError:
    # Public reports say addacc can answer 200 without creating anything; a kind may know more (creation_hint).
    limits = 'its account limits (%s)' % kind.limit_setting if kind.limit_setting else 'its account limits'
    hint = ' ' + kind.creation_hint if kind.creation_hint else ''
    return api.settings_error(method, domain, name, (
        'The PBX accepted the creation of %s %r in domain %r but the account does not exist afterwards. Check the PBX '
        'logs and %s for this domain.%s' % (kind.noun, name, domain, limits, hint)), 404)


def _verify(api: VodiaApi, kind: AccountKind, domain: str, name: str, actual: dict, desired: dict) -> None:
    unapplied = kind.fields.unapplied_fields(actual, desired)
    if unapplied:
        details = '; '.join('%s: sent %r, the PBX holds %r' % (key, desired[key], actual.get(key)) for key in unapplied)
        raise api.settings_error('POST', domain, name, (
            'The PBX accepted the settings of %s %r in domain %r but did not keep them (%s). The PBX may reject such '
            'values silently; check them in its web interface (aliases usually must include the account number '
            'itself).' % (kind.noun, name, domain, details)))


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
