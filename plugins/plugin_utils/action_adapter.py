# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The action adapter: runs a vodia.pbx operation inside the controller's worker process.

A module task costs a new Python process (AnsiballZ payload, interpreter start, imports) before its first
request; on the controller that is almost all of a task's time. When the task runs on the controller, this
adapter validates the arguments exactly as AnsibleModule would and calls the operation in-process. Anywhere
else (a jump host over SSH, become, async) it runs the module as Ansible always does. The variable
``vodia_pbx_execution: module`` forces the module path.
"""

from __future__ import annotations

import json
import os

from contextlib import contextmanager

from ansible import constants as C
from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.parsing.convert_bool import boolean
from ansible.module_utils.common.parameters import remove_values
from ansible.plugins.action import ActionBase

# Importing the transport here, at plugin load, makes the controller import requests once: the strategy
# loads this class before it forks the workers, and every worker inherits the import.
from ansible_collections.vodia.pbx.plugins.module_utils.argument_specs import given_arguments, secret_values, validation_message
from ansible_collections.vodia.pbx.plugins.module_utils.runner import HANDED_ON, RunMode, run_operation
from ansible_collections.vodia.pbx.plugins.module_utils.runner import PLAN_SO_FAR, SAVE_PLAN, SAVED_PLAN_FACT
from ansible_collections.vodia.pbx.plugins.module_utils.transport import HAS_REQUESTS

EXECUTION_VARIABLE = 'vodia_pbx_execution'
EXECUTION_CHOICES = ('auto', 'module')
LOCAL_CONNECTIONS = frozenset(('local', 'ansible.builtin.local'))
# The facts check-mode tasks leave for later tasks of the same run, and the fact that says which run left them.
CARRIED_FACTS = tuple(fact for fact, _option in HANDED_ON) + (SAVED_PLAN_FACT,)
RUN_FACT = 'vodia_pbx_check_run'


class VodiaAction(ActionBase):
    """Subclasses name their argument spec and operation (see plugins/action/)."""

    _supports_check_mode = True
    # Async tasks are handed to the module, which Ansible runs in the background as usual.
    _supports_async = True

    @staticmethod
    def argument_spec() -> dict:
        raise NotImplementedError

    @staticmethod
    def operation(params, mode, transport) -> dict:
        raise NotImplementedError

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super().run(tmp, task_vars)
        this_run = host_fact(task_vars, RUN_FACT) == run_identity()
        args = self._with_plan_so_far(self._arguments(task_vars, this_run), task_vars, this_run)
        if self._runs_in_controller(task_vars):
            result.update(self._run_in_process(args, task_vars))
        else:
            result = self._run_module(result, args, task_vars)
        return stamped(result, () if this_run else [fact for fact in CARRIED_FACTS if host_fact(task_vars, fact) is not None])

    def _arguments(self, task_vars, this_run: bool) -> dict:
        """The task's arguments, with what earlier check-mode tasks of the run predicted (the accounts they would
        create, the references accounts would hold after them: HANDED_ON) for a task whose references are checked,
        unless the task sets it itself."""
        args = dict(self._task.args)
        if not (self._task.check_mode and this_run):
            return args
        spec = self.argument_spec()
        for fact, option in HANDED_ON:
            planned = host_fact(task_vars, fact)
            if planned and option in spec and option not in args:
                args[option] = self._templar.template(planned)
        return args

    def _with_plan_so_far(self, args, task_vars, this_run: bool) -> dict:
        """The arguments of a check-mode task that saves its plan, with the host's part of the plan so far
        (SAVED_PLAN_FACT) in this run, to which the task adds its entry, unless the task sets it itself."""
        so_far = host_fact(task_vars, SAVED_PLAN_FACT)
        if (self._task.check_mode and this_run and so_far and PLAN_SO_FAR in self.argument_spec() and PLAN_SO_FAR not in args
                and boolean(args.get(SAVE_PLAN, False), strict=False)):
            args = dict(args, **{PLAN_SO_FAR: self._templar.template(so_far)})
        return args

    def _runs_in_controller(self, task_vars) -> bool:
        execution = self._templar.template(task_vars.get(EXECUTION_VARIABLE, 'auto'))
        if execution not in EXECUTION_CHOICES:
            raise AnsibleActionFail('%s must be one of %s; got %r.' % (EXECUTION_VARIABLE, ', '.join(EXECUTION_CHOICES), execution))
        return (
            execution == 'auto'
            and self._connection.transport in LOCAL_CONNECTIONS
            and not self._play_context.become
            and not self._task.async_val
            and HAS_REQUESTS  # without it on the controller, the module may still find it in another interpreter
        )

    def _run_module(self, result, args, task_vars):
        wrap_async = bool(self._task.async_val) and not self._connection.has_native_async
        result.update(self._execute_module(module_args=args, task_vars=task_vars, wrap_async=wrap_async))
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    def _run_in_process(self, args, task_vars) -> dict:
        task_environment = {}
        self._compute_environment_string(task_environment)
        # A module sees the controller's environment plus the task's environment: keyword. That decides the
        # VODIA_* fallbacks, and also what requests takes from the environment (HTTPS_PROXY, NO_PROXY,
        # REQUESTS_CA_BUNDLE). This worker process runs only this task, and the environment is restored after.
        with environment_variables(task_environment):
            argument_spec = self.argument_spec()
            validation = ArgumentSpecValidator(argument_spec).validate(as_module_receives(args))
            params = validation.validated_parameters
            if validation.error_messages:
                # AnsibleModule names the module as the task does (_ansible_module_name is the task's action).
                result = {'failed': True, 'msg': validation_message(validation.errors, self._task.action), 'changed': False}
            else:
                mode = RunMode(check_mode=bool(self._task.check_mode), diff_mode=bool(self._task.diff))
                result = self._result_of(run_operation(self.operation, params, mode))
        if shows_invocation(task_vars):
            result['invocation'] = {'module_args': given_arguments(params)}
        # AnsibleModule masks no_log values in everything it returns; an action plugin has to do it itself.
        return remove_values(result, validation._no_log_values | secret_values(argument_spec, params))

    @staticmethod
    def _result_of(outcome) -> dict:
        result = dict(outcome.result)
        if outcome.failed:
            result['failed'] = True
        if outcome.warnings:
            result['warnings'] = list(outcome.warnings)
        return result


def host_fact(task_vars, name: str):
    """A fact of the task's host, or None: from ansible_facts, where Ansible always keeps facts, else as a variable of
    its own, where it also puts them unless INJECT_FACTS_AS_VARS is off (ansible-core 2.21 deprecates reading them
    there)."""
    facts = task_vars.get('ansible_facts')
    if isinstance(facts, dict) and name in facts:
        return facts[name]
    return task_vars.get(name)


def run_identity() -> str:
    """Which ansible-playbook run this worker process serves: the process that forked it, by PID and, where /proc
    shows it, start time, since PIDs repeat (every AWX job starts ansible-playbook in a new container, at a low PID).
    Without /proc (a macOS controller) the PID alone marks the run, and a later run that gets the same PID would take
    an earlier run's check-mode facts from a fact cache for its own."""
    parent = os.getppid()
    try:
        with open('/proc/%d/stat' % parent, encoding='utf-8') as stat:
            started = stat.read().rsplit(')', 1)[1].split()[19]
    except (OSError, IndexError):
        started = ''
    return '%d %s' % (parent, started)


