# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The fleet example run the way AWX runs it: through ansible-runner, credentials in the environment.

    PYTHONPATH=tests VODIA_COLLECTIONS_PATH=<dir holding ansible_collections/vodia/pbx> .venv/bin/pytest -q tests/runner

Three simulated PBXs (HTTPS, own certificate authority) whose administrator password is distinctive.
The credentials reach the job as the "Vodia PBX" credential type of docs/awx/credential_type.yml
injects them: its injectors are rendered here as AWX renders them, the CA certificate written to a
file in the private data directory's env/ folder. Each run is at -vvvv, in apply mode and in
check+diff mode, through two interfaces:

- ansible_runner.run(), what AWX uses for a job on the controller itself;
- ansible-runner transmit | ansible-runner worker | ansible-runner process, what AWX sends through
  Receptor to an execution node. That pipeline exits 0 even when the play fails, so success is read
  from the artifacts' status and rc files.

After every run: the play succeeded, the PBXs hold what the run says (hunt groups created, or nothing
written in check mode), and the password appears in no job event and no stdout artifact.
Runner's own record of the environment (env/envvars, artifacts/*/command) holds the password by design
and is not examined. The vodia.pbx.tenants inventory plugin is run as an AWX inventory update runs it
(ansible_runner.get_inventory, ansible-inventory --list --export) with the same injected credential, at verbosity 4,
and the password is in none of its artifacts. A last test checks the credential type's safe defaults: certificate checks stay on
unless explicitly switched off, and an empty CA field leaves VODIA_CA_PATH empty.
"""

from __future__ import annotations

import glob
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
from types import SimpleNamespace

import ansible_runner
import pytest
import requests
import yaml
from jinja2.sandbox import ImmutableSandboxedEnvironment

from pbxsim import seed
from pbxsim.process import launch

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO_ROOT, 'tests', 'tools'))

from demo import EXAMPLE, HOSTS, write_simulated_inventory  # noqa: E402  pylint: disable=wrong-import-position

CREDENTIAL_TYPE = os.path.join(REPO_ROOT, 'docs', 'awx', 'credential_type.yml')
USERNAME = 'admin'
SECRET = 'Runner-Secret-9f3b2c'
DOMAIN = 'localhost'
PLAYBOOK = 'playbook.yml'
VENV_BIN = os.path.dirname(sys.executable)
CREATED = {
    'pbx-nyc': {'2000', '2001', '2100'},
    'pbx-lon': {'2000', '2001', '2200'},
    'pbx-syd': {'2000', '2001'},
}
MODES = {'apply': None, 'check': '--check --diff'}


@pytest.fixture(scope='module')
def simulator(tmp_path_factory):
    """Three PBXs whose system administrator has the distinctive password."""
    seed_file = seed.write_seed_with_password(tmp_path_factory.mktemp('seed') / 'seed.json', USERNAME, SECRET)
    sim = launch(['--pbx-count', str(len(HOSTS)), '--tls', '--seed', seed_file])
    yield sim
    sim.stop()


@pytest.fixture
def fresh(simulator):
    """Every PBX back to the seed, with an empty journal."""
    simulator.reset_all()
    return simulator


# The job: what AWX puts in a private data directory -----------------------------------------------

def credential_environment(inputs, env_dir, job_env_dir):
    """The environment variables a "Vodia PBX" credential injects, rendered as AWX renders them.

    AWX leaves out inputs that are empty, sets booleans that were never given to false, writes each
    `file` injector to a private file in the job's env/ folder, and exposes its path, as the job sees
    it (job_env_dir), as tower.filename.<name>.
    """
    with open(CREDENTIAL_TYPE, encoding='utf-8') as handle:
        credential_type = yaml.safe_load(handle)
    namespace = dict((key, value) for key, value in inputs.items() if isinstance(value, bool) or value)
    for field in credential_type['inputs']['fields']:
        if field.get('type') == 'boolean' and field['id'] not in inputs:
            namespace[field['id']] = False
    sandbox = ImmutableSandboxedEnvironment()
    filenames = SimpleNamespace()
    for label, template in credential_type['injectors'].get('file', {}).items():
        descriptor, path = tempfile.mkstemp(dir=env_dir)
        with os.fdopen(descriptor, 'w', encoding='utf-8') as handle:
            handle.write(sandbox.from_string(template).render(**namespace))
        os.chmod(path, 0o600)
        setattr(filenames, label.split('.', 1)[1], os.path.join(job_env_dir, os.path.basename(path)))
    namespace['tower'] = SimpleNamespace(filename=filenames)
    return dict((name, sandbox.from_string(template).render(**namespace))
                for name, template in credential_type['injectors']['env'].items())


def private_data_dir(base, sim, collections, job_dir=None):
    """A private data directory with the fleet example as project and inventory, and the job's environment.

    job_dir is where the job will find this directory (an execution node unpacks it elsewhere);
    file paths in the injected environment point there.
    """
    pdd = os.path.join(str(base), 'job')
    shutil.copytree(EXAMPLE, os.path.join(pdd, 'project'))
    shutil.copytree(os.path.join(EXAMPLE, 'inventory'), os.path.join(pdd, 'inventory'))
    # Read after hosts.yml (sources in a directory are read in name order): the simulated PBXs' URLs win.
    write_simulated_inventory(os.path.join(pdd, 'inventory', 'simulated_pbxs.json'), sim.urls)
    os.makedirs(os.path.join(pdd, 'env'))
    with open(sim.ca_file, encoding='utf-8') as handle:
        ca_certificate = handle.read()
    env = credential_environment(
        {'username': USERNAME, 'password': SECRET, 'ca_certificate': ca_certificate},
        os.path.join(pdd, 'env'), os.path.join(job_dir or pdd, 'env'))
    env.update(
        ANSIBLE_COLLECTIONS_PATH=collections,
        ANSIBLE_NOCOLOR='1',
        PATH=os.pathsep.join([VENV_BIN, os.environ.get('PATH', '')]),
    )
    return pdd, env


# Running it ---------------------------------------------------------------------------------------

def run_with_api(pdd, env, cmdline):
    result = ansible_runner.run(
        private_data_dir=pdd, playbook=PLAYBOOK, envvars=env, verbosity=4, cmdline=cmdline,
        ident='api', quiet=True,
    )
    return result.status, result.rc


def run_with_pipeline(pdd, env, cmdline, worker_dir):
    """transmit | worker | process, as AWX does through Receptor; the worker unpacks into worker_dir."""
    with open(os.path.join(pdd, 'env', 'envvars'), 'w', encoding='utf-8') as handle:
        json.dump(env, handle)
    runner = os.path.join(VENV_BIN, 'ansible-runner')
    transmit = [runner, 'transmit', pdd, '-p', PLAYBOOK, '-vvvv', '--ident', 'pipeline']
    if cmdline:
        transmit += ['--cmdline', cmdline]
    pipeline = ' | '.join([
        shlex.join(transmit),
        shlex.join([runner, 'worker', '--private-data-dir', worker_dir]),
        shlex.join([runner, 'process', pdd]),
    ])
    process_env = dict(os.environ, PATH=env['PATH'])
    completed = subprocess.run(['/bin/bash', '-o', 'pipefail', '-c', pipeline], env=process_env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False, timeout=600)
    assert completed.returncode == 0, completed.stdout
    # ansible-runner process writes the job's artifacts straight into artifacts/ (no ident folder).
    artifacts = os.path.join(pdd, 'artifacts')
    with open(os.path.join(artifacts, 'status'), encoding='utf-8') as handle:
        status = handle.read().strip()
    with open(os.path.join(artifacts, 'rc'), encoding='utf-8') as handle:
        rc = int(handle.read().strip())
    return status, rc


# What the run left behind -------------------------------------------------------------------------

def artifact_files(directory, *pattern):
    """Files under artifacts/, at any depth: run() uses artifacts/<ident>/, process writes artifacts/ itself."""
    return sorted(glob.glob(os.path.join(directory, 'artifacts', '**', *pattern), recursive=True))


def job_events(directory):
    events = []
    for path in artifact_files(directory, 'job_events', '*.json'):
        with open(path, encoding='utf-8') as handle:
            events.append(json.load(handle))
    return events


def stdout_artifacts(directory):
    texts = []
    for path in artifact_files(directory, 'stdout') + artifact_files(directory, 'stderr'):
        with open(path, encoding='utf-8') as handle:
            texts.append(handle.read())
    return texts


def assert_secret_absent(directories):
    """No job event and no stdout (or stderr) artifact holds the password; and there was something to look at."""
    event_files = 0
    stdout_text = ''
    for directory in directories:
        for path in artifact_files(directory, 'job_events', '*.json'):
            event_files += 1
            with open(path, encoding='utf-8') as handle:
                assert SECRET not in handle.read(), path
        for text in stdout_artifacts(directory):
            assert SECRET not in text
            stdout_text += text
    assert event_files > 10
    # The run was verbose enough to print each task's arguments, and the password among them was masked.
    assert 'VALUE_SPECIFIED_IN_NO_LOG_PARAMETER' in stdout_text


def changed_per_host(events):
    stats = [event for event in events if event.get('event') == 'playbook_on_stats']
    assert len(stats) == 1
    data = stats[0]['event_data']
    assert not data.get('failures') and not data.get('dark'), data
    return dict((host, data.get('changed', {}).get(host, 0)) for host in HOSTS)


def hunt_groups_on(sim, index):
    answer = requests.get(sim.urls[index] + '/rest/domain/%s/hunts' % DOMAIN, auth=(USERNAME, SECRET),
                          verify=sim.ca_file, timeout=10)
    answer.raise_for_status()
    return set(group['name'] for group in answer.json())


def writes_on(sim, index):
    return sim.control('GET', '/_sim/journal', index=index)[1]['writes']


def assert_pbxs_match(sim, mode, events):
    if mode == 'apply':
        for index, host in enumerate(HOSTS):
            assert CREATED[host] <= hunt_groups_on(sim, index), host
            assert writes_on(sim, index) > 0
        return
    # Check mode: nothing written, every PBX reported as one that would change, with a diff.
    for index, host in enumerate(HOSTS):
        assert not CREATED[host] & hunt_groups_on(sim, index), host
        assert writes_on(sim, index) == 0, host
    diffs = dict((event['event_data']['host'], event['event_data']['res'].get('diff'))
                 for event in events if event.get('event') == 'runner_on_ok'
                 and event['event_data'].get('task_action') == 'vodia.pbx.vodia_hunt_groups')
    assert sorted(diffs) == sorted(HOSTS)
    for host, diff in diffs.items():
        assert sorted(item['after']['name'] for item in diff) == sorted(CREATED[host]), host


# Tests --------------------------------------------------------------------------------------------

@pytest.mark.parametrize('mode', sorted(MODES))
def test_runner_api(fresh, collections_path, tmp_path, mode):
    pdd, env = private_data_dir(tmp_path, fresh, collections_path)

    status, rc = run_with_api(pdd, env, MODES[mode])

    events = job_events(pdd)
    assert (status, rc) == ('successful', 0), '\n'.join(stdout_artifacts(pdd))
    assert changed_per_host(events) == dict((host, 1) for host in HOSTS)
    assert_pbxs_match(fresh, mode, events)
    assert_secret_absent([pdd])


@pytest.mark.parametrize('mode', sorted(MODES))
def test_transmit_worker_process(fresh, collections_path, tmp_path, mode):
    worker_dir = str(tmp_path / 'worker')
    pdd, env = private_data_dir(tmp_path, fresh, collections_path, job_dir=worker_dir)

    status, rc = run_with_pipeline(pdd, env, MODES[mode], worker_dir)

    events = job_events(pdd)
    assert (status, rc) == ('successful', 0), '\n'.join(stdout_artifacts(pdd))
    assert changed_per_host(events) == dict((host, 1) for host in HOSTS)
    assert_pbxs_match(fresh, mode, events)
    # What the controller stored and what the execution node kept.
    assert_secret_absent([pdd, worker_dir])


def test_tenants_inventory_source_through_runner(fresh, collections_path, tmp_path, monkeypatch):
    """The vodia.pbx.tenants plugin as an AWX inventory source: ansible-inventory --list --export through
    ansible_runner.get_inventory, the credential injected as environment variables, at -vvvv."""
    pdd = str(tmp_path / 'inventory_update')
    os.makedirs(os.path.join(pdd, 'env'))
    source = os.path.join(pdd, 'pbxs.vodia_tenants.yml')
    with open(source, 'w', encoding='utf-8') as handle:
        yaml.safe_dump({'plugin': 'vodia.pbx.tenants', 'exclude': ['localhost'],
                        'pbxs': [{'name': host, 'url': url} for host, url in zip(HOSTS, fresh.urls)]}, handle)
    with open(fresh.ca_file, encoding='utf-8') as handle:
        ca_certificate = handle.read()
    env = credential_environment({'username': USERNAME, 'password': SECRET, 'ca_certificate': ca_certificate},
                                 os.path.join(pdd, 'env'), os.path.join(pdd, 'env'))
    env.update(ANSIBLE_COLLECTIONS_PATH=collections_path, ANSIBLE_INVENTORY_UNPARSED_FAILED='true', ANSIBLE_VERBOSITY='4',
               PATH=os.pathsep.join([VENV_BIN, os.environ.get('PATH', '')]))
    output_file = os.path.join(pdd, 'inventory.yml')

    monkeypatch.setenv('PATH', env['PATH'])  # where runner looks for ansible-inventory
    # The inventory goes to a file, as YAML: runner would parse stdout, which carries the -vvvv output, as JSON.
    output, error = ansible_runner.get_inventory(
        action='list', inventories=[source], response_format='yaml', export=True, private_data_dir=pdd, envvars=env,
        output_file=output_file, quiet=True)

    with open(output_file, encoding='utf-8') as handle:
        response = yaml.safe_load(handle)
    tenants = ['acme.example.com', 'branch.example.com', 'globex.example.com']
    groups = response['all']['children']['vodia_tenants']['children']
    assert sorted(groups) == sorted(host.replace('-', '_') for host in HOSTS)
    for index, host in enumerate(HOSTS):
        members = groups[host.replace('-', '_')]['hosts']
        assert sorted(members) == sorted('%s@%s' % (tenant, host) for tenant in tenants)
        assert members['acme.example.com@%s' % host]['vodia_url'] == fresh.urls[index]
        assert members['acme.example.com@%s' % host]['vodia_domain'] == 'acme.example.com'
    texts = [json.dumps(response), str(output), str(error)]
    for path in glob.glob(os.path.join(pdd, 'artifacts', '**', '*'), recursive=True):
        # Runner's record of the environment it was given (env/envvars, command) holds the password by design.
        if os.path.isfile(path) and os.path.basename(path) not in ('command', 'envvars'):
            with open(path, encoding='utf-8', errors='replace') as handle:
                texts.append(handle.read())
    assert len(texts) > 2
    for text in texts:
        assert SECRET not in text
    assert any('vodia.pbx.tenants' in text for text in texts)  # the verbose output is among the artifacts


def test_credential_type_keeps_certificate_checks_on_unless_asked(tmp_path):
    """An untouched credential verifies TLS with the system's authorities; only the explicit box turns it off."""
    plain = credential_environment({'username': USERNAME, 'password': SECRET}, str(tmp_path), '/runner/env')
    assert plain == {'VODIA_URL': '', 'VODIA_USERNAME': USERNAME, 'VODIA_PASSWORD': SECRET,
                     'VODIA_VALIDATE_CERTS': 'true', 'VODIA_CA_PATH': ''}

    insecure = credential_environment({'username': USERNAME, 'password': SECRET, 'skip_tls_verify': True},
                                      str(tmp_path), '/runner/env')
    assert insecure['VODIA_VALIDATE_CERTS'] == 'false'

    pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n'
    with_ca = credential_environment({'username': USERNAME, 'password': SECRET, 'ca_certificate': pem},
                                     str(tmp_path), str(tmp_path))
    assert with_ca['VODIA_VALIDATE_CERTS'] == 'true'
    with open(with_ca['VODIA_CA_PATH'], encoding='utf-8') as handle:
        assert handle.read() == pem


