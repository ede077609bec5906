# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Saved plans: what a check-mode run planned, kept so that a later real run writes exactly that, or refuses.

Plain data, no I/O and no clock (the caller gives the time). docs/saved-plans.md describes the design.

- An *entry* is what one converging task planned: its key (a digest of the PBX URL, domain, kind, the task's wanted
  accounts and purge), where it ran, a digest per wanted account (to name what differs when the desired state
  changes) and, per account in the order the engine carries them out, the action, the Vodia fields to write, the
  values those fields held, and a fingerprint of the account's settings as read.
- A *host part* is a host's entries with the header: format, collection version, creation and expiry time. The
  check-mode tasks of a play build it in a host fact, one entry after another. A *plan document* is the host parts of
  a play under ``hosts``, with the same header.
- A real run given a plan finds its entry by key, plans afresh, and goes on only when every fresh account plan is the
  saved one with the same fingerprint, or needs nothing any more (already applied, say by a run that stopped half
  way). Anything else is refused before any write, with the differences as data.

No entry holds a secret: URLs never carry credentials (connection.py refuses them), and only Vodia account fields are
kept, which the collection's results show anyway.
"""

from __future__ import annotations

import hashlib
import json

from datetime import datetime, timezone

from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaInputError, VodiaPlanError

# The version of the collection that makes and applies plans; a unit test keeps it equal to galaxy.yml's version. A
# plan of another version is refused: how a version plans may differ.
COLLECTION_VERSION = '1.0.0'
# The version of the plan document's form.
FORMAT = 1
FORMAT_KEY = 'vodia_pbx_plan'

# The actions of engine.Plan (engine.py), as a plan holds them.
UNCHANGED = 'unchanged'
DELETED = 'deleted'
WRITES = ('created', 'updated', DELETED)

DEFAULT_TTL = 86400
MAX_TTL = 90 * 86400


# Digests ---------------------------------------------------------------------------------------

def digest(data) -> str:
    """A SHA-256 of JSON data in a canonical form (sorted keys, no spaces), in hex."""
    text = json.dumps(data, sort_keys=True, separators=(',', ':'), ensure_ascii=True, default=str)
    return hashlib.sha256(text.encode('utf-8')).hexdigest()


def entry_key(url: str, domain: str, kind_name: str, wanted: list, purge: bool) -> str:
    """The key of a task's entry: equal only for the same PBX, domain, kind, wanted accounts (name, state and Vodia
    fields, in order) and purge."""
    return digest(['entry', url, domain, kind_name, [_wanted_data(target) for target in wanted], bool(purge)])


def settings_fingerprint(settings: dict | None, runtime_fields: tuple = ()) -> str | None:
    """The fingerprint of an account's raw settings as read, without the runtime state (a flag's or a queue's current
    state changes by itself); None for an absent account."""
    if settings is None:
        return None
    return digest(dict((name, value) for name, value in settings.items() if name not in runtime_fields))


def _wanted_data(target) -> list:
    return [target.name, target.state, target.desired]


# Building ------------------------------------------------------------------------------------

def build_entry(url: str, domain: str, kind_name: str, wanted: list, purge: bool, plans: list,
                runtime_fields: tuple = ()) -> dict:
    """The entry of one task from its engine.Plan list, in the order they are carried out."""
    return {
        'key': entry_key(url, domain, kind_name, wanted, purge),
        'url': url,
        'domain': domain,
        'kind': kind_name,
        'purge': bool(purge),
        'wanted': dict((target.name, digest(_wanted_data(target))) for target in wanted),
        'accounts': [account_entry(item, runtime_fields) for item in plans],
    }


def account_entry(item, runtime_fields: tuple = ()) -> dict:
    """What a plan of one account (engine.Plan) holds: the action, the fields to write with the values they held, and
    the fingerprint of the settings it was made from."""
    current = item.current or {}
    entry = {
        'name': item.name,
        'action': item.action,
        'changes': dict(item.changes),
        'before': dict((name, current.get(name)) for name in item.changes) if item.current is not None else {},
        'fingerprint': settings_fingerprint(item.current, runtime_fields),
    }
    if item.action == UNCHANGED and item.current is not None:
        # What an account the task leaves alone is checked by, when a later task's entry is checked before the first
        # write of a host's plan (stale_accounts): the fields the task sets, as they were.
        entry['fields'] = sorted(item.desired)
        entry['managed'] = managed_digest(item.current, entry['fields'])
    return entry


def managed_digest(settings: dict, fields: list) -> str:
    """A digest of the values of the fields a task sets, as an account holds them."""
    return digest(dict((name, settings.get(name)) for name in fields))


def _utc(epoch: float) -> str:
    return datetime.fromtimestamp(int(epoch), tz=timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')


def _epoch(text, what: str) -> float:
    try:
        return datetime.strptime(str(text), '%Y-%m-%dT%H:%M:%SZ').replace(tzinfo=timezone.utc).timestamp()
    except ValueError:
        raise VodiaInputError('saved_plan: %s %r is not a UTC time of the form 2026-12-03T14:00:00Z; give the plan as '
                              'the check-mode run saved it.' % (what, text)) from None


def checked_ttl(ttl: int) -> int:
    if not 60 <= ttl <= MAX_TTL:
        raise VodiaInputError('plan_ttl must be between 60 seconds and %d (90 days); got %d.' % (MAX_TTL, ttl))
    return ttl


def add_entry(host_part: dict | None, entry: dict, now: float, ttl: int) -> dict:
    """A host's part of the plan with ``entry`` added: after the entries so far, or in place of an entry with the same
    key (the same task run twice in one check run plans the same). The part expires at the earliest expiry of its
    tasks."""
    part = dict(host_part) if host_part else {}
    if part:
        _check_header(part, 'the host fact vodia_pbx_saved_plan', now, allow_expired=True)
    entries = [dict(item) for item in part.get('entries', []) if item.get('key') != entry['key']]
    replaced = [position for position, item in enumerate(part.get('entries', [])) if item.get('key') == entry['key']]
    if replaced:
        entries.insert(replaced[0], entry)
    else:
        entries.append(entry)
    created = _utc(now)
    expires = _utc(now + ttl)
    if part:
        created = min(part['created'], created)
        expires = min(part['expires'], expires)
    return {FORMAT_KEY: FORMAT, 'collection_version': COLLECTION_VERSION, 'created': created, 'expires': expires,
            'entries': entries}


def document(host_parts: dict) -> dict:
    """The plan document of a play: each host's part under its name, with the earliest creation and expiry (the role
    builds the same with Jinja; this is its reference)."""
    parts = dict((host, part) for host, part in host_parts.items() if part)
    return {FORMAT_KEY: FORMAT, 'collection_version': COLLECTION_VERSION,
            'created': min((part['created'] for part in parts.values()), default=None),
            'expires': min((part['expires'] for part in parts.values()), default=None),
            'hosts': parts}


# Reading a plan -----------------------------------------------------------------------------------

def entries_of(plan: dict, now: float) -> list:
    """Every entry of a plan document or of a host's part, after checking their headers (form, collection version,
    expiry). Raises VodiaPlanError for a plan that cannot be applied, VodiaInputError for one that is not a plan."""
    return [entry for part in parts_of(plan, now) for entry in part]


def parts_of(plan: dict, now: float) -> list:
    """The entries of a plan document or of a host's part, as one list per host part, in order (see entries_of)."""
    if not isinstance(plan, dict) or FORMAT_KEY not in plan:
        raise VodiaInputError(
            'saved_plan is not a vodia.pbx plan (it has no key %s). Give the plan document a check-mode run with '
            'save_plan saved (or one host\'s part of it, the host fact vodia_pbx_saved_plan).' % FORMAT_KEY)
    _check_header(plan, 'saved_plan', now)
    if 'hosts' in plan:
        if not isinstance(plan['hosts'], dict):
            raise VodiaInputError('saved_plan.hosts must be a dictionary of host parts.')
        found = []
        for host, part in plan['hosts'].items():
            _check_header(part, 'saved_plan.hosts[%r]' % host, now)
            found.append(_entries(part, 'saved_plan.hosts[%r]' % host))
        return found
    return [_entries(plan, 'saved_plan')]


