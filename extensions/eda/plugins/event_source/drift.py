# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""vodia.pbx.drift: an ansible-rulebook event source that compares Vodia PBX tenants with their desired state.

The comparison is the collection's (plugins/module_utils/drift.py); this file reads the desired state, opens the
connections, polls and puts events on the queue.
"""

from __future__ import annotations

import asyncio
import glob
import json
import logging
import math
import os
import sys
import tempfile

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import yaml

DOCUMENTATION = r'''
---
short_description: Report Vodia PBX tenants that drifted from their desired state
description:
  - An ansible-rulebook event source that polls Vodia PBX tenants and compares each with its desired state, the YAML
    files in O(desired_dir) in the form the P(vodia.pbx.hunt_groups_export#role) role writes (one file per inventory
    host, C(<host>.yml)).
  - It compares with the desired state on every poll, not with the previous poll, and emits one event per account
    that converging the tenant (the P(vodia.pbx.hunt_groups#role) role) would create, update or delete.
  - A drift is emitted once, again when its changes differ, and again after a poll that no longer found it. With
    O(state_file) that memory survives a restart, so a restart with nothing new emits nothing; without it, the memory
    lives in the process only, and after a restart the drift that still exists is emitted once more.
  - It only reads. A tenant in sync costs one list read per kind and one settings read per account the file names.
  - The password never appears in events or logs.
  - See docs/eda.md in the collection for the event, the rulebook and the decision environment.
options:
  desired_dir:
    description:
      - A directory of YAML files, one per inventory host, named C(<host>.yml) (or C(.yaml)), holding the variables of
        the P(vodia.pbx.hunt_groups#role) role, C(hunt_groups_domain), C(hunt_groups_list), and where present
        C(hunt_groups_call_queues), C(hunt_groups_service_flags) and the purge switches C(hunt_groups_purge),
        C(hunt_groups_call_queues_purge) and C(hunt_groups_service_flags_purge).
      - The files are read again on every poll, so a C(git pull) into the directory takes effect at the next poll.
    type: str
    required: true
  interval:
    description:
      - Seconds between the end of one poll and the start of the next. The first poll starts at once.
    type: float
    default: 300
  state_file:
    description:
      - A file that keeps what was reported across restarts. It holds digests of the events only (SHA-256 of the
        account and its changes), no names of accounts, no values and no secrets. It is written (a temporary file,
        then renamed over it) after each poll that changed what was reported, and read at start.
      - A missing file is an empty memory. A file that cannot be read or is not such a memory is logged once and
        ignored, and written anew after the next poll that changes the memory.
      - Unset or empty, the memory lives in the process only, and after a restart every drift that still exists is
        emitted once more.
      - In a decision environment, put it on a persistent volume; a path inside the container is lost with it.
    type: str
  purge:
    description:
      - Whether an account of a kind that a file lists (its C(hunt_groups_list), C(hunt_groups_call_queues) or
        C(hunt_groups_service_flags)) but does not name is drift (C(deleted)), for every file whose purge switch of that
        kind (C(hunt_groups_purge), C(hunt_groups_call_queues_purge), C(hunt_groups_service_flags_purge)) is unset. A
        switch that the file sets wins.
      - The files of the P(vodia.pbx.hunt_groups_export#role) role set no purge switches, so with the default V(false)
        an account created by hand in the web interface is no drift. Set V(true) to report such accounts.
      - With V(true), an empty list of a kind makes every account of that kind drift.
    type: bool
    default: false
  url:
    description:
      - The PBX of every file that names none (see O(pbxs)). Also C(VODIA_URL).
      - With O(url) alone, without O(pbxs), the source watches a single PBX.
    type: str
  pbxs:
    description:
      - The PBXs of tenant hosts, as the P(vodia.pbx.tenants#inventory) inventory plugin takes them, items with C(url)
        and an optional C(name), or plain URLs. A file named C(<tenant>@<pbx name>.yml) (the host names of that
        plugin) is compared with the PBX of that name.
      - A file's own C(hunt_groups_url) or C(vodia_url) comes first, then O(pbxs), then O(url).
    type: list
    elements: raw
  username:
    description: The PBX user, for every PBX. Also C(VODIA_USERNAME).
    type: str
    required: true
  password:
    description: Its password. Also C(VODIA_PASSWORD).
    type: str
    required: true
  validate_certs:
    description: Whether to verify the PBX's TLS certificate. Also C(VODIA_VALIDATE_CERTS).
    type: bool
    default: true
  ca_path:
    description: The PEM file of the certificate authority of the PBXs. Also C(VODIA_CA_PATH).
    type: str
  timeout:
    description: Seconds to wait for a PBX's answer. Also C(VODIA_TIMEOUT).
    type: int
    default: 30
  retries:
    description: Retries of a request after a dropped connection or a "try again" answer. Also C(VODIA_RETRIES).
    type: int
    default: 3
  max_concurrent_requests:
    description:
      - At most this many requests at once to one PBX from every process of this machine, the modules' limit
        (docs/pbx-load.md). Also C(VODIA_MAX_CONCURRENT_REQUESTS).
    type: int
  request_lock_dir:
    description: Where the limit's lock files are. Also C(VODIA_REQUEST_LOCK_DIR).
    type: str
  request_lock_timeout:
    description: Seconds to wait for a request slot. Also C(VODIA_REQUEST_LOCK_TIMEOUT).
    type: int
    default: 300
  parallel:
    description: Reads at once within one tenant, against a PBX that answers slowly (1 to 16), as the modules' C(parallel).
    type: int
    default: 4
  tenants_at_once:
    description: Tenants compared at once.
    type: int
    default: 4
'''

EXAMPLES = r'''
- name: Watch every tenant for drift
  hosts: all
  sources:
    - vodia.pbx.drift:
        desired_dir: /srv/pbx-desired/tenants
        interval: 300
        pbxs:
          - name: pbx-nyc
            url: https://pbx-nyc.example.com
        max_concurrent_requests: 2
        state_file: /var/lib/vodia-drift/state.json
        purge: true
  rules:
    - name: Check the tenant that drifted
      condition: event.vodia_drift is defined
      throttle:
        once_after: 10 minutes
        group_by_attributes:
          - event.vodia_drift.pbx
          - event.vodia_drift.tenant
      action:
        run_job_template:
          name: PBX check
          organization: Default
          job_args:
            limit: "{{ event.meta.hosts }}"
'''


def _put_collection_on_path() -> None:
    """ansible-rulebook runs this file with runpy from the installed collection, .../ansible_collections/vodia/pbx/
    extensions/eda/plugins/event_source/drift.py, but does not make the collection importable as Ansible's loader does
    for modules and plugins. The comparison lives in the collection's module_utils, not in a copy here, so the
    directory that holds ansible_collections goes on sys.path. Only when the collection is not importable already: a
    decision environment (or a test) that has it on the path keeps the copy it chose. The package
    ansible_collections is a namespace package, so it extends to a new path entry even if another directory (the
    ansible package's collections) provided it first."""
    try:
        import ansible_collections.vodia.pbx.plugins.module_utils.drift  # noqa: F401  pylint: disable=unused-import
        return
    except ImportError:
        pass
    here = os.path.dirname(os.path.abspath(__file__))
    while os.path.dirname(here) != here:
        if os.path.basename(here) == 'ansible_collections':
            sys.path.insert(0, os.path.dirname(here))
            return
        here = os.path.dirname(here)


_put_collection_on_path()

# pylint: disable=wrong-import-position
from ansible_collections.vodia.pbx.plugins.module_utils import drift  # noqa: E402
from ansible_collections.vodia.pbx.plugins.module_utils.connection import (  # noqa: E402
    CONNECTION_ENVIRONMENT, ConnectionSettings, parse_base_url)
from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaError, VodiaInputError  # noqa: E402
from ansible_collections.vodia.pbx.plugins.module_utils.fields import validate_identifier  # noqa: E402
from ansible_collections.vodia.pbx.plugins.module_utils.operations import checked_parallel  # noqa: E402
from ansible_collections.vodia.pbx.plugins.module_utils.pbx_limit import DEFAULT_WAIT_SECONDS  # noqa: E402
from ansible_collections.vodia.pbx.plugins.module_utils.tenants import pbx_list  # noqa: E402
from ansible_collections.vodia.pbx.plugins.module_utils.vodia_api import VodiaApi  # noqa: E402
# pylint: enable=wrong-import-position

LOGGER = logging.getLogger('vodia.pbx.drift')

DEFAULT_INTERVAL = 300.0
# The variables of a desired-state file that name its PBX, first found wins (those of the hunt_groups role).
URL_VARIABLES = ('hunt_groups_url', 'vodia_url')
DOMAIN_VARIABLES = ('hunt_groups_domain', 'vodia_domain')


@dataclass(frozen=True)
class Target:
    """One inventory host to watch: its tenant on its PBX, and its desired state."""
    host: str
    url: str
    domain: str
    desired: tuple


@dataclass(frozen=True)
class Settings:
    """The source's arguments, checked."""
    desired_dir: str
    interval: float
    connection: ConnectionSettings
    default_url: str | None
    pbx_urls: dict
    parallel: int
    tenants_at_once: int
    state_file: str | None = None
    purge: bool = False


def _argument(args: dict, name: str, default=None):
    value = args.get(name)
    if value is None and name in CONNECTION_ENVIRONMENT:
        value = os.environ.get(CONNECTION_ENVIRONMENT[name]) or None
    return default if value is None else value


def _integer(name: str, value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not str(value).strip().lstrip('-').isdigit():
        raise ValueError('vodia.pbx.drift: %s must be a whole number; got %r.' % (name, value))
    return int(value)


def settings_from(args: dict) -> Settings:
    """The arguments, with the VODIA_* environment for those not given; ValueError says what is wrong."""
    desired_dir = args.get('desired_dir')
    if not desired_dir or not os.path.isdir(str(desired_dir)):
        raise ValueError('vodia.pbx.drift: desired_dir must be a directory of desired-state files; got %r.' % (desired_dir,))
    try:
        interval = float(_argument(args, 'interval', DEFAULT_INTERVAL))
    except (TypeError, ValueError):
        raise ValueError('vodia.pbx.drift: interval must be a number of seconds; got %r.' % (args.get('interval'),)) from None
    if not math.isfinite(interval) or interval <= 0:
        raise ValueError('vodia.pbx.drift: interval must be more than 0 seconds; got %r.' % (interval,))
    username, password = _argument(args, 'username'), _argument(args, 'password')
    if not username or not password:
        raise ValueError('vodia.pbx.drift: set username and password (or VODIA_USERNAME and VODIA_PASSWORD).')
    try:
        validate_certs = drift.as_boolean('validate_certs', _argument(args, 'validate_certs', True))
        connection = ConnectionSettings(
            url='', username=str(username), password=str(password), validate_certs=validate_certs,
            ca_path=_argument(args, 'ca_path'), timeout=_integer('timeout', _argument(args, 'timeout', 30)),
            retries=_integer('retries', _argument(args, 'retries', 3)),
            max_concurrent_requests=_integer('max_concurrent_requests', _argument(args, 'max_concurrent_requests')),
            request_lock_dir=_argument(args, 'request_lock_dir'),
            request_lock_timeout=_integer('request_lock_timeout', _argument(args, 'request_lock_timeout', DEFAULT_WAIT_SECONDS)))
        default_url = _argument(args, 'url')
        if default_url:
            default_url = parse_base_url(str(default_url))
        # pbx_list refuses an empty list (the inventory needs PBXs); here pbxs is optional: url serves a single PBX.
        pbx_urls = dict((pbx.name, pbx.url) for pbx in pbx_list(args['pbxs'])) if args.get('pbxs') else {}
        purge = drift.as_boolean('purge', args.get('purge', False))
        parallel = checked_parallel(_integer('parallel', args.get('parallel', 4)))
    except VodiaError as error:
        raise ValueError('vodia.pbx.drift: %s' % error.message) from None
    tenants_at_once = _integer('tenants_at_once', args.get('tenants_at_once', 4))
    if tenants_at_once < 1:
        raise ValueError('vodia.pbx.drift: tenants_at_once must be at least 1; got %d.' % tenants_at_once)
    state_file = args.get('state_file') or None
    if state_file is not None and not isinstance(state_file, str):
        raise ValueError('vodia.pbx.drift: state_file must be a path; got %r.' % (state_file,))
    return Settings(str(desired_dir), interval, connection, default_url, pbx_urls, parallel, tenants_at_once, state_file, purge)


def read_targets(settings: Settings) -> tuple[list[Target], dict]:
    """The hosts of the desired-state files, and for each file that cannot be used, its host and why."""
    targets, problems = [], {}
    paths = sorted(glob.glob(os.path.join(settings.desired_dir, '*.yml')) + glob.glob(os.path.join(settings.desired_dir, '*.yaml')))
    for path in paths:
        host = os.path.splitext(os.path.basename(path))[0]
        try:
            targets.append(_target(settings, host, path))
        except (OSError, UnicodeError, yaml.YAMLError) as error:
            problems[host] = 'cannot read %s: %s' % (path, error)
        except VodiaError as error:
            problems[host] = '%s: %s' % (path, error.message)
        except Exception as error:  # pylint: disable=broad-exception-caught
            # One file that the checks did not foresee must not end the watch of every other.
            problems[host] = '%s: unexpected %s: %s' % (path, type(error).__name__, error)
    return targets, problems


def _target(settings: Settings, host: str, path: str) -> Target:
    with open(path, encoding='utf-8') as handle:
        variables = yaml.safe_load(handle)
    if not isinstance(variables, dict):
        raise VodiaInputError('the file must hold a mapping of the hunt_groups role\'s variables.')
    domain = next((variables[name] for name in DOMAIN_VARIABLES if variables.get(name)), None)
    domain = validate_identifier('hunt_groups_domain (the tenant)', domain)
    url = next((variables[name] for name in URL_VARIABLES if variables.get(name)), None)
    if url is None and '@' in host:
        url = settings.pbx_urls.get(host.rpartition('@')[2])
    if url is None:
        url = settings.default_url
    if url is None:
        raise VodiaInputError(
            'no PBX for host %s: set hunt_groups_url in the file, name the file <tenant>@<pbx name>.yml after a PBX of '
            'pbxs, or give url (VODIA_URL).' % host)
    return Target(host, parse_base_url(str(url)), domain, tuple(drift.desired_state(variables, settings.purge)))


def read_state(path: str) -> drift.DriftMemory:
    """The memory of a state file; an empty one for a missing file. OSError, ValueError or VodiaInputError otherwise."""
    try:
        with open(path, encoding='utf-8') as handle:
            data = json.load(handle)
    except FileNotFoundError:
        return drift.DriftMemory()
    return drift.DriftMemory.from_data(data)


def write_state(path: str, memory: drift.DriftMemory) -> None:
    """Write the memory atomically: a temporary file beside the state file, renamed over it, so that a crash leaves the
    old file or the new one, never half of one."""
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), dir=directory)
    try:
        with os.fdopen(handle, 'w', encoding='utf-8') as output:
            json.dump(memory.as_data(), output)
            output.flush()
            os.fsync(output.fileno())
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


