# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""pbxsim.csv_export: a tenant's accounts in the vendor's bulk CSV format (docs/simulator.md, section 13)."""

import csv
import io

import pytest

from pbxsim.csv_export import export_csv
from pbxsim.profiles import PROFILES
from pbxsim.state import PbxState


def rows(text, separator=";"):
    return list(csv.reader(io.StringIO(text), delimiter=separator))


def localhost(profile="v58"):
    return PbxState(profile=profile).data["domains"]["localhost"]


def test_the_first_line_names_alias_type_and_every_field_in_the_order_they_first_appear():
    domain = localhost()
    header, *lines = rows(export_csv(domain))
    assert header[:2] == ["#alias", "type"]
    first = next(iter(domain["accounts"].values()))["settings"]
    assert header[2:2 + len(first) - 1] == [field for field in first if field != "alias"]
    assert len(header) == len(set(header))
    assert [(line[0], line[1]) for line in lines] == [(name, account["type"]) for name, account in domain["accounts"].items()]


def test_types_keep_only_those_accounts_and_their_fields():
    domain = localhost()
    header, *lines = rows(export_csv(domain, ("acds",)))
    assert [line[:2] for line in lines] == [["700", "acds"]]
    assert "agents" in header and "st1_ext" not in header
    values = dict(zip(header, lines[0]))
    assert values["agents"] == "446 447" and values["display"] == "Support Queue"


def test_the_alias_cell_names_the_account_first_then_its_other_aliases():
    domain = localhost()
    domain["accounts"]["1003"]["settings"]["alias"] = ["5550100", "1003"]
    lines = dict((line[0].split()[0], line) for line in rows(export_csv(domain, ("hunts",)))[1:])
    assert lines["1003"][0] == "1003 5550100"
    assert lines["1002"][0] == "1002"


def test_values_with_the_separator_or_quotes_are_quoted_and_a_comma_file_is_possible():
    domain = localhost()
    domain["accounts"]["1002"]["settings"]["display"] = 'Desk; "East", 2nd'
    text = export_csv(domain, ("hunts",))
    assert '"Desk; ""East"", 2nd"' in text
    assert dict(zip(*rows(text)[:2]))["display"] == 'Desk; "East", 2nd'
    comma = export_csv(domain, ("hunts",), separator=",")
    assert comma.startswith("#alias,type,") and dict(zip(*rows(comma, ",")[:2]))["display"] == 'Desk; "East", 2nd'


@pytest.mark.parametrize("profile", PROFILES)
def test_members_are_space_separated_and_other_lists_and_objects_json_on_every_profile(profile):
    domain = localhost(profile)
    header, first = rows(export_csv(domain, ("hunts",)))[:2]
    values = dict(zip(header, first))
    assert values["st1_ext"] == "444" and values["st4_ext"] == "8572665588"
    if profile == "v70":
        assert values["oauth_list"] == "[]" and values["google_calendar"] == "{}"
    else:
        assert "oauth_list" not in values


def test_an_account_without_a_field_of_another_type_gets_an_empty_cell():
    domain = localhost()
    header, *lines = rows(export_csv(domain, ("hunts", "acds")))
    by_name = dict((line[0], dict(zip(header, line))) for line in lines)
    assert by_name["1002"]["agents"] == "" and by_name["700"]["st1_ext"] == ""
