# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
name: tenants
short_description: The tenants of Vodia PBXs as inventory hosts
version_added: 1.0.0
author:
  - vodia.pbx maintainers (@vodia-pbx)
description:
  - Reads the tenant list of each PBX in O(pbxs) (C(GET /rest/system/domains)) and makes every tenant (domain) one
    inventory host, including the default tenant V(localhost) unless O(exclude) drops it.
  - A host is named C(<tenant>@<pbx name>), for example V(company.example.com@pbx-nyc), so that tenants of the same
    name on several PBXs stay apart.
  - Host names must be selectable by host patterns (C(--limit), a play's C(hosts), AWX's limit), which read C(,), C(:)
    and white space as separators, a leading C(!), C(&), C(~) or C(@) and C(*), C(?), C([) and C(]) as operators. A
    tenant name with any character other than a letter, digit, C(.), C(-) or C(_) is written in its host name as in
    URLs, each such character as C(%) and the hex of its UTF-8 bytes, for example V(a,b) as V(a%2Cb@pbx-nyc) and
    V(two words) as V(two%20words@pbx-nyc). C(%) itself is written V(%25), so no two tenants get one host name.
    C(vodia_domain) always holds the tenant's real name. At verbosity 1 (C(-v)) each such tenant is shown with its host name.
  - "Each host has the variables C(vodia_url) (the PBX's base URL), C(vodia_domain) (the tenant's name), C(vodia_pbx)
    (the PBX's name), C(vodia_display_name) and C(vodia_aliases) (the tenant's display name and aliases), C(vodia_tenant_id),
    and C(vodia_tenant): every other field the PBX sent about the tenant, as it sent it (for example C(country) and C(area))."
  - Every PBX is a group holding its tenants, so that C(group_vars) can hold what the tenants of one PBX share. The group is
    the PBX's name with every character other than a letter, digit or C(_) replaced by C(_) (V(pbx-nyc) becomes
    V(pbx_nyc)), and a leading C(_) before a digit. The group C(vodia_tenants) holds every PBX group.
  - The PBXs are read in parallel, each with one request.
  - The inventory file's name must end in C(vodia_tenants.yml) or C(vodia_tenants.yaml).
  - The role C(vodia.pbx.hunt_groups) takes the tenant and the PBX from C(vodia_domain) and C(vodia_url), so a play over
    these hosts converges every tenant of every PBX.
  - The password is never shown, never stored in a host variable and never written to the cache; the cache holds the
    tenant lists only.
extends_documentation_fragment:
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
requirements:
  - requests >= 2.25.0 (Python library, in the Python that runs Ansible)