def test_the_drift_report_reaches_the_job_artifacts_and_holds_no_secret(fresh, collections_path, tmp_path):
    """With hunt_groups_report, a check-mode job publishes the summary with set_stats: AWX shows it as artifacts."""
    pdd, env = private_data_dir(tmp_path, fresh, collections_path)
    report = tmp_path / 'reports' / 'drift.json'

    status, rc = run_with_api(pdd, env, '--check -e hunt_groups_report=%s' % report)

    events = job_events(pdd)
    assert (status, rc) == ('successful', 0), '\n'.join(stdout_artifacts(pdd))
    stats = [event for event in events if event.get('event') == 'playbook_on_stats']
    drift = stats[0]['event_data']['artifact_data']['hunt_groups_drift']
    created = sum(len(names) for names in CREATED.values())
    assert drift['check_mode'] is True
    assert drift['summary']['pbxs'] == len(HOSTS) and drift['summary']['created'] == created
    assert sorted((row['host'], row['name']) for row in drift['changed'] if row['action'] == 'created') == sorted(
        (host, name) for host, names in CREATED.items() for name in names)
    assert [writes_on(fresh, index) for index in range(len(HOSTS))] == [0] * len(HOSTS)
    for path in (report, report.with_suffix('.md')):
        assert SECRET not in path.read_text(encoding='utf-8')
    assert_secret_absent([pdd])
