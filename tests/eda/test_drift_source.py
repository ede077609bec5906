# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The vodia.pbx.drift event source (extensions/eda) against two simulated PBXs: its main() is called with an
asyncio.Queue and a short interval, as ansible-rulebook calls it, from the collection tree in VODIA_COLLECTIONS_PATH
(the source puts that tree on sys.path itself, as it must when ansible-rulebook runs it from an installed collection).

Out-of-band changes are made through the PBX's REST API by the tenant administrators (admin@localhost, ...), so that the
journal tells them from the source's requests, which the system administrator makes.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import runpy
import shutil
import time

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import yaml

from pbxsim import seed

USERNAME = 'admin'
SECRET = 'Drift-Watch-Secret-5e2b90'
INTERVAL = 0.3
# The waits are counted in polls, which the simulators' journals show (each poll lists the hunt groups of every
# tenant once), not in seconds: a poll takes longer on a busy 2-core machine, and a test timed in seconds would fail
# there for no fault of the source. TIMEOUT only ends a test whose source stopped polling.
POLLS_IN_TWO_INTERVALS = 2
TIMEOUT = 60
PBX_NAMES = ('pbx-a', 'pbx-b')
# Above engine.SLOW_ANSWER_SECONDS (0.04 s): the source's reads of one PBX go parallel.
SLOW_LATENCY_MS = 60


@pytest.fixture(scope='module')
def source(collections_path):
    """The source's namespace, run from the collection tree as ansible-rulebook runs it (runpy)."""
    return runpy.run_path(os.path.join(collections_path, 'ansible_collections', 'vodia', 'pbx', 'extensions', 'eda',
                                       'plugins', 'event_source', 'drift.py'))


def export(source, url, domain):
    """What the hunt_groups_export role writes for a tenant: its three kinds in the export form of the info modules."""
    # Imported here: the source has put the collection tree on sys.path.
    from ansible_collections.vodia.pbx.plugins.module_utils.connection import ConnectionSettings  # pylint: disable=import-outside-toplevel
    from ansible_collections.vodia.pbx.plugins.module_utils.kinds import KINDS  # pylint: disable=import-outside-toplevel
    from ansible_collections.vodia.pbx.plugins.module_utils.operations import read_accounts  # pylint: disable=import-outside-toplevel
    assert source['main']
    transport, _warnings = ConnectionSettings(url=url, username=USERNAME, password=SECRET).open()
    try:
        read = dict((kind.results_key, read_accounts(kind, {'domain': domain, 'name': None, 'parallel': 1, 'form': 'export'},
                                                     None, transport).result[kind.results_key]) for kind in KINDS)
    finally:
        transport.close()
    return {'hunt_groups_domain': domain, 'hunt_groups_list': read['hunt_groups'],
            'hunt_groups_call_queues': read['call_queues'], 'hunt_groups_service_flags': read['service_flags']}


def write(directory, host, variables):
    with open(os.path.join(directory, host + '.yml'), 'w', encoding='utf-8') as handle:
        handle.write('---\n' + yaml.safe_dump(variables, sort_keys=False))


@pytest.fixture
def desired_dir(source, pbxs, tmp_path):
    """Three hosts in sync: localhost on pbx-a (by its tenant host name, with purge), branch.example.com on pbx-b, and
    localhost on pbx-b named by hunt_groups_url in a file of a plain host name."""
    pbxs.reset_all()
    directory = tmp_path / 'desired'
    directory.mkdir()
    localhost_a = dict(export(source, pbxs.urls[0], 'localhost'), hunt_groups_purge=True)
    write(directory, 'localhost@pbx-a', localhost_a)
    write(directory, 'branch.example.com@pbx-b', export(source, pbxs.urls[1], 'branch.example.com'))
    write(directory, 'office-b', {'hunt_groups_url': pbxs.urls[1], 'hunt_groups_domain': 'localhost',
                                  'hunt_groups_list': [{'name': '1003', 'display_name': 'Hunt_2'}]})
    return str(directory)


