"""Sign in, create a lead, start work on it and win it, over plain HTTP (standard library only).

Run `python examples/session.py [URL]`; the URL defaults to http://127.0.0.1:8000.
"""

import json
import sys
import urllib.request
from typing import Any

URL = (sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000") + "/graphql"
PAYLOAD = "{ lead { number lifeCycleState status { name } } errors { field code message } }"


def graphql(query: str, token: str | None = None, **variables: Any) -> Any:
    """The `data` of one operation; stops the script on a GraphQL error."""
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(URL, data=body, headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        answer = json.load(response)
    if answer.get("errors"):
        sys.exit(f"GraphQL error: {answer['errors'][0]['message']}")
    return answer["data"]


def changed(payload: dict[str, Any]) -> dict[str, Any]:
    """The lead a mutation answers; stops the script when the mutation was refused."""
    for error in payload["errors"]:
        sys.exit(f"refused: {error['code']} at {error['field']}: {error['message']}")
    lead: dict[str, Any] = payload["lead"]
    print(f"lead {lead['number']}: {lead['lifeCycleState']} ({lead['status']['name']})")
    return lead


login = graphql(
    "mutation SignIn($u: String!, $p: String!) { login(username: $u, password: $p) { token } }",
    u="MPAdministrator",
    p="demo",
)["login"]
if login["token"] is None:
    sys.exit("sign-in refused")
token = login["token"]

new_lead = {
    "contactInformation": {"existing": {"idNumber": "21312312"}},
    "accountsReceivable": {"existing": {"number": "ACR0000000201"}},
    "source": {"website": "www.crm.com"},
    "type": {"name": "New Customer"},
    "importance": "IMPORTANCE3",
    "priority": 4,
    "estimatedCompletionTime": {"value": 2, "unit": "WEEKS"},
}
create = f"mutation CreateLead($input: CreateLeadInput!) {{ createLead(input: $input) {PAYLOAD} }}"
number = changed(graphql(create, token, input=new_lead)["createLead"])["number"]

start = f"mutation StartLead($n: String!) {{ startLeadProgress(ref: {{number: $n}}) {PAYLOAD} }}"
changed(graphql(start, token, n=number)["startLeadProgress"])

win = f"mutation WinLead($n: String!) {{ winLead(ref: {{number: $n}}) {PAYLOAD} }}"
changed(graphql(win, token, n=number)["winLead"])

graphql("mutation SignOut { logout }", token)
print("signed out")
