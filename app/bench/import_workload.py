"""The import workload: a fresh SQLite database with the demo data, a CSV of 10,000 leads over
the demo catalog of which 100 are bad, and `leads import` run on it twice, as a person runs it
(a process of its own). The first run must import 9,900 and report the 100 by line; the
second must import nothing new.
"""

import asyncio
import csv
import random
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlmodel import col

from app.bench.figures import Figures, WorkloadFailedError
from app.bench.servers import demo_database, environment
from app.db import Database
from app.domain.auth import actor_named
from app.domain.enums import Importance, TimeUnit
from app.domain.leads.queries import LeadFilter, LeadView, PageRequest, find_leads
from app.domain.models import AccountsReceivable, Contact, LeadChange
from app.settings import Settings

ROWS = 10_000
BAD_ROWS = 100
# What `--quick` imports instead: a tenth of the rows and of the bad ones.
QUICK_ROWS = 1_000
QUICK_BAD_ROWS = 10
IMPORTER = "MPAdministrator"
# A fixed moment to date the leads from, so that every run writes the same file.
_START = datetime(2026, 11, 25, 12, tzinfo=UTC)
_DESCRIPTIONS = ("Wants a quote", "Called back twice", "Met at the fair", "Renewal", "Upgrade")
_REGIONS = ("north", "south", "east", "west")
_SOURCES = (
    ("WEBSITE", "www.crm.com"),
    ("ADVERTISEMENT", "Spring campaign"),
    ("COMMUNICATIONS", "number=204"),
    ("NOTIFICATIONS", "number=N2"),
    ("RECOMMENDEDBYEMPLOYEE", "username=salesagent"),
    ("RECOMMENDEDBYCONTACT", "id_number=101010"),
    ("CUSTOM1", "Partner referral"),
)
_REPORT = re.compile(r"^(\d+) imported, (\d+) imported before, (\d+) rejected\.$")

Row = dict[str, str]
# A contact of the demo data by id number, and its first accounts receivable (None when none).
ContactRecord = tuple[str, str | None]


async def database_figures(url: str) -> tuple[list[ContactRecord], int, int]:
    """The demo contacts with their first accounts receivable, and how many leads and
    history entries the database holds."""
    database = Database.connect(Settings(database_url=url))
    try:
        async with database.reader() as session:
            first_account = (
                select(func.min(AccountsReceivable.number))
                .where(col(AccountsReceivable.owner_id) == col(Contact.id))
                .scalar_subquery()
            )
            contacts = (
                await session.execute(
                    select(col(Contact.id_number), first_account)
                    .where(col(Contact.id_number).is_not(None))
                    .order_by(col(Contact.id_number))
                )
            ).all()
            # The importer is an administrator: the leads they see are every lead.
            page = await find_leads(
                session,
                await actor_named(session, IMPORTER),
                LeadView(),
                LeadFilter(),
                PageRequest(first=0),
                datetime.now(UTC),
                with_total=True,
            )
            leads = page.total or 0
            entries = await session.scalar(select(func.count()).select_from(LeadChange))
        return [(str(number), account) for number, account in contacts], leads, entries or 0
    finally:
        await database.dispose()


def _good_row(index: int, chance: random.Random, contacts: list[ContactRecord]) -> Row:
    id_number, account = chance.choice(contacts)
    lead_type = chance.choice(("New Customer", "Software Purchase"))
    start = _START + timedelta(minutes=chance.randrange(-365 * 24 * 60, 90 * 24 * 60))
    source_type, source = chance.choice(_SOURCES)
    row: Row = {
        "contact_information_identifier": f"id_number={id_number}",
        "type_identifier": f"name={lead_type}",
        "source_type": source_type,
        "source": source,
        "importance": chance.choice(list(Importance)).value,
        "priority": str(chance.randint(1, 6)),
        "status_identifier": chance.choice(("", "name=Reach", "name=Interest", "name=Learn")),
        "accounts_receivable_identifier": "" if account is None else f"number={account}",
        "description": f"{chance.choice(_DESCRIPTIONS)} (bulk lead {index})",
        "contact_email": f"lead{index}@example.com" if chance.random() < 0.8 else "",
        "probability_to_win": str(chance.randint(0, 100)),
        "target_amount": f"{chance.randint(100, 5_000_000) / 100:.2f}",
        "start_date": start.replace(tzinfo=None).isoformat(),
        "owned_by_group_identifier": chance.choice(("", "name=Main Group", "name=CSR Group")),
        "udf_string_1": chance.choice(_REGIONS),
    }
    if lead_type == "Software Purchase":
        row["contact_email"] = f"lead{index}@example.com"
    if chance.random() < 0.5:
        row["estimated_completion_time_value"] = str(chance.randint(1, 12))
        row["estimated_completion_time_unit"] = chance.choice(list(TimeUnit)[2:]).value
    else:
        ends = start + timedelta(days=chance.randint(1, 400))
        row["expected_completion_date"] = ends.replace(tzinfo=None).isoformat()
    if chance.random() < 0.3:
        row["assigned_to_user_identifier"] = "username=sales.main"
    if chance.random() < 0.15:
        row["users_set"] = "username=mariosmtest;username=salesagent"
    if chance.random() < 0.1:
        row["competitors_set"] = "name=Competitor 1"
    if chance.random() < 0.1:
        row["services_set"] = "product.alternative_code=SOFA"
    return row


