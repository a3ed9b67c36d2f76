"""The writes the requests workload times, on the product only (the baseline does not write):
`createLead`, `updateLead` and `winLead`, in turn. Each update and each win works on a lead of
its own, created before the timing starts, so that no request meets a lead an earlier one
changed; each create makes a new lead.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import repeat
from typing import Any

import httpx2

from app.bench import baseline
from app.bench.figures import Figures, WorkloadFailedError
from app.bench.probes import Client, bearer, product_data
from app.bench.statements import StatementLog
from app.bench.timing import Timed, time_in_turn

PAYLOAD = "{ lead { number version lifeCycleState } errors { field code message } }"
CREATE = f"mutation ($input: CreateLeadInput!) {{ createLead(input: $input) {PAYLOAD} }}"
UPDATE = (
    "mutation ($ref: LeadRef!, $input: UpdateLeadInput!) "
    f"{{ updateLead(ref: $ref, input: $input) {PAYLOAD} }}"
)
WIN = f"mutation ($ref: LeadRef!) {{ winLead(ref: $ref) {PAYLOAD} }}"

# A pending New Customer lead of a contact without an account (Lionel Messi of the demo).
PENDING_LEAD: dict[str, Any] = {
    "contactInformation": {"existing": {"idNumber": "101010"}},
    "source": {"website": "www.crm.com"},
    "type": {"name": "New Customer"},
    "importance": "IMPORTANCE3",
    "priority": 4,
    "startDate": "2026-11-25T12:00:00",
    "estimatedCompletionTime": {"value": 2, "unit": "WEEKS"},
}
# A New Customer lead in progress, billed to its contact's account (Kokos Panagi's): one
# that can be won as it is.
LEAD_IN_PROGRESS: dict[str, Any] = {
    **PENDING_LEAD,
    "contactInformation": {"existing": {"idNumber": "21312312"}},
    "accountsReceivable": {"existing": {"number": "ACR0000000201"}},
    "status": {"name": "Learn"},
}


@dataclass(frozen=True)
class Mutation:
    """One kind of write: its document, its variables for the lead it works on (None for a
    create), and the input of the lead each request needs made first (None: none)."""

    name: str
    document: str
    variables: Callable[[str | None], dict[str, Any]]
    prepared: dict[str, Any] | None = None

    def request(self, client: Client, token: str, number: str | None) -> httpx2.Request:
        """The request on the lead numbered `number`."""
        body = {"query": self.document, "variables": self.variables(number)}
        return client.build_request("POST", "/graphql", json=body, headers=bearer(token))


MUTATIONS = (
    Mutation("createLead", CREATE, lambda _: {"input": PENDING_LEAD}),
    Mutation(
        "updateLead",
        UPDATE,
        lambda number: {"ref": {"number": number}, "input": {"description": "Called back"}},
        prepared=PENDING_LEAD,
    ),
    Mutation("winLead", WIN, lambda number: {"ref": {"number": number}}, prepared=LEAD_IN_PROGRESS),
)


def written_lead(response: httpx2.Response) -> str:
    """The number of the lead a mutation that must have succeeded wrote."""
    (payload,) = product_data(response).values()
    if payload["errors"] or payload["lead"] is None:
        raise WorkloadFailedError(f"the mutation was refused: {payload['errors']}")
    number: str = payload["lead"]["number"]
    return number


def _create(client: httpx2.Client, token: str, lead_input: dict[str, Any]) -> str:
    body = {"query": CREATE, "variables": {"input": lead_input}}
    return written_lead(client.post("/graphql", json=body, headers=bearer(token)))


def time_mutations(client: httpx2.Client, token: str, requests: int, warm_up: int) -> Figures:
    """p50 and p99 of `requests` requests of each mutation, after `warm_up`, taken in turn
    (a create, an update, a win, and again) so that all three meet the same moments of the
    machine; the leads they work on are made first."""
    count = warm_up + requests
    leads: dict[str, Iterator[str | None]] = {
        mutation.name: iter([_create(client, token, mutation.prepared) for _ in range(count)])
        if mutation.prepared is not None
        else repeat(None)
        for mutation in MUTATIONS
    }

    def timed(mutation: Mutation) -> Timed:
        return (lambda: mutation.request(client, token, next(leads[mutation.name])), written_lead)

    return time_in_turn(client, {m.name: timed(m) for m in MUTATIONS}, requests, warm_up)


async def count_mutation_statements(app: baseline.WithBaseline, token: str) -> Figures:
    """The statements of one request of each mutation, sent to `app` in process (after one
    of each, to warm it up), each on a lead of its own."""
    database = app.state.database
    log = StatementLog()
    figures: Figures = {}
    transport = httpx2.ASGITransport(app=app)
    engines = {engine.sync_engine for engine in database.engines}
    async with httpx2.AsyncClient(transport=transport, base_url="http://bench") as client:

        async def send(mutation: Mutation) -> None:
            number = None
            if mutation.prepared is not None:
                body = {"query": CREATE, "variables": {"input": mutation.prepared}}
                response = await client.post("/graphql", json=body, headers=bearer(token))
                number = written_lead(response)
            log.sent.clear()
            log.recording = True
            written_lead(await client.send(mutation.request(client, token, number)))
            log.recording = False

        with log.listening(engines):
            for mutation in MUTATIONS:
                await send(mutation)
                await send(mutation)
                figures[mutation.name] = log.figures()
    return figures