def stamped(result: dict, earlier_facts) -> dict:
    """A result whose facts are for later tasks of this run (CARRIED_FACTS), marked as this run's.

    Module results' facts are host facts, which a fact cache (AWX's, or fact_caching in ansible.cfg) keeps across runs;
    a later run's check must not count what an earlier run only predicted. So the facts are handed on only within the
    run that set them (RUN_FACT), and the first of them a new run sets empties ``earlier_facts``, those an earlier run
    left.
    """
    facts = result.get('ansible_facts')
    if not facts or not any(fact in facts for fact in CARRIED_FACTS):
        return result
    facts = dict(facts, **{RUN_FACT: run_identity()})
    facts.update((fact, {}) for fact in earlier_facts if fact not in facts)
    return dict(result, ansible_facts=facts)


def shows_invocation(task_vars) -> bool:
    """Whether a module's result would hold its invocation: always before ansible-core 2.21, and from 2.21 on only
    with INJECT_INVOCATION (ansible_inject_invocation), which Ansible hands to the module."""
    try:
        return bool(C.config.get_config_value('INJECT_INVOCATION', variables=task_vars))
    except AnsibleError:  # no such setting before 2.21
        return True


def as_module_receives(args) -> dict:
    """The task's arguments as plain JSON data, the form in which a module receives them.

    Besides giving both paths the same input, this spares the validator deep-copying Ansible's tagged values,
    which costs more than the copy here. A value JSON cannot hold (a date from a filter, say) leaves the
    arguments as they are, for the validator to judge.
    """
    try:
        return json.loads(json.dumps(args))
    except (TypeError, ValueError):
        return dict(args)


@contextmanager
def environment_variables(variables: dict):
    """Set environment variables for the duration of a block, then put back what was there."""
    saved = dict((name, os.environ.get(name)) for name in variables)
    os.environ.update((name, str(value)) for name, value in variables.items())
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
