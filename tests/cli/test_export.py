"""`leads export`: the leads the user of `--as` may see, filtered as the lists filter, in the
import's columns with each lead's number, state and actual completion date."""

import csv
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import Engine, event

from tests.cli.conftest import Leads, write

# Two leads from a source no demo lead has: one of Main Group with every column given, one
# of CSR Group with the fewest.
IMPORTED = """\
contact_information_identifier,type_identifier,source_type,source,importance,priority,\
status_identifier,category_identifier,accounts_receivable_identifier,description,contact_email,\
contact_phone,probability_to_win,target_amount,start_date,expected_completion_date,\
estimated_completion_time_value,estimated_completion_time_unit,assigned_to_user_identifier,\
assigned_to_unit_identifier,owned_by_group_identifier,privacy_level_identifier,lead_owner,\
users_set,competitors_set,services_set,physical_goods_set,udf_string_1,udf_float_1,udf_date_1
id_number=112233,name=New Customer,CUSTOM3,Partner fair,IMPORTANCE3,4,name=Interest,\
code=SP,,Stand 12,andreas@example.com,+35799123456,40,1250.5,2026-12-01T09:00:00,,2,WEEKS,\
username=sales.main,alternative_code=U,name=Main Group,name=Public,username=mariosmtest,\
username=salesagent,name=Competitor 2,\
product.alternative_code=SOFA;product_type.name=Subscription Packages,\
product.code=Modem A+,north,2.5,2026-12-24T00:00:00
id_number=21312312,name=New Customer,CUSTOM3,Cold call,IMPORTANCE1,1,,,number=ACR0000000201,,\
,,,,2026-12-01T10:00:00,2027-01-31T10:00:00,,,,,name=CSR Group,,,,,,,,,
"""
HEADER = (
    "number,life_cycle_state,contact_information_identifier,type_identifier,source_type,"
    "source,importance,priority,status_identifier,category_identifier,"
    "accounts_receivable_identifier,description,contact_email,contact_phone,"
    "probability_to_win,target_amount,start_date,expected_completion_date,"
    "estimated_completion_time_value,estimated_completion_time_unit,"
    "assigned_to_user_identifier,assigned_to_unit_identifier,owned_by_group_identifier,"
    "privacy_level_identifier,lead_owner,users_set,competitors_set,services_set,"
    "physical_goods_set,udf_string_1,udf_string_2,udf_string_3,udf_string_4,udf_string_5,"
    "udf_string_6,udf_string_7,udf_string_8,udf_float_1,udf_float_2,udf_float_3,udf_float_4,"
    "udf_date_1,udf_date_2,udf_date_3,udf_date_4,actual_completion_date"
)
MAIN_LEAD = (
    "300,IN_PROGRESS,id_number=112233,name=New Customer,CUSTOM3,Partner fair,IMPORTANCE3,4,"
    "name=Interest,name=Software Purchase,,Stand 12,andreas@example.com,+35799123456,40,"
    "1250.50,2026-12-01T09:00:00+00:00,2026-12-15T09:00:00+00:00,2,WEEKS,"
    "username=sales.main,name=Main Unit,name=Main Group,name=Public,username=mariosmtest,"
    "username=salesagent,name=Competitor 2,"
    "product.code=Sports On Full Access;product_type.name=Subscription Packages,"
    "product.code=Modem A+,north,,,,,,,,2.5,,,,2026-12-24T00:00:00+00:00,,,,"
)
CSR_LEAD = (
    "301,PENDING,id_number=21312312,name=New Customer,CUSTOM3,Cold call,IMPORTANCE1,1,"
    "name=Reach,name=New Customer,number=ACR0000000201,,,,,,2026-12-01T10:00:00+00:00,"
    "2027-01-31T10:00:00+00:00,1.967741935483871,MONTHS,,,name=CSR Group,,,,,,,,,,,,,,,,,,,,,,,"
)


@pytest.fixture
def imported(leads: Leads, tmp_path: Path) -> None:
    result = leads(
        "import", str(write(tmp_path / "custom.csv", IMPORTED)), "--as", "MPAdministrator"
    )
    assert (result.exit_code, result.stdout) == (0, "2 imported, 0 imported before, 0 rejected.\n")


@pytest.mark.usefixtures("imported")
def test_csv_of_the_leads_a_filter_finds(leads: Leads) -> None:
    result = leads("export", "--as", "MPAdministrator", "--source", "CUSTOM3")

    assert result.exit_code == 0
    assert result.stdout == f"{HEADER}\n{MAIN_LEAD}\n{CSR_LEAD}\n"
    assert result.stderr == "2 leads exported.\n"