def later_entries(parts: list, key: str) -> list:
    """The entries that follow the entry ``key`` in its host part, when it is the first entry of the part: the first
    task of a host's plan to run checks the accounts of the tasks after it before it writes, so that a change on the
    PBX refuses the host's whole plan before its first write. Empty for any other entry."""
    for part in parts:
        if part and part[0].get('key') == key:
            return part[1:]
    return []


def stale_accounts(entry: dict, listed: list, settings: dict, runtime_fields: tuple, done: set) -> list:
    """The accounts of a later entry (later_entries) that no longer are as the plan read them: ``listed`` is the kind's
    list now, ``settings`` the raw settings of each listed account of the entry, ``done`` the accounts that already hold
    what the plan writes (a run of the same plan that stopped half way). Plain data; the reads are the caller's."""
    differences = []
    names = set(listed)
    where = '%s of domain %s' % (entry.get('kind'), entry.get('domain'))
    for account in entry.get('accounts', []):
        name = account['name']
        if name in done:
            continue
        planned = account.get('fingerprint')
        if account.get('action') == UNCHANGED:
            if planned is None or name not in names:
                continue
            if managed_digest(settings.get(name) or {}, account.get('fields', [])) == account.get('managed'):
                continue
            text = '%s (%s): planned to be left alone, but the fields the task sets changed on the PBX since the plan' % (
                name, where)
        elif planned is None and name in names:
            text = '%s (%s): created on the PBX since the plan' % (name, where)
        elif planned is not None and name not in names:
            text = '%s (%s): no longer on the PBX' % (name, where)
        elif planned is not None and settings_fingerprint(settings.get(name), runtime_fields) != planned:
            now = settings.get(name) or {}
            moved = [field for field, value in account.get('before', {}).items() if now.get(field) != value]
            text = '%s (%s): changed on the PBX since the plan (%s)' % (name, where, ', '.join(
                '%s was %r, is %r' % (field, account['before'][field], now.get(field)) for field in moved)
                or 'in fields the plan does not write')
        else:
            continue
        differences.append({'account': name, 'kind': entry.get('kind'), 'task_entry': entry.get('key'), 'text': text})
    if entry.get('purge'):
        planned_names = set(account['name'] for account in entry.get('accounts', []))
        for name in sorted(names - planned_names):
            differences.append({'account': name, 'kind': entry.get('kind'), 'task_entry': entry.get('key'),
                                'text': '%s (%s): new on the PBX since the plan, which purge would now delete' % (name, where)})
    return differences


