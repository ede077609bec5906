# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What both adapters do around an operation: open the connection, run it, and turn every VodiaError into a
failed result. It knows no particular module and nothing of Ansible.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, NamedTuple, Sequence

from ansible_collections.vodia.pbx.plugins.module_utils.connection import ConnectionSettings
from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaError


@dataclass(frozen=True)
class RunMode:
    """How Ansible runs the task: check mode sends no write, diff mode adds before and after."""
    check_mode: bool = False
    diff_mode: bool = False


@dataclass
class TaskOutcome:
    """The result an adapter hands to Ansible, whether the task failed, and the warnings to show."""
    result: dict
    failed: bool = False
    warnings: list[str] = field(default_factory=list)


# The host fact in which a check-mode run leaves the accounts it predicts it would create, by PBX and domain, and
# the option through which the adapters hand it to the next task, so that its reference check counts them.
PLANNED_FACT = 'vodia_pbx_planned_accounts'
PLANNED_ACCOUNTS = 'planned_accounts'
# The same for the references a check-mode run predicts accounts would hold after it (engine.planned_references):
# a later task that deletes an account then sees the references as the earlier tasks would have left them.
PLANNED_REFERENCES_FACT = 'vodia_pbx_planned_references'
PLANNED_REFERENCES = 'planned_references'
# Each fact a check-mode task leaves, with the option through which the adapters hand it to later tasks.
HANDED_ON = ((PLANNED_FACT, PLANNED_ACCOUNTS), (PLANNED_REFERENCES_FACT, PLANNED_REFERENCES))


class Report(NamedTuple):
    """What an operation returns: the task result, and the warnings to show about the PBX's answers."""
    result: dict
    warnings: Sequence[str] = ()


Operation = Callable[[dict, RunMode, object], Report]

# Saved plans (saved_plan.py): the option that asks a check-mode task to add its plan to the host's part of the plan,
# the host fact that part is built in, the option through which the adapters hand that fact to the next such task, and
# the option that gives a real run the plan to apply.
SAVE_PLAN = 'save_plan'
SAVED_PLAN_FACT = 'vodia_pbx_saved_plan'
PLAN_SO_FAR = 'saved_plan_so_far'
SAVED_PLAN = 'saved_plan'


def run_operation(operation: Operation, params: dict, mode: RunMode) -> TaskOutcome:
    """Run one operation against the PBX that ``params`` names. Never raises a VodiaError."""
    transport = None
    warnings: list[str] = []
    try:
        transport, warnings = ConnectionSettings.from_params(params).open()
        report = operation(params, mode, transport)
        # An operation's own warnings (about the PBX's answers) follow those about the connection settings.
        outcome = TaskOutcome(dict(report.result), warnings=warnings + list(report.warnings))
    except VodiaError as error:
        result = dict(error.facts(), msg=error.message)
        # A task that fails after a write has still changed the PBX, and must say so.
        result['changed'] = transport is not None and transport.writes_done > 0
        outcome = TaskOutcome(result, failed=True, warnings=warnings)
    finally:
        if transport is not None:
            transport.close()
    if transport is not None and transport.retry_log:
        # Every retry is reported, so it shows in verbose output and in AWX job events.
        outcome.result['http_retries'] = [record.as_dict() for record in transport.retry_log]
    return outcome