def arguments(pbxs, directory, **extra):
    return dict({'desired_dir': directory, 'interval': INTERVAL, 'username': USERNAME, 'password': SECRET,
                 'pbxs': [{'name': name, 'url': url} for name, url in zip(PBX_NAMES, pbxs.urls)]}, **extra)


def by_hand(pbxs, index, method, path, body=None):
    """An out-of-band change, by the tenant's administrator."""
    admin = seed.BRANCH_ADMIN if '/branch.example.com/' in path else seed.TENANT_ADMIN
    answer = requests.request(method, pbxs.urls[index] + path, json=body, auth=admin, timeout=10)
    answer.raise_for_status()


def writes_by_the_source(pbxs, since):
    """The requests other than reads that the system administrator (the source) sent since the given journal seqs."""
    found = []
    for index, seq in enumerate(since):
        _status, journal = pbxs.control('GET', '/_sim/journal?since=%d' % seq, index=index)
        found += [entry for entry in journal['entries'] if entry['user'] == USERNAME and entry['method'] != 'GET']
    return found


def journal_marks(pbxs):
    return [pbxs.control('GET', '/_sim/journal', index=index)[1]['last_seq'] for index in range(len(PBX_NAMES))]


def polls_started(pbxs, index=0, domain='localhost'):
    """How many polls of the source have begun on tenant ``domain`` of PBX ``index``: its hunt group list reads."""
    _status, journal = pbxs.control('GET', '/_sim/journal', index=index)
    return len([entry for entry in journal['entries'] if entry['user'] == USERNAME and entry['method'] == 'GET'
                and entry['path'] == '/rest/domain/%s/hunts' % domain])


class Running:
    """One main() of the source, as ansible-rulebook runs it: a task that puts events on a queue. ``pbxs`` and
    ``index`` say where its polls are counted."""

    def __init__(self, source, args, pbxs, index=0):
        self.queue = asyncio.Queue()
        self.task = asyncio.create_task(source['main'](self.queue, args))
        self.pbxs, self.index = pbxs, index
        self.seen = []

    async def during_polls(self, polls=2):
        """The events of the next ``polls`` whole polls: those put until the poll after them has begun (a poll puts its
        events before the next one starts)."""
        wanted = polls_started(self.pbxs, self.index) + polls + 1
        found, deadline = [], time.monotonic() + TIMEOUT
        while polls_started(self.pbxs, self.index) < wanted:
            assert time.monotonic() < deadline, 'the source stopped polling'
            assert not self.task.done(), self.task.exception()
            try:
                found.append(await asyncio.wait_for(self.queue.get(), INTERVAL / 3))
            except asyncio.TimeoutError:
                pass
        while not self.queue.empty():
            found.append(self.queue.get_nowait())
        self.seen += found
        return found

    async def first(self):
        """The next event, and how many polls began after the call until it came: at most POLLS_IN_TWO_INTERVALS for
        an event within two intervals of a change made before the call."""
        before = polls_started(self.pbxs, self.index)
        found = await asyncio.wait_for(self.queue.get(), TIMEOUT)
        self.seen.append(found)
        return found, polls_started(self.pbxs, self.index) - before

    async def stop(self):
        self.task.cancel()
        try:
            await self.task
        except asyncio.CancelledError:
            pass


async def one_poll(source, args):
    """The events of one poll of a Watch (the source's poller), every thread of it done on return."""
    watch, queue = source['Watch'](source['settings_from'](args)), asyncio.Queue()
    pool = ThreadPoolExecutor(max_workers=4)
    try:
        await watch.poll(queue, pool)
    finally:
        pool.shutdown(wait=True)
    return [queue.get_nowait() for _index in range(queue.qsize())]


def drift_of(found):
    return [event['vodia_drift'] for event in found]


