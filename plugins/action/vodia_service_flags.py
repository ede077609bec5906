# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Runs vodia.pbx.vodia_service_flags in the controller's process when the task runs on the controller (see the module's notes)."""

from __future__ import annotations

from functools import partial

from ansible_collections.vodia.pbx.plugins.module_utils.argument_specs import accounts_spec
from ansible_collections.vodia.pbx.plugins.module_utils.operations import manage_many
from ansible_collections.vodia.pbx.plugins.module_utils.service_flag import SERVICE_FLAG
from ansible_collections.vodia.pbx.plugins.plugin_utils.action_adapter import VodiaAction


class ActionModule(VodiaAction):
    argument_spec = staticmethod(partial(accounts_spec, SERVICE_FLAG))
    operation = staticmethod(partial(manage_many, SERVICE_FLAG))
