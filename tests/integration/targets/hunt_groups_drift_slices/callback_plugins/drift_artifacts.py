# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
name: drift_artifacts
type: aggregate
short_description: Write a run's set_stats data, as AWX keeps it among a job's artifacts, to a JSON file
description:
  - For the hunt_groups_drift_slices integration target only. AWX takes a job's artifacts from the statistics that
    M(ansible.builtin.set_stats) gathers for the whole run (not per host); this writes them to E(DRIFT_ARTIFACTS), and
    with E(DRIFT_HOSTS) the names of the hosts the run went over to that file, one a line.
requirements:
  - enabled in the configuration
'''

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = 'aggregate'
    CALLBACK_NAME = 'drift_artifacts'
    CALLBACK_NEEDS_ENABLED = True

    def v2_playbook_on_stats(self, stats):
        with open(os.environ['DRIFT_ARTIFACTS'], 'w', encoding='utf-8') as handle:
            json.dump(stats.custom.get('_run', {}), handle, indent=2, sort_keys=True)
        if os.environ.get('DRIFT_HOSTS'):
            with open(os.environ['DRIFT_HOSTS'], 'w', encoding='utf-8') as handle:
                handle.writelines('%s\n' % host for host in sorted(stats.processed))
