"""Shared bits for the newsletter tests."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest

SUBSCRIBE = """
mutation Subscribe($email: String!, $consent: Boolean!, $locale: String, $source: String,
                   $website: String) {
  subscribeNewsletter(email: $email, consent: $consent, locale: $locale, source: $source,
                      website: $website) {
    ok status errors { field code message }
  }
}
"""

CONFIRM = """
mutation Confirm($token: String!, $locale: String) {
  confirmNewsletter(token: $token, locale: $locale) { ok status errors { field code message } }
}
"""

UNSUBSCRIBE = """
mutation Unsubscribe($token: String!, $locale: String) {
  unsubscribeNewsletter(token: $token, locale: $locale) { ok status errors { field code message } }
}
"""

NO_LIMITS = {"RATE_LIMIT_PER_IP": (10_000, 60), "RATE_LIMIT_PER_EMAIL": (10_000, 3600)}


@pytest.fixture
def no_rate_limits(settings):
    settings.NEWSLETTER = {**settings.NEWSLETTER, **NO_LIMITS}


def subscribe(gql, email="lectrice@example.fr", consent=True, ip="203.0.113.7", **variables):
    payload = gql.data(
        SUBSCRIBE, {"email": email, "consent": consent, **variables}, REMOTE_ADDR=ip
    )
    return payload["subscribeNewsletter"]


def error_codes(result) -> list[str]:
    return [error["code"] for error in result["errors"]]


def token_from(url: str) -> str:
    return parse_qs(urlsplit(url).query)["token"][0]


def link_in(message, path: str) -> str:
    match = re.search(rf"https?://\S+{re.escape(path)}\?token=\S+", message.body)
    assert match, message.body
    return match.group(0)


def confirm_token(message) -> str:
    return token_from(link_in(message, "/newsletter/confirm/"))


def unsubscribe_header_url(message) -> str:
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<") and header.endswith(">")
    return header[1:-1]


def assert_unsubscribe_headers(message):
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = unsubscribe_header_url(message)
    assert url.startswith("http://testserver/newsletter/unsubscribe/?token=")