options:
  plugin:
    description: Marks the file as an inventory source for this plugin.
    type: str
    required: true
    choices:
      - vodia.pbx.tenants
  pbxs:
    description:
      - The PBXs whose tenants make the inventory.
      - Each item is a mapping with C(url), the base URL of the PBX web interface (scheme, host and optional port, for example
        V(https://pbx.example.com:8443)), and an optional C(name), the PBX's name in host names, in C(vodia_pbx) and in its
        group, made of letters, digits, C(.), C(-) and C(_) and starting with a letter or digit, so that host patterns can
        hold it. Without C(name), the URL's host name is the name. Any other name fails the source with a message that
        says which character is in the way.
      - An item may also be just the URL, as a string.
      - Names, group names and URLs must be unique.
    type: list
    elements: raw
    required: true
  username:
    description:
      - System administrator with API access, for HTTP Basic authentication (for example V(admin)).
      - The tenant list needs a system administrator; a tenant administrator (V(admin@<domain>)) is refused.
      - The same account is used for every PBX in O(pbxs).
    type: str
    env:
      - name: VODIA_USERNAME
  password:
    description:
      - Password of O(username). Prefer the environment variable (what an AWX credential injects) to the file.
    type: str
    env:
      - name: VODIA_PASSWORD
  validate_certs:
    description:
      - Whether to verify the PBXs' TLS certificates. Prefer O(ca_path) to V(false) for a self-signed certificate.
    type: bool
    default: true
    env:
      - name: VODIA_VALIDATE_CERTS
  ca_path:
    description:
      - Path to a PEM file with the certificate authority that signed the PBXs' certificates.
      - Without it, the system's trusted authorities.
    type: path
    env:
      - name: VODIA_CA_PATH
  timeout:
    description: Seconds to wait for a PBX to connect and to answer.
    type: int
    default: 30
    env:
      - name: VODIA_TIMEOUT
  retries:
    description:
      - How often the tenant list is requested again after a dropped connection or an answer that says "try again"
        (HTTP 429, 500, 502, 503, 504), as for the modules. A request that times out is not repeated.
    type: int
    default: 3
    env:
      - name: VODIA_RETRIES
  max_concurrent_requests:
    description:
      - At most this many requests at once to each PBX from every process of this user on this machine, the modules' tasks
        included, as the modules' option of the same name. The tenant list is one request per PBX, so this matters when
        the inventory is built while tasks run against the same PBXs (shards started side by side).
      - Unset or V(0) means no limit.
    type: int
    env:
      - name: VODIA_MAX_CONCURRENT_REQUESTS
  request_lock_dir:
    description:
      - The directory of the lock files of O(max_concurrent_requests), as for the modules.
      - The default is a directory of this user under the system's temporary directory.
    type: path
    env:
      - name: VODIA_REQUEST_LOCK_DIR
  request_lock_timeout:
    description: Seconds a read waits for a free slot of O(max_concurrent_requests) before the PBX counts as not read.
    type: int
    default: 300
    env:
      - name: VODIA_REQUEST_LOCK_TIMEOUT
  parallel:
    description: How many PBXs are read at once (1 to 64).
    type: int
    default: 8
  include:
    description:
      - Shell-style patterns (C(*), C(?), C([...])) on tenant names, compared in any case; only tenants that match one
        of them become hosts.
    type: list
    elements: str
    default: ['*']
  exclude:
    description:
      - Shell-style patterns on tenant names; tenants that match one of them are left out, even if O(include) matches.
      - For example V([localhost]) leaves out the default tenant of every PBX.
    type: list
    elements: str
    default: []
  on_pbx_error:
    description:
      - What happens when a PBX cannot be read (down, unreachable, refused credentials, an answer that is not a tenant list).
      - V(fail) fails the inventory source with a message that names the PBX by its URL and says what to check.
      - V(warn) shows that message as a warning and builds the inventory from the other PBXs. The tenants of that PBX are
        then missing from the inventory, so a play with this source does nothing for them.
      - Errors in this file (a bad URL, a missing O(ca_path) file, a missing O(username)) always fail.
    type: str
    choices:
      - fail
      - warn
    default: fail
notes:
  - With O(cache) on, the tenant lists are kept per PBX URL. A PBX added to O(pbxs) is read on the next run; the others
    come from the cache until it expires or C(--flush-cache) is given.
  - With a cache in files (O(cache_plugin=ansible.builtin.jsonfile)), processes started side by side with the same
    inventory file and O(cache_connection), such as C(ansible-playbook) shards with different C(--limit)s, read each PBX
    once between them. The first holds a lock file in the cache directory (C(.<cache key>.lock)) while it reads the
    PBXs and fills the cache; the others wait for it, at most as long as reading every PBX can take with O(timeout) and
    O(retries), and then take the tenant lists from the cache. Caches not in files (memory, redis) take no lock.
  - The environment variables are those the modules read, so one AWX credential serves the inventory source and the jobs.
seealso:
  - name: Tenants as inventory
    description: The operator's layout for many PBXs with many tenants, and the AWX inventory source.
    link: https://github.com/vodia-pbx/vodia.pbx/blob/main/docs/tenants-inventory.md
'''

EXAMPLES = r'''
# inventory/pbxs.vodia_tenants.yml; credentials in VODIA_USERNAME and VODIA_PASSWORD (a system administrator).
# One file, one inventory source: each option below is optional except plugin and pbxs.
plugin: vodia.pbx.tenants
pbxs:
  - name: pbx-nyc
    url: https://pbx-nyc.example.com
  - name: pbx-lon
    url: https://pbx-lon.example.com:8443
  - https://pbx-syd.example.com   # named pbx-syd.example.com, in group pbx_syd_example_com

# Only the customers' tenants; the default tenant of each PBX is left out.
include:
  - "*.customers.example.com"
exclude:
  - localhost

# A PBX that is down only warns; the other PBXs' tenants stay in the inventory.
on_pbx_error: warn

# Keep the tenant lists for an hour (the cache never holds credentials).
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: /var/cache/ansible/vodia
cache_timeout: 3600

# Groups by country code, a variable composed from what the PBX says, and a group by condition.
keyed_groups:
  - key: vodia_tenant.country
    prefix: country
compose:
  tenant_label: vodia_display_name ~ ' (' ~ vodia_pbx ~ ')'
groups:
  big_customers: vodia_domain in ['acme.customers.example.com', 'globex.customers.example.com']
'''

import fcntl
import os
import time

from ansible.errors import AnsibleParserError
from ansible.plugins.cache import BaseFileCacheModule
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.utils.unsafe_proxy import wrap_var

from ansible_collections.vodia.pbx.plugins.module_utils.connection import ConnectionSettings
from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaConfigError
from ansible_collections.vodia.pbx.plugins.module_utils.tenants import (
    ALL_TENANTS_GROUP, TenantList, check_parallel, check_settings, failure_message, host_name, host_safe, host_variables,
    longest_read_seconds, pbx_list, read_all, selected,
)

FILE_SUFFIXES = ('vodia_tenants.yml', 'vodia_tenants.yaml')
# ansible-core 2.19 and later template nothing an inventory plugin sets (it is not trusted); older cores template any
# string unless it is marked unsafe. Marking costs time on thousands of hosts, so it is done only where needed.
MARK_UNSAFE = not hasattr(BaseInventoryPlugin, 'trusted_by_default')
# How often a process that waits for another to fill the cache looks whether it may go on.
LOCK_POLL_SECONDS = 0.1


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = 'vodia.pbx.tenants'

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(FILE_SUFFIXES)

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        try:
            pbxs = pbx_list(self.get_option('pbxs'))
            settings = self._connection_settings()
            check_settings(pbxs, settings)
            check_parallel(self.get_option('parallel'))
        except VodiaConfigError as error:
            raise AnsibleParserError('%s: %s' % (path, error.message)) from None
        tenant_lists = self._tenant_lists(pbxs, settings, self.get_cache_key(path), cache)
        failures = [result for result in tenant_lists if result.error is not None]
        if failures and self.get_option('on_pbx_error') == 'fail':
            raise AnsibleParserError(' '.join(failure_message(result) for result in failures)
                                     + ' (Set on_pbx_error: warn to build the inventory from the other PBXs.)')
        for result in failures:
            self.display.warning(failure_message(result) + ' Its tenants are not in the inventory.')
        for result in tenant_lists:
            for warning in result.warnings:
                self.display.warning(warning)
            if result.error is None:
                self._add_pbx(result)

    def _connection_settings(self) -> ConnectionSettings:
        """The options every PBX is read with (the URL is each PBX's own); options and VODIA_* are resolved by Ansible."""
        for option in ('username', 'password'):
            if not self.get_option(option):
                raise VodiaConfigError('%s is required: set it in the inventory file or in VODIA_%s.' % (option, option.upper()))
        return ConnectionSettings(
            url='', username=self.get_option('username'), password=self.get_option('password'),
            validate_certs=self.get_option('validate_certs'), ca_path=self.get_option('ca_path'),
            timeout=self.get_option('timeout'), retries=self.get_option('retries'),
            max_concurrent_requests=self.get_option('max_concurrent_requests'),
            request_lock_dir=self.get_option('request_lock_dir'), request_lock_timeout=self.get_option('request_lock_timeout'))

    def _tenant_lists(self, pbxs, settings, cache_key, cache) -> list[TenantList]:
        """The tenant list of every PBX, from the cache where it has one (by URL) and it may be used, else from the PBX.

        The cache holds only what the PBXs said about their tenants, by URL: no option, no credential.
        """
        use_cache = bool(self.get_option('cache'))
        lock = self._lock_cache(cache_key, pbxs, settings) if use_cache else None
        try:
            cached = {}
            if use_cache and cache:
                try:
                    cached = self._cache[cache_key]
                except KeyError:
                    cached = {}
            to_read = [pbx for pbx in pbxs if pbx.url not in cached]
            self.display.vvv('vodia.pbx.tenants: %d PBXs from the cache, reading %d' % (len(pbxs) - len(to_read), len(to_read)))
            fresh = dict((result.pbx.url, result) for result in read_all(to_read, settings, self.get_option('parallel')))
            if use_cache and to_read:
                readable = dict((url, result.tenants) for url, result in fresh.items() if result.error is None)
                # A PBX that could not be read is not cached: the next run tries it again.
                self._cache[cache_key] = dict(cached if cache else {}, **readable)
                if lock is not None:
                    # Ansible writes the cache only after parse(); the processes waiting for the lock must find it now.
                    self.set_cache_plugin()
        finally:
            if lock is not None:
                lock.close()  # closing the file releases the lock
        return [fresh[pbx.url] if pbx.url in fresh else TenantList(pbx, tenants=cached[pbx.url]) for pbx in pbxs]

    def _lock_cache(self, cache_key, pbxs, settings):
        """An exclusive lock on this source's entry of a file cache (ansible.builtin.jsonfile, or another collection's
        cache plugin in files), held while it is read and filled, so that processes started side by side
        (ansible-playbook shards with one cache_connection) read each PBX once between them: the first one reads and
        fills the cache, the others wait and take it from there.

        None where the cache is not in files on this machine (memory, redis, ...): there is no directory to put the
        lock in, and a lock on this machine would not hold for a cache shared with other machines.
        """
        # ansible-core says nowhere else where a file cache lives; these attributes are the same from 2.16 to 2.21, and
        # without them the plugin reads as it did before the lock.
        plugin = getattr(self._cache, '_plugin', None)
        directory = getattr(plugin, '_cache_dir', None)
        if not isinstance(plugin, BaseFileCacheModule) or not directory:
            return None
        # A dot file: the file cache plugins leave those out of their keys, so --flush-cache and expiry ignore it.
        path = os.path.join(directory, '.%s.lock' % cache_key)
        try:
            handle = open(path, 'a+b')  # pylint: disable=consider-using-with
        except OSError as error:
            self.display.warning('vodia.pbx.tenants: cannot open the cache lock %s (%s); reading without it, so processes '
                                 'started side by side may each read the PBXs.' % (path, error.strerror))
            return None
        deadline = time.monotonic() + self._lock_wait_seconds(pbxs, settings)
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                return handle
            except BlockingIOError:
                if time.monotonic() > deadline:
                    handle.close()
                    self.display.warning('vodia.pbx.tenants: another process has held the cache lock %s for longer than '
                                         'reading the PBXs can take; reading them without it.' % path)
                    return None
                time.sleep(LOCK_POLL_SECONDS)
            except OSError as error:
                # A file system without locks (some network file systems): as without a lock.
                handle.close()
                self.display.vvv('vodia.pbx.tenants: cannot lock %s (%s); reading without the lock' % (path, error.strerror))
                return None

    def _lock_wait_seconds(self, pbxs, settings) -> float:
        """As long as the process that holds the cache lock may take to read every PBX, and a margin: a holder stuck
        longer than that is not waited for."""
        return longest_read_seconds(len(pbxs), self.get_option('parallel'), settings) + 30

    def _add_pbx(self, result: TenantList) -> None:
        include, exclude = self.get_option('include'), self.get_option('exclude')
        strict = self.get_option('strict')
        pbx = result.pbx
        self.inventory.add_group(ALL_TENANTS_GROUP)
        self.inventory.add_group(pbx.group)
        self.inventory.add_child(ALL_TENANTS_GROUP, pbx.group)
        for tenant in result.tenants:
            if not selected(tenant['name'], include, exclude):
                continue
            inventory_name = host_name(pbx, tenant)
            if host_safe(tenant['name']) != tenant['name']:
                self.display.v('vodia.pbx.tenants: tenant %r of PBX %s is the host %s: host patterns cannot hold its name as '
                               'it is; vodia_domain keeps the name' % (tenant['name'], pbx.name, inventory_name))
            host = self.inventory.add_host(inventory_name, group=pbx.group)
            # Everything a PBX sends is data, never a template, whatever it contains.
            variables = host_variables(pbx, tenant)
            if MARK_UNSAFE:
                variables = dict((name, wrap_var(value)) for name, value in variables.items())
            for name, value in variables.items():
                self.inventory.set_variable(host, name, value)
            self._set_composite_vars(self.get_option('compose'), variables, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option('groups'), variables, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option('keyed_groups'), variables, host, strict=strict)

    def __repr__(self):
        # The plugin holds its options, password included; a traceback or log line that prints it shows no more than this.
        return '<%s inventory plugin>' % self.NAME
