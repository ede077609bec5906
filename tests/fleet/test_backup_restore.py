# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Backup, restore, copy and the drift report, as docs/backup-and-restore.md describes them, on three simulated PBXs.

The playbooks are the worked example in examples/backup, over the inventory of examples/fleet. Every test starts from
the simulator's seed. Run by `make test-fleet` with VODIA_COLLECTIONS_PATH pointing at a tree that holds vodia.pbx.
"""

from __future__ import annotations

import difflib
import json
import os
import sys

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO_ROOT, 'tests', 'tools'))

from demo import EXAMPLE, HOSTS  # noqa: E402  pylint: disable=wrong-import-position
from simulated_fleet import add_named_accounts, clear_journals, journals, rest, start_fleet  # noqa: E402  pylint: disable=wrong-import-position
from simulated_fleet import run_playbook as playbook  # noqa: E402  pylint: disable=wrong-import-position
from with_simulator import SIM_CREDENTIALS  # noqa: E402  pylint: disable=wrong-import-position

BACKUP = os.path.join(REPO_ROOT, 'examples', 'backup')
NYC, LON, SYD = range(len(HOSTS))
BRANCH = 'branch.example.com'


@pytest.fixture(scope='module')
def fleet(tmp_path_factory):
    simulator, inventory = start_fleet(tmp_path_factory.mktemp('backup'))
    yield simulator, inventory
    simulator.stop()


@pytest.fixture
def seeded(fleet):
    """Every PBX back at the simulator's seed, with empty journals."""
    simulator, _inventory = fleet
    simulator.reset_all()
    # Make the exports of pbx-nyc carry values in the fields that are easy to lose: a third stage, an e-mail,
    # a disabled flag and an untyped field.
    rest(fleet, NYC, '/rest/domain/localhost/user_settings/1004', 'POST',
         {'st1_ext': '444 445', 'st1_dur': '10', 'st3_ext': '447', 'st3_dur': '30', 'email': 'desk@example.com',
          'disabled': 'true', 'ncf': 'true', 'dialog_state': 'confirmed'})
    clear_journals(fleet)
    return fleet


def export(fleet, directory, *extra):
    playbook(fleet, os.path.join(BACKUP, 'export.yml'), '-e', 'hunt_groups_export_dir=%s' % directory, *extra)
    return dict((name[:-4], (directory / name).read_bytes()) for name in os.listdir(directory))


def restore(fleet, directory, *extra, expect_success=True):
    return playbook(fleet, os.path.join(BACKUP, 'restore.yml'), '-e', 'hunt_groups_export_dir=%s' % directory, *extra,
                    expect_success=expect_success)


def writes(fleet):
    return [journal['writes'] for journal in journals(fleet)]


def test_an_unchanged_fleet_exports_the_same_bytes_in_the_form_the_role_takes(seeded, tmp_path):
    first = export(seeded, tmp_path / 'first')
    second = export(seeded, tmp_path / 'second')
    assert sorted(first) == sorted(HOSTS)
    assert first == second
    assert writes(seeded) == [0, 0, 0]

    text = first['pbx-nyc'].decode('utf-8')
    assert '\nhunt_groups_domain: localhost\nhunt_groups_list:\n' in text
    # The hunt groups, then the tenant's call queues (the seed's 700) and service flags (the seed's 800) in the same file.
    assert [line for line in text.splitlines() if line.startswith('- name: ')] == [
        "- name: '1002'", "- name: '1003'", "- name: '1004'", "- name: '700'", "- name: '800'"]
    assert text.index("- name: '1004'") < text.index('\nhunt_groups_call_queues:\n') < text.index("- name: '700'")
    assert text.index("- name: '700'") < text.index('\nhunt_groups_service_flags:\n') < text.index("- name: '800'")
    assert '  stages: []\n' in text and "  caller_id: ''\n" in text
    assert 'dialog_state' not in text and 'dialog_version' not in text


def test_applying_an_export_to_its_own_tenant_changes_nothing_and_shows_no_diff(seeded, tmp_path):
    export(seeded, tmp_path)
    clear_journals(seeded)

    checked, output = restore(seeded, tmp_path, '--check', '--diff')
    assert checked == dict((host, 0) for host in HOSTS)
    assert '--- before' not in output and '+++ after' not in output
    applied, _output = restore(seeded, tmp_path)
    assert applied == dict((host, 0) for host in HOSTS)
    assert writes(seeded) == [0, 0, 0]


