# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Import from the vendor's CSV (docs/backup-and-restore.md): the simulator's accounts written in the vendor's bulk CSV
format (pbxsim.csv_export), read by vodia.pbx.from_vodia_csv (examples/csv/import.yml), applied with the hunt_groups
role's call_flow entry point (examples/csv/apply.yml) and exported with the hunt_groups_export role
(examples/backup/export.yml). Run by `make test-fleet` with VODIA_COLLECTIONS_PATH pointing at a tree that holds
vodia.pbx.
"""

from __future__ import annotations

import os
import sys

import pytest
import yaml

from pbxsim.csv_export import export_csv
from pbxsim.profiles import PROFILES
from pbxsim.state import PbxState

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO_ROOT, 'tests', 'tools'))
sys.path.insert(0, os.environ['VODIA_COLLECTIONS_PATH'])

from demo import HOSTS  # noqa: E402  pylint: disable=wrong-import-position
from simulated_fleet import add_named_accounts, rest, start_fleet  # noqa: E402  pylint: disable=wrong-import-position
from simulated_fleet import run_playbook as playbook  # noqa: E402  pylint: disable=wrong-import-position

from ansible_collections.vodia.pbx.plugins.module_utils.kinds import KINDS  # noqa: E402  pylint: disable=wrong-import-position
from ansible_collections.vodia.pbx.plugins.module_utils.vodia_csv import (  # noqa: E402  pylint: disable=wrong-import-position
    from_vodia_csv, role_variable,
)

EXAMPLES = os.path.join(REPO_ROOT, 'examples')
NYC, LON, SYD = range(len(HOSTS))
BRANCH = 'branch.example.com'
MANAGED = dict((kind.addacc_type, kind) for kind in KINDS)


@pytest.mark.parametrize('profile', PROFILES)
def test_the_simulators_accounts_read_back_from_its_csv_without_a_change_or_a_loss_and_the_rest_is_reported(profile):
    """Every field of every account of a managed kind comes back as an option or a setting that asks the PBX for nothing
    it does not hold; every other account is a line of the report, and the runtime state a field of it."""
    domain = PbxState(profile=profile).data['domains']['localhost']
    text = export_csv(domain)
    result = from_vodia_csv(text)

    lines = dict((name, number) for number, name in enumerate(domain['accounts'], start=2))
    for account_type, kind in MANAGED.items():
        table = kind.fields
        accounts = dict((name, account['settings']) for name, account in domain['accounts'].items() if account['type'] == account_type)
        items = result[role_variable(kind)]
        assert [item['name'] for item in items] == list(accounts)
        for item in items:
            settings = accounts[item['name']]
            desired = table.desired_fields(item)
            assert table.changed_fields(settings, desired) == {}, item['name']
            carried = set(settings) - set(table.runtime_fields) - {'alias'}
            assert carried <= set(desired), (item['name'], carried - set(desired))
    others = [(lines[name], account['type'], name) for name, account in domain['accounts'].items() if account['type'] not in MANAGED]
    assert others, 'the seed has accounts of other types (extensions, attendants, conferences)'
    assert [(entry['line'], entry['type'], entry['account']) for entry in result['not_imported'] if 'fields' in entry] == others
    runtime = sorted((lines[name], field) for name, account in domain['accounts'].items() if account['type'] in MANAGED
                     for field in MANAGED[account['type']].fields.runtime_fields if field in account['settings'])
    assert sorted((entry['line'], entry['field']) for entry in result['not_imported'] if 'field' in entry) == runtime


@pytest.fixture(scope='module')
def fleet(tmp_path_factory):
    simulator, inventory = start_fleet(tmp_path_factory.mktemp('csv'))
    yield simulator, inventory
    simulator.stop()


@pytest.fixture
def seeded(fleet):
    """Every PBX back at the simulator's seed; on pbx-nyc, values in the fields that are easy to lose, and a display
    name with the separator and quotes in it."""
    simulator, _inventory = fleet
    simulator.reset_all()
    rest(fleet, NYC, '/rest/domain/localhost/user_settings/1004', 'POST',
         {'st1_ext': '444 445', 'st1_dur': '10', 'st3_ext': '447', 'st3_dur': '30', 'email': 'desk@example.com',
          'disabled': 'true', 'ncf': 'true', 'dialog_state': 'confirmed', 'display': 'Desk; "East", 2nd'})
    rest(fleet, NYC, '/rest/domain/localhost/user_settings/700', 'POST',
         {'escagents': '448', 'esctime': '30', 'night': '443', 'rec': 'true', 'delay': '7'})
    return fleet


def run(fleet, name, *extra):
    changed, _output = playbook(fleet, os.path.join(EXAMPLES, *name.split('/')), *extra)
    return changed


def export(fleet, directory, *extra):
    run(fleet, 'backup/export.yml', '-e', 'hunt_groups_export_dir=%s' % directory, *extra)
    return dict((name[:-4], (directory / name).read_text(encoding='utf-8')) for name in os.listdir(directory))


def load(path):
    with open(path, encoding='utf-8') as handle:
        return yaml.safe_load(handle)


def test_a_csv_of_a_tenant_applied_to_an_empty_tenant_exports_what_the_csv_held(seeded, tmp_path):
    """The done-when of the import: CSV -> YAML -> role -> export loses nothing that the CSV held for the managed kinds,
    and lists the rest. The CSV of localhost on pbx-nyc goes to the empty tenant branch.example.com of pbx-lon."""
    simulator, _inventory = seeded
    source = simulator.control('GET', '/_sim/state', index=NYC)[1]['domains']['localhost']
    files = tmp_path / 'csv' / HOSTS[LON]
    files.mkdir(parents=True)
    # One file per type, each with its own parameter line, and one with every account of the other types.
    (files / '1-hunts.csv').write_text(export_csv(source, ('hunts',)), encoding='utf-8')
    (files / '2-acds.csv').write_text(export_csv(source, ('acds',)), encoding='utf-8')
    (files / '3-srvflags.csv').write_text(export_csv(source, ('srvflags',)), encoding='utf-8')
    others = [account['type'] for account in source['accounts'].values() if account['type'] not in MANAGED]
    (files / '4-others.csv').write_text(export_csv(source, set(others)), encoding='utf-8')

    imported_dir = tmp_path / 'imported'
    run(seeded, 'csv/import.yml', '--limit', HOSTS[LON], '-e', 'csv_dir=%s' % (tmp_path / 'csv'),
        '-e', 'hunt_groups_export_dir=%s' % imported_dir)
    imported = load(imported_dir / ('%s.yml' % HOSTS[LON]))
    assert list(imported) == ['hunt_groups_domain'] + [role_variable(kind) for kind in KINDS]
    assert [item['name'] for item in imported['hunt_groups_list']] == ['1002', '1003', '1004']
    assert [item['name'] for item in imported['hunt_groups_call_queues']] == ['700']
    report = load(imported_dir / ('%s.not-imported.yml' % HOSTS[LON]))['not_imported']
    unmanaged = [(name, account['type']) for name, account in source['accounts'].items() if account['type'] not in MANAGED]
    assert [(entry['account'], entry['type']) for entry in report if 'fields' in entry] == unmanaged
    assert [(entry['account'], entry['field']) for entry in report if 'field' in entry] == [
        (name, field) for name, account in source['accounts'].items() if account['type'] in MANAGED
        for field in MANAGED[account['type']].fields.runtime_fields if field in account['settings']]
    assert all(entry['file'] == 4 for entry in report if 'fields' in entry)

    # The tenant it goes to has no hunt group and no call queue, and the accounts they name.
    rest(seeded, LON, '/rest/domain/%s/addacc/2100' % BRANCH, 'DELETE')
    add_named_accounts(seeded, LON, BRANCH)
    apply = ('--limit', HOSTS[LON], '-e', 'hunt_groups_export_dir=%s' % imported_dir, '-e', 'apply_domain=%s' % BRANCH)
    # Three steps change: the service flags, the call queues and the hunt groups.
    assert run(seeded, 'csv/apply.yml', *apply) == {HOSTS[LON]: 3}
    assert run(seeded, 'csv/apply.yml', *apply) == {HOSTS[LON]: 0}

    original = export(seeded, tmp_path / 'original', '--limit', HOSTS[NYC])[HOSTS[NYC]]
    copy = export(seeded, tmp_path / 'copy', '--limit', HOSTS[LON], '-e', 'hunt_groups_export_domain=%s' % BRANCH)[HOSTS[LON]]
    # Everything the CSV held for the managed kinds is in the export, option for option.
    exported = yaml.safe_load(copy)
    assert imported['hunt_groups_service_flags'], 'the seed has a service flag'
    for kind in KINDS:
        by_name = dict((item['name'], item) for item in exported[role_variable(kind)])
        for item in imported[role_variable(kind)]:
            held = by_name[item['name']]
            for option, value in item.items():
                if option != 'settings':
                    assert held[option] == value, (item['name'], option)
            for key, value in item['settings'].items():
                if key in held['settings']:
                    assert held['settings'][key] == value, (item['name'], key)
                else:
                    # An empty field with a typed option that cannot say "empty" (a duration): the export's null.
                    assert value == '' and held[kind.fields.option_name(key)] is None, (item['name'], key)
    # And the copy exports as the original, kind for kind.
    original = yaml.safe_load(original)
    for kind in KINDS:
        assert exported[role_variable(kind)] == original[role_variable(kind)], role_variable(kind)


VENDOR_FILE = (
    # A spreadsheet's file: a byte order mark, commas, Windows line ends, quoted values, a blank line, an extension with
    # the vendor's own columns, a type in capitals, and a line that gives one field of an existing hunt group. One
    # parameter line serves hunt groups and extensions, so it is read with empty_cells=skip.
    '\ufeff#alias,type,display,first_name,password,st1_ext,st1_dur,st2_ext,st2_dur,st3_ext,st3_dur,ani\r\n'
    '1010 5550110,HUNTS,"Sales, ""East""",,,444 445,15,446,20,,,5550110\r\n'
    '\r\n'
    '449,,,Carol,Secret-Extension-Pass-1,,,,,,,\r\n'
    '1003,hunts,Hunt_2 renamed\r\n'
)


