"""`leads import`: every row through `create_lead` as the user of `--as`; each rejected row
reported by line (the header is line 1) with the domain's reasons, each naming its column;
exit 1 when any row was rejected, 0 otherwise; a second run imports nothing twice."""

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from app.bench.import_workload import database_figures, write_file
from app.domain.enums import Action, Importance, LeadSourceType, TimeUnit
from app.domain.identifiers import Ref
from app.domain.leads.history import entries_of
from app.domain.leads.queries import LeadFilter, LeadView, PageRequest, find_lead, find_leads
from app.domain.models import Communication, Contact, Group, LeadChange, User
from tests.cli.conftest import Domain, Leads, write
from tests.databases import DEMO_NOW
from tests.factories import actor, count, set_members

CSV_FILE = """\
contact_information_identifier,type_identifier,source_type,source,importance,priority,\
accounts_receivable_identifier,start_date,expected_completion_date,\
estimated_completion_time_value,estimated_completion_time_unit,description,users_set
id_number=112233,name=New Customer,WEBSITE,www.crm.com,IMPORTANCE2,3,,2026-12-01T09:00:00,,\
3,MONTHS,First of the fair,
id_number=000000,name=Nope,WEBSITE,,IMPORTANCE1,2,,2026-12-01T09:00:00,2027-01-01T00:00:00,,,,
id_number=112233,name=New Customer,WEBSITE,www.crm.com,IMPORTANCE1,high,,2026-12-01T09:00:00,,\
2,,Priority in words,
id_number=21312312,name=New Customer,COMMUNICATIONS,number=204,IMPORTANCE5,1,\
number=ACR0000000201,2026-12-02,2027-03-01,,,"Two
lines",username=mariosmtest;username=salesagent

id_number=101010,alternative_code=NC,ADVERTISEMENT,Radio,CUSTOM1,6,,2026-12-01T09:00:00,\
2026-11-01T00:00:00,,,Ends before it starts,
"""
CSV_REJECTIONS = [
    "line 3: contact_information_identifier: No contact has id number '000000'.",
    "line 3: type_identifier: No lead type has name 'Nope'.",
    "line 3: source: A WEBSITE source needs a name.",
    "line 4: priority: 'high' is not a whole number.",
    "line 4: estimated_completion_time_unit: give estimated_completion_time_unit with "
    "estimated_completion_time_value.",
    "line 8: expected_completion_date: The expected completion date must come after the start "
    "date 2026-12-01T09:00:00+00:00.",
]


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


async def _totals(session: AsyncSession) -> tuple[int, int]:
    """How many leads the administrator sees, and how many history entries there are."""
    page = await find_leads(
        session,
        await actor(session),
        LeadView(),
        LeadFilter(),
        PageRequest(first=0),
        DEMO_NOW,
        with_total=True,
    )
    assert page.total is not None
    return page.total, await count(session, LeadChange)


async def _name(
    session: AsyncSession, model: type[SQLModel], record_id: str | None, key: str
) -> object:
    record = None if record_id is None else await session.get(model, record_id)
    return None if record is None else getattr(record, key)


def test_a_csv_file_imports_its_good_rows_and_reports_the_others(
    leads: Leads, domain: Domain[tuple[int, int]], tmp_path: Path
) -> None:
    before = domain(_totals)

    result = leads("import", str(write(tmp_path / "leads.csv", CSV_FILE)), "--as", "mariosmtest")

    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        *CSV_REJECTIONS,
        "2 imported, 0 imported before, 3 rejected.",
    ]
    assert domain(_totals) == (before[0] + 2, before[1] + 2)


def test_the_leads_are_made_by_the_importer_as_create_lead_makes_them(
    leads: Leads, domain: Domain[Any], tmp_path: Path
) -> None:
    leads("import", str(write(tmp_path / "leads.csv", CSV_FILE)), "--as", "mariosmtest")

    async def created(session: AsyncSession) -> list[tuple[object, ...]]:
        importer = await actor(session, "mariosmtest")
        found: list[tuple[object, ...]] = []
        for number in ("300", "301"):
            lead = await find_lead(session, importer, Ref("number", number))
            assert lead is not None
            entries = await entries_of(session, lead.id)
            found.append(
                (
                    await _name(session, Contact, lead.contact_id, "id_number"),
                    lead.source_type,
                    lead.source_name,
                    await _name(session, Communication, lead.source_communication_id, "number"),
                    lead.importance,
                    lead.priority,
                    lead.start_date,
                    lead.expected_completion_date,
                    (lead.estimated_value, lead.estimated_unit),
                    lead.description,
                    await _name(session, User, lead.created_by_user_id, "username"),
                    await _name(session, Group, lead.owned_by_group_id, "name"),
                    (await set_members(session, lead.id))["users"],
                    [(entry.action, entry.by_user_id) for entry in entries],
                )
            )
        return found

    marios = domain(lambda session: actor(session, "mariosmtest"))
    assert domain(created) == [
        (
            "112233",
            LeadSourceType.WEBSITE,
            "www.crm.com",
            None,
            Importance.IMPORTANCE2,
            3,
            _at("2026-12-01T09:00:00"),
            _at("2027-03-01T09:00:00"),
            (3.0, TimeUnit.MONTHS),
            "First of the fair",
            "mariosmtest",
            "Main Group",
            [],
            [(Action.CREATE, marios.user_id)],
        ),
        (
            "21312312",
            LeadSourceType.COMMUNICATIONS,
            None,
            "204",
            Importance.IMPORTANCE5,
            1,
            _at("2026-12-02T00:00:00"),
            _at("2027-03-01T00:00:00"),
            (2.9642857142857144, TimeUnit.MONTHS),
            "Two\nlines",
            "mariosmtest",
            "Main Group",
            ["mariosmtest", "salesagent"],
            [(Action.CREATE, marios.user_id)],
        ),
    ]


