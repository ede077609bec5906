# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The bulk variant of a kind's doc fragment: the options of one account as the suboptions of each item of the
list option of the kind's bulk module (vodia_hunt_groups's hunt_groups, vodia_call_queues's call_queues)."""

from __future__ import annotations

import re
import textwrap

_OPTIONS_LINE = 'options:'
# The options sit two spaces deep under options:, their bulk copies six deep under suboptions:.
_BULK_INDENT = ' ' * 4


def bulk_head(list_option: str, noun: str, single_module: str, example_name: str) -> str:
    """The list option itself, up to where the options of one account follow as its suboptions."""
    return r'''
options:
  %(option)s:
    description:
      - The %(plural)s, each with exactly the options of M(vodia.pbx.%(single)s) except the connection options,
        O(domain), O(reference_check) and O(planned_accounts).
      - Names must be unique in the list.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description:
          - The %(noun)s's account number or ID, for example V(%(example)s).
        type: str
        required: true
      state:
        description:
          - V(present) creates the %(noun)s if needed and applies the given options.
          - V(absent) deletes the %(noun)s. Nothing happens if it does not exist.
        type: str
        choices: [present, absent]
        default: present
''' % dict(option=list_option, plural=list_option.replace('_', ' '), single=single_module, noun=noun, example=example_name)


def bulk_documentation(documentation: str, head: str, list_option: str) -> str:
    """The variant of a fragment's DOCUMENTATION whose options are the suboptions of each item of ``list_option``.

    Ansible reads a doc fragment by importing it, so this variant is computed from the one text instead of repeating
    it. Raises ValueError if DOCUMENTATION holds anything but options.
    """
    lines = documentation.strip('\n').split('\n')
    if lines[0] != _OPTIONS_LINE or any(line[:1] not in ('', ' ') for line in lines[1:]):
        raise ValueError('A kind\'s doc fragment must hold only options for its bulk variant to be computed.')
    body = '\n'.join(lines[1:])
    own = re.findall(r'^  ([A-Za-z0-9_]+):', body, re.MULTILINE) + ['name', 'state']
    body = re.sub(r'\bO\((?=(?:%s)\b)' % '|'.join(own), 'O(%s[].' % list_option, body)
    return head.rstrip('\n') + '\n' + textwrap.indent(body, _BULK_INDENT, lambda line: bool(line.strip())) + '\n'
