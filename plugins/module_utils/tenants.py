# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The tenants of many PBXs, as inventory hosts: which PBXs, reading their tenant lists in parallel, and what
each tenant becomes. It knows nothing of Ansible; the vodia.pbx.tenants inventory plugin adapts it.
"""

from __future__ import annotations

import fnmatch
import math
import re
import string

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from ansible_collections.vodia.pbx.plugins.module_utils.connection import ConnectionSettings, parse_base_url
from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaConfigError, VodiaError
from ansible_collections.vodia.pbx.plugins.module_utils.vodia_api import VodiaApi

# The group that holds every PBX group, so that a play can name all tenants of all PBXs of one source.
ALL_TENANTS_GROUP = 'vodia_tenants'
MAX_PARALLEL = 64
RESERVED_GROUPS = frozenset(('all', 'ungrouped', ALL_TENANTS_GROUP))
# The longest wait before a retry: RETRY_MAX_WAIT_SECONDS of transport.py, which this layer may not import
# (tests/unit/plugins/test_architecture.py); a unit test keeps the two equal.
LONGEST_RETRY_WAIT_SECONDS = 30.0
# Host names are selected by host patterns (--limit, a play's hosts, AWX's limit), which ansible-core splits and
# reads in ansible/inventory/manager.py: split_host_pattern() splits at "," and, unless the whole pattern parses as an
# address, at ":" and white space, and drops an unmatched "[" or "]"; order_patterns() reads a leading "!" as "but
# not" and "&" as "and"; _match_one_pattern() reads "*", "?" and "[...]" as globs, a leading "~" as a regular
# expression and a trailing "[n]" or "[n:m]" as a subscript; subset() reads a leading "@" as a file of names. Only
# letters, digits, ".", "-" and "_" mean nothing to any of them, anywhere in a name, on every ansible-core we support.
SAFE_CHARACTERS = frozenset(string.ascii_letters + string.digits + '.-_')
PBX_NAME = re.compile(r'^[A-Za-z0-9][A-Za-z0-9._-]*$')
# What a PBX name may not hold, for the message that refuses it.
PATTERN_OPERATORS = ', : white space ! & ~ @ * ? [ ]'


@dataclass(frozen=True)
class Pbx:
    """One PBX of the inventory source: its name, its normalised base URL and the inventory group of its tenants."""
    name: str
    url: str
    group: str


@dataclass(frozen=True)
class TenantList:
    """What reading one PBX gave: its tenants as the PBX describes them, or the error that stopped the read."""
    pbx: Pbx
    tenants: list | None = None
    error: VodiaError | None = None
    warnings: tuple = ()


def group_name(pbx_name: str) -> str:
    """The inventory group of a PBX: its name with every character other than a letter, digit or _ made _."""
    name = re.sub(r'[^A-Za-z0-9_]', '_', pbx_name)
    # Ansible group names must not start with a digit.
    return '_' + name if name[:1].isdigit() else name


def pbx_list(entries) -> list[Pbx]:
    """The PBXs of the ``pbxs`` option: items with ``url`` and an optional ``name``, or URL strings.

    Raises VodiaConfigError before any request. A PBX is named by its position, never by its URL, in these
    messages: a URL given with credentials in it must not be repeated.
    """
    if not entries:
        raise VodiaConfigError('pbxs is empty; list the PBXs whose tenants make the inventory, each with its url.')
    pbxs = []
    for position, entry in enumerate(entries, start=1):
        where = 'pbxs item %d' % position
        if isinstance(entry, str):
            entry = {'url': entry}
        if not isinstance(entry, dict):
            raise VodiaConfigError('%s must be a URL or a mapping with url and an optional name.' % where)
        unknown = sorted(set(entry) - {'url', 'name'})
        if unknown:
            raise VodiaConfigError('%s has unknown keys %s; a PBX takes url and name.' % (where, ', '.join(map(str, unknown))))
        url = entry.get('url')
        if not isinstance(url, str):
            raise VodiaConfigError('%s needs a url, for example https://pbx.example.com:8443.' % where)
        try:
            base_url = parse_base_url(url)
        except VodiaConfigError as error:
            raise VodiaConfigError('%s: %s' % (where, error.message)) from None
        # Without a name, the URL's host name: it holds no credentials, and no port (":" separates host patterns).
        name = entry.get('name', urlsplit(base_url).hostname)
        if not isinstance(name, str) or not PBX_NAME.match(name):
            raise VodiaConfigError(
                '%s: the name %r is not usable in host names%s; use letters, digits, ".", "-" and "_", starting with a letter '
                'or digit, since host patterns (--limit, hosts:) read %s as separators or operators (give the PBX a name '
                'when its URL has no such host name).' % (where, name, _offending(name), PATTERN_OPERATORS))
        pbxs.append(Pbx(name, base_url, group_name(name)))
    _check_unique(pbxs)
    return pbxs


def _offending(name) -> str:
    """What the message that refuses a PBX name says about the characters that make it unusable."""
    if not isinstance(name, str):
        return ' (it is not text)'
    if not name:
        return ' (it is empty)'
    unsafe = sorted(set(character for character in name if character not in SAFE_CHARACTERS))
    if unsafe:
        return ' (it holds %s)' % ' '.join(repr(character) for character in unsafe)
    return ' (it starts with %r)' % name[0]


def _check_unique(pbxs: list[Pbx]) -> None:
    seen_names, seen_groups, seen_urls = {}, {}, {}
    for pbx in pbxs:
        if pbx.group in RESERVED_GROUPS:
            raise VodiaConfigError('PBX %s would be the group %s, which Ansible or this plugin already uses; give it another '
                                   'name.' % (pbx.name, pbx.group))
        checks = ((seen_names, pbx.name, 'name'), (seen_groups, pbx.group, 'group name'), (seen_urls, pbx.url, 'URL'))
        for seen, key, what in checks:
            if key in seen:
                raise VodiaConfigError('PBXs %s and %s have the same %s; give each PBX its own url and name (without a name, '
                                       'the URL\'s host name is the name; in the group name, characters other than letters, '
                                       'digits and _ become _).' % (seen[key].name, pbx.name, what))
            seen[key] = pbx


def selected(tenant_name: str, include: list[str], exclude: list[str]) -> bool:
    """Whether a tenant's name matches an include pattern and no exclude pattern (shell globs, any case)."""
    name = tenant_name.lower()
    return (any(fnmatch.fnmatchcase(name, pattern.lower()) for pattern in include)
            and not any(fnmatch.fnmatchcase(name, pattern.lower()) for pattern in exclude))