class Watch:
    """The polls of one source: the connections, and the drift reported so far (drift.DriftMemory)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._logged: dict = {}
        self.memory = drift.DriftMemory()
        if settings.state_file:
            try:
                self.memory = read_state(settings.state_file)
            except (OSError, ValueError, VodiaError) as error:
                message = error.message if isinstance(error, VodiaError) else str(error)
                LOGGER.warning('vodia.pbx.drift: state_file %s ignored, every drift that exists is news: %s',
                               settings.state_file, message)

    def _log_once(self, key: str, level: int, message: str) -> None:
        """A problem is logged when it appears or changes, not on every poll."""
        if self._logged.get(key) != message:
            self._logged[key] = message
            LOGGER.log(level, message)

    def _resolved(self, key: str) -> None:
        self._logged.pop(key, None)

    def compare(self, target: Target, transports: dict) -> list:
        api = VodiaApi(transports[target.url])
        return drift.tenant_drift(api, target.domain, list(target.desired), self.settings.parallel)

    def _transports(self, targets: list[Target]) -> dict:
        transports = {}
        for url in sorted(set(target.url for target in targets)):
            try:
                transport, warnings = replace(self.settings.connection, url=url).open()
            except VodiaError as error:
                self._log_once('pbx ' + url, logging.ERROR, 'vodia.pbx.drift: PBX %s: %s' % (url, error.message))
                continue
            # Opened: a later failure is a relapse, logged again.
            self._resolved('pbx ' + url)
            for warning in warnings:
                self._log_once('warning ' + url, logging.WARNING, 'vodia.pbx.drift: %s' % warning)
            if not warnings:
                self._resolved('warning ' + url)
            transports[url] = transport
        return transports

    async def poll(self, queue: asyncio.Queue, pool: ThreadPoolExecutor) -> int:
        """Compare every host with its desired state once; put the news on the queue. Returns the events put."""
        loop = asyncio.get_running_loop()
        targets, problems = await loop.run_in_executor(pool, read_targets, self.settings)
        for host, problem in problems.items():
            self._log_once('file ' + host, logging.ERROR, 'vodia.pbx.drift: host %s skipped, %s' % (host, problem))
        for target in targets:
            # Read cleanly: when the file breaks again, that is logged again.
            self._resolved('file ' + target.host)
        # A host whose file cannot be read keeps its memory: its drift is not news when the file is mended.
        self.memory.keep_only([target.host for target in targets] + list(problems))
        transports = self._transports(targets)
        targets = [target for target in targets if target.url in transports]
        sent = 0
        try:
            pending = [loop.run_in_executor(pool, self._compare_logged, target, transports) for target in targets]
            for target, future in zip(targets, pending):
                found = await future
                if found is None:
                    continue  # a failed poll: what was reported stays reported
                for item in self.memory.news(target.host, found):
                    await queue.put(event(target, item))
                    sent += 1
        finally:
            for transport in transports.values():
                transport.close()
            self._save()
        return sent

    def _save(self) -> None:
        """Write the memory to the state file if it changed since it was written last. After the events were put: a
        crash in between makes them news again after the restart (reported twice, never lost)."""
        if not self.settings.state_file or not self.memory.changed:
            return
        try:
            write_state(self.settings.state_file, self.memory)
        except OSError as error:
            self._log_once('state file', logging.ERROR, 'vodia.pbx.drift: cannot write state_file %s: %s'
                           % (self.settings.state_file, error))
            return
        self.memory.changed = False
        self._resolved('state file')

    def _compare_logged(self, target: Target, transports: dict):
        try:
            found = self.compare(target, transports)
        except VodiaError as error:
            self._log_once('host ' + target.host, logging.WARNING, 'vodia.pbx.drift: host %s (tenant %s on %s) not compared: %s'
                           % (target.host, target.domain, target.url, error.message))
            return None
        except Exception as error:  # pylint: disable=broad-exception-caught
            # A watch runs for months: one tenant's unexpected failure must not end the source, and with it every rule.
            self._log_once('host ' + target.host, logging.ERROR, 'vodia.pbx.drift: host %s (tenant %s on %s) not compared, '
                           'unexpected %s: %s' % (target.host, target.domain, target.url, type(error).__name__, error))
            return None
        self._resolved('host ' + target.host)
        return found


def event(target: Target, item) -> dict:
    """The event of one drifted account."""
    body = {'pbx': target.url, 'tenant': target.domain}
    body.update(item.as_dict())
    return {'vodia_drift': body, 'meta': {'hosts': target.host}}


async def main(queue: asyncio.Queue, args: dict[str, Any]) -> None:
    """Poll for ever: compare every host of desired_dir with its PBX tenant, put one event per new drift."""
    settings = settings_from(args)
    watch = Watch(settings)
    # The comparisons are blocking HTTP reads: they run in threads, the event loop stays free.
    pool = ThreadPoolExecutor(max_workers=settings.tenants_at_once, thread_name_prefix='vodia-drift')
    try:
        while True:
            await watch.poll(queue, pool)
            await asyncio.sleep(settings.interval)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


if __name__ == '__main__':
    # Print the events instead of queueing them: python drift.py DESIRED_DIR (credentials from VODIA_*).

    class PrintQueue(asyncio.Queue):
        async def put(self, item):
            print(item)

    asyncio.run(main(PrintQueue(), {'desired_dir': sys.argv[1], 'interval': float(sys.argv[2]) if len(sys.argv) > 2 else 60}))
