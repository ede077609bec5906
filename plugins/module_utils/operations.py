# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What each vodia.pbx module does, as one function per shape of module, for every account kind, knowing nothing
of Ansible.

An operation takes the account kind, the task's parameters (already validated against its argument spec), the run
mode and a transport to the PBX, and returns a Report, or raises a VodiaError. The module file and the action
plugin of the same name are two thin adapters over the same operation, bound to their kind.
"""

from __future__ import annotations

import time

from ansible_collections.vodia.pbx.plugins.module_utils import engine, references
from ansible_collections.vodia.pbx.plugins.module_utils.account_kind import AccountKind
from ansible_collections.vodia.pbx.plugins.module_utils.engine import Outcome, Wanted
from ansible_collections.vodia.pbx.plugins.module_utils.errors import PartialConvergeError, VodiaInputError
from ansible_collections.vodia.pbx.plugins.module_utils.fields import name_order, validate_identifier
from ansible_collections.vodia.pbx.plugins.module_utils.runner import (
    PLANNED_ACCOUNTS, PLANNED_FACT, PLANNED_REFERENCES, PLANNED_REFERENCES_FACT, Report, RunMode)
from ansible_collections.vodia.pbx.plugins.module_utils.vodia_api import VodiaApi
from ansible_collections.vodia.pbx.plugins.module_utils import saved_plan
from ansible_collections.vodia.pbx.plugins.module_utils.kinds import KINDS
from ansible_collections.vodia.pbx.plugins.module_utils.runner import PLAN_SO_FAR, SAVE_PLAN, SAVED_PLAN, SAVED_PLAN_FACT

MAX_PARALLEL = 16
# The list of the kind read by the last single-account run of this process, by connection, domain and kind. On the
# controller every item of a loop runs in one process, and engine.converge lets the next item use it.
EARLIER_LISTS: dict = {}

# The forms the info modules return accounts in: as the modules return them, or as a backup file holds them.
CANONICAL_FORM = 'canonical'
EXPORT_FORM = 'export'


def manage_one(kind: AccountKind, params: dict, mode: RunMode, transport) -> Report:
    """vodia_hunt_group, vodia_call_queue, ...: converge one account."""
    domain = validate_identifier('domain', params['domain'])
    name = validate_identifier('name', params['name'])
    desired = kind.fields.desired_fields(params) if params['state'] == engine.PRESENT else {}
    list_key = (transport.identity, domain, kind.list_endpoint)
    wanted = Wanted(name, params['state'], desired)
    review = plan_review(kind, params, mode, transport, domain, [wanted], False)
    converged = engine.converge(VodiaApi(transport), kind, domain, wanted,
                                mode.check_mode, EARLIER_LISTS.get(list_key), _policy(params, mode, transport, domain),
                                review=review)
    # Only the latest is kept: the items of a loop go to one domain of one PBX.
    EARLIER_LISTS.clear()
    EARLIER_LISTS[list_key] = converged.names
    result = converged.outcomes[0]
    report = dict(changed=result.changed, **_where(transport, domain))
    # The account too: after a deletion the returned account is empty, and from ansible-core 2.21 on no invocation
    # names it either.
    report['name'] = name
    report[kind.result_key] = result.after
    report.update(_planned_facts(params, mode, transport, domain, converged))
    add_plan_report(report, review, params)
    if mode.diff_mode:
        report['diff'] = result.diff()
    return Report(report, converged.reference_warnings + unknown_field_warnings(kind, domain, [result]))


def read_accounts(kind: AccountKind, params: dict, mode: RunMode, transport) -> Report:
    """vodia_hunt_group_info, vodia_call_queue_info, ...: read one or every account of a kind in a domain.

    In the export form the accounts come in name order, so that two exports of the same PBX are identical.
    """
    domain = validate_identifier('domain', params['domain'])
    wanted = validate_identifier('name', params['name']) if params['name'] is not None else None
    workers = checked_parallel(params['parallel'])
    api = VodiaApi(transport)
    names = api.account_names(domain, kind.list_endpoint, kind.plural)
    if wanted is not None:
        names = [name for name in names if name == wanted]
    shape = kind.fields.canonical
    if params.get('form') == EXPORT_FORM:
        names, shape = sorted(names, key=name_order), kind.fields.exportable
    accounts = engine.read_all(lambda name: shape(name, api.read_settings(domain, name)), names, workers)
    report = dict(changed=False, **_where(transport, domain))
    report[kind.results_key] = accounts
    return Report(report)


def manage_many(kind: AccountKind, params: dict, mode: RunMode, transport) -> Report:
    """vodia_hunt_groups, vodia_call_queues, ...: converge the listed accounts of a domain, and with purge delete
    the other accounts of the kind."""
    domain = validate_identifier('domain', params['domain'])
    workers = checked_parallel(params['parallel'])
    wanted = wanted_accounts(kind, params[kind.results_key], params['purge'])
    review = plan_review(kind, params, mode, transport, domain, wanted, params['purge'])
    try:
        converged = engine.converge_many(VodiaApi(transport), kind, domain, wanted, params['purge'], mode.check_mode,
                                         workers, _policy(params, mode, transport, domain), review=review)
    except PartialConvergeError as failure:
        raise PartialConvergeError(
            '%s The %s before it were converged; run the task again to continue.' % (failure.message, kind.plural),
            failure.cause, [_report(kind, done) for done in failure.results]) from None
    outcomes = converged.outcomes
    result = dict(changed=any(item.changed for item in outcomes), **_where(transport, domain))
    # Whether nothing was written: a task or play keyword check_mode does not show in ansible_check_mode.
    result['check_mode'] = mode.check_mode
    result['results'] = [_report(kind, item) for item in outcomes]
    result.update(_planned_facts(params, mode, transport, domain, converged))
    add_plan_report(result, review, params)
    if params['return_state']:
        present = set(target.name for target in wanted if target.state == engine.PRESENT)
        result[kind.results_key] = [item.after for item in outcomes if item.name in present]
    if mode.diff_mode:
        result['diff'] = [_diff_entry(kind, item) for item in outcomes if item.changed]
    return Report(result, converged.reference_warnings + unknown_field_warnings(kind, domain, outcomes))


def _where(transport, domain: str) -> dict:
    """Which PBX and tenant a task worked on, in the result of every task that succeeds: reports over many PBXs and the
    indirect node counting of extensions/audit read them, and from ansible-core 2.21 on a result holds no invocation
    to take them from. The URL never holds credentials (connection.py refuses a URL with any)."""
    return {'url': transport.describe(), 'domain': domain}


def wanted_accounts(kind: AccountKind, items: list[dict], purge: bool) -> list[Wanted]:
    """Validate every item before any request."""
    option = kind.results_key
    if purge and not items:
        raise VodiaInputError(
            '%s is empty and purge is true, which would delete every %s of the domain. If that is what you want, list '
            'them with state absent; otherwise check the variable that fills %s.' % (option, kind.noun, option))
    wanted, seen = [], set()
    for position, item in enumerate(items, start=1):
        name = validate_identifier('%s item %d name' % (option, position), item['name'])
        if name in seen:
            raise VodiaInputError('%s names %s %r more than once; give each %s once.' % (option, kind.noun, name, kind.noun))
        seen.add(name)
        try:
            desired = kind.fields.desired_fields(item) if item['state'] == engine.PRESENT else {}
        except VodiaInputError as error:
            raise VodiaInputError('%s item %d (%s): %s' % (option, position, name, error.message)) from None
        wanted.append(Wanted(name, item['state'], desired))
    return wanted


def checked_parallel(parallel: int) -> int:
    if not 1 <= parallel <= MAX_PARALLEL:
        raise VodiaInputError('parallel must be between 1 and %d; got %d.' % (MAX_PARALLEL, parallel))
    return parallel


def _planned_key(transport, domain: str) -> str:
    return '%s %s' % (transport.describe(), domain)


def _planned_names(params: dict, transport, domain: str) -> set[str]:
    """The accounts earlier check-mode tasks predicted for this PBX and domain, as names."""
    key = _planned_key(transport, domain)
    names = (params.get(PLANNED_ACCOUNTS) or {}).get(key) or ()
    if not isinstance(names, (list, tuple)):
        raise VodiaInputError('planned_accounts[%r] must be a list of account names; got %r.' % (key, names))
    return set(str(name) for name in names)


def _planned_holders(params: dict, transport, domain: str) -> dict:
    """The references earlier check-mode tasks predicted for accounts of this PBX and domain (PLANNED_REFERENCES_FACT):
    by account name, a references.PlannedHolder, or None for an account they would delete."""
    key = _planned_key(transport, domain)
    entries = (params.get(PLANNED_REFERENCES) or {}).get(key) or {}
    if not isinstance(entries, dict):
        raise VodiaInputError('planned_references[%r] must be a dictionary of account names; got %r.' % (key, entries))
    holders = {}
    for name, entry in entries.items():
        if entry is not None and not (isinstance(entry, dict) and isinstance(entry.get('kind'), str)
                                      and isinstance(entry.get('fields'), dict)):
            raise VodiaInputError('planned_references[%r][%r] must be null or a dictionary with kind and fields; got %r.'
                                  % (key, name, entry))
        holders[str(name)] = None if entry is None else references.PlannedHolder(entry['kind'], entry['fields'])
    return holders


def _policy(params: dict, mode: RunMode, transport, domain: str) -> references.Policy:
    """The task's reference check. Only in check mode does what earlier tasks predicted count: in a real run they
    wrote it, and the PBX shows it."""
    if not mode.check_mode:
        return references.Policy(params['reference_check'])
    return references.Policy(params['reference_check'], frozenset(_planned_names(params, transport, domain)),
                             tuple(sorted(_planned_holders(params, transport, domain).items())))


def _planned_facts(params: dict, mode: RunMode, transport, domain: str, converged: engine.Convergence) -> dict:
    """In check mode, the facts that tell later tasks of the play which accounts this one would have created
    (PLANNED_FACT), and the references it would have left (PLANNED_REFERENCES_FACT)."""
    if not mode.check_mode:
        return {}
    facts = {}
    key = _planned_key(transport, domain)
    created = [item.name for item in converged.outcomes if item.action == engine.CREATED]
    if created:
        planned = dict(params.get(PLANNED_ACCOUNTS) or {})
        planned[key] = sorted(_planned_names(params, transport, domain) | set(created), key=name_order)
        facts[PLANNED_FACT] = planned
    if converged.planned_references:
        holders = dict(_planned_holders(params, transport, domain), **converged.planned_references)
        planned = dict(params.get(PLANNED_REFERENCES) or {})
        planned[key] = dict((name, None if holder is None else holder._asdict())
                            for name, holder in sorted(holders.items(), key=lambda entry: name_order(entry[0])))
        facts[PLANNED_REFERENCES_FACT] = planned
    return {'ansible_facts': facts} if facts else {}


def plan_review(kind: AccountKind, params: dict, mode: RunMode, transport, domain: str, wanted: list[Wanted],
                purge: bool) -> saved_plan.Review | None:
    """The saved plan hook of a converging task, or None when it neither saves a plan (save_plan) nor applies one
    (saved_plan). Made before any request, so that a plan that cannot be applied here is refused before the PBX is
    read (docs/saved-plans.md)."""
    saving, given = params.get(SAVE_PLAN), params.get(SAVED_PLAN)
    if not saving and given is None:
        return None
    if saving and not mode.check_mode:
        raise VodiaInputError(
            'save_plan saves the plan of a check-mode run, and this run is not in check mode, so nothing was planned '
            'or written. Run it with --check (or check_mode: true) to save a plan; to apply a saved plan, give it as '
            'saved_plan instead.')
    ttl = saved_plan.checked_ttl(params.get('plan_ttl') or saved_plan.DEFAULT_TTL)
    now = time.time()
    parts = saved_plan.parts_of(given, now) if given is not None else None
    url = transport.describe()
    return saved_plan.Review(url, domain, kind.plural, wanted, purge, kind.fields.runtime_fields, parts, now, ttl,
                             lambda entries: stale_later_accounts(VodiaApi(transport), url, domain, entries))


def stale_later_accounts(api: VodiaApi, url: str, domain: str, entries: list) -> list:
    """What differs from the plan in the accounts of the later tasks of a host's plan (saved_plan.later_entries), read
    now, before the first task of the plan writes: each kind's list once, and the settings of the entries' accounts on
    it. An account that already holds what the plan writes (a run of the same plan that stopped half way) does not
    differ. Entries of another PBX or domain are not this task's to read."""
    kinds = dict((kind.plural, kind) for kind in KINDS)
    lists: dict = {}
    differences = []
    for entry in entries:
        kind = kinds.get(entry.get('kind'))
        if kind is None or entry.get('url') != url or entry.get('domain') != domain:
            continue
        if kind.plural not in lists:
            lists[kind.plural] = api.account_names(domain, kind.list_endpoint, kind.plural)
        listed = lists[kind.plural]
        settings = dict((account['name'], api.read_settings(domain, account['name']))
                        for account in entry.get('accounts', []) if account['name'] in listed)
        done = set(account['name'] for account in entry.get('accounts', [])
                   if _holds_planned(kind, account, settings.get(account['name'])))
        differences.extend(saved_plan.stale_accounts(entry, listed, settings, kind.fields.runtime_fields, done))
    return differences