def test_a_restore_after_changes_by_hand_gives_back_the_first_export(seeded, tmp_path):
    first = export(seeded, tmp_path / 'first')
    rest(seeded, LON, '/rest/domain/localhost/user_settings/1002', 'POST',
         {'display': 'Changed by hand', 'ani': '', 'st2_ext': '', 'st3_ext': '448', 'rec': 'true', 'from_header': 'x'})
    rest(seeded, LON, '/rest/domain/localhost/addacc/1003', 'DELETE')
    rest(seeded, LON, '/rest/domain/localhost/addacc', 'POST', {'type': 'hunts', 'account': '1099'})
    rest(seeded, NYC, '/rest/domain/localhost/user_settings/1004', 'POST',
         {'st3_ext': '', 'st3_dur': '', 'email': '', 'disabled': '', 'ncf': 'false'})

    restored, _output = restore(seeded, tmp_path / 'first')
    assert restored == {'pbx-nyc': 1, 'pbx-lon': 1, 'pbx-syd': 0}
    assert export(seeded, tmp_path / 'second') == first


# restore.yml copies the hunt groups of a file and leaves the call queues and service flags alone
# (docs/backup-and-restore.md), so the copy is compared in the form of the hunt groups alone.
HUNT_GROUPS_ONLY = ('-e', 'hunt_groups_export_call_queues=false', '-e', 'hunt_groups_export_service_flags=false')


@pytest.mark.parametrize('target', [LON, NYC], ids=['another-pbx', 'another-tenant-of-the-same-pbx'])
def test_a_copy_to_an_empty_tenant_exports_the_same_but_for_the_domain(seeded, tmp_path, target):
    source = export(seeded, tmp_path / 'source', *HUNT_GROUPS_ONLY)['pbx-nyc'].decode('utf-8')
    rest(seeded, target, '/rest/domain/%s/addacc/2100' % BRANCH, 'DELETE')
    assert rest(seeded, target, '/rest/domain/%s/hunts' % BRANCH) == []
    # The hunt groups name extensions by number: the tenant they are copied to has the same numbers.
    add_named_accounts(seeded, target, BRANCH)

    copy_options = ('--limit', HOSTS[target], '-e', 'restore_from=pbx-nyc', '-e', 'restore_domain=%s' % BRANCH)
    copied, _output = restore(seeded, tmp_path / 'source', *copy_options)
    assert copied == {HOSTS[target]: 1}
    assert restore(seeded, tmp_path / 'source', *copy_options)[0] == {HOSTS[target]: 0}

    copy = export(seeded, tmp_path / 'copy', '--limit', HOSTS[target], '-e', 'hunt_groups_export_domain=%s' % BRANCH,
                  *HUNT_GROUPS_ONLY)
    copy = copy[HOSTS[target]].decode('utf-8')
    differing = [line for line in difflib.ndiff(source.splitlines(), copy.splitlines()) if line[:1] in '+-']
    assert differing and all('localhost' in line or BRANCH in line for line in differing), differing
    assert copy.replace(BRANCH, 'localhost') == source


def test_the_whole_call_flow_copied_to_an_empty_tenant_exports_the_same_but_for_the_domain(seeded, tmp_path):
    """A hunt group whose night service is a service flag and whose final destination is a call queue: exported with
    both, applied with restore_call_flow.yml to an empty tenant of another PBX (flag, queue and hunt groups in one
    run; the next run writes nothing), and exported again: the same bytes but for the domain."""
    rest(seeded, NYC, '/rest/domain/localhost/user_settings/1003', 'POST', {'night': '800', 'st4_ext': '700'})
    source = export(seeded, tmp_path / 'source', '--limit', HOSTS[NYC])['pbx-nyc'].decode('utf-8')
    assert source.startswith('---\n# Hunt groups, call queues and service flags of tenant localhost,')
    assert source.index('\nhunt_groups_call_queues:\n') < source.index("\nhunt_groups_service_flags:\n- name: '800'\n")
    assert "  night_service: '800'\n" in source

    rest(seeded, LON, '/rest/domain/%s/addacc/2100' % BRANCH, 'DELETE')
    assert [rest(seeded, LON, '/rest/domain/%s/%s' % (BRANCH, kind)) for kind in ('hunts', 'acds', 'srvflags')] == [[], [], []]
    add_named_accounts(seeded, LON, BRANCH)
    # The v69 profile answers the creation of a service flag with success and creates nothing, as 69.5 is reported to
    # (the vodia_service_flag integration target covers that); other 69.x versions create it.
    simulator, _inventory = seeded
    assert simulator.control('POST', '/_sim/config', {'addacc_ignored_types': []}, index=LON)[0] == 200
    clear_journals(seeded)

    copy_options = ('--limit', HOSTS[LON], '-e', 'restore_from=pbx-nyc', '-e', 'restore_domain=%s' % BRANCH)
    restore_call_flow = os.path.join(BACKUP, 'restore_call_flow.yml')
    copied, output = playbook(seeded, restore_call_flow, '-e', 'hunt_groups_export_dir=%s' % (tmp_path / 'source'),
                              *copy_options)
    assert copied == {HOSTS[LON]: 3}, output  # the flag, the queue and the hunt groups
    clear_journals(seeded)
    again, output = playbook(seeded, restore_call_flow, '-e', 'hunt_groups_export_dir=%s' % (tmp_path / 'source'),
                             *copy_options)
    assert again == {HOSTS[LON]: 0}, output
    assert writes(seeded) == [0, 0, 0]

    copy = export(seeded, tmp_path / 'copy', '--limit', HOSTS[LON], '-e', 'hunt_groups_export_domain=%s' % BRANCH)
    assert copy[HOSTS[LON]].decode('utf-8').replace(BRANCH, 'localhost') == source


