# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""References between accounts: which names a field holds, whether the tenant has them, and how to say what is wrong.

Plain data in, plain data out. A value in a field that names accounts (a field table marks them) is fine when it is
the name or an alias of an account of the tenant, or an outside number; a value of a field whose values the PBX
lists (dial plans, music on hold, melodies) is fine when the list holds it. Anything else is a problem, reported
with the field, the value and the nearest names.
"""

from __future__ import annotations

import difflib
import re

from typing import Iterable, NamedTuple

from ansible_collections.vodia.pbx.plugins.module_utils.account_kind import AccountKind
from ansible_collections.vodia.pbx.plugins.module_utils.fields import ALIAS_FIELD, members

# An outside number is dialled through the tenant's dial plan rather than found among its accounts: a "+" and
# digits (E.164), or seven digits or more. The vendor's hunt group page ends a hunt group in 8572665588 (S1) and
# updates one to "777 8578962323"; Vodia's own account numbers in every vendor example have three or four digits,
# and no source shows an account number of seven digits. A tenant that numbers its accounts with seven digits or
# more gets no check for them (docs/references.md).
OUTSIDE_NUMBER = re.compile(r'^(\+[0-9]{2,}|[0-9]{7,})$')

STRICT = 'error'
LENIENT = 'warn'
CHOICES = (STRICT, LENIENT)

SUGGESTIONS = 3


class Policy(NamedTuple):
    """How a task checks references: ``mode`` is STRICT (fail before any write) or LENIENT (warn); ``assumed`` are
    names to count as existing, such as accounts that an earlier task's check-mode run predicted it would create;
    ``planned`` the references that earlier check-mode tasks predicted accounts would hold after them, by account
    name: a PlannedHolder, or None for an account they would delete."""
    mode: str = STRICT
    assumed: frozenset = frozenset()
    planned: tuple = ()

    def planned_holders(self) -> dict:
        return dict(self.planned)

    def planned_deletions(self) -> list[str]:
        return [name for name, holder in self.planned if holder is None]


class PlannedHolder(NamedTuple):
    """An account as an earlier check-mode task predicted it: its kind's noun and its fields that name accounts."""
    kind: str
    fields: dict


class Problem(NamedTuple):
    """One reference that does not hold. ``holder`` is the account whose field holds ``value``; for a deletion,
    ``target`` names the account being deleted that the value refers to; for a value the PBX does not offer,
    ``offered_by`` names the list it is not in."""
    kind: str
    holder: str
    option: str
    value: str
    suggestions: tuple = ()
    target: str | None = None
    offered_by: str | None = None

    def as_dict(self) -> dict:
        return self._asdict()


def is_outside_number(value: str) -> bool:
    return bool(OUTSIDE_NUMBER.match(value))


def known_names(accounts: Iterable[dict], created: Iterable[str] = (), deleted: Iterable[str] = ()) -> set[str]:
    """The names and aliases the tenant's accounts answer to, with the accounts about to be created and without
    those about to be deleted."""
    gone = set(deleted)
    known = set(created)
    for account in accounts:
        if account['name'] not in gone:
            known.add(account['name'])
            known.update(account.get('alias') or ())
    return known


def referenced_names(kind: AccountKind, settings: dict) -> list[tuple[str, str]]:
    """``(option, value)`` for every account name a set of fields refers to, in field order."""
    found = []
    for vodia_field, option in kind.fields.reference_fields().items():
        if vodia_field in settings:
            found.extend((option, value) for value in members(settings[vodia_field]))
    return found


def touches_references(kind: AccountKind, fields: dict) -> bool:
    return any(vodia_field in fields for vodia_field in kind.fields.reference_fields())


def lists_needed(kind: AccountKind, fields: dict) -> set[str]:
    """The lists of offered values that the non-empty values among ``fields`` must be found in."""
    return set(endpoint for vodia_field, (_option, endpoint) in kind.fields.offered_fields().items()
               if _text(fields.get(vodia_field)))


