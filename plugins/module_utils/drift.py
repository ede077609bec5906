# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Drift: what converging a tenant to its desired state would do, found by reading only.

The desired state is what the vodia.pbx.hunt_groups role takes (and the hunt_groups_export role writes): the role's
variables of one inventory host. ``tenant_drift`` plans every kind with the engine (``engine.plan_many``, the plans of
``vodia_hunt_groups`` and its siblings in check mode) and returns one Drift per account that converging would create,
update or delete. It never writes: the PBX is reached through a transport that refuses every write.

Cost of a tenant in sync: one read of each kind's list, then one read of the settings of each account the desired
state names. An account that only purge would delete, or that the desired state lists as absent, is drift by its name
in the list alone, without reading it.

``DriftMemory`` decides which drift is news, for a watcher that polls (the vodia.pbx.drift event source).
Nothing here knows Ansible or asyncio: the event source runs in ansible-rulebook's process, in a decision environment,
which has no ansible-core to import (tests/unit/plugins/test_architecture.py keeps this file free of ansible.*).
"""

from __future__ import annotations

import hashlib
import json

from dataclasses import dataclass
from typing import Any

from ansible_collections.vodia.pbx.plugins.module_utils import engine
from ansible_collections.vodia.pbx.plugins.module_utils.account_kind import AccountKind
from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaConfigError, VodiaInputError
from ansible_collections.vodia.pbx.plugins.module_utils.fields import FLAG, NAMES, SECONDS, WORDS
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import HUNT_GROUP
from ansible_collections.vodia.pbx.plugins.module_utils.kinds import KINDS, role_purge_variable, role_variable
from ansible_collections.vodia.pbx.plugins.module_utils.operations import wanted_accounts
from ansible_collections.vodia.pbx.plugins.module_utils.vodia_api import VodiaApi

# The hunt_groups role's variables of each kind (kinds.role_variable, kinds.role_purge_variable): the list of accounts,
# the purge switch, and whether an unset list means "leave the kind alone" (call queues and service flags) rather than
# "no accounts" (hunt groups, whose list defaults to []). See roles/hunt_groups/README.md.
ROLE_VARIABLES = tuple((kind, role_variable(kind), role_purge_variable(kind), kind is not HUNT_GROUP) for kind in KINDS)

# What Ansible's argument validation takes as a boolean (ansible.module_utils.parsing.convert_bool.BOOLEANS), for the
# flags of a hand-written file ("yes", "off", ...). A copy, since this file must stay free of ansible-core: the event
# source imports it in a decision environment, which has none (see the module docstring).
TRUE_WORDS = frozenset(('true', 'yes', 'on', '1', 'y', 't'))
FALSE_WORDS = frozenset(('false', 'no', 'off', '0', 'n', 'f'))


@dataclass(frozen=True)
class Drift:
    """One account that converging would change: ``action`` is what it would do (created, updated, deleted) and
    ``changes`` the options it would change, each with its ``before`` (the PBX) and ``after`` (the desired state), named
    as in the drift report of the hunt_groups role (``settings.<field>`` for a field without a typed option).

    An update lists the options that differ; a creation lists every option the desired state sets (its before value is
    the empty one); a deletion lists none, since the account is not read.
    """
    kind: AccountKind
    name: str
    action: str
    changes: dict

    def as_dict(self) -> dict:
        return {'kind': self.kind.noun, 'name': self.name, 'action': self.action, 'changes': self.changes}

    def fingerprint(self) -> str:
        """What tells this drift from another drift of the same account."""
        return json.dumps([self.action, self.changes], sort_keys=True, default=str)

    def digest(self) -> str:
        """A digest of the account and its fingerprint: what DriftMemory keeps, and what a state file may hold, since it
        gives away neither names nor values."""
        text = json.dumps([self.kind.noun, self.name, self.fingerprint()])
        return hashlib.sha256(text.encode('utf-8')).hexdigest()


@dataclass(frozen=True)
class DesiredKind:
    """The desired accounts of one kind in one tenant, as engine.Wanted, and whether the others are to be deleted."""
    kind: AccountKind
    wanted: tuple
    purge: bool


class ReadOnlyTransport:
    """A transport that passes reads on and refuses every write, before anything is sent: the proof, in code, that
    looking for drift changes nothing."""

    def __init__(self, transport):
        self._transport = transport

    def describe(self) -> str:
        return self._transport.describe()

    @property
    def identity(self) -> tuple:
        return self._transport.identity

    def get(self, path: str, missing_ok: bool = False) -> Any:
        return self._transport.get(path, missing_ok=missing_ok)

    def _refuse(self, method: str, path: str):
        raise VodiaConfigError('%s %s on %s refused: looking for drift never writes to a PBX.'
                               % (method, path, self._transport.describe()))

    def post(self, path: str, body: Any, repeatable: bool = True) -> Any:
        self._refuse('POST', path)

    def delete(self, path: str, missing_ok: bool = False) -> Any:
        self._refuse('DELETE', path)

    def create(self, path: str, body: Any, created) -> None:
        self._refuse('POST', path)

    def close(self, keep_session: bool = True) -> None:
        self._transport.close(keep_session)


def read_only(api: VodiaApi) -> VodiaApi:
    """The same API over a transport that refuses writes."""
    if isinstance(api.transport, ReadOnlyTransport):
        return api
    return VodiaApi(ReadOnlyTransport(api.transport))


# The desired state -----------------------------------------------------------------------------

def desired_state(variables: dict, purge: bool = False) -> list[DesiredKind]:
    """The desired state in the hunt_groups role's variables (an export file, or a host's inventory variables), every
    item checked as the role's modules would check it, before any request. Raises VodiaInputError.

    ``purge`` is the purge of every kind whose list the variables hold and whose purge switch they leave unset (the
    files of the hunt_groups_export role have no purge switches): the accounts of the kind that the list does not name
    are drift. An empty list is then every account of the kind: the modules refuse an empty list with purge, since it
    would delete them all, but only where the variables set purge themselves.
    """
    if not isinstance(variables, dict):
        raise VodiaInputError('the desired state must be a mapping of the hunt_groups role\'s variables.')
    desired = []
    for kind, list_variable, purge_variable, unset_means_alone in ROLE_VARIABLES:
        items = variables.get(list_variable)
        if items is None and unset_means_alone:
            continue
        if not isinstance(items, (list, type(None))):
            raise VodiaInputError('%s must be a list of %s; got %s.' % (list_variable, kind.plural, type(items).__name__))
        if variables.get(purge_variable) is not None:
            kind_purge = refuse_empty = as_boolean(purge_variable, variables[purge_variable])
        else:
            # An unset hunt_groups_list is no list: the default purge does not apply to it.
            kind_purge, refuse_empty = purge and items is not None, False
        items = [] if items is None else items
        options = [_item_options(kind, list_variable, position, item) for position, item in enumerate(items, start=1)]
        try:
            wanted = wanted_accounts(kind, options, refuse_empty)
        except VodiaInputError as error:
            # The message names the modules' option (hunt_groups); the file has the role's variable.
            raise VodiaInputError('%s: %s' % (list_variable, error.message)) from None
        except (TypeError, ValueError, AttributeError, KeyError) as error:
            # A shape _item_options does not check: still this file's fault, never the watcher's end.
            raise VodiaInputError('%s: an item cannot be read (%s: %s).' % (list_variable, type(error).__name__, error)) from None
        desired.append(DesiredKind(kind, tuple(wanted), kind_purge))
    return desired


def _item_options(kind: AccountKind, variable: str, position: int, item) -> dict:
    """One item of a list as the module's argument validation would leave it: known options only, state present unless
    given, flags and seconds of the types the field table expects."""
    where = '%s item %d' % (variable, position)
    if not isinstance(item, dict) or item.get('name') in (None, ''):
        raise VodiaInputError('%s must be a mapping with a name.' % where)
    _refuse_templates(where, item)
    known = {'name', 'state', 'settings'} | set(typed.option for typed in kind.fields.typed)
    known |= set(composite.option for composite in kind.fields.composites)
    unknown = sorted(str(key) for key in item if key not in known)
    if unknown:
        raise VodiaInputError('%s (%s) has options a %s does not take: %s.' % (where, item['name'], kind.noun, ', '.join(unknown)))
    options = dict(item, name=str(item['name']), state=item.get('state') or engine.PRESENT)
    if not isinstance(options.get('settings') or {}, dict):
        raise VodiaInputError('%s (%s): settings must be a mapping of Vodia fields.' % (where, item['name']))
    for composite in kind.fields.composites:
        value = options.get(composite.option)
        if not isinstance(value or [], list):
            raise VodiaInputError('%s (%s): %s must be a list.' % (where, item['name'], composite.option))
        for index, element in enumerate(value or [], start=1):
            if not isinstance(element, dict):
                raise VodiaInputError('%s (%s): %s item %d must be a mapping; got %r.'
                                      % (where, item['name'], composite.option, index, element))
    if options['state'] not in (engine.PRESENT, engine.ABSENT):
        raise VodiaInputError('%s (%s): state must be present or absent; got %r.' % (where, item['name'], options['state']))
    for typed in kind.fields.typed:
        value = options.get(typed.option)
        if value is None:
            continue
        if typed.kind == FLAG:
            options[typed.option] = as_boolean('%s %s' % (where, typed.option), value)
        elif typed.kind in (WORDS, NAMES) and not isinstance(value, list):
            # The modules' list type would make "444" ["444"]; iterated as it is, it would be three members.
            raise VodiaInputError('%s (%s): %s must be a list; got %r.' % (where, item['name'], typed.option, value))
        elif typed.kind == SECONDS and isinstance(value, str) and value.strip().isdigit():
            options[typed.option] = int(value)
    return options


def as_boolean(label: str, value) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise VodiaInputError('%s must be true or false; got %r.' % (label, value))


def _refuse_templates(where: str, value) -> None:
    """The file is read as YAML, not rendered by Ansible: a Jinja expression would be compared as text and look like
    drift on every poll."""
    if isinstance(value, dict):
        for item in value.values():
            _refuse_templates(where, item)
    elif isinstance(value, list):
        for item in value:
            _refuse_templates(where, item)
    elif isinstance(value, str) and ('{{' in value or '{%' in value):
        raise VodiaInputError('%s holds the template %r; the desired state is read as plain YAML, not rendered. Write '
                              'the value itself, as the hunt_groups_export role does.' % (where, value))


# The comparison -------------------------------------------------------------------------------

def tenant_drift(api: VodiaApi, domain: str, desired: list[DesiredKind], workers: int) -> list[Drift]:
    """Every account of the tenant that converging to ``desired`` would create, update or delete, kind by kind in the
    order of ``desired``, accounts in the order the desired state lists them, then those that purge would delete in the
    PBX's order. Reads only; raises VodiaError when a read fails or converging would fail (an account of another type
    under a desired name)."""
    api = read_only(api)
    found = []
    for entry in desired:
        found.extend(kind_drift(api, entry.kind, domain, list(entry.wanted), entry.purge, workers))
    return found


def kind_drift(api: VodiaApi, kind: AccountKind, domain: str, wanted: list, purge: bool, workers: int) -> list[Drift]:
    """The drift of one kind in a tenant (see tenant_drift)."""
    api = read_only(api)
    existing = api.account_names(domain, kind.list_endpoint, kind.plural)
    listed = set(existing)
    if purge:
        wanted = engine.purge_targets(wanted, existing)
    present = [target for target in wanted if target.state == engine.PRESENT]
    plans = dict((item.name, item) for item in engine.plan_many(api, kind, domain, present, existing, workers))
    found = []
    for target in wanted:
        if target.state == engine.ABSENT:
            if target.name in listed:
                found.append(Drift(kind, target.name, engine.DELETED, {}))
            continue
        account_plan = plans[target.name]
        if account_plan.action == engine.CREATED:
            found.append(Drift(kind, target.name, engine.CREATED, kind.fields.changed_options({}, account_plan.desired)))
        elif account_plan.action == engine.UPDATED:
            found.append(Drift(kind, target.name, engine.UPDATED,
                               kind.fields.changed_options(account_plan.current, account_plan.predicted)))
    return found


# Which drift is news ---------------------------------------------------------------------------

class DriftMemory:
    """The drift reported so far, by inventory host, for a watcher that compares with the desired state on every poll:
    a drift is news the first time it is seen, again when its action or changes differ from what was reported, and
    again after a poll that no longer found it (it was resolved and came back).

    It holds digests (Drift.digest) only, no names and no values, so that ``as_data`` can be written to a state file
    and ``from_data`` read from it: without one, a new watcher reports the drift that still exists once more.
    ``changed`` says whether the memory changed since it was last written (the watcher resets it).
    """

    FORMAT = 'vodia.pbx.drift memory 1'

    def __init__(self, reported: dict | None = None):
        self._reported = dict((host, frozenset(digests)) for host, digests in (reported or {}).items())
        self.changed = False

    def news(self, host: str, found: list[Drift]) -> list[Drift]:
        """The drift of one host's poll that is news, and remember this poll as the host's current drift."""
        before = self._reported.get(host, frozenset())
        now = frozenset(item.digest() for item in found)
        if now != before:
            self._reported[host] = now
            self.changed = True
        return [item for item in found if item.digest() not in before]

    def keep_only(self, hosts) -> None:
        """Forget the hosts that are no longer watched (their file is gone): if they come back, their drift is news."""
        for host in set(self._reported) - set(hosts):
            del self._reported[host]
            self.changed = True

    def as_data(self) -> dict:
        """The memory as JSON-able data: host names and digests."""
        return {'format': self.FORMAT, 'hosts': dict((host, sorted(digests)) for host, digests in sorted(self._reported.items()))}

    @classmethod
    def from_data(cls, data) -> 'DriftMemory':
        """The memory that as_data gave; VodiaInputError for anything else."""
        hosts = data.get('hosts') if isinstance(data, dict) and data.get('format') == cls.FORMAT else None
        if not isinstance(hosts, dict) or not all(
                isinstance(host, str) and isinstance(digests, list) and all(isinstance(digest, str) for digest in digests)
                for host, digests in hosts.items()):
            raise VodiaInputError('not a memory of reported drift (format %r).' % cls.FORMAT)
        return cls(hosts)
