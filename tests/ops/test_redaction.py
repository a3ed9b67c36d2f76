"""Secrets never reach a log line: by key in mappings, by pattern in text and URLs."""

import pytest

from app.observability.redaction import redact, redact_query, redact_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "/crmapi/rest/v2/leads/show?token=abc-123&lead_identifier=number=19",
            "/crmapi/rest/v2/leads/show?token=[REDACTED]&lead_identifier=number=19",
        ),
        (
            'mutation { login(username: "MPAdministrator", password: "s3cret") { token } }',
            'mutation { login(username: "MPAdministrator", password: "[REDACTED]") { token } }',
        ),
        ('{"username": "x", "password": "a \\" b"}', '{"username": "x", "password": "[REDACTED]"}'),
        ("{'token': 'abc'}", "{'token': '[REDACTED]'}"),
        ("Authorization: Bearer eyJ.abc-def", "Authorization: Bearer [REDACTED]"),
        ("new_password=hunter2, next", "new_password=[REDACTED], next"),
        ("Sign in with a token from `login`.", "Sign in with a token from `login`."),
    ],
)
def test_secrets_spelled_out_in_text_are_redacted_once(text: str, expected: str) -> None:
    assert redact_text(text) == expected
    assert redact_text(expected) == expected


def test_secret_keys_are_redacted_at_any_depth() -> None:
    event = {
        "event": "request",
        "headers": {"Authorization": "Bearer abc", "accept": "application/json"},
        "body": [{"username": "x", "password": "y"}, {"api_token": 42}],
        "status": 200,
    }

    assert redact(event) == {
        "event": "request",
        "headers": {"Authorization": "[REDACTED]", "accept": "application/json"},
        "body": [{"username": "x", "password": "[REDACTED]"}, {"api_token": "[REDACTED]"}],
        "status": 200,
    }


def test_a_query_string_loses_its_secret_parameters_and_the_secrets_in_its_values() -> None:
    query = (
        "query=mutation%7Blogin(username%3A%22a%22%2Cpassword%3A%22s3cret%22)%7Btoken%7D%7D"
        "&TOKEN=abc&lead_identifier=number%3D19"
    )

    assert redact_query(query) == (
        "query=mutation%7Blogin%28username%3A%22a%22%2Cpassword%3A%22[REDACTED]%22%29"
        "%7Btoken%7D%7D&TOKEN=[REDACTED]&lead_identifier=number%3D19"
    )


def test_a_password_in_a_graphql_block_string_is_redacted_whole() -> None:
    text = 'mutation { login(username: "a", password: """S3cret "quoted" """) { token } }'

    assert (
        redact_text(text)
        == 'mutation { login(username: "a", password: """[REDACTED]""") { token } }'
    )


def test_the_variables_of_a_graphql_get_are_redacted_whole() -> None:
    # Given a GET whose variable, of any name, holds the password the document refers to
    query = (
        "query=mutation(%24p%3AString!)%7Blogin(username%3A%22a%22%2Cpassword%3A%24p)%7D"
        "&variables=%7B%22p%22%3A%22S3cret%22%7D&extensions=%7B%22k%22%3A%22v%22%7D"
    )

    # Then neither the variables nor the extensions reach the log
    redacted = redact_query(query)
    assert "S3cret" not in redacted
    assert redacted.endswith("&variables=[REDACTED]&extensions=[REDACTED]")
