# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A tenant's accounts written in the vendor's bulk CSV format (doc.vodia.com/docs/csv), for tests.

The vendor's page describes the format of the bulk import (docs/simulator.md, section 13): one account per line, the
values separated by semicolons (or commas), a first line starting with "#" that names the parameter of each column, and
a "type" column for accounts that are not extensions. It shows no export, so what this writes is our choice within
that format: the tenant's accounts as ``GET /_sim/state`` holds them, so that "simulator state -> CSV -> YAML" can be
tested against the simulator's own accounts.
"""

import csv
import io
import json

from pbxsim.profiles import STAGE_FIELDS


def _cell(field, value):
    """One value as the import dialog takes it: strings as they are, members space-separated (as a PBX takes them,
    S1), other lists and objects (70.x fields such as oauth_list) as JSON."""
    if value is None:
        return ""
    if isinstance(value, list) and field in STAGE_FIELDS:
        return " ".join(str(member) for member in value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def export_csv(domain, types=None, separator=";"):
    """The accounts of ``domain`` (a tenant record of ``GET /_sim/state``, or of ``PbxState.data``) as a CSV text.

    ``types`` keeps the accounts of those addacc types only (default: every account). The columns are ``alias`` and
    ``type``, then every other field of the accounts written, in the order they first appear. The alias cell names the
    account first, then its other aliases, separated by spaces. An account that lacks a field of another type gets an
    empty cell there: the format has one parameter line for the whole file.
    """
    accounts = [(name, account) for name, account in domain["accounts"].items()
                if types is None or account["type"] in types]
    columns = []
    for _name, account in accounts:
        for field in account["settings"]:
            if field != "alias" and field not in columns:
                columns.append(field)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\n")
    writer.writerow(["#alias", "type"] + columns)
    for name, account in accounts:
        settings = account["settings"]
        aliases = [name] + [alias for alias in settings.get("alias", []) if alias != name]
        writer.writerow([" ".join(aliases), account["type"]] + [_cell(field, settings.get(field)) for field in columns])
    return out.getvalue()