def test_a_second_run_of_the_same_file_imports_nothing_twice(
    leads: Leads, domain: Domain[tuple[int, int]], tmp_path: Path
) -> None:
    path = str(write(tmp_path / "leads.csv", CSV_FILE))
    leads("import", path, "--as", "mariosmtest")
    after_first = domain(_totals)

    again = leads("import", path, "--as", "mariosmtest")

    assert again.exit_code == 1
    assert again.stdout.splitlines() == [
        *CSV_REJECTIONS,
        "0 imported, 2 imported before, 3 rejected.",
    ]
    assert domain(_totals) == after_first


JSONL_FILE = """\
{"contact_information_identifier": "id_number=112233", "type_identifier": "name=New Customer", \
"source_type": "website", "source": "www.crm.com", "importance": "IMPORTANCE2", "priority": 3, \
"start_date": "2026-12-01T09:00:00", "estimated_completion_time_value": 3, \
"estimated_completion_time_unit": "MONTHS", "target_amount": 1250.5, "udf_float_1": 2.5, \
"udf_string_1": "north", "description": null}

not json
["a", "list"]
{"contact_information_identifier": "id_number=112233", "colour": "red", "priority": true}
{"contact_information_identifier": "id_number=593664", "type_identifier": "name=Software \
Purchase", "source_type": "NOTIFICATIONS", "source": "number=N1", "importance": "CUSTOM2", \
"priority": 2, "expected_completion_date": "2027-06-30T00:00:00+03:00"}
"""


def test_a_json_lines_file_reports_each_line_it_cannot_import(
    leads: Leads, domain: Domain[Any], tmp_path: Path
) -> None:
    before = domain(_totals)

    result = leads("import", str(write(tmp_path / "leads.jsonl", JSONL_FILE)), "--as", "sales.main")

    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "line 3: The line is not JSON: Expecting value.",
        "line 4: The line must hold one JSON object.",
        "line 5: colour: not a column (`leads import --help` lists them).",
        "line 5: priority: give text, a number or null.",
        "line 6: accounts_receivable_identifier: This contact owns accounts receivable: name the "
        "one for this lead.",
        "line 6: contact_email: Lead type 'Software Purchase' sends an email on creation: give "
        "the contact email.",
        "1 imported, 0 imported before, 4 rejected.",
    ]
    assert domain(_totals) == (before[0] + 1, before[1] + 1)

    async def imported(session: AsyncSession) -> tuple[object, ...]:
        lead = await find_lead(session, await actor(session, "sales.main"), Ref("number", "300"))
        assert lead is not None
        return (lead.source_type, lead.target_amount, lead.udf_float_1, lead.udf_string_1)

    assert domain(imported) == (LeadSourceType.WEBSITE, Decimal("1250.50"), 2.5, "north")


GOOD_ROW_CSV = """\
contact_information_identifier,type_identifier,source_type,source,importance,priority,\
start_date,estimated_completion_time_value,estimated_completion_time_unit
id_number=112233,name=New Customer,WEBSITE,www.crm.com,IMPORTANCE2,3,2026-12-01T09:00:00,3,MONTHS
"""
# The same row, its cells in another order and some of them numbers.
GOOD_ROW_JSONL = """\
{"priority": 3, "estimated_completion_time_value": 3, "start_date": "2026-12-01T09:00:00", \
"estimated_completion_time_unit": "MONTHS", "importance": "IMPORTANCE2", "source": "www.crm.com", \
"source_type": "WEBSITE", "type_identifier": "name=New Customer", \
"contact_information_identifier": "id_number=112233"}
"""


