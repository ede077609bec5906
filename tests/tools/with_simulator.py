# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run a command while the Vodia PBX simulator runs, then stop the simulator.

    python tests/tools/with_simulator.py [--pbx-count N] [--profile v58|v69|v70] [--config FILE] [--var NAME=VALUE ...]
                                         [--sim-arg ARG ...] -- COMMAND...

The simulator URLs reach the command as VODIA_SIM_URLS (space-separated) and, with
--config, as an ansible-test integration_config.yml (vodia_url, vodia_sim_urls, and the
simulator's default credentials). A second simulator serves HTTPS with a self-signed
certificate authority: vodia_tls_url and vodia_tls_ca_path. --var adds a variable to that file, for example
vodia_pbx_execution=module to run the integration suite through the modules instead of the action plugins.
--profile picks the PBX version both simulators answer as (docs/simulator.md); the config file names it as
vodia_sim_profile, for the few assertions that depend on it.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(REPO_ROOT, 'tests'))

from pbxsim import seed  # noqa: E402  pylint: disable=wrong-import-position
from pbxsim.process import launch  # noqa: E402  pylint: disable=wrong-import-position

# The simulator's built-in seed (docs/simulator.md); no real PBX has these accounts.
SIM_CREDENTIALS = {
    'vodia_username': seed.SYSTEM_ADMIN[0],
    'vodia_password': seed.SYSTEM_ADMIN[1],
    'vodia_tenant_username': seed.TENANT_ADMIN[0],
    'vodia_tenant_password': seed.TENANT_ADMIN[1],
    'vodia_noapi_username': seed.NO_API_ADMIN[0],
    'vodia_noapi_password': seed.NO_API_ADMIN[1],
}


def write_config(path, simulator, tls_simulator, profile, variables):
    config = dict(
        SIM_CREDENTIALS,
        vodia_sim_profile=profile,
        vodia_url=simulator.url, vodia_sim_urls=simulator.urls,
        vodia_tls_url=tls_simulator.url, vodia_tls_ca_path=tls_simulator.ca_file,
        **variables
    )
    with open(path, 'w', encoding='utf-8') as handle:
        json.dump(config, handle, indent=2)  # JSON is YAML, and needs no YAML library here


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--pbx-count', type=int, default=1)
    parser.add_argument('--profile', default='v58', help='the PBX version the simulators answer as (default v58)')
    parser.add_argument('--config', help='write an ansible-test integration_config.yml here')
    parser.add_argument('--var', action='append', default=[], metavar='NAME=VALUE', help='extra variable for --config')
    parser.add_argument('--sim-arg', action='append', default=[], help='extra argument for the simulator')
    parser.add_argument('command', nargs=argparse.REMAINDER)
    options = parser.parse_args()
    command = options.command[1:] if options.command[:1] == ['--'] else options.command
    if not command:
        parser.error('give the command to run after --')

    profile = ['--profile', options.profile]
    simulator = launch(['--pbx-count', str(options.pbx_count)] + profile + options.sim_arg)
    tls_simulator = launch(['--tls'] + profile)
    try:
        if options.config:
            write_config(options.config, simulator, tls_simulator, options.profile,
                         dict(item.split('=', 1) for item in options.var))
        env = dict(os.environ, VODIA_SIM_URLS=' '.join(simulator.urls), VODIA_SIM_PROFILE=options.profile)
        return subprocess.call(command, env=env)
    finally:
        simulator.stop()
        tls_simulator.stop()


if __name__ == '__main__':
    sys.exit(main())