def test_a_copy_to_a_tenant_without_the_extensions_fails_before_any_write_naming_them(seeded, tmp_path):
    export(seeded, tmp_path / 'source')
    clear_journals(seeded)

    copy_options = ('--limit', HOSTS[LON], '-e', 'restore_from=pbx-nyc', '-e', 'restore_domain=%s' % BRANCH)
    _changed, output = restore(seeded, tmp_path / 'source', *copy_options, expect_success=False)
    # branch.example.com has extensions 201 and 202; the copied hunt groups ring 444, 445 and 447.
    assert 'References in domain %s do not hold' % BRANCH in output
    assert 'Hunt group 1002: stages item 1 extensions names 444, which is neither an account of this tenant' in output
    assert 'Hunt group 1004: stages item 3 extensions names 447' in output
    assert writes(seeded) == [0, 0, 0]
    assert [group['name'] for group in rest(seeded, LON, '/rest/domain/%s/hunts' % BRANCH)] == ['2100']


def test_check_mode_reports_exactly_the_two_groups_changed_by_hand_without_a_write(seeded, tmp_path):
    converge = os.path.join(EXAMPLE, 'playbook.yml')
    playbook(seeded, converge, '-e', 'hunt_groups_purge=true')
    rest(seeded, LON, '/rest/domain/localhost/user_settings/2001', 'POST', {'display': 'Changed by hand'})
    # ncf is a field the fleet example does not manage: changing it by hand is no drift from the inventory.
    rest(seeded, SYD, '/rest/domain/localhost/user_settings/2000', 'POST', {'st1_dur': '99', 'ncf': 'true'})
    clear_journals(seeded)

    report_path = tmp_path / 'reports' / 'drift.json'
    changed, output = playbook(seeded, converge, '--check', '-e', 'hunt_groups_purge=true',
                               '-e', 'hunt_groups_report=%s' % report_path)
    assert writes(seeded) == [0, 0, 0]
    assert changed['pbx-lon'] == 1 and changed['pbx-syd'] == 1

    report = json.loads(report_path.read_text(encoding='utf-8'))
    assert report['check_mode'] is True
    assert [entry['host'] for entry in report['pbxs']] == sorted(HOSTS)
    updated = [(entry['host'], group['name'], group['changes']) for entry in report['pbxs']
               for group in entry['hunt_groups'] if group['action'] != 'unchanged']
    assert updated == [
        ('pbx-lon', '2001', {'display_name': {'before': 'Changed by hand', 'after': 'Support'}}),
        ('pbx-syd', '2000', {
            'stages': {'before': [{'extensions': ['444', '445'], 'duration': 99},
                                  {'extensions': ['444', '445', '446'], 'duration': 30}],
                       'after': [{'extensions': ['444', '445'], 'duration': 20},
                                 {'extensions': ['444', '445', '446'], 'duration': 30}]}}),
    ]
    assert all(entry['domain'] == 'localhost' and entry['url'].startswith('https://127.0.0.1:') for entry in report['pbxs'])
    assert report['summary'] == {'pbxs': 3, 'failed_pbxs': 0, 'created': 0, 'updated': 2, 'deleted': 0, 'unchanged': 6}

    summary = (tmp_path / 'reports' / 'drift.md').read_text(encoding='utf-8')
    assert '| updated | 2 |' in summary and '| unchanged | 6 |' in summary
    assert '| pbx-lon | localhost | 2001 | updated | display_name |' in summary
    assert '| pbx-syd | localhost | 2000 | updated | stages |' in summary
    assert 'CUSTOM STATS' in output and '"hunt_groups_drift"' in output

    # The password is in the environment of the run; nothing secret may reach a report.
    for text in (report_path.read_text(encoding='utf-8'), summary):
        assert SIM_CREDENTIALS['vodia_password'] not in text
        assert 'password' not in text.lower()