def host_safe(tenant_name: str) -> str:
    """A tenant's name as it can be part of a host name: unchanged when it holds only SAFE_CHARACTERS, else each
    other character written as "%" and the hex of its UTF-8 bytes, as in URLs ("a,b" is "a%2Cb").

    "%" is one of the characters written so ("%25"), which keeps the mapping one to one: a real tenant named "a%2Cb"
    is "a%252Cb", never the host of "a,b". "@" is written too ("%40"), so the last "@" of a host name always separates
    the tenant from its PBX.
    """
    if all(character in SAFE_CHARACTERS for character in tenant_name):
        return tenant_name
    # surrogatepass: a name the PBX sent with a lone surrogate (invalid JSON text, but decodable) still gets a name.
    return ''.join(character if character in SAFE_CHARACTERS
                   else ''.join('%%%02X' % byte for byte in character.encode('utf-8', 'surrogatepass'))
                   for character in tenant_name)


def host_name(pbx: Pbx, tenant: dict) -> str:
    """A tenant's inventory host: the tenant's name (made safe for host patterns) at its PBX's name, unique across
    PBXs ("localhost" is on many)."""
    return '%s@%s' % (host_safe(tenant['name']), pbx.name)


# What the tenant list says about a tenant that has a variable of its own; the rest goes into vodia_tenant.
NAMED_FIELDS = ('name', 'display', 'alias', 'id')


def host_variables(pbx: Pbx, tenant: dict) -> dict:
    """The variables of a tenant's host. ``vodia_tenant`` keeps every other field the PBX sent, as it sent it."""
    aliases = tenant.get('alias')
    return {
        'vodia_url': pbx.url,
        'vodia_domain': tenant['name'],
        'vodia_pbx': pbx.name,
        'vodia_display_name': tenant.get('display'),
        'vodia_aliases': list(aliases) if isinstance(aliases, list) else [],
        'vodia_tenant_id': tenant.get('id'),
        'vodia_tenant': dict((field, value) for field, value in tenant.items() if field not in NAMED_FIELDS),
    }


def check_settings(pbxs: list[Pbx], settings: ConnectionSettings) -> None:
    """Check the connection settings for every PBX before any request (VodiaConfigError)."""
    for pbx in pbxs:
        replace(settings, url=pbx.url).checked()


def read_one(pbx: Pbx, settings: ConnectionSettings) -> TenantList:
    """The tenant list of one PBX, or the VodiaError that stopped it (never raised)."""
    transport = None
    try:
        transport, warnings = replace(settings, url=pbx.url).open()
        return TenantList(pbx, tenants=VodiaApi(transport).tenants(), warnings=tuple(warnings))
    except VodiaError as error:
        return TenantList(pbx, error=error)
    finally:
        if transport is not None:
            # An inventory reads each PBX once, in the process that then forks every task: nothing to keep open.
            transport.close(keep_session=False)


def check_parallel(parallel: int) -> None:
    if not 1 <= parallel <= MAX_PARALLEL:
        raise VodiaConfigError('parallel must be between 1 and %d; got %d.' % (MAX_PARALLEL, parallel))


def read_all(pbxs: list[Pbx], settings: ConnectionSettings, parallel: int, read=read_one) -> list[TenantList]:
    """Read the tenant lists of all PBXs, ``parallel`` at a time, in the order of ``pbxs``."""
    check_parallel(parallel)
    if not pbxs:
        return []
    with ThreadPoolExecutor(max_workers=min(parallel, len(pbxs))) as pool:
        return list(pool.map(lambda pbx: read(pbx, settings), pbxs))


def longest_read_seconds(pbx_count: int, parallel: int, settings: ConnectionSettings) -> float:
    """How long read_all() may take at most: the PBXs are read ``parallel`` at a time, and each may take every try
    (retries + 1), each with a connect and a read timeout and the longest wait before the next, and, with a limit on
    requests at once, the longest wait for a free slot."""
    rounds = math.ceil(pbx_count / parallel)
    slot_wait = settings.request_lock_timeout if settings.max_concurrent_requests else 0
    return rounds * (settings.retries + 1) * (2 * settings.timeout + LONGEST_RETRY_WAIT_SECONDS + slot_wait)


def failure_message(result: TenantList) -> str:
    """Why a PBX's tenants are missing, naming the PBX by its URL and what to check."""
    return 'Cannot read the tenants of PBX %s (%s): %s' % (result.pbx.name, result.pbx.url, result.error.message)
