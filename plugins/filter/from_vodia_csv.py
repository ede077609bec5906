# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r'''
name: from_vodia_csv
short_description: Turn the vendor's bulk CSV file into the variables of the hunt_groups role
version_added: 1.0.0
description:
  - Reads a file in the bulk CSV format of the Vodia web interface (U(https://doc.vodia.com/docs/csv)) and returns the
    variables that the P(vodia.pbx.hunt_groups#role) role takes and the P(vodia.pbx.hunt_groups_export#role) role writes
    (C(hunt_groups_list), C(hunt_groups_call_queues), ...), in the form of an export, with a report of what it did not
    import.
  - "The format, as the vendor describes it: one account per line, values separated by semicolons or commas; a first
    line that starts with C(#) names the parameter (the Vodia field) of each column, such as C(#alias;type;display);
    without one the columns are C(alias;first_name;last_name;position;cell;email;mac;mb_pin;web_pass;password); the
    C(type) column gives the account type (the C(addacc) type, such as C(hunts) or C(acds)), and a line without one is
    an extension."
  - The C(alias) column names the account. Several names in it, separated by spaces, are the account's aliases, the
    first one naming it; a single name sets no alias, so an account keeps the aliases it has.
  - Every account of a kind the collection manages becomes one item in the variable of that kind, in the order of the
    file, holding the columns the file gives for it and nothing else. Fields with a typed option become that option;
    every other field goes into C(settings). An option whose field has no column is left out, so applying the
    variables leaves that field as the PBX holds it, as the vendor's import does for an account that exists. A
    hunt group's stages become C(stages) when the file gives all six stage fields, otherwise the fields given go into
    C(settings).
  - An account on several lines gets the columns of each; a later line wins where two give the same field.
  - Nothing is dropped silently. C(not_imported) lists each line of a type the collection does not manage (its
    C(line), C(type), C(account), the C(fields) that held a value, and the C(reason)), and each field of a managed
    kind that no variable can carry (its C(line), C(type), C(account), C(field) and C(reason)). Those fields are the
    runtime state that an export leaves out too, and a credential column of extensions (C(password), C(web_pass),
    C(mb_pin)) that holds a value on a line of a managed kind, which is never imported, so that no secret reaches the
    variables, a diff or a report. The report never holds a value, since extension lines hold passwords and PINs.
  - Input that cannot be read (a line with more values than columns, an account without a name, an account with two
    types, a value that the modules would refuse) fails with a message that names the line, and the column where
    there is one.
  - The accounts are not checked against a PBX; the role does that when the variables are applied.
author:
  - vodia.pbx maintainers (@vodia-pbx)
options:
  _input:
    description:
      - The text of the CSV file, for example C(lookup('ansible.builtin.file', 'accounts.csv')), or a list of such
        texts, each with its own first line; then every entry of C(not_imported) also has C(file), the number of the
        text in the list (from 1).
    type: raw
    required: true
  separator:
    description:
      - The separator of the values. By default a semicolon when the first line holds one, otherwise a comma.
    type: str
    choices: [';', ',']
  empty_cells:
    description:
      - What an empty cell means. V(set) empties the field, like an export's empty option. V(skip) leaves the field as
        the PBX holds it, for a file whose one parameter line serves several account types, where the columns of
        one type are empty on the lines of another.
    type: str
    choices: [set, skip]
    default: set
  domain:
    description:
      - The tenant, written into the result as C(hunt_groups_domain) (the CSV does not name one). Without it the result
        has no C(hunt_groups_domain).
    type: str
'''

EXAMPLES = r'''
- name: Read accounts.csv
  ansible.builtin.set_fact:
    imported: "{{ lookup('ansible.builtin.file', 'accounts.csv') | vodia.pbx.from_vodia_csv(domain='localhost') }}"

- name: Write its accounts as variables of the hunt_groups role, in the form of an export
  ansible.builtin.copy:
    dest: host_vars/pbx-nyc.yml
    mode: '0644'
    content: >-
      {{ imported | ansible.builtin.dict2items | rejectattr('key', 'eq', 'not_imported') | ansible.builtin.items2dict
         | to_nice_yaml(indent=2, sort_keys=false) }}

- name: Show what the file holds that the collection does not manage
  ansible.builtin.debug:
    msg: "{{ imported.not_imported }}"

- name: Several files, each with its own parameter line (not_imported then names the file of each entry)
  ansible.builtin.set_fact:
    imported: "{{ query('ansible.builtin.file', 'hunt_groups.csv', 'queues.csv') | vodia.pbx.from_vodia_csv }}"
'''

RETURN = r'''
_value:
  description:
    - The variables of the P(vodia.pbx.hunt_groups#role) role, one list for every account kind the collection
      manages (empty ones too), and the report.
  type: dict
  contains:
    hunt_groups_domain:
      description: The tenant, when O(domain) is given.
      type: str
    hunt_groups_list:
      description: The hunt groups (type C(hunts)), as items of M(vodia.pbx.vodia_hunt_groups).
      type: list
      elements: dict
    hunt_groups_call_queues:
      description: The call queues (type C(acds)), as items of M(vodia.pbx.vodia_call_queues).
      type: list
      elements: dict
    hunt_groups_service_flags:
      description: The service flags (type C(srvflags)), as items of M(vodia.pbx.vodia_service_flags).
      type: list
      elements: dict
    not_imported:
      description:
        - What the file holds that no variable carries, in the order of the file.
        - A line of another type has C(line), C(type), C(account), C(fields) and C(reason); a field has C(line),
          C(type), C(account), C(field) and C(reason). With a list of texts, each entry also has C(file).
      type: list
      elements: dict
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.vodia.pbx.plugins.module_utils.errors import VodiaError
from ansible_collections.vodia.pbx.plugins.module_utils.vodia_csv import from_vodia_csv as read_vodia_csv


def from_vodia_csv(text, separator=None, empty_cells='set', domain=None):
    try:
        return read_vodia_csv(text, separator=separator, empty_cells=empty_cells, domain=domain)
    except VodiaError as error:
        raise AnsibleFilterError('from_vodia_csv: %s' % error.message) from None


class FilterModule:
    """The vendor's bulk CSV format, read into the roles' variables."""

    def filters(self):
        return {'from_vodia_csv': from_vodia_csv}