def _holds_planned(kind: AccountKind, account: dict, settings: dict | None) -> bool:
    """Whether an account of a plan already is what the plan makes of it."""
    if account.get('action') == engine.DELETED:
        return settings is None
    if account.get('action') in (engine.CREATED, engine.UPDATED):
        return settings is not None and not kind.fields.changed_fields(settings, account.get('changes') or {})
    return False


def add_plan_report(result: dict, review: saved_plan.Review | None, params: dict) -> None:
    """What a task reports of saved plans: the saved plan it applied (or verified in check mode), and in check mode
    with save_plan the host's part of the plan with this task's entry, as the host fact SAVED_PLAN_FACT."""
    if review is None:
        return
    if review.saved is not None:
        result[SAVED_PLAN] = review.applied()
    if params.get(SAVE_PLAN) and review.entry is not None:
        part = saved_plan.add_entry(params.get(PLAN_SO_FAR), review.entry, review.now, review.ttl)
        result['ansible_facts'] = dict(result.get('ansible_facts') or {}, **{SAVED_PLAN_FACT: part})


def unknown_field_warnings(kind: AccountKind, domain: str, outcomes: list[Outcome]) -> list[str]:
    """One warning per set of fields the PBX does not have, naming every account it concerns."""
    names_by_fields: dict = {}
    for item in outcomes:
        if item.unknown_fields:
            names_by_fields.setdefault(item.unknown_fields, []).append(item.name)
    return [_unknown_fields_warning(kind, domain, fields, names) for fields, names in names_by_fields.items()]


