# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Vodia REST API: one place for every endpoint the collection uses (the vendor's API pages).

It turns calls such as "the accounts listed under hunts in a domain" into requests, and checks that each answer
has the shape the vendor documents. It knows nothing about what an account should look like. What it needs of a
transport is written down in Transport below; transport.Transport and the unit tests' fake both provide it.
"""

from __future__ import annotations

from typing import Any, Callable, Protocol, runtime_checkable
from urllib.parse import quote

from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaApiError


@runtime_checkable
class Transport(Protocol):
    """HTTP and JSON to one PBX, with retries (transport.Transport)."""
    retries: int
    retry_log: list
    writes_done: int

    def describe(self) -> str:
        """The PBX's URL, never with credentials."""

    @property
    def identity(self) -> tuple:
        """What tells two connections apart."""

    def get(self, path: str, missing_ok: bool = False) -> Any:
        """A JSON document; with missing_ok, None for a 404."""

    def post(self, path: str, body: Any, repeatable: bool = True) -> Any:
        """POST JSON and return the decoded answer."""

    def delete(self, path: str, missing_ok: bool = False) -> Any:
        """DELETE; with missing_ok, None for a 404."""

    def create(self, path: str, body: Any, created: Callable[[], bool]) -> None:
        """POST a creation; after an unclear failure, send again only if ``created()`` says it did not happen."""

    def close(self, keep_session: bool = True) -> None:
        """End the connection."""


def quote_segment(value: Any) -> str:
    """Quote one URL path segment so that no input can reach another endpoint."""
    return quote(str(value), safe='')


def rest_path(*segments: Any) -> str:
    return '/rest/' + '/'.join(quote_segment(segment) for segment in segments)