def test_one_event_per_drift_none_after_a_restart_with_nothing_new_and_never_a_write(
        source, pbxs, desired_dir, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    marks = journal_marks(pbxs)
    state_file = str(tmp_path / 'state' / 'drift.json')
    os.mkdir(os.path.dirname(state_file))
    remembering = arguments(pbxs, desired_dir, state_file=state_file)

    async def scenario():
        watch = Running(source, remembering, pbxs)
        # (1) In sync: nothing.
        assert await watch.during_polls() == []
        # (2) A hunt group changed by hand: one event, within two intervals (two polls, however long they take).
        by_hand(pbxs, 0, 'POST', '/rest/domain/localhost/user_settings/1003', {'display': 'Changed by hand'})
        event, polls = await watch.first()
        assert event == {
            'vodia_drift': {'pbx': pbxs.urls[0], 'tenant': 'localhost', 'kind': 'hunt group', 'name': '1003',
                            'action': 'updated', 'changes': {'display_name': {'before': 'Changed by hand', 'after': 'Hunt_2'}}},
            'meta': {'hosts': 'localhost@pbx-a'}}
        assert polls <= POLLS_IN_TWO_INTERVALS
        # (3) Unchanged: no repeat.
        assert await watch.during_polls() == []
        await watch.stop()

        # (4) A restart with nothing new: nothing, since the state file remembers what was reported.
        restarted = Running(source, remembering, pbxs)
        assert await restarted.during_polls(3) == []

        # (5) A second change of the same hunt group: one event with the new before value.
        by_hand(pbxs, 0, 'POST', '/rest/domain/localhost/user_settings/1003', {'display': 'Changed again'})
        second, polls = await restarted.first()
        assert polls <= POLLS_IN_TWO_INTERVALS
        assert drift_of([second]) == [dict(event['vodia_drift'], changes={
            'display_name': {'before': 'Changed again', 'after': 'Hunt_2'}})]
        # Another tenant of the same name on the other PBX (office-b) is its own host.
        by_hand(pbxs, 1, 'POST', '/rest/domain/localhost/user_settings/1003', {'display': 'On B'})
        third, _polls = await restarted.first()
        assert third['meta'] == {'hosts': 'office-b'} and third['vodia_drift']['pbx'] == pbxs.urls[1]
        assert await restarted.during_polls() == []
        await restarted.stop()

        # (6) A drift resolved while the source was stopped, and back after the restart, is news.
        by_hand(pbxs, 0, 'POST', '/rest/domain/localhost/user_settings/1003', {'display': 'Hunt_2'})
        third_start = Running(source, remembering, pbxs)
        assert await third_start.during_polls(1) == []
        by_hand(pbxs, 0, 'POST', '/rest/domain/localhost/user_settings/1003', {'display': 'Changed again'})
        back, _polls = await third_start.first()
        assert back == second
        await third_start.stop()

        # (7) Without a state file, a restart emits the drift that still exists once more, and only once.
        forgetting = Running(source, arguments(pbxs, desired_dir), pbxs)
        assert sorted(drift_of(await forgetting.during_polls(2)), key=str) == sorted(drift_of([second, third]), key=str)
        await forgetting.stop()
        return watch.seen + restarted.seen + third_start.seen + forgetting.seen

    seen = asyncio.run(scenario())
    assert len(seen) == 6
    # The state file holds digests, no names and no values.
    with open(state_file, encoding='utf-8') as handle:
        state = json.load(handle)
    assert sorted(state['hosts']) == ['localhost@pbx-a', 'office-b']
    assert [len(digest) for digest in state['hosts']['localhost@pbx-a']] == [64]
    assert not any(text in json.dumps(state) for text in ('Changed', 'Hunt_2', 'On B', SECRET))
    assert os.listdir(os.path.dirname(state_file)) == ['drift.json']
    # (8) The source never wrote: every write in the journals is one of the three by hand, by the tenant administrator.
    assert writes_by_the_source(pbxs, marks) == []
    # (9) The password is in no event and no log line.
    assert SECRET not in json.dumps(seen)
    assert SECRET not in caplog.text


def peaks_in_flight(pbxs):
    """The most requests each PBX had in flight at once since the last call."""
    peaks = [pbxs.control('GET', '/_sim/load', index=index)[1]['peak_in_flight'] for index in range(len(PBX_NAMES))]
    for index in range(len(PBX_NAMES)):
        pbxs.control('DELETE', '/_sim/load', index=index)
    return peaks


def answer_fast(pbxs):
    for index in range(len(PBX_NAMES)):
        pbxs.control('DELETE', '/_sim/faults', index=index)


def test_a_missing_account_is_created_an_extra_one_deleted_and_drift_that_comes_back_is_news(source, pbxs, desired_dir,
                                                                                             tmp_path):
    # Two tenants on each PBX, which answers slower than engine.SLOW_ANSWER_SECONDS: the source reads in parallel
    # (tenants at once, and the accounts of one tenant), so that the limit below has something to limit.
    write(desired_dir, 'branch.example.com@pbx-a', export(source, pbxs.urls[0], 'branch.example.com'))
    for index in range(len(PBX_NAMES)):
        pbxs.control('POST', '/_sim/faults', {'latency_ms': SLOW_LATENCY_MS}, index=index)

    async def scenario():
        # The control: without a limit, more than one request at a time reaches each PBX (one whole poll, whose
        # threads are done before the limited watch starts).
        peaks_in_flight(pbxs)
        assert await one_poll(source, arguments(pbxs, desired_dir)) == []
        control = peaks_in_flight(pbxs)
        # With the per-PBX limit of the modules: one request at a time to each PBX, however many tenants it has.
        watch = Running(source, arguments(pbxs, desired_dir, max_concurrent_requests=1,
                                          request_lock_dir=str(tmp_path / 'locks')), pbxs)
        assert await watch.during_polls() == []
        # Read before the changes by hand below, whose requests the simulators count too. Then fast answers again.
        limited = peaks_in_flight(pbxs)
        answer_fast(pbxs)
        by_hand(pbxs, 0, 'DELETE', '/rest/domain/localhost/addacc/1004')
        created, _polls = await watch.first()
        # An extra hunt group in a tenant with purge: deleted, by its name in the list alone.
        by_hand(pbxs, 0, 'POST', '/rest/domain/localhost/addacc', {'type': 'hunts', 'account': '1999'})
        deleted, _polls = await watch.first()
        assert await watch.during_polls() == []
        # Resolved: nothing; back again: news again.
        by_hand(pbxs, 0, 'DELETE', '/rest/domain/localhost/addacc/1999')
        assert await watch.during_polls() == []
        by_hand(pbxs, 0, 'POST', '/rest/domain/localhost/addacc', {'type': 'hunts', 'account': '1999'})
        back, _polls = await watch.first()
        await watch.stop()
        return control, limited, created, deleted, back

    try:
        control, limited, created, deleted, back = asyncio.run(scenario())
    finally:
        answer_fast(pbxs)
    assert min(control) > 1 and limited == [1, 1], (control, limited)
    assert created['vodia_drift']['action'] == 'created' and created['vodia_drift']['name'] == '1004'
    assert created['vodia_drift']['changes']['display_name'] == {'before': '', 'after': 'Hunt_3'}
    assert deleted['vodia_drift'] == {'pbx': pbxs.urls[0], 'tenant': 'localhost', 'kind': 'hunt group', 'name': '1999',
                                      'action': 'deleted', 'changes': {}}
    assert back == deleted


def test_a_file_that_cannot_be_used_is_logged_once_and_the_others_are_watched(source, pbxs, desired_dir, caplog):
    caplog.set_level(logging.INFO)
    write(desired_dir, 'broken@pbx-a', {'hunt_groups_domain': 'localhost',
                                        'hunt_groups_list': [{'name': '1003', 'colour': 'red'}]})
    write(desired_dir, 'nowhere@pbx-z', {'hunt_groups_domain': 'localhost', 'hunt_groups_list': []})
    # A shape the modules' argument spec would refuse (extensions is a list): an error of this file only.
    write(desired_dir, 'stages@pbx-a', {'hunt_groups_domain': 'localhost',
                                        'hunt_groups_list': [{'name': '1003', 'stages': [{'extensions': 444, 'duration': 10}]}]})

    async def scenario():
        watch = Running(source, arguments(pbxs, desired_dir), pbxs, index=1)
        by_hand(pbxs, 1, 'POST', '/rest/domain/branch.example.com/user_settings/2100', {'st1_dur': '25'})
        found = await watch.during_polls()
        await watch.stop()
        return found

    found = asyncio.run(scenario())
    assert drift_of(found) == [{'pbx': pbxs.urls[1], 'tenant': 'branch.example.com', 'kind': 'hunt group', 'name': '2100',
                                'action': 'updated', 'changes': {'stages': {
                                    'before': [{'extensions': ['201', '202'], 'duration': 25}],
                                    'after': [{'extensions': ['201', '202'], 'duration': 10}]}}}]
    messages = [record.getMessage() for record in caplog.records]
    assert len([text for text in messages if 'broken@pbx-a skipped' in text and 'colour' in text]) == 1
    assert len([text for text in messages if 'nowhere@pbx-z skipped' in text and 'no PBX' in text]) == 1
    assert len([text for text in messages if 'stages@pbx-a skipped' in text and 'stages@pbx-a.yml: hunt_groups_list: '
                'hunt_groups item 1 (1003): stages item 1 extensions must be a list' in text]) == 1, messages


def test_a_single_pbx_by_url_alone_and_accounts_made_by_hand_with_purge(source, pbxs, tmp_path):
    """The single-PBX setup: no pbxs, url (VODIA_URL) for every file. With purge, an account that an export without purge
    switches does not name is drift."""
    pbxs.reset_all()
    directory = tmp_path / 'desired'
    directory.mkdir()
    write(directory, 'office', export(source, pbxs.urls[0], 'localhost'))
    args = {'desired_dir': str(directory), 'interval': INTERVAL, 'username': USERNAME, 'password': SECRET,
            'url': pbxs.urls[0], 'purge': True}

    async def scenario():
        watch = Running(source, args, pbxs)
        assert await watch.during_polls(1) == []
        by_hand(pbxs, 0, 'POST', '/rest/domain/localhost/addacc', {'type': 'hunts', 'account': '1999'})
        by_hand(pbxs, 0, 'POST', '/rest/domain/localhost/addacc', {'type': 'srvflags', 'account': '899'})
        found = await watch.during_polls(POLLS_IN_TWO_INTERVALS)
        await watch.stop()
        return found

    assert sorted(drift_of(asyncio.run(scenario())), key=str) == [
        {'pbx': pbxs.urls[0], 'tenant': 'localhost', 'kind': kind, 'name': name, 'action': 'deleted', 'changes': {}}
        for kind, name in (('hunt group', '1999'), ('service flag', '899'))]


def test_a_problem_that_comes_back_after_a_clean_poll_is_logged_again(source, pbxs, desired_dir, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    locks = tmp_path / 'locks'
    settings = source['settings_from'](arguments(pbxs, desired_dir, max_concurrent_requests=4, request_lock_dir=str(locks)))
    broken = {'hunt_groups_domain': 'localhost', 'hunt_groups_list': [{'name': '1003', 'colour': 'red'}]}

    def break_all():
        shutil.rmtree(locks, ignore_errors=True)
        locks.write_text('a file where the lock directory should be')
        write(desired_dir, 'broken@pbx-a', broken)

    def mend_all():
        locks.unlink()
        write(desired_dir, 'broken@pbx-a', dict(broken, hunt_groups_list=[]))

    async def scenario():
        watch, queue = source['Watch'](settings), asyncio.Queue()
        pool = ThreadPoolExecutor(max_workers=2)
        try:
            for step in (break_all, None, mend_all, break_all, None):
                if step:
                    step()
                await watch.poll(queue, pool)
        finally:
            pool.shutdown(wait=True)

    asyncio.run(scenario())
    messages = [record.getMessage() for record in caplog.records]
    # Twice each: when it appears, and when it comes back after a poll without it; not in the polls in between.
    assert len([text for text in messages if 'broken@pbx-a skipped' in text]) == 2, messages
    assert len([text for text in messages if 'PBX %s:' % pbxs.urls[0] in text]) == 2, messages


def test_a_pbx_that_fails_for_a_while_is_logged_and_its_drift_not_reported_again(source, pbxs, desired_dir, caplog):
    caplog.set_level(logging.INFO)

    async def scenario():
        # Polls are counted on the other PBX, whose requests do not fail.
        watch = Running(source, arguments(pbxs, desired_dir, retries=0), pbxs, index=1)
        by_hand(pbxs, 0, 'POST', '/rest/domain/localhost/user_settings/1002', {'melody': 'ringer2'})
        first, _polls = await watch.first()
        pbxs.control('POST', '/_sim/faults', {'error_rate': 1.0, 'error_codes': [500]}, index=0)
        failing = await watch.during_polls()
        pbxs.control('DELETE', '/_sim/faults', index=0)
        recovered = await watch.during_polls()
        await watch.stop()
        return first, failing, recovered

    first, failing, recovered = asyncio.run(scenario())
    assert drift_of([first]) == [{'pbx': pbxs.urls[0], 'tenant': 'localhost', 'kind': 'hunt group', 'name': '1002',
                                  'action': 'updated', 'changes': {'ring_melody': {'before': 'ringer2', 'after': 'ringer6'}}}]
    # Failed polls emit nothing and forget nothing: the drift that persists is not news once the PBX answers again.
    assert failing == [] and recovered == []
    warnings = [record.getMessage() for record in caplog.records if 'localhost@pbx-a (tenant localhost' in record.getMessage()]
    assert len(warnings) == 1 and 'HTTP 500' in warnings[0], warnings


@pytest.mark.parametrize('change, message', [
    ({'desired_dir': '/nonexistent'}, 'desired_dir must be a directory'),
    ({'password': None}, 'set username and password'),
    ({'interval': 0}, 'interval must be more than 0'),
    ({'url': 'https://admin:%s@pbx.example.com' % SECRET}, 'url must not contain credentials'),
    ({'pbxs': [{'name': 'a b', 'url': 'https://pbx.example.com'}]}, 'not usable in host names'),
])
def test_bad_arguments_fail_at_start_without_the_password(source, pbxs, desired_dir, monkeypatch, change, message):
    monkeypatch.delenv('VODIA_PASSWORD', raising=False)
    with pytest.raises(ValueError) as failure:
        asyncio.run(source['main'](asyncio.Queue(), dict(arguments(pbxs, desired_dir), **change)))
    assert message in str(failure.value)
    assert SECRET not in str(failure.value)


def test_an_unreadable_state_file_is_logged_once_ignored_and_written_anew(source, pbxs, desired_dir, tmp_path, caplog):
    caplog.set_level(logging.INFO)
    state_file = tmp_path / 'state.json'
    state_file.write_text('{"not": "a memory"')
    by_hand(pbxs, 1, 'POST', '/rest/domain/localhost/user_settings/1003', {'display': 'On B'})
    settings = source['settings_from'](arguments(pbxs, desired_dir, state_file=str(state_file)))

    async def two_polls():
        watch, queue = source['Watch'](settings), asyncio.Queue()
        pool = ThreadPoolExecutor(max_workers=2)
        try:
            for _poll in range(2):
                await watch.poll(queue, pool)
        finally:
            pool.shutdown(wait=True)
        return [queue.get_nowait() for _index in range(queue.qsize())]

    # Ignored: the drift that exists is news, once.
    assert [event['meta']['hosts'] for event in asyncio.run(two_polls())] == ['office-b']
    assert len([record for record in caplog.records if 'state_file' in record.getMessage()]) == 1
    # Written anew: the next start remembers.
    assert list(json.loads(state_file.read_text())['hosts']) == ['office-b']
    assert asyncio.run(two_polls()) == []
