# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The module adapter: runs an operation inside an AnsibleModule, on whatever host the task runs on.

Every vodia.pbx module file is this adapter with its argument spec and its operation. The action plugin of
the same name runs the same operation in the controller's own process instead, when it can.
"""

from __future__ import annotations

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.vodia.pbx.plugins.module_utils.argument_specs import given_arguments, secret_values, validation_message
from ansible_collections.vodia.pbx.plugins.module_utils.runner import Operation, RunMode, run_operation
from ansible_collections.vodia.pbx.plugins.module_utils.transport import HAS_REQUESTS, REQUESTS_IMPORT_ERROR


class VodiaModule(AnsibleModule):
    """AnsibleModule, except that its results show given_arguments() as their invocation, and that a failed
    argument validation reads as validation_message() says and masks the secret_values() Ansible may have lost.

    AnsibleModule validates and fails inside its constructor, so that is handled where it fails.
    """

    def __init__(self, *args, **kwargs):
        self._constructing = True
        super().__init__(*args, **kwargs)
        self._constructing = False

    def exit_json(self, **kwargs):
        super().exit_json(**self._with_invocation(kwargs))

    def fail_json(self, msg, **kwargs):
        validation = getattr(self, 'validation_result', None)
        if self._constructing and validation is not None and validation.errors:
            msg = validation_message(validation.errors, self._name)
            self.no_log_values.update(secret_values(self.argument_spec, self.params))
        super().fail_json(msg=msg, **self._with_invocation(kwargs))

    def _with_invocation(self, result: dict) -> dict:
        # AnsibleModule keeps an invocation it is given (and leaves it out where ansible-core 2.21 says so).
        params = getattr(self, 'params', None)
        if params is None:  # failed before it read its arguments
            return result
        return dict(result, invocation={'module_args': given_arguments(params)})


def run_module(argument_spec: dict, operation: Operation) -> None:
    module = VodiaModule(argument_spec=argument_spec, supports_check_mode=True)
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=str(REQUESTS_IMPORT_ERROR))
    outcome = run_operation(operation, module.params, RunMode(check_mode=module.check_mode, diff_mode=module._diff))
    for warning in outcome.warnings:
        module.warn(warning)
    if outcome.failed:
        module.fail_json(**outcome.result)
    module.exit_json(**outcome.result)
