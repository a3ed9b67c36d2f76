"""The example script of the README signs in and runs its mutations against a real server,
and the README prints it as it is."""

import re
import subprocess
import sys

import httpx2

from tests.databases import Template
from tests.ops.conftest import Serve
from tests.ops.servers import ROOT

SCRIPT = ROOT / "examples" / "session.py"
HISTORY = """{ lead(ref: {number: "300"}) {
  lifeCycleState history { nodes { action by { username } } }
} }"""


def test_the_example_session_creates_starts_and_wins_a_lead(
    serve: Serve, template: Template
) -> None:
    server = serve()

    ran = subprocess.run(
        [sys.executable, str(SCRIPT), server.url],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )

    assert (ran.returncode, ran.stderr) == (0, "")
    assert ran.stdout == (
        "lead 300: PENDING (Reach)\n"
        "lead 300: IN_PROGRESS (Learn)\n"
        "lead 300: WON (Won)\n"
        "signed out\n"
    )
    read = httpx2.post(
        f"{server.url}/graphql",
        json={"query": HISTORY},
        headers={"authorization": f"Bearer {template.token}"},
        timeout=30,
    )
    lead = read.json()["data"]["lead"]
    assert lead["lifeCycleState"] == "WON"
    assert [(node["action"], node["by"]["username"]) for node in lead["history"]["nodes"]] == [
        ("CREATE", "MPAdministrator"),
        ("START_PROGRESS", "MPAdministrator"),
        ("WIN", "MPAdministrator"),
    ]


def test_the_readme_prints_the_example_script_as_it_is() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Scripts\n", 1)[1].split("\n## ", 1)[0]
    (printed,) = re.findall(r"```python\n(.*?)```", section, flags=re.DOTALL)

    assert printed == SCRIPT.read_text()