def _entries(part: dict, where: str) -> list:
    entries = part.get('entries')
    if not isinstance(entries, list) or not all(isinstance(item, dict) and 'key' in item for item in entries):
        raise VodiaInputError('%s.entries must be a list of plan entries; give the plan as the check-mode run saved it.' % where)
    return entries


def _check_header(part, where: str, now: float, allow_expired: bool = False) -> None:
    if not isinstance(part, dict) or part.get(FORMAT_KEY) != FORMAT:
        raise VodiaInputError('%s is not a plan of form %d (%s: %r); make the plan again with this collection.'
                              % (where, FORMAT, FORMAT_KEY, part.get(FORMAT_KEY) if isinstance(part, dict) else part))
    version = part.get('collection_version')
    if version != COLLECTION_VERSION:
        raise VodiaPlanError(
            '%s was made by vodia.pbx %s; this is vodia.pbx %s, which may plan differently. Nothing was written. Make '
            'the plan again (a check-mode run with save_plan) with the collection that applies it.'
            % (where, version, COLLECTION_VERSION), [{'problem': 'collection_version', 'plan': version,
                                                      'collection': COLLECTION_VERSION}])
    expires = _epoch(part.get('expires'), 'expires')
    _epoch(part.get('created'), 'created')
    if not allow_expired and now >= expires:
        raise VodiaPlanError(
            '%s expired at %s (made %s; it is now %s). Nothing was written. A plan is applied only while the PBX is '
            'likely to be as it was read: make the plan again and have it approved, or give a longer plan_ttl when '
            'saving.' % (where, part['expires'], part['created'], _utc(now)),
            [{'problem': 'expired', 'created': part['created'], 'expires': part['expires'], 'now': _utc(now)}])


