# -*- coding: utf-8 -*-
# Copyright (c) vodia.pbx contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Generate docs/hunt-group-fields.md, the reference of the Vodia hunt group fields.

    .venv/bin/python tests/tools/field_reference.py            print the reference
    .venv/bin/python tests/tools/field_reference.py --write    write docs/hunt-group-fields.md
    .venv/bin/python tests/tools/field_reference.py --check    fail (exit 1, with a diff) if the file is out of date

It needs a Python with PyYAML (the project's .venv has it). What it is made of:
- the field table of plugins/module_utils/hunt_group.py (TABLE, TYPED_FIELDS, STAGE_COUNT): which Vodia
  field each option sets and how its values are compared;
- the option documentation of plugins/doc_fragments/hunt_group.py, the text ansible-doc shows;
- below, what neither holds: the sources for each field and the fields that have no typed option.

It refuses to write a reference that would not hold: a typed field without a source, an option whose
documentation does not name its Vodia field, a field of the table that the reference leaves out.
tests/unit/plugins/doc_fragments/test_field_reference.py fails when the committed file is out of date.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
import types
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / 'docs' / 'hunt-group-fields.md'
COMMAND = '.venv/bin/python tests/tools/field_reference.py --write'

# Where the meaning of each typed option's field comes from (the numbering of the project's research notes on
# the Vodia API, listed in SOURCES_TEXT). A new typed option needs an entry here before the reference is written.
SOURCES = {
    'display_name': 'S1, S15',
    'stages[].extensions': 'S1, S14',
    'stages[].duration': 'S1, S14',
    'final_destinations': 'S1, S14',
    'ring_strategy': 'S2 (field); S17 (values, low)',
    'aliases': 'S1, S15',
    'caller_id': 'S14',
    'ring_melody': 'S1, S2',
    'music_on_hold': 'S2, S5',
    'record_calls': 'S1 (type), inferred meaning',
    'anonymous_caller_destination': 'inferred from the name; S17',
    'dial_plan': 'S2, S4',
    'night_service': 'inferred',
    'email': 'inferred; S2 (ring group CDR report)',
    'disabled': 'S2 (common account field)',
}

SOURCES_TEXT = '''\
Sources (the numbering of the project's research notes on the Vodia API):
**S1** the vendor's hunt group API page (version 58 and later); **S2** the vendor's OpenAPI description for 70.3;
**S4** the vendor's extension, trunk and domain API pages; **S5** the vendor's auto attendant API page;
**S14** a Vodia white-label's ring group manual ("Stages"); **S15** the vendor's ring group documentation;
**S17** an unattributed bot guide written against 69.5 (low reliability, cited only as a hint).'''

# The runtime fields, as plugins/module_utils/hunt_group.py RUNTIME_FIELDS lists them (collect() checks they agree).
RUNTIME_FIELDS_ROW = ('dialog_state', 'dialog_subscribe', 'dialog_version')

# Fields of the vendor's hunt group example that have no typed option: reachable through `settings` only.
# (Vodia fields, meaning, source)
UNTYPED_FIELDS = (
    (('st1_miss', 'st2_miss', 'st3_miss'), 'Not documented (perhaps: record unanswered calls as missed)', 'S1 (type only)'),
    (('connect', 'ncf'), 'Not documented (`ncf` perhaps "ignore members\' call forwarding")', 'S1 (type only)'),
    (('from_header',), 'Not documented; `id` in every example', 'S1'),
    (('conn_sym', 'flag'), 'Not documented', 'S1'),
    (('acdani', 'cdr_time', 'credit', 'email_cdr', 'epid', 'location', 'max_call_duration', 'max_cdrs', 'need_license',
      'param1', 'param2', 'param3', 'rb', 'rf', 'view_settings', 'visible'),
     'Fields common to every account type; meaning or unit not documented for hunt groups', 'S1, S2'),
    (RUNTIME_FIELDS_ROW,
     'Runtime state kept by the PBX (by their names, inferred: the SIP dialog event package of RFC 4235 that busy lamps '
     'subscribe to); reading is fine, writing is not advised. Exports (`form: export`, the `hunt_groups_export` role) leave them out',
     'S1; RFC 4235'),
)

# How each kind of field travels and when two values are equal (plugins/module_utils/hunt_group.py same_value).
KIND_TEXT = {
    'words': ('members separated by spaces (a PBX may read them back as a JSON list)',
              'the same members, in any order (they ring together); in the same order when the ring strategy '
              '(`algo`, the task\'s or else the PBX\'s) is set and is not `random`'),
    'names': ('a JSON list of strings',
              'the same names, in any order'),
    'seconds': ('a whole number as a string; empty for the PBX default',
                'the same number (`"05"` equals `5`)'),
    'flag': ('`"true"` or `"false"`',
             'the same value, `true`/`True`/JSON `true` alike; sent as `"true"`/`"false"`. An empty (never-set) value '
             'equals `false`, except for `connect`, whose empty value may mean `true`'),
    'text': ('a string',
             'the same string; numbers are sent as strings, and a JSON number from the PBX equals its string. A list or '
             'object (70.x, `settings` only) equals the same JSON data, list items in order and scalars inside compared '
             'as strings'),
}

MARKUP = re.compile(r'\b(RV|[BCEIMOPUV])\(([^)]*)\)')
LINK = re.compile(r'\bL\(([^,)]*),\s*([^)]*)\)')
SETS_FIELD = re.compile(r'\s*Sets the Vodia fields? [^.]*\.')


def use_checkout():
    """Import ansible_collections.vodia.pbx from this checkout, whatever else is installed."""
    for name, path in (('ansible_collections', []), ('ansible_collections.vodia', []),
                       ('ansible_collections.vodia.pbx', [str(ROOT)])):
        package = types.ModuleType(name)
        package.__path__ = path
        sys.modules[name] = package


def markdown(text):
    """Ansible documentation markup as Markdown, for text in a table cell."""
    text = LINK.sub(r'[\1](\2)', text)
    text = MARKUP.sub(lambda match: ('**%s**' if match.group(1) == 'B' else '*%s*' if match.group(1) == 'I' else '`%s`')
                      % match.group(2).split('#module:')[-1], text)
    return text.replace('|', '\\|')


def paragraphs(option):
    description = option['description']
    return [description] if isinstance(description, str) else list(description)


def meaning(option, fields):
    """The option's documentation without the sentence that names the Vodia fields (the table shows them)."""
    text = ' '.join(paragraphs(option))
    for field in fields:
        if 'C(%s)' % field not in text:
            raise ValueError('The documentation of an option that sets %s does not name it as C(%s): %r' % (field, field, text))
    return markdown(SETS_FIELD.sub('', text).strip())


def type_name(option):
    if option.get('type') == 'list':
        return 'list of %s' % option.get('elements', 'str')
    return option.get('type', 'str')


def code_list(fields):
    return ', '.join('`%s`' % field for field in fields)


def collect():
    """The rows of the reference, checked against the field table: (fields, option, type, kind, meaning, source)."""
    from ansible_collections.vodia.pbx.plugins.doc_fragments.hunt_group import ModuleDocFragment
    from ansible_collections.vodia.pbx.plugins.module_utils import hunt_group as model

    options = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['options']
    stages = options['stages']
    numbers = range(1, model.STAGE_COUNT + 1)
    # (Vodia fields, option, its documentation, the documentation that names the fields)
    typed = [
        ([model.stage_extensions_field(number) for number in numbers], 'stages[].extensions',
         stages['suboptions']['extensions'], stages),
        ([model.stage_duration_field(number) for number in numbers], 'stages[].duration',
         stages['suboptions']['duration'], stages),
    ] + [([field.vodia], field.option, options[field.option], options[field.option]) for field in model.TYPED_FIELDS]

    missing = sorted(set(option for _fields, option, _doc, _named in typed) ^ set(SOURCES))
    if missing:
        raise ValueError('SOURCES in %s and the typed options differ in: %s' % (Path(__file__).name, ', '.join(missing)))

    rows = []
    for fields, option, doc, named in typed:
        # The documentation names the field an option sets; a range of stage fields by its first and last.
        meaning(named, sorted(set([fields[0], fields[-1]])))
        rows.append((fields, option, type_name(doc), model.TABLE.all_kinds()[fields[0]], meaning(doc, []), SOURCES[option]))

    if tuple(model.RUNTIME_FIELDS) != RUNTIME_FIELDS_ROW:
        raise ValueError('RUNTIME_FIELDS of the model is %s; update RUNTIME_FIELDS_ROW.' % ', '.join(model.RUNTIME_FIELDS))
    typed_fields = set(field for row in rows for field in row[0])
    for fields, text, source in UNTYPED_FIELDS:
        taken = sorted(typed_fields.intersection(fields))
        if taken:
            raise ValueError('%s now have a typed option; remove them from UNTYPED_FIELDS.' % ', '.join(taken))
        kinds = set(model.TABLE.all_kinds().get(field, model.TEXT) for field in fields)
        if len(kinds) != 1:
            raise ValueError('The fields %s are compared in different ways; give them rows of their own.' % ', '.join(fields))
        kind = kinds.pop()
        rows.append((list(fields), 'settings', '`"true"`/`"false"`' if kind == model.FLAG else 'str', kind, text, source))

    listed = set(field for row in rows for field in row[0])
    unlisted = sorted(set(model.TABLE.all_kinds()) - listed)
    if unlisted:
        raise ValueError('The field table knows %s, which the reference does not list.' % ', '.join(unlisted))
    return rows, options, model


def render():
    """The text of docs/hunt-group-fields.md."""
    rows, options, model = collect()
    out = [
        '# Hunt group fields: Vodia field to module option',
        '',
        '> This file is generated by `tests/tools/field_reference.py` from the field table in',
        '> `plugins/module_utils/hunt_group.py` and the option documentation in `plugins/doc_fragments/hunt_group.py`.',
        '> Do not edit it: change those (or, for sources and fields without a typed option, the script) and run',
        '> `%s`. A unit test fails when it is out of date.' % COMMAND,
        '',
        'Every field of the vendor\'s hunt group example (`GET /rest/domain/{domain}/user_settings/{id}`, API page for',
        'version 58 and later) and where `vodia.pbx.vodia_hunt_group` (and each item of `hunt_groups` of',
        '`vodia.pbx.vodia_hunt_groups`) manages it. A field gets a typed option only when a public source says what it',
        'means; every other field is still reachable through the raw `settings` option (and is returned in',
        '`hunt_group.settings`). The meaning given for a typed option is its module documentation.',
        '',
        SOURCES_TEXT,
        '',
        '| Vodia field | Option | Type | Compared as | Meaning | Source |',
        '| --- | --- | --- | --- | --- | --- |',
    ]
    for fields, option, type_text, kind, text, source in rows:
        out.append('| %s | `%s` | %s | %s | %s | %s |' % (code_list(fields), option, type_text, kind, text, source))

    out += [
        '',
        '## The `settings` option',
        '',
        'From the documentation of `settings`:',
        '',
    ]
    out += ['- %s' % markdown(text) for text in paragraphs(options['settings'])]
    out += [
        '',
        '## How values are compared',
        '',
        'An option is a change only when the value the PBX holds differs from the one the task asks for, compared by',
        'the kind of the field:',
        '',
        '| Compared as | Fields | On the wire | Equal when |',
        '| --- | --- | --- | --- |',
    ]
    order = [field for row in rows for field in row[0]]
    for kind in (model.WORDS, model.NAMES, model.SECONDS, model.FLAG, model.TEXT):
        wire, equal = KIND_TEXT[kind]
        fields = [field for field in order if model.TABLE.all_kinds().get(field, model.TEXT) == kind]
        if kind == model.TEXT:
            fields = [field for field in fields if field in model.TABLE.all_kinds()]
            cell = '%s and every other field' % code_list(fields)
        else:
            cell = code_list(fields)
        out.append('| %s | %s | %s | %s |' % (kind, cell, wire, equal))

    stages = [markdown(text) for text in paragraphs(options['stages'])]
    out += [
        '',
        'A field the PBX leaves out of its answer counts as empty, so asking for an empty value is not a change.',
        '',
        'The order of stages matters: moving members from stage 1 to stage 2 is a change.',
        '',
        '## Stages',
        '',
        'From the documentation of `stages`:',
        '',
    ]
    out += ['- %s' % SETS_FIELD.sub('', text).strip() for text in stages]
    out += [
        '',
        'On the wire, a stage you do not list has its `stN_ext` and `stN_dur` set to empty. Leave `stages` out to keep the',
        'stages as they are. The stages and the last-resort stage (`final_destinations`) are described in S14.',
    ]
    return '\n'.join(out) + '\n'


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n', 1)[0])
    action = parser.add_mutually_exclusive_group()
    action.add_argument('--write', action='store_true', help='write %s' % TARGET.relative_to(ROOT))
    action.add_argument('--check', action='store_true', help='exit 1 if %s is out of date' % TARGET.relative_to(ROOT))
    args = parser.parse_args(argv)

    use_checkout()
    text = render()
    if args.write:
        TARGET.write_text(text, encoding='utf-8')
        return 0
    if args.check:
        current = TARGET.read_text(encoding='utf-8') if TARGET.exists() else ''
        if current == text:
            return 0
        sys.stdout.writelines(difflib.unified_diff(
            current.splitlines(True), text.splitlines(True), str(TARGET.relative_to(ROOT)), 'generated'))
        print('%s is out of date; run %s' % (TARGET.relative_to(ROOT), COMMAND), file=sys.stderr)
        return 1
    sys.stdout.write(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
