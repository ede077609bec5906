# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every account kind the collection manages. Before an account is deleted, the accounts of these kinds are
searched for references to it; a new kind is added here once its field table exists."""

from __future__ import annotations

from ansible_collections.vodia.pbx.plugins.module_utils.call_queue import CALL_QUEUE
from ansible_collections.vodia.pbx.plugins.module_utils.hunt_group import HUNT_GROUP
from ansible_collections.vodia.pbx.plugins.module_utils.service_flag import SERVICE_FLAG

KINDS = (HUNT_GROUP, CALL_QUEUE, SERVICE_FLAG)