def unoffered(kind: AccountKind, holder: str, fields: dict, offered: dict) -> list[Problem]:
    """The values among ``fields`` that a list the PBX offers does not hold; an empty value (the PBX default) and a
    list the PBX does not have (None in ``offered``) pass."""
    problems = []
    for vodia_field, (option, endpoint) in kind.fields.offered_fields().items():
        value = _text(fields.get(vodia_field))
        values = offered.get(endpoint)
        if value and values is not None and value not in values:
            suggestions = tuple(difflib.get_close_matches(value, sorted(values), SUGGESTIONS, 0.6))
            problems.append(Problem(kind.noun, holder, option, value, suggestions, offered_by=endpoint))
    return problems


def _text(value) -> str:
    return '' if value is None or isinstance(value, (list, dict)) else str(value)


def missing(kind: AccountKind, holder: str, fields: dict, known: set[str]) -> list[Problem]:
    """The references among ``fields`` (to be written to ``holder``) that name no account and no outside number."""
    return [
        Problem(kind.noun, holder, option, value, tuple(difflib.get_close_matches(value, sorted(known), SUGGESTIONS, 0.6)))
        for option, value in referenced_names(kind, fields)
        if value not in known and not is_outside_number(value)
    ]


def answers_to(name: str, settings: dict | None) -> set[str]:
    """The names an account answers to: its own and its aliases."""
    return set([name] + members((settings or {}).get(ALIAS_FIELD)))


def dangling(kind: AccountKind, holder: str, settings: dict, deleted: dict) -> list[Problem]:
    """References that ``holder`` would keep to accounts being deleted; ``deleted`` maps each to the names it answers to."""
    problems = []
    for option, value in referenced_names(kind, settings):
        for target, names in sorted(deleted.items()):
            if value in names:
                problems.append(Problem(kind.noun, holder, option, value, target=target))
    return problems


def describe(target_kind: AccountKind, domain: str, problems: list[Problem], relaxed: bool) -> str:
    """One message for every problem, saying what to do."""
    lines = []
    for problem in problems:
        if problem.offered_by is not None:
            hint = ' Did you mean %s?' % ' or '.join(problem.suggestions) if problem.suggestions else ''
            lines.append('%s %s: %s is %s, which is not among the values this PBX offers (GET /rest/domain/%s/%s).%s' % (
                problem.kind[0].upper() + problem.kind[1:], problem.holder, problem.option, problem.value, domain,
                problem.offered_by, hint))
        elif problem.target is not None:
            lines.append('%s %s still names %s in %s (%s %s); remove it there first, or in the same task.' % (
                problem.kind[0].upper() + problem.kind[1:], problem.holder, problem.value, problem.option,
                target_kind.noun, problem.target))
        else:
            hint = ' Did you mean %s?' % ' or '.join(problem.suggestions) if problem.suggestions else ''
            lines.append('%s %s: %s names %s, which is neither an account of this tenant (by name or alias) nor an '
                         'outside number.%s' % (problem.kind[0].upper() + problem.kind[1:], problem.holder,
                                                problem.option, problem.value, hint))
    if relaxed:
        outcome = 'The task went on, as reference_check is warn.'
    elif any(problem.target is None and problem.offered_by is None for problem in problems):
        outcome = ('Nothing was written. Correct the name, create the account first (an earlier task of the play '
                   'counts, also in check mode), or set reference_check to warn for a reference the PBX resolves in a '
                   'way the collection cannot see.')
    elif any(problem.offered_by is not None for problem in problems):
        outcome = ('Nothing was written. Use an ID from that list (an empty value keeps the PBX default), or '
                   'set reference_check to warn.')
    else:
        outcome = 'Nothing was written.'
    return 'References in domain %s do not hold: %s %s' % (domain, ' '.join(lines), outcome)