def test_a_file_without_bad_rows_exits_0_and_the_same_row_in_either_format_is_one_lead(
    leads: Leads, domain: Domain[tuple[int, int]], tmp_path: Path
) -> None:
    before = domain(_totals)

    first = leads("import", str(write(tmp_path / "one.csv", GOOD_ROW_CSV)), "--as", "sales.main")
    second = leads(
        "import", str(write(tmp_path / "one.jsonl", GOOD_ROW_JSONL)), "--as", "sales.main"
    )

    assert (first.exit_code, first.stdout) == (0, "1 imported, 0 imported before, 0 rejected.\n")
    assert (second.exit_code, second.stdout) == (0, "0 imported, 1 imported before, 0 rejected.\n")
    assert domain(_totals) == (before[0] + 1, before[1] + 1)


def test_another_user_importing_the_same_file_makes_leads_of_their_own(
    leads: Leads, tmp_path: Path
) -> None:
    path = str(write(tmp_path / "one.csv", GOOD_ROW_CSV))
    leads("import", path, "--as", "sales.main")

    result = leads("import", path, "--as", "mariosmtest")

    assert result.stdout == "1 imported, 0 imported before, 0 rejected.\n"


def test_a_read_only_user_is_refused_every_row(leads: Leads, tmp_path: Path) -> None:
    result = leads("import", str(write(tmp_path / "one.csv", GOOD_ROW_CSV)), "--as", "viewer.main")

    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "line 2: User 'viewer.main' has the READ_ONLY role: they may read leads, not change them.",
        "0 imported, 0 imported before, 1 rejected.",
    ]


def test_a_file_or_user_it_cannot_use_stops_it_before_any_row(
    leads: Leads, domain: Domain[tuple[int, int]], tmp_path: Path
) -> None:
    before = domain(_totals)
    unknown_columns = write(tmp_path / "bad.csv", "priority,colour,priority\n1,red,2\n")
    good = str(write(tmp_path / "one.csv", GOOD_ROW_CSV))

    refusals = [
        leads("import", str(unknown_columns), "--as", "sales.main"),
        leads("import", str(tmp_path / "leads.txt"), "--as", "sales.main"),
        leads("import", str(tmp_path / "absent.csv"), "--as", "sales.main"),
        leads("import", good, "--as", "nobody"),
    ]

    assert [(result.exit_code, result.stdout, result.stderr) for result in refusals] == [
        (
            2,
            "",
            f"{unknown_columns}: unknown columns colour; columns named twice: priority "
            "(`leads import --help` lists the columns).\n",
        ),
        (
            2,
            "",
            f"{tmp_path / 'leads.txt'}: the name must end in .csv, .jsonl, .ndjson to say the "
            "file's format.\n",
        ),
        (2, "", f"{tmp_path / 'absent.csv'}: No such file or directory.\n"),
        (2, "", "--as: No user has username 'nobody'.\n"),
    ]
    assert domain(_totals) == before


def test_the_help_lists_every_column(leads: Leads) -> None:
    result = leads("import", "--help")

    for column in (
        "contact_information_identifier",
        "type_identifier",
        "source_type",
        "estimated_completion_time_unit",
        "assigned_to_user_identifier",
        "lead_owner",
        "users_set",
        "physical_goods_set",
        "udf_string_8",
        "udf_date_4",
    ):
        assert f"{column}:" in result.stdout


def test_a_thousand_rows_with_ten_bad_ones(
    leads: Leads, domain: Domain[tuple[int, int]], database_url: str, tmp_path: Path
) -> None:
    contacts, _, _ = asyncio.run(database_figures(database_url))
    path = tmp_path / "thousand.csv"
    bad_lines = write_file(path, contacts, rows=1000, bad_rows=10)
    before = domain(_totals)

    result = leads("import", str(path), "--as", "MPAdministrator")

    assert result.exit_code == 1
    assert sorted(bad_lines) == [35, 135, 235, 335, 435, 535, 635, 735, 835, 935]
    assert result.stdout.splitlines() == [
        "line 35: contact_information_identifier: No contact has id number '000000'.",
        "line 135: priority: Priority is a whole number from 1 to 6.",
        "line 235: start_date: 'next Tuesday' is not a date and time in ISO 8601 "
        "(2026-12-01T09:30:00).",
        "line 335: type_identifier: A lead needs a type.",
        "line 435: status_identifier: A lead is created PENDING or IN_PROGRESS; status 'Won' is "
        "WON.",
        "line 535: importance: 'URGENT' is not one of IMPORTANCE1, IMPORTANCE2, IMPORTANCE3, "
        "IMPORTANCE4, IMPORTANCE5, CUSTOM1, CUSTOM2, CUSTOM3.",
        "line 635: probability_to_win: The probability to win is a percentage from 0 to 100.",
        "line 735: target_amount: The target amount has at most two decimal places.",
        "line 835: source: A WEBSITE source needs a name.",
        "line 935: contact_email: Lead type 'Software Purchase' sends an email on creation: give "
        "the contact email.",
        "990 imported, 0 imported before, 10 rejected.",
    ]
    assert domain(_totals) == (before[0] + 990, before[1] + 990)