def test_a_hand_written_vendor_file_creates_what_it_gives_and_changes_only_the_fields_it_names(seeded, tmp_path):
    before = yaml.safe_load(export(seeded, tmp_path / 'before', '--limit', HOSTS[SYD])[HOSTS[SYD]])
    files = tmp_path / 'csv' / HOSTS[SYD]
    files.mkdir(parents=True)
    (files / 'accounts.csv').write_bytes(VENDOR_FILE.encode('utf-8'))
    imported_dir = tmp_path / 'imported'
    run(seeded, 'csv/import.yml', '--limit', HOSTS[SYD], '-e', 'csv_dir=%s' % (tmp_path / 'csv'),
        '-e', 'hunt_groups_export_dir=%s' % imported_dir, '-e', 'csv_empty_cells=skip')
    report = (imported_dir / ('%s.not-imported.yml' % HOSTS[SYD])).read_text(encoding='utf-8')
    assert 'account: \'449\'' in report and 'Secret-Extension-Pass-1' not in report
    assert 'Secret-Extension-Pass-1' not in (imported_dir / ('%s.yml' % HOSTS[SYD])).read_text(encoding='utf-8')

    apply = ('--limit', HOSTS[SYD], '-e', 'hunt_groups_export_dir=%s' % imported_dir)
    assert run(seeded, 'csv/apply.yml', *apply) == {HOSTS[SYD]: 1}
    after = yaml.safe_load(export(seeded, tmp_path / 'after', '--limit', HOSTS[SYD])[HOSTS[SYD]])

    old = dict((item['name'], item) for item in before['hunt_groups_list'])
    new = dict((item['name'], item) for item in after['hunt_groups_list'])
    assert set(new) == set(old) | {'1010'}
    assert new['1003'] == dict(old['1003'], display_name='Hunt_2 renamed')
    assert new['1010']['display_name'] == 'Sales, "East"' and new['1010']['aliases'] == ['1010', '5550110']
    assert new['1010']['stages'] == [{'extensions': ['444', '445'], 'duration': 15}, {'extensions': ['446'], 'duration': 20}]
    assert new['1010']['caller_id'] == '5550110'
    assert 'first_name' not in new['1010']['settings'] and 'password' not in new['1010']['settings']
    assert after['hunt_groups_call_queues'] == before['hunt_groups_call_queues']
