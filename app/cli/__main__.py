"""`python -m app.cli`, as the scripts run the command line."""

from app.cli import main

main()