def find_entry(entries: list, key: str, url: str, domain: str, kind_name: str, wanted: list, purge: bool) -> dict:
    """The entry with ``key``; otherwise the desired state differs from the plan, and the refusal names how, from the
    entries of the same PBX, domain and kind."""
    for entry in entries:
        if entry.get('key') == key:
            return entry
    where = '%s of domain %s on %s' % (kind_name, domain, url)
    alike = [entry for entry in entries
             if (entry.get('url'), entry.get('domain'), entry.get('kind')) == (url, domain, kind_name)]
    if not alike:
        places = sorted(set('%s of domain %s on %s' % (entry.get('kind'), entry.get('domain'), entry.get('url'))
                            for entry in entries))
        raise VodiaPlanError(
            'The saved plan has no entry for the %s: the plan was made for other tasks (it holds %s). Nothing was '
            'written. Apply the plan with the playbook and inventory that made it, or make a plan of this run.'
            % (where, '; '.join(places) or 'no entry at all'),
            [{'problem': 'no_entry', 'url': url, 'domain': domain, 'kind': kind_name}])
    differences = [_desired_differences(entry, wanted, purge) for entry in alike]
    closest = min(differences, key=len)
    raise VodiaPlanError(
        'The desired state of the %s differs from the saved plan: %s. Nothing was written. Apply the plan with the '
        'variables it was made from, or make and approve a plan of the new desired state.'
        % (where, '; '.join(item['text'] for item in closest)), closest)


def _desired_differences(entry: dict, wanted: list, purge: bool) -> list:
    planned = entry.get('wanted') or {}
    given = dict((target.name, digest(_wanted_data(target))) for target in wanted)
    found = []
    for name in given:
        if name not in planned:
            found.append({'problem': 'desired_added', 'account': name, 'text': '%s is not in the plan' % name})
        elif planned[name] != given[name]:
            found.append({'problem': 'desired_changed', 'account': name,
                          'text': 'what is asked of %s is not what was planned' % name})
    for name in planned:
        if name not in given:
            found.append({'problem': 'desired_removed', 'account': name,
                          'text': '%s was planned but is no longer asked for' % name})
    if bool(entry.get('purge')) != bool(purge):
        found.append({'problem': 'purge', 'plan': bool(entry.get('purge')), 'given': bool(purge),
                      'text': 'purge was %s in the plan and is %s now' % (entry.get('purge'), purge)})
    if not found and list(planned) != list(given):
        found.append({'problem': 'order', 'text': 'the accounts are listed in another order than planned'})
    return found


# Comparing ---------------------------------------------------------------------------------------

def compare(saved: dict, fresh: dict) -> tuple[list, list]:
    """Compare a task's saved entry with the entry of its fresh plans (same key). Returns the names of the accounts
    the plan no longer needs to write (already applied, or made so by hand: the fresh plan does nothing), and the
    differences, one per account, that forbid applying: another action, other fields to write, or settings that
    changed since the plan was made."""
    saved_accounts = dict((item['name'], item) for item in saved.get('accounts', []))
    fresh_accounts = dict((item['name'], item) for item in fresh['accounts'])
    done, differences = [], []
    for name, now in fresh_accounts.items():
        planned = saved_accounts.get(name)
        if planned is None:
            if now['action'] != UNCHANGED:
                differences.append(_difference(name, None, now))
            continue
        if now['action'] == UNCHANGED and planned['action'] in WRITES:
            done.append(name)
        elif now['action'] == UNCHANGED and planned['action'] == UNCHANGED:
            continue  # left alone as planned; a field the task does not set may have changed, which it does not touch
        elif _decisive(now) != _decisive(planned):
            differences.append(_difference(name, planned, now))
    for name, planned in saved_accounts.items():
        if name not in fresh_accounts:
            if planned['action'] == DELETED:
                done.append(name)  # planned to be purged, gone since
            elif planned['action'] != UNCHANGED or saved.get('purge'):
                differences.append(_difference(name, planned, None))
    return done, differences


def _decisive(account: dict) -> tuple:
    """What must be equal between an account's saved plan and its fresh one."""
    return account['action'], account['changes'], account['fingerprint']


def _difference(name: str, planned: dict | None, now: dict | None) -> dict:
    entry = {'account': name,
             'planned': _shown(planned),
             'now': _shown(now)}
    if planned is None:
        entry['text'] = '%s: not in the plan; now it would be %s' % (name, _action_text(now))
    elif now is None:
        entry['text'] = '%s: planned to be %s; it is no longer on the PBX' % (name, _action_text(planned))
    elif planned['action'] != now['action']:
        entry['text'] = '%s: planned to be %s; now it would be %s' % (name, _action_text(planned), _action_text(now))
    else:
        fields = sorted(set(planned['changes']) | set(now['changes']) | set(planned['before']) | set(now['before']))
        moved = [field for field in fields
                 if planned['before'].get(field) != now['before'].get(field) or planned['changes'].get(field) != now['changes'].get(field)]
        entry['fields'] = dict((field, _field_difference(planned, now, field)) for field in moved)
        if moved:
            entry['text'] = '%s: changed on the PBX since the plan (%s)' % (name, ', '.join(
                '%s was %r, is %r' % (field, planned['before'].get(field), now['before'].get(field)) for field in moved))
        else:
            entry['text'] = ('%s: its settings changed on the PBX since the plan, in fields the plan does not write'
                             % name)
    return entry


