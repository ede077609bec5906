# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The Vodia REST API: one place for every endpoint the collection uses (the vendor's hunt group API page).

It turns calls such as "the hunt groups of a domain" into requests, and checks that each answer has the
shape the vendor documents. It knows nothing about what a hunt group should look like.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaApiError


def quote_segment(value: Any) -> str:
    """Quote one URL path segment so that no input can reach another endpoint."""
    return quote(str(value), safe='')


def rest_path(*segments: Any) -> str:
    return '/rest/' + '/'.join(quote_segment(segment) for segment in segments)


class VodiaApi:
    """The endpoints of one PBX, over a Transport (or anything with its get/post/delete)."""

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

    def hunt_group_names(self, domain: str) -> list[str]:
        """Names of the hunt groups of a domain, in the PBX's order, from one read of the hunts list."""
        path = rest_path('domain', domain, 'hunts')
        answer = self.transport.get(path)
        if not isinstance(answer, list) or not all(isinstance(item, dict) and 'name' in item for item in answer):
            raise VodiaApiError(
                'GET %s on %s answered with something that is not a list of hunt groups; refusing to guess which hunt '
                'groups exist. Check that url points at a Vodia PBX (version 58 or later).' % (path, self.describe()),
                'GET', path)
        return [str(item['name']) for item in answer]

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

    def add_hunt_group_account(self, domain: str, name: str) -> None:
        """Create an empty hunt group account.

        addacc is never repeated blindly: after a failure without a clear answer the account may exist all the
        same, so this reads first and decides, within the transport's retry budget.
        """
        path = rest_path('domain', domain, 'addacc')
        attempt = 0
        while True:
            try:
                self.transport.post(path, {'type': 'hunts', 'account': name}, repeatable=False)
                return
            except VodiaApiError as error:
                answer_unclear = error.status is None or error.status >= 500
                if not answer_unclear:
                    raise
                if self.find_settings(domain, name) is not None:
                    return
                if attempt >= self.transport.retries:
                    raise
                attempt += 1
                self.transport.record_manual_retry('POST', path, _reason(error), attempt)

    def delete_account(self, domain: str, name: str) -> None:
        """Delete an account and prove that it is gone. The caller has made sure it is a hunt group."""
        path = rest_path('domain', domain, 'addacc', name)
        # A 404 may mean someone deleted it meanwhile, or a PBX without this route: the read decides.
        self.transport.delete(path, missing_ok=True)
        if self.find_settings(domain, name) is not None:
            raise VodiaApiError(
                'The PBX accepted the deletion of hunt group %r in domain %r but the account still exists. Check the '
                'PBX logs.' % (name, domain), 'DELETE', path)

    def _settings_object(self, method: str, path: str, answer: Any) -> dict:
        if not isinstance(answer, dict):
            raise VodiaApiError(
                '%s %s on %s answered with something that is not a settings object, so the task stops here. Check '
                'that url points at a Vodia PBX (version 58 or later).' % (method, path, self.describe()), method, path)
        return answer


def settings_path(domain: str, name: str) -> str:
    return rest_path('domain', domain, 'user_settings', name)


def _reason(error: VodiaApiError) -> str:
    return 'no answer' if error.status is None else 'HTTP %d' % error.status