class VodiaApi:
    """The endpoints of one PBX, over a Transport."""

    def __init__(self, transport):
        self.transport = transport

    def describe(self) -> str:
        return self.transport.describe()

    # Reads ---------------------------------------------------------------------------

    def tenants(self) -> list[dict]:
        """The tenants (domains) of the PBX, each as the PBX describes it, from one read of the tenant list.

        Public clients see the list as an object keyed by tenant id (notes section 5); each entry keeps its id
        under ``id``. A list of tenant objects is accepted too. Only a system administrator may read it.
        """
        path = rest_path('system', 'domains')
        try:
            answer = self.transport.get(path)
        except VodiaApiError as error:
            if error.status == 403:
                raise error.with_message(
                    'GET %s on %s was refused (HTTP 403): the tenant list needs a system administrator with API access '
                    '(such as admin). A tenant administrator (admin@<domain>) cannot read it; check username '
                    '(VODIA_USERNAME) and that the account has API access.' % (path, self.describe())) from None
            raise
        if isinstance(answer, dict):
            # The key is the tenant's id; an id inside the entry, if a PBX ever sends one, wins.
            tenants = [dict({'id': str(key)}, **entry) if isinstance(entry, dict) else entry for key, entry in answer.items()]
        elif isinstance(answer, list):
            tenants = [dict(entry) if isinstance(entry, dict) else entry for entry in answer]
        else:
            tenants = None
        if tenants is None or not all(isinstance(tenant, dict) and isinstance(tenant.get('name'), str) and tenant['name']
                                      for tenant in tenants):
            raise VodiaApiError(
                'GET %s on %s answered with something that is not a list of tenants; refusing to guess which tenants '
                'exist. Check that the URL points at a Vodia PBX (version 58 or later).' % (path, self.describe()), 'GET', path)
        return tenants

    def account_names(self, domain: str, list_endpoint: str, plural: str) -> list[str]:
        """Names of the accounts of one kind in a domain, in the PBX's order, from one read of the kind's list
        (``hunts`` on the vendor's hunt group page, ``acds`` on its agent group page: ``[{name, display, ...}]``)."""
        path = rest_path('domain', domain, list_endpoint)
        answer = self.transport.get(path)
        if not isinstance(answer, list) or not all(isinstance(item, dict) and 'name' in item for item in answer):
            raise VodiaApiError(
                'GET %s on %s answered with something that is not a list of %s; refusing to guess which %s '
                'exist. Check that url points at a Vodia PBX (version 58 or later).' % (path, self.describe(), plural, plural),
                'GET', path)
        return [str(item['name']) for item in answer]

    def tenant_accounts(self, domain: str) -> list[dict]:
        """Every account of a domain, of every type, from one read: ``[{name, alias: [...], usertype}, ...]``
        (notes section 5: ``GET rest/domain/{d}/users``, the vendor's domain list page and S2)."""
        path = rest_path('domain', domain, 'users')
        answer = self.transport.get(path)
        if not isinstance(answer, list) or not all(isinstance(item, dict) and 'name' in item for item in answer):
            raise VodiaApiError(
                'GET %s on %s answered with something that is not a list of accounts, so the names the task refers to '
                'cannot be checked. Check that url points at a Vodia PBX (version 58 or later), or set reference_check '
                'to warn.' % (path, self.describe()), 'GET', path)
        return [{'name': str(item['name']), 'alias': [str(alias) for alias in item.get('alias') or []],
                 'usertype': str(item.get('usertype', ''))} for item in answer]

    def offered_values(self, domain: str, endpoint: str) -> set[str] | None:
        """The values a PBX offers for a field (dial plans, music on hold, melodies): their ids (else their names), from one read
        of ``/rest/domain/<domain>/<endpoint>`` (S2 lists these endpoints; no source shows their answers). None when
        the PBX does not have the list (404) or answers in a shape that does not show its values: then nothing can be
        checked against it."""
        answer = self.transport.get(rest_path('domain', domain, *endpoint.split('/')), missing_ok=True)
        items = list(answer.values()) + [{'id': key} for key in answer] if isinstance(answer, dict) else answer
        if not isinstance(items, list):
            return None
        values = set()
        for item in items:
            if isinstance(item, (str, int)) and not isinstance(item, bool):
                values.add(str(item))
            elif isinstance(item, dict) and isinstance(item.get('id', item.get('name')), (str, int)):
                values.add(str(item.get('id', item.get('name'))))
            else:
                return None
        return values

    def read_settings(self, domain: str, name: str) -> dict:
        """The raw settings of an account that must exist."""
        path = settings_path(domain, name)
        return self._settings_object('GET', path, self.transport.get(path))

    def find_settings(self, domain: str, name: str) -> dict | None:
        """The raw settings of an account, or None when no account of that name exists (of any type)."""
        path = settings_path(domain, name)
        answer = self.transport.get(path, missing_ok=True)
        return None if answer is None else self._settings_object('GET', path, answer)

    # Writes --------------------------------------------------------------------------

    def write_settings(self, domain: str, name: str, fields: dict) -> Any:
        """Send changed fields; the PBX keeps the others. Returns the PBX's answer, which may be empty."""
        return self.transport.post(settings_path(domain, name), fields)

    def add_account(self, domain: str, addacc_type: str, name: str) -> None:
        """Create an empty account of one type. addacc is never repeated blindly: after a failure without a clear
        answer the account may exist all the same, so the transport reads first and decides."""
        self.transport.create(rest_path('domain', domain, 'addacc'), {'type': addacc_type, 'account': name},
                              created=lambda: self.find_settings(domain, name) is not None)

    def delete_account(self, domain: str, name: str, noun: str) -> None:
        """Delete an account and prove that it is gone. The caller has made sure it is of the kind it manages."""
        path = rest_path('domain', domain, 'addacc', name)
        # A 404 may mean someone deleted it meanwhile, or a PBX without this route: the read decides.
        self.transport.delete(path, missing_ok=True)
        if self.find_settings(domain, name) is not None:
            raise VodiaApiError(
                'The PBX accepted the deletion of %s %r in domain %r but the account still exists. Check the '
                'PBX logs.' % (noun, name, domain), 'DELETE', path)

    def settings_error(self, method: str, domain: str, name: str, message: str, status: int | None = None) -> VodiaApiError:
        """A failure found in what the PBX holds for an account after a request on its settings."""
        return VodiaApiError(message, method, settings_path(domain, name), status)

    def _settings_object(self, method: str, path: str, answer: Any) -> dict:
        if not isinstance(answer, dict):
            raise VodiaApiError(
                '%s %s on %s answered with something that is not a settings object, so the task stops here. Check '
                'that url points at a Vodia PBX (version 58 or later).' % (method, path, self.describe()), method, path)
        return answer


def settings_path(domain: str, name: str) -> str:
    return rest_path('domain', domain, 'user_settings', name)
