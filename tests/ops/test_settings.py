"""Settings are checked at start, and each wrong one is named with what is wrong with it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.settings import LogLevel, Profile, Settings, SettingsError, load_settings
from tests.ops.servers import ROOT, LiveServer


@pytest.fixture(autouse=True)
def _only_these_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    """None of the settings from the environment the tests run in."""
    for name in os.environ:
        if name.lower() in Settings.model_fields:
            monkeypatch.delenv(name)


def _refusal(monkeypatch: pytest.MonkeyPatch, **environment: str) -> str:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as refused:
        load_settings(_env_file=None)
    return str(refused.value)


def test_the_defaults_are_valid() -> None:
    settings = load_settings(_env_file=None)

    assert (settings.database_url, settings.profile, settings.port) == (
        "sqlite+aiosqlite:///./leads.db",
        Profile.DEVELOPMENT,
        8000,
    )
    assert (settings.log_level, settings.ready_timeout_seconds) == (LogLevel.INFO, 2.0)


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("PORT", "eighty", "Input should be a valid integer, unable to parse string as an integer"),
        ("PORT", "70000", "Input should be less than or equal to 65535"),
        ("DATABASE_POOL_SIZE", "-1", "Input should be greater than or equal to 1"),
        ("DATABASE_MAX_OVERFLOW", "-3", "Input should be greater than or equal to 0"),
        ("PROFILE", "staging", "Input should be 'development' or 'production'"),
        ("LOG_LEVEL", "loud", "Input should be 'debug', 'info', 'warning' or 'error'"),
        ("TOKEN_LIFETIME_HOURS", "0", "Input should be greater than 0"),
        (
            "READY_TIMEOUT_SECONDS",
            "soon",
            "Input should be a valid number, unable to parse string as a number",
        ),
        ("PROMETHEUS_MULTIPROC_DIR", "/no/such/dir", "Path does not point to a directory"),
    ],
)
def test_a_wrong_setting_is_named_with_its_value_and_what_is_wrong(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, reason: str
) -> None:
    assert _refusal(monkeypatch, **{variable: value}) == (
        f"Invalid settings (environment or .env):\n  {variable}={value!r}: {reason}"
    )


_DRIVERS = "use sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER@HOST:5432/DATABASE"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        (
            "mysql+aiomysql://leads:hunter2@db/leads",
            "mysql+aiomysql://leads:***@db/leads names the driver 'mysql+aiomysql', which is"
            f" not supported; {_DRIVERS}",
        ),
        ("leads:hunter2 at db", f"not a database URL; {_DRIVERS}"),
    ],
)
def test_a_wrong_database_url_is_named_without_its_password(
    monkeypatch: pytest.MonkeyPatch, url: str, reason: str
) -> None:
    assert _refusal(monkeypatch, DATABASE_URL=url) == (
        f"Invalid settings (environment or .env):\n  DATABASE_URL: {reason}"
    )


def test_every_wrong_setting_is_named_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    message = _refusal(monkeypatch, PORT="x", PROFILE="qa")

    assert message.splitlines()[1:] == [
        "  PROFILE='qa': Input should be 'development' or 'production'",
        "  PORT='x': Input should be a valid integer, unable to parse string as an integer",
    ]


def test_the_start_check_exits_2_with_the_message() -> None:
    environment = {**os.environ, "DATABASE_POOL_SIZE": "-1"}

    checked = subprocess.run(
        [sys.executable, "-m", "app.settings"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert (checked.returncode, checked.stdout) == (2, "")
    assert checked.stderr == (
        "Invalid settings (environment or .env):\n"
        "  DATABASE_POOL_SIZE='-1': Input should be greater than or equal to 1\n"
    )


@pytest.mark.parametrize(
    ("workers", "exit_code"),
    # uvicorn's start-up failure is 3; its supervisor of several workers stops them all and
    # then exits 0 (instead of restarting workers that would fail the same way).
    [(1, 3), (2, 0)],
)
def test_a_server_with_a_wrong_setting_stops_at_start_naming_it(
    tmp_path: Path, workers: int, exit_code: int
) -> None:
    server = LiveServer("sqlite+aiosqlite:///unused.db", tmp_path, workers, {"PROFILE": "qa"})

    assert server.launch().wait(timeout=60) == exit_code
    assert (
        "Error loading ASGI app factory: Invalid settings (environment or .env):\n"
        "  PROFILE='qa': Input should be 'development' or 'production'\n"
    ) in server.stderr.read_text()