def _unknown_fields_warning(kind: AccountKind, domain: str, fields: tuple, names: list[str]) -> str:
    options = ', '.join(kind.fields.option_name(vodia_field) for vodia_field in fields)
    return (
        '%s %s in domain %s: this PBX has no field %s, so %s %s not sent. PBX versions differ in their '
        'fields (see docs/compatibility.md of vodia.pbx): remove %s from the task for this PBX, or check the spelling.'
        % (kind.capitalized() if len(names) == 1 else kind.plural[0].upper() + kind.plural[1:], ', '.join(names), domain,
           ', '.join(fields), options, 'were' if len(fields) > 1 else 'was', 'them' if len(fields) > 1 else 'it'))


def _report(kind: AccountKind, item: Outcome) -> dict:
    entry = {'name': item.name, 'action': item.action, 'changed': item.changed}
    if item.action == engine.UPDATED:
        entry['changes'] = _changes(kind, item)
    return entry


def _changes(kind: AccountKind, item: Outcome) -> dict:
    return kind.fields.changed_options(item.before['settings'], item.after['settings'])


def _diff_entry(kind: AccountKind, item: Outcome) -> dict:
    """The diff of one account a many-accounts task changes, in its options as a task or a backup names them: for an
    update, the name and the options that change; for a creation or a deletion, every option the account holds that
    is not empty. A field without a typed option is named settings.<field>, as in the changes of results.

    Not the full before and after of vodia_hunt_group's diff: on a 70.3 PBX that is some 75 raw fields, about 1,800
    bytes per hunt group and side, and automation controller empties a job event's result over 700,000 characters;
    500 new hunt groups came to some 900,000 (docs/result-size.md).
    """
    header = '%s %s' % (kind.noun, item.name)
    entry = {'before': {}, 'after': {}, 'before_header': header, 'after_header': header}
    if item.action == engine.UPDATED:
        changes = list(_changes(kind, item).items())
        entry['before'] = dict([('name', item.name)] + [(option, change['before']) for option, change in changes])
        entry['after'] = dict([('name', item.name)] + [(option, change['after']) for option, change in changes])
    elif item.action == engine.CREATED:
        entry['after'] = _options_held(kind, item.name, item.after['settings'])
    elif item.action == engine.DELETED:
        entry['before'] = _options_held(kind, item.name, item.before['settings'])
    return entry


def _options_held(kind: AccountKind, name: str, raw: dict) -> dict:
    """The options of an account that are not empty, in the export form, with settings.<field> for untyped fields."""
    account = kind.fields.exportable(name, raw)
    untyped = account.pop('settings')
    held = dict((option, value) for option, value in account.items() if not _empty(value))
    held.update(('settings.%s' % field, value) for field, value in untyped.items() if not _empty(value))
    return held


def _empty(value) -> bool:
    return value is None or value == '' or value == [] or value == {}