@pytest.mark.usefixtures("imported")
def test_json_lines_to_a_file_hold_the_same_values_without_the_empty_ones(
    leads: Leads, tmp_path: Path
) -> None:
    output = tmp_path / "out.jsonl"

    result = leads(
        "export", "--as", "MPAdministrator", "--source", "CUSTOM3", "--format", "jsonl",
        "--output", str(output),
    )  # fmt: skip

    assert (result.exit_code, result.stdout) == (0, "")
    lines = [json.loads(line) for line in output.read_text().splitlines()]
    expected: list[dict[str, str | int | float]] = [
        {
            name: value
            for name, value in zip(
                HEADER.split(","), next(csv.reader(io.StringIO(row))), strict=True
            )
            if value
        }
        for row in (MAIN_LEAD, CSR_LEAD)
    ]
    for row in expected:  # numbers stay numbers
        for name in ("number", "priority", "probability_to_win"):
            if name in row:
                row[name] = int(row[name])
    expected[0] |= {"estimated_completion_time_value": 2, "udf_float_1": 2.5}
    expected[1]["estimated_completion_time_value"] = 1.967741935483871
    assert lines == expected


@pytest.mark.usefixtures("imported")
def test_a_sales_user_exports_only_the_leads_they_may_see(leads: Leads) -> None:
    main = leads("export", "--as", "sales.main", "--source", "CUSTOM3")
    csr = leads("export", "--as", "sales.csr", "--source", "CUSTOM3")

    # sales.main: Main Group's lead; sales.csr: CSR Group's.
    assert main.stdout == f"{HEADER}\n{MAIN_LEAD}\n"
    assert csr.stdout == f"{HEADER}\n{CSR_LEAD}\n"


@pytest.mark.usefixtures("imported")
def test_the_filters_combine(leads: Leads) -> None:
    in_progress = leads(
        "export", "--as", "MPAdministrator", "--source", "CUSTOM3", "--state", "IN_PROGRESS",
        "--state", "WON", "--category", "code=SP", "--importance", "IMPORTANCE3",
        "--priority", "4", "--type", "name=New Customer", "--contact", "id_number=112233",
    )  # fmt: skip
    by_account = leads(
        "export", "--as", "MPAdministrator", "--source", "CUSTOM3",
        "--accounts-receivable", "number=ACR0000000201",
    )  # fmt: skip

    assert in_progress.stdout == f"{HEADER}\n{MAIN_LEAD}\n"
    assert by_account.stdout == f"{HEADER}\n{CSR_LEAD}\n"


def test_every_lead_of_the_demo_data_when_nothing_filters(leads: Leads) -> None:
    result = leads("export", "--as", "MPAdministrator", "--format", "jsonl")

    numbers = [json.loads(line)["number"] for line in result.stdout.splitlines()]
    assert (len(numbers), numbers == sorted(numbers), result.stderr) == (
        226,
        True,
        "226 leads exported.\n",
    )


# Statements that only open and end transactions, which drivers send differently.
TRANSACTION_CONTROL = frozenset({"BEGIN", "COMMIT", "ROLLBACK"})


def exported_with_statements(leads: Leads, *arguments: str) -> tuple[int, list[str]]:
    """How many leads `leads export --as MPAdministrator ARGUMENTS` wrote, and the statements
    it sent, apart from transaction control."""
    sent: list[str] = []

    def record(*args: object) -> None:
        if str(args[2]).strip().upper() not in TRANSACTION_CONTROL:
            sent.append(str(args[2]))

    # Every engine: the command makes its own.
    event.listen(Engine, "before_cursor_execute", record)
    try:
        result = leads("export", "--as", "MPAdministrator", "--format", "jsonl", *arguments)
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    assert result.exit_code == 0, result.stderr
    return len(result.stdout.splitlines()), sent


def test_an_export_sends_three_statements_a_page(leads: Leads) -> None:
    # When the 34 WON demo leads (one page) and all 226 (three pages) are exported
    one_page, one_page_sent = exported_with_statements(leads, "--state", "WON")
    three_pages, three_pages_sent = exported_with_statements(leads)

    # Then each sends the user's statement, and three a page: the leads', one for every
    # record they name, one for the items of their sets with what those name
    assert (one_page, three_pages) == (34, 226)
    assert (len(one_page_sent), len(three_pages_sent)) == (1 + 3, 1 + 3 * 3)


def test_a_filter_that_names_nothing_is_refused(leads: Leads) -> None:
    refusals = [
        leads("export", "--as", "MPAdministrator", "--type", "name=Nope"),
        leads("export", "--as", "MPAdministrator", "--type", "colour=red"),
        leads("export", "--as", "nobody"),
    ]

    assert [(result.exit_code, result.stdout) for result in refusals] == [(2, ""), (2, ""), (2, "")]
    assert refusals[0].stderr == "--type: No lead type has name 'Nope'.\n"
    # Typer boxes a bad option's message; its words are what matters.
    assert (
        "Invalid value for '--type': 'colour=red' does not name a lead type: give name=VALUE, "
        "alternative_code=VALUE or id=VALUE."
    ) in " ".join(refusals[1].stderr.replace("│", " ").split())
    assert refusals[2].stderr == "--as: No user has username 'nobody'.\n"
