# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run a command while the Vodia PBX simulator runs, then stop the simulator.

    python tests/tools/with_simulator.py [--pbx-count N] [--config FILE] [--sim-arg ARG ...] -- COMMAND...

The simulator URLs reach the command as VODIA_SIM_URLS (space-separated) and, with
--config, as an ansible-test integration_config.yml (vodia_url, vodia_sim_urls, and the
simulator's default credentials).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The simulator's built-in seed (docs/simulator.md); not secrets of any real PBX.
SIM_CREDENTIALS = {
    'vodia_username': 'admin',
    'vodia_password': 'Sim-Admin-Pass-2026',
    'vodia_tenant_username': 'admin@localhost',
    'vodia_tenant_password': 'Sim-Tenant-Pass-2026',
    'vodia_noapi_username': 'noapi',
    'vodia_noapi_password': 'Sim-NoApi-Pass-2026',
}


def start_simulator(pbx_count, extra_args):
    env = dict(os.environ, PYTHONPATH=os.path.join(REPO_ROOT, 'tests'))
    command = [sys.executable, '-m', 'pbxsim', '--port', '0', '--pbx-count', str(pbx_count)] + extra_args
    process = subprocess.Popen(command, stdout=subprocess.PIPE, env=env, text=True, cwd=REPO_ROOT)
    urls = []
    while len(urls) < pbx_count:
        line = process.stdout.readline()
        if not line:
            process.wait()
            raise SystemExit('the simulator exited before it listened (exit code %s)' % process.returncode)
        if line.startswith('listening on '):
            urls.append(line.split('listening on ', 1)[1].strip())
    return process, urls


def write_config(path, urls):
    config = dict(SIM_CREDENTIALS, vodia_url=urls[0], vodia_sim_urls=urls)
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(config, handle, indent=2)  # JSON is YAML, and needs no YAML library here


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--pbx-count', type=int, default=1)
    parser.add_argument('--config', help='write an ansible-test integration_config.yml here')
    parser.add_argument('--sim-arg', action='append', default=[], help='extra argument for the simulator')
    parser.add_argument('command', nargs=argparse.REMAINDER)
    options = parser.parse_args()
    command = options.command[1:] if options.command[:1] == ['--'] else options.command
    if not command:
        parser.error('give the command to run after --')

    process, urls = start_simulator(options.pbx_count, options.sim_arg)
    try:
        if options.config:
            write_config(options.config, urls)
        env = dict(os.environ, VODIA_SIM_URLS=' '.join(urls))
        return subprocess.call(command, env=env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


if __name__ == '__main__':
    sys.exit(main())
