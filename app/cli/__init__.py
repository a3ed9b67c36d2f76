"""The `leads` command line: bulk work on leads (import, export), users, and running the
service (migrate, seed the demo data, the welcome of `scripts/serve`, the schema export).

Each command is a thin adapter: it reads its options and files, calls the domain's services
(the same ones the API calls), and tells what they answered.
"""

import typer

from app.cli import exporting, importing, operations
from app.cli.users import users
from app.demo import DEMO_ADMINISTRATOR

# The user `scripts/serve` signs in for its welcome, and the tests as theirs.
DEMO_USERNAME = DEMO_ADMINISTRATOR

app = typer.Typer(
    name="leads",
    help="Bulk work on leads, users, and running the service, over the database of DATABASE_URL.",
    no_args_is_help=True,
    # A traceback with locals would print what a command holds, a password among them.
    pretty_exceptions_show_locals=False,
)
app.command("import", help=importing.HELP)(importing.import_leads)
app.command("export")(exporting.export_leads)
app.add_typer(users, name="users")
app.command("migrate")(operations.migrate)
app.command("seed-demo")(operations.seed_demo)
app.command("welcome")(operations.welcome)
app.command("export-schema")(operations.export_schema)


def main() -> None:
    """Run the command line."""
    app()
