"""The bench's data set at scale: `size` leads (100,000 unless told) over the demo catalog,
with thousands of contacts and accounts receivable, sources of every kind, set items on a
share of the leads, every life cycle state, and expected completion dates spread over the
past and the future (app/bench/dataset_rows.py draws the rows).

It is built through the product's schema (Alembic's head, as `leads migrate` makes it): the
demo catalog through the demo's own loader, everything else with bulk Core inserts (one
executemany per batch). On SQLite the build runs without a journal and without syncing, as
nothing needs to survive a crash half-way: the file is renamed into place only when done.

Built once per size, data-set version and schema revision: SQLite files under bench/cache/;
on PostgreSQL a database of its own (`leads_bench`), whose `bench_data_set` table says which
size, version and revision it holds, so that a second run reuses it.
"""

import asyncio
import hashlib
import shutil
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, event, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel

from app.bench.dataset_rows import (
    REGIONS,
    CatalogIds,
    LeadDrawer,
    Tag,
    contact_rows,
    message_rows,
    region_rows,
)
from app.db import Database, in_transaction, is_sqlite
from app.demo import DEMO_PASSWORD
from app.demo.records import load_catalog
from app.domain.auth import hash_password
from app.domain.enums import ProductSet
from app.domain.numbering import NumberSeries, advance_past
from app.migrations import alembic_config, upgrade
from app.settings import LogLevel, Settings

# Raised whenever what the rows hold changes, so that no cache of the old rows is reused.
DATA_SET_VERSION = 1
DEFAULT_SIZE = 100_000
CACHE_DIRECTORY = Path("bench/cache")
BENCH_DATABASE = "leads_bench"
MARKER = "bench_data_set"
BATCH_SIZE = 20_000

_TABLES = SQLModel.metadata.tables