# Ways a row goes bad, each something people get wrong in spreadsheets.
_SPOILERS: tuple[Callable[[Row], None], ...] = (
    lambda row: row.update(contact_information_identifier="id_number=000000"),
    lambda row: row.update(priority="9"),
    lambda row: row.update(start_date="next Tuesday"),
    lambda row: row.update(type_identifier=""),
    lambda row: row.update(status_identifier="name=Won"),
    lambda row: row.update(importance="URGENT"),
    lambda row: row.update(probability_to_win="150"),
    lambda row: row.update(target_amount="12.345"),
    lambda row: row.update(source=""),
    lambda row: row.update(type_identifier="name=Software Purchase", contact_email=""),
)


def write_file(
    path: Path, contacts: list[ContactRecord], rows: int = ROWS, bad_rows: int = BAD_ROWS
) -> set[int]:
    """Write a CSV of `rows` leads over `contacts`, `bad_rows` of them spread evenly and bad
    in turn in each way of `_SPOILERS`; the lines of the bad ones (the header is line 1)."""
    chance = random.Random(15)
    cells = [_good_row(index, chance, contacts) for index in range(rows)]
    bad_lines: set[int] = set()
    step = rows // bad_rows
    for number, index in enumerate(range(step // 3, rows, step)):
        _SPOILERS[number % len(_SPOILERS)](cells[index])
        bad_lines.add(index + 2)
    columns = sorted({name for row in cells for name in row})
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.DictWriter(file, columns)
        writer.writeheader()
        writer.writerows(cells)
    return bad_lines


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _import(path: Path, url: str, rows: int) -> Figures:
    """Run `leads import` on `path` in a process of its own, timed."""
    command = [sys.executable, "-m", "app.cli", "import", str(path), "--as", IMPORTER]
    cpu, started = _children_cpu(), time.perf_counter()
    done = subprocess.run(
        command, capture_output=True, text=True, env=environment(url), check=False
    )
    seconds, cpu_seconds = time.perf_counter() - started, _children_cpu() - cpu
    lines = done.stdout.splitlines()
    summary = _REPORT.match(lines[-1]) if lines else None
    if summary is None:
        raise WorkloadFailedError(f"leads import said:\n{done.stdout}\n{done.stderr}")
    imported, before, rejected = (int(number) for number in summary.groups())
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu_seconds, 2),
        "rows_per_second": round(rows / seconds, 1),
        "exit_code": done.returncode,
        "imported": imported,
        "imported_before": before,
        "rejected": rejected,
        "rejected_lines": sorted({int(line.split(":")[0][5:]) for line in lines[:-1]}),
    }


def _expect(run: str, found: Figures, **expected: Any) -> None:
    wrong = {name: found[name] for name, value in expected.items() if found[name] != value}
    if wrong:
        raise WorkloadFailedError(f"{run}: found {wrong}, expected {expected}")


def run(scratch: Path, *, quick: bool = False) -> Figures:
    """Build the database and the file, import it twice, check both runs and measure them."""
    url = demo_database(scratch)
    contacts, leads, entries = asyncio.run(database_figures(url))
    path = scratch / "leads.csv"
    rows, bad_rows = (QUICK_ROWS, QUICK_BAD_ROWS) if quick else (ROWS, BAD_ROWS)
    bad_lines = write_file(path, contacts, rows, bad_rows)
    runs: Figures = {}
    for name, imported in (("first_run", rows - bad_rows), ("second_run", 0)):
        found = _import(path, url, rows)
        _, leads_after, entries_after = asyncio.run(database_figures(url))
        found |= {"new_leads": leads_after - leads, "new_history_entries": entries_after - entries}
        leads, entries = leads_after, entries_after
        _expect(
            name,
            found,
            exit_code=1,
            imported=imported,
            imported_before=rows - bad_rows - imported,
            rejected=bad_rows,
            new_leads=imported,
            new_history_entries=imported,
            rejected_lines=sorted(bad_lines),
        )
        print(
            f"{name}: {rows:,} rows in {found['seconds']} s ({found['cpu_seconds']} s of CPU), "
            f"{found['rows_per_second']} rows/s: {found['imported']} imported, "
            f"{found['imported_before']} imported before, {found['rejected']} rejected",
            flush=True,
        )
        runs[name] = {key: value for key, value in found.items() if key != "rejected_lines"}
    return {"rows": rows, "bad_rows": bad_rows, **runs}