def _field_difference(planned: dict, now: dict, field: str) -> dict:
    return {'planned_before': planned['before'].get(field), 'now_before': now['before'].get(field),
            'planned_write': planned['changes'].get(field), 'now_write': now['changes'].get(field)}


def _shown(account: dict | None) -> dict | None:
    if account is None:
        return None
    return {'action': account['action'], 'changes': account['changes'], 'before': account['before']}


def _action_text(account: dict) -> str:
    if account['action'] == 'updated':
        return 'updated (%s)' % ', '.join(sorted(account['changes']))
    return account['action']


def refuse(where: str, differences: list) -> VodiaPlanError:
    """The refusal of a plan whose PBX changed since it was made."""
    return VodiaPlanError(
        'The %s changed since the saved plan was made, so applying it would no longer write what was approved: %s. '
        'Nothing was written. Look at what changed (plan_differences), make the plan again and have it approved.'
        % (where, '; '.join(item['text'] for item in differences)), differences)


def in_saved_order(saved: dict, plans: list) -> list:
    """The fresh plans in the order of the saved entry (writes in the planned order), unknown ones after."""
    order = dict((item['name'], position) for position, item in enumerate(saved.get('accounts', [])))
    return sorted(plans, key=lambda item: order.get(item.name, len(order)))


# The hook of a task ------------------------------------------------------------------------------

class Review:
    """What a converging task does with saved plans, as the hook engine.converge and engine.converge_many call with
    the task's plans after the reference check and before any write.

    Made before any request: a plan that is not for this task (another desired state) is refused at once. Called,
    it makes the task's fresh entry (``entry``, which a saving task adds to the host's part of the plan) and, when a
    saved plan is given, compares: it raises VodiaPlanError on a difference, and otherwise returns the plans in the
    saved order, having noted in ``done`` the accounts that need nothing any more. When the task's entry is the first
    of its host part, ``check_later`` (the caller's reads) is first given the part's later entries and returns what
    differs in them (stale_accounts), so that a change anywhere in the host's plan refuses it before any write.
    """

    def __init__(self, url: str, domain: str, kind_name: str, wanted: list, purge: bool, runtime_fields: tuple,
                 saved_parts: list | None, now: float, ttl: int, check_later=None):
        self.url, self.domain, self.kind_name = url, domain, kind_name
        self.wanted, self.purge, self.runtime_fields = list(wanted), bool(purge), runtime_fields
        self.now, self.ttl = now, ttl
        self.key = entry_key(url, domain, kind_name, self.wanted, self.purge)
        self.saved = None
        self.later: list = []
        self.check_later = check_later
        if saved_parts is not None:
            self.saved = find_entry([entry for part in saved_parts for entry in part], self.key, url, domain, kind_name,
                                    self.wanted, self.purge)
            self.later = later_entries(saved_parts, self.key)
        self.entry = None
        self.done: list = []

    def __call__(self, plans: list) -> list:
        self.entry = build_entry(self.url, self.domain, self.kind_name, self.wanted, self.purge, plans, self.runtime_fields)
        if self.saved is None:
            return plans
        self.done, differences = compare(self.saved, self.entry)
        if differences:
            raise refuse('%s of domain %s on %s' % (self.kind_name, self.domain, self.url), differences)
        later = self.check_later(self.later) if self.later and self.check_later is not None else []
        if later:
            raise refuse("accounts of later tasks of this host's plan on PBX %s (checked before the plan's first write)"
                         % self.url, later)
        return in_saved_order(self.saved, plans)

    def applied(self) -> dict:
        """What a task that applied (or in check mode verified) a saved plan reports of it."""
        writes = [item['name'] for item in self.saved['accounts'] if item['action'] in WRITES and item['name'] not in self.done]
        return {'key': self.key, 'writes': writes, 'already_done': list(self.done)}