@dataclass(frozen=True)
class DataSet:
    """A built data set: where it is, how many leads it holds, and how long its build took
    (`built_now` says whether this run built it or found it built)."""

    url: str
    size: int
    build_seconds: float
    built_now: bool

    @property
    def deep_number(self) -> int:
        """The number of the lead at nine tenths of the list: a cursor deep into it."""
        return max(1, self.size * 9 // 10)


def schema_revision() -> str:
    """The Alembic head the product's schema is at, with a digest of every migration's text:
    a migration edited in place changes it too."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    head = script.get_current_head()
    if head is None:
        raise LookupError("the migrations have no head")
    digest = hashlib.sha256()
    for path in sorted(Path(script.versions).glob("*.py")):
        digest.update(path.read_bytes())
    return f"{head}-{digest.hexdigest()[:12]}"


# Catalog --------------------------------------------------------------------------------------


def _names(connection: Connection, table: str, key: str = "name") -> dict[str, str]:
    rows = connection.execute(select(_TABLES[table].c[key], _TABLES[table].c.id))
    return {str(name): str(record_id) for name, record_id in rows}


def catalog_ids(connection: Connection) -> CatalogIds:
    """The ids of the catalog records the leads point to."""
    status = _TABLES["lead_status"]
    statuses = {
        row.name: (row.id, row.life_cycle_state)
        for row in connection.execute(select(status.c.name, status.c.id, status.c.life_cycle_state))
    }
    lead_type = _TABLES["lead_type"]
    types = {
        row.name: (row.id, row.default_category_id)
        for row in connection.execute(
            select(lead_type.c.name, lead_type.c.id, lead_type.c.default_category_id)
        )
    }
    product, product_type = _TABLES["product"], _TABLES["product_type"]
    classified = connection.execute(
        select(product.c.id, product_type.c.id.label("type_id"), product_type.c.classification)
        .select_from(product.join(product_type, product_type.c.id == product.c.product_type_id))
        .order_by(product.c.code)
    ).all()
    types_of = connection.execute(
        select(product_type.c.id, product_type.c.classification).order_by(product_type.c.name)
    ).all()
    items: dict[ProductSet, list[tuple[str, str]]] = {}
    for product_set, classification in (
        (ProductSet.SERVICES, "SERVICES"),
        (ProductSet.PHYSICAL_GOODS, "PHYSICALGOODS"),
    ):
        items[product_set] = [
            ("product", row.id) for row in classified if row.classification == classification
        ] + [("product_type", row.id) for row in types_of if row.classification == classification]
    items[ProductSet.PRODUCTS] = (
        [("product", row.id) for row in classified]
        + [
            ("product_family", record_id)
            for record_id in _names(connection, "product_family").values()
        ]
        + [
            ("product_brand", record_id)
            for record_id in _names(connection, "product_brand").values()
        ]
    )
    return CatalogIds(
        statuses=statuses,
        types=types,
        categories=sorted(_names(connection, "lead_category").values()),
        users=_names(connection, "user", "username"),
        units=_names(connection, "unit"),
        groups=_names(connection, "group"),
        privacy_levels=sorted(_names(connection, "privacy_level").values()),
        lost_reasons=sorted(_names(connection, "lost_reason").values()),
        competitors=sorted(_names(connection, "competitor").values()),
        subscription_packages=sorted(_names(connection, "subscription_package").values()),
        items=items,
    )


async def _demo_catalog(url: str) -> str:
    """Load the demo catalog as the demo does; the password hash of its users."""
    database = Database.connect(Settings(database_url=url, log_level=LogLevel.WARNING))
    password_hash = hash_password(DEMO_PASSWORD)

    async def load(session: Any) -> None:
        await load_catalog(session, password_hash)
        await advance_past(session, NumberSeries.ACCOUNTS_RECEIVABLE, 1000)

    try:
        await in_transaction(database.writer, load)
    finally:
        await database.dispose()
    return password_hash


# Rows -----------------------------------------------------------------------------------------


def _insert(connection: Connection, table: str, rows: list[dict[str, Any]]) -> None:
    if rows:
        connection.execute(insert(_TABLES[table]), rows)


def _advance_lead_numbers(connection: Connection, size: int) -> None:
    """Numbers from `size` + 1 on for the leads the product creates."""
    series = NumberSeries.LEAD.value
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT setval(:name, :used)"), {"name": series, "used": size})
    else:
        counter = _TABLES["counter"]
        connection.execute(counter.update().where(counter.c.name == series).values(value=size))


def fill(connection: Connection, size: int, password_hash: str) -> dict[str, int]:
    """Every row past the demo catalog, in batches; how many of each kind were written."""
    for table, rows in region_rows(password_hash).items():
        _insert(connection, table, rows)
    contacts: list[dict[str, Any]] = []
    accounts: list[dict[str, Any]] = []
    counts = {"contacts": 0, "accounts_receivable": 0}
    for contact, account in contact_rows(size):
        contacts.append(contact)
        if account is not None:
            accounts.append(account)
        if len(contacts) == BATCH_SIZE:
            _insert(connection, "contact", contacts)
            _insert(connection, "accounts_receivable", accounts)
            counts["contacts"] += len(contacts)
            counts["accounts_receivable"] += len(accounts)
            contacts, accounts = [], []
    _insert(connection, "contact", contacts)
    _insert(connection, "accounts_receivable", accounts)
    counts["contacts"] += len(contacts)
    counts["accounts_receivable"] += len(accounts)
    for table, tag, prefix in (
        ("communication", Tag.COMMUNICATION, "BC"),
        ("notification", Tag.NOTIFICATION, "BN"),
    ):
        rows = message_rows(size, tag, prefix)
        _insert(connection, table, rows)
        counts[f"{table}s"] = len(rows)
    drawer = LeadDrawer(size, catalog_ids(connection))
    for batch in drawer.batches(BATCH_SIZE):
        _insert(connection, "lead", batch.leads)
        _insert(connection, "lead_user", batch.users)
        _insert(connection, "lead_competitor", batch.competitors)
        _insert(connection, "lead_product", batch.products)
    _advance_lead_numbers(connection, size)
    return {
        "leads": size,
        **counts,
        "lead_users": drawer.set_items["users"],
        "lead_competitors": drawer.set_items["competitors"],
        "lead_products": drawer.set_items["products"],
        "regional_groups": REGIONS,
    }


def _write_marker(connection: Connection, size: int, seconds: float) -> None:
    connection.exec_driver_sql(
        f"CREATE TABLE {MARKER} (size INTEGER NOT NULL, version INTEGER NOT NULL, "
        "revision VARCHAR(32) NOT NULL, build_seconds FLOAT NOT NULL)"
    )
    connection.execute(
        text(f"INSERT INTO {MARKER} VALUES (:size, :version, :revision, :seconds)"),
        {
            "size": size,
            "version": DATA_SET_VERSION,
            "revision": schema_revision(),
            "seconds": seconds,
        },
    )


def _sqlite_bulk_engine(url: str) -> Any:
    """A synchronous engine for the build: no journal, no syncing, a large page cache."""
    path = make_url(url).database
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _configure(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        for pragma in (
            "journal_mode=OFF",
            "synchronous=OFF",
            "cache_size=-262144",
            "temp_store=MEMORY",
            "foreign_keys=OFF",
        ):
            dbapi_connection.execute(f"PRAGMA {pragma}")

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN")

    return engine


def _fill_sqlite(url: str, size: int, password_hash: str, started: float) -> dict[str, int]:
    engine = _sqlite_bulk_engine(url)
    try:
        with engine.begin() as connection:
            counts = fill(connection, size, password_hash)
            _write_marker(connection, size, time.perf_counter() - started)
    finally:
        engine.dispose()
    # WAL, as the product's engines set it, is kept in the file; so are the statistics that
    # `leads migrate` would gather.
    with closing(sqlite3.connect(make_url(url).database or "")) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("ANALYZE")
    return counts


async def _fill_postgresql(
    url: str, size: int, password_hash: str, started: float
) -> dict[str, int]:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.exec_driver_sql("SET LOCAL synchronous_commit = off")
            counts = await connection.run_sync(fill, size, password_hash)
            await connection.run_sync(_write_marker, size, time.perf_counter() - started)
        # What autovacuum would do soon after such a load: statistics and the visibility map.
        async with engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.exec_driver_sql("VACUUM ANALYZE")
    finally:
        await engine.dispose()
    return counts


def build(url: str, size: int) -> dict[str, int]:
    """Migrate the empty database at `url` and fill it with `size` leads; the row counts."""
    started = time.perf_counter()
    upgrade(url)
    password_hash = asyncio.run(_demo_catalog(url))
    if is_sqlite(url):
        return _fill_sqlite(url, size, password_hash, started)
    return asyncio.run(_fill_postgresql(url, size, password_hash, started))


# Caches ---------------------------------------------------------------------------------------


def _sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path.resolve()}"


def sqlite_data_set(size: int = DEFAULT_SIZE, cache: Path = CACHE_DIRECTORY) -> DataSet:
    """The SQLite data set of `size` leads in `cache`, built first when it is not there."""
    path = cache / f"leads-{size}-v{DATA_SET_VERSION}-{schema_revision()}.db"
    if path.exists():
        return DataSet(_sqlite_url(path), size, _recorded_seconds(path), built_now=False)
    cache.mkdir(parents=True, exist_ok=True)
    building = path.with_name(f"{path.name}.building")
    for leftover in (building, *(Path(f"{building}{end}") for end in ("-wal", "-shm"))):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    build(_sqlite_url(building), size)
    seconds = time.perf_counter() - started
    building.rename(path)
    return DataSet(_sqlite_url(path), size, seconds, built_now=True)


def _recorded_seconds(path: Path) -> float:
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            seconds = connection.scalar(text(f"SELECT build_seconds FROM {MARKER}"))
    finally:
        engine.dispose()
    return float(seconds or 0)


async def _postgresql_admin(server_url: str, database: str) -> None:
    """Create `database` on the server unless it is there."""
    engine = create_async_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            found = await connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": database}
            )
            if found is None:
                await connection.exec_driver_sql(f'CREATE DATABASE "{database}"')
    finally:
        await engine.dispose()


async def _postgresql_marker(url: str) -> tuple[int, int, str, float] | None:
    """What the bench database holds, or None when it holds no data set (or a broken one);
    emptied in that case, for a build."""
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            present = await connection.scalar(text("SELECT to_regclass(:name)"), {"name": MARKER})
            if present is not None:
                row = (await connection.execute(text(f"SELECT * FROM {MARKER}"))).first()
                if row is not None:
                    return (row.size, row.version, row.revision, row.build_seconds)
            await connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            await connection.exec_driver_sql("CREATE SCHEMA public")
            return None
    finally:
        await engine.dispose()


async def _empty_postgresql(url: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            await connection.exec_driver_sql("CREATE SCHEMA public")
    finally:
        await engine.dispose()


def postgresql_data_set(
    server_url: str, size: int = DEFAULT_SIZE, database: str = BENCH_DATABASE
) -> DataSet:
    """The data set of `size` leads in the database `database` of the PostgreSQL server
    `server_url` names, built first (over whatever it held) unless it holds that one."""
    url = make_url(server_url).set(database=database).render_as_string(hide_password=False)
    asyncio.run(_postgresql_admin(server_url, database))
    marker = asyncio.run(_postgresql_marker(url))
    if marker is not None and marker[:3] == (size, DATA_SET_VERSION, schema_revision()):
        return DataSet(url, size, marker[3], built_now=False)
    if marker is not None:
        asyncio.run(_empty_postgresql(url))
    started = time.perf_counter()
    build(url, size)
    return DataSet(url, size, time.perf_counter() - started, built_now=True)


def copy_into(data_set: DataSet, directory: Path) -> str:
    """The URL of a copy of the SQLite data set in `directory`, for a run that writes."""
    copy = directory / "data-set.db"
    shutil.copyfile(make_url(data_set.url).database or "", copy)
    return _sqlite_url(copy)


def figures_of(data_set: DataSet) -> dict[str, Any]:
    """What the figures say of the data set they were measured on."""
    return {
        "leads": data_set.size,
        "version": DATA_SET_VERSION,
        "schema_revision": schema_revision(),
        "backend": make_url(data_set.url).get_backend_name(),
        "build_seconds": round(data_set.build_seconds, 1),
        "built_now": data_set.built_now,
    }


def describe(data_set: DataSet) -> str:
    """One line on the data set: its size, where it is, and its build."""
    how = "built now" if data_set.built_now else "built before"
    return (
        f"data set: {data_set.size:,} leads on {make_url(data_set.url).get_backend_name()} "
        f"({how}, in {data_set.build_seconds:.1f} s)"
    )
