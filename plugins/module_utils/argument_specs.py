# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The options of every vodia.pbx module, in Ansible's argument spec form.

Both adapters validate a task against the same spec: AnsibleModule in the module, ArgumentSpecValidator in
the action plugin. The options of an account come from its kind's field table, so a new typed field is a new
option everywhere at once. The documentation of these options is in the doc fragments; a unit test keeps
the two in step. So that both adapters also fail and report alike, the rules for what a task's result shows of
its arguments are here too: the validation message, the secret values to mask and the invocation.
"""

from __future__ import annotations

from ansible.module_utils.common.parameters import env_fallback
from ansible.module_utils.errors import NoLogError, UnsupportedError

from ansible_collections.vodia.pbx.plugins.module_utils.account_kind import AccountKind
from ansible_collections.vodia.pbx.plugins.module_utils.connection import CONNECTION_ENVIRONMENT
from ansible_collections.vodia.pbx.plugins.module_utils.fields import FLAG, NAMES, SECONDS, TEXT, WORDS
from ansible_collections.vodia.pbx.plugins.module_utils.runner import PLAN_SO_FAR, SAVE_PLAN, SAVED_PLAN
from ansible_collections.vodia.pbx.plugins.module_utils.runner import PLANNED_ACCOUNTS, PLANNED_REFERENCES

# The Ansible type of each kind of typed option.
OPTION_TYPES = {
    TEXT: dict(type='str'),
    FLAG: dict(type='bool'),
    WORDS: dict(type='list', elements='str'),
    NAMES: dict(type='list', elements='str'),
    SECONDS: dict(type='int'),
}


def connection_spec() -> dict:
    spec = dict(
        url=dict(type='str', required=True),
        username=dict(type='str', required=True),
        password=dict(type='str', required=True, no_log=True),
        validate_certs=dict(type='bool', default=True),
        ca_path=dict(type='path'),
        timeout=dict(type='int', default=30),
        retries=dict(type='int', default=3),
        max_concurrent_requests=dict(type='int'),
        request_lock_dir=dict(type='path'),
        request_lock_timeout=dict(type='int', default=300),
    )
    for option, variable in CONNECTION_ENVIRONMENT.items():
        spec[option]['fallback'] = (env_fallback, [variable])
    return spec


def account_options(kind: AccountKind) -> dict:
    """The options that describe one account of a kind, from its field table."""
    spec = dict((typed.option, dict(OPTION_TYPES[typed.kind])) for typed in kind.fields.typed)
    for composite in kind.fields.composites:
        spec[composite.option] = COMPOSITE_OPTIONS[composite.option]()
    spec['settings'] = dict(type='dict')
    return spec


def stages_option() -> dict:
    return dict(
        type='list', elements='dict',
        options=dict(
            extensions=dict(type='list', elements='str', default=[]),
            duration=dict(type='int'),
        ),
    )


# The argument spec of each composite option (fields.Composite) a field table has.
COMPOSITE_OPTIONS = {'stages': stages_option}


def _with_connection(spec: dict) -> dict:
    return dict(connection_spec(), **spec)


def _identity() -> dict:
    return dict(
        name=dict(type='str', required=True),
        state=dict(type='str', default='present', choices=['present', 'absent']),
    )


def _reference_options() -> dict:
    return dict(
        reference_check=dict(type='str', default='error', choices=['error', 'warn']),
        **{PLANNED_ACCOUNTS: dict(type='dict'), PLANNED_REFERENCES: dict(type='dict')}
    )


def _plan_options() -> dict:
    """The options of saved plans (docs/saved-plans.md), on every module that converges accounts."""
    return {
        SAVE_PLAN: dict(type='bool', default=False),
        'plan_ttl': dict(type='int', default=86400),
        SAVED_PLAN: dict(type='dict'),
        PLAN_SO_FAR: dict(type='dict'),
    }


def account_spec(kind: AccountKind) -> dict:
    """vodia.pbx.vodia_hunt_group, vodia.pbx.vodia_call_queue, ..."""
    return _with_connection(dict(domain=dict(type='str', required=True), **_identity(), **account_options(kind),
                                 **_reference_options(), **_plan_options()))


def account_info_spec(kind: AccountKind) -> dict:
    """vodia.pbx.vodia_hunt_group_info, vodia.pbx.vodia_call_queue_info, ..."""
    return _with_connection(dict(
        domain=dict(type='str', required=True),
        name=dict(type='str'),
        parallel=dict(type='int', default=4),
        form=dict(type='str', default='canonical', choices=['canonical', 'export']),
    ))


def accounts_spec(kind: AccountKind) -> dict:
    """vodia.pbx.vodia_hunt_groups, vodia.pbx.vodia_call_queues, ..."""
    spec = dict(
        domain=dict(type='str', required=True),
        purge=dict(type='bool', default=False),
        parallel=dict(type='int', default=4),
        return_state=dict(type='bool', default=True),
        **_reference_options(),
        **_plan_options()
    )
    spec[kind.results_key] = dict(type='list', elements='dict', required=True,
                                  options=dict(_identity(), **account_options(kind)))
    return _with_connection(spec)


def validation_message(errors, module_name: str) -> str:
    """The message of a failed argument validation, the same on both paths.

    It is Ansible's own message for the first error, as AnsibleModule gives it, with one exception. A list of
    dictionaries given something else (a string, or hunt group names without options) first fails Ansible's
    scan for no_log values, whose message names no option ("dictionary requested, could not parse JSON or
    key=value"); the error after it says which option is wrong, so that one is shown.
    """
    error = next((found for found in errors if not isinstance(found, NoLogError)), errors[0])
    if isinstance(error, UnsupportedError):
        return 'Unsupported parameters for (%s) module: %s' % (module_name, error.msg)
    return error.msg


def secret_values(argument_spec: dict, params: dict) -> set[str]:
    """The values the task gives to options marked no_log, to be masked in everything the task returns.

    Ansible collects them while it validates, but loses them all when a list of dictionaries in the same task
    is not one: its scan for no_log values stops at the first element it cannot read. Without them, the
    password given to such a task would be shown in the failed task's invocation.
    """
    return set(str(params[name]) for name, option in argument_spec.items()
               if option.get('no_log') and params.get(name) not in (None, ''))


def given_arguments(params):
    """The validated parameters as a task result's invocation shows them: without the options left unset (None),
    at every depth.

    AnsibleModule shows every option, unset ones too. For vodia_hunt_groups that is some 20 unset options per
    hunt group item, most of each result (9 KB of 10 for 20 hunt groups), and Ansible copies and converts every
    result several times on the controller (see docs/performance.md).
    """
    if isinstance(params, dict):
        return dict((name, given_arguments(value)) for name, value in params.items() if value is not None)
    if isinstance(params, list):
        return [given_arguments(value) for value in params]
    return params
