"""Every request example of the seeds, as written: the URLs with their placeholders and the
seeds' tokens, and the bodies in `seed_bodies/`, copied byte for byte out of the pages (tabs,
a trailing comma in create, the non-breaking space a page puts before the win and lost code
blocks). `replayed` puts a real token in place of the seeds' tokens.

`000_e8fcdb3adc0d52c9.txt` holds the fifteen methods, one example each; the newer update page,
`004_e6c2232159310adf.txt`, holds the same update as its example 1, and a products set update
as its example 2 (`update_products.txt`, read out of the page's comparison of two versions).
"""

import re
from dataclasses import dataclass
from pathlib import Path

# A seed's token (32 hex digits, or the Postman variable that stands for one), in a query
# string or in a body.
_SEED_TOKEN = re.compile(r'(?P<key>token=|"token"\s*:\s*")(?:[0-9A-F]{32}|\{\{token\}\})')
_HOST = re.compile(r"^(http://host_name|\{\{server\}\})")
_BODIES = Path(__file__).parent / "seed_bodies"


@dataclass(frozen=True)
class SeedRequest:
    """One example: its name, the seed method, its URL, and the file of a POST's body."""

    name: str
    method: str
    url: str
    body_file: str | None = None

    def replayed(self, token: str) -> tuple[str, bytes | None]:
        """The path to call and the body to send, with `token` for the seeds' tokens."""
        path = _HOST.sub("", self.url).replace("$version", "v2")
        path = self._signed(path, token)
        if self.body_file is None:
            return path, None
        body = (_BODIES / self.body_file).read_text(encoding="utf-8")
        return path, self._signed(body, token).encode()

    @staticmethod
    def _signed(text: str, token: str) -> str:
        return _SEED_TOKEN.sub(lambda match: match["key"] + token, text)


def _get(method: str, url: str) -> SeedRequest:
    return SeedRequest(method, method, url)


def _post(name: str, method: str, server: str, body_file: str) -> SeedRequest:
    return SeedRequest(name, method, f"{server}/crmapi/rest/v2/leads/{method}", body_file)


SHOW = _get(
    "show",
    "http://host_name/crmapi/rest/v2/leads/show?token=6B6300203CBC420900E2B585934F682A"
    "&lead_identifier=number=19",
)
LIST = _get(
    "list",
    "http://host_name/crmapi/rest/v2/leads/list?token=DFBD9A73479EF55ED6C367F79B35844C"
    "&source_identifier=type=NOTIFICATIONS",
)
GET_OVERDUE = _get(
    "get_overdue",
    "http://host_name/crmapi/rest/v2/leads/get_overdue?token=8308DBB946F992DF90863872E1AD5391"
    "&type_identifier=name=Software Purchase",
)
GET_CLOSE = _get(
    "get_close_to_estimated_completion_time",
    "{{server}}/crmapi/rest/v2/leads/get_close_to_estimated_completion_time?token={{token}}"
    "&period=3&uot=DAYS",
)
GET_PENDING = _get(
    "get_pending",
    "http://host_name/crmapi/rest/$version/leads/get_pending?token=A0D43A906975BF17402FDE34F29DE01C"
    "&contact_information_identifier=id_number=112233",
)
GET_IN_PROGRESS = _get(
    "get_in_progress",
    "http://host_name/crmapi/rest/$version/leads/get_in_progress"
    "?token=A0D43A906975BF17402FDE34F29DE01C&token=50666D82A7DB2E6E42F7C0C60EAC4695"
    "&type_identifier=name=Software Purchase",
)
GET_WON = _get(
    "get_won_leads",
    "{{server}}/crmapi/rest/v2/leads/get_won_leads?token={{token}}"
    "&accounts_receivable_identifier=number=ACR0000000201&type_identifier=name=New Customer",
)
GET_LOST = _get(
    "get_lost_leads",
    "{{server}}/crmapi/rest/v2/leads/get_lost_leads?token={{token}}"
    "&accounts_receivable_identifier=number=ACR0000000026&type_identifier=name=New Customer",
)
GET_CANCELLED = _get(
    "get_cancelled",
    "{{server}}/crmapi/rest/v2/leads/get_cancelled?token={{token}}"
    "&accounts_receivable_identifier=number=ACR0000000014&type_identifier=name=New Customer",
)
CREATE = _post("create", "create", "http://host_name", "create.txt")
UPDATE = _post("update", "update", "http://host_name", "update.txt")
START_PROGRESS = _post("start_progress", "start_progress", "{{server}}", "start_progress.txt")
CANCEL = _post("cancel", "cancel", "{{server}}", "cancel.txt")
WIN = _post("win", "win", "{{server}}", "win.txt")
LOST = _post("lost", "lost", "{{server}}", "lost.txt")
NEWER_UPDATE_1 = _post("newer update, example 1", "update", "http://host_name", "update.txt")
NEWER_UPDATE_2 = _post("newer update, example 2", "update", "{{server}}", "update_products.txt")

EVERY_EXAMPLE = (
    SHOW,
    LIST,
    GET_OVERDUE,
    GET_CLOSE,
    GET_PENDING,
    GET_IN_PROGRESS,
    GET_WON,
    GET_LOST,
    GET_CANCELLED,
    CREATE,
    UPDATE,
    START_PROGRESS,
    CANCEL,
    WIN,
    LOST,
    NEWER_UPDATE_1,
    NEWER_UPDATE_2,
)
