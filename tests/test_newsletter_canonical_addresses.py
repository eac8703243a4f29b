"""Hole: spellings that the SMTP path rewrites to another mailbox (issue 11.6).

Django's mail code parses each recipient with the email package, which decodes RFC 2047
encoded-words, drops comments and unquotes quoted local parts. An address accepted here must be
the mailbox the mail really goes to, or one inbox gets a row and a rate-limit counter per spelling.
"""

import pytest
from django.core.mail.message import sanitize_address
from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsletter.models import Subscriber
from newsletter.validation import InputError, clean_email
from tests.fuzz_budget import examples
from tests.newsletter_helpers import error_codes, no_rate_limits, subscribe  # noqa: F401

REWRITTEN_SPELLINGS = [
    "=?utf-8?q?bob?=@example.com",
    "=?UTF-8?Q?bob?=@example.com",
    "=?utf-8?b?Ym9i?=@example.com",
    "=?iso-8859-1?q?bob?=@example.com",
    "=?utf-8?q?b?==?utf-8?q?ob?=@example.com",
    "bob.=?utf-8?q?x?=@example.com",
    "=?utf-8*fr?q?bob?=@example.com",
    '"bob"@example.com',
    'bob"x"@example.com',
    "bob(commentaire)@example.com",
    "(commentaire)bob@example.com",
    "bob@(commentaire)example.com",
    "bob@example.com(commentaire)",
    "Bob <bob@example.com>",
    "bob@example.com.",
    "bob\\@example.com",
]


@pytest.mark.parametrize("raw", REWRITTEN_SPELLINGS)
def test_spellings_that_smtp_rewrites_are_refused(raw):
    with pytest.raises(InputError) as caught:
        clean_email(raw)
    assert (caught.value.field, caught.value.code) == ("email", "INVALID_EMAIL")


ATEXT = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~."


@settings(max_examples=examples(300, full=5000), deadline=None)
@example(local="=?utf-8?q?bob?=", domain="example.com")
@example(local="=?us-ascii?q?a?=.=?us-ascii?q?b?=", domain="example.com")
@given(
    local=st.text(alphabet=ATEXT, min_size=1, max_size=30),
    domain=st.sampled_from(["example.com", "exemple.fr", "bücher.de", "sous.domaine.example"]),
)
def test_every_accepted_address_is_the_mailbox_smtp_sends_to(local, domain):
    try:
        email = clean_email(f"{local}@{domain}")
    except InputError:
        return
    # What Django's SMTP backend puts in RCPT TO and in the To header.
    assert sanitize_address(email, "utf-8") == email


@pytest.mark.django_db
def test_one_inbox_gets_one_row_whatever_the_spelling(gql, no_rate_limits):  # noqa: F811
    answers = [
        subscribe(gql, email=spelling)
        for spelling in [
            "bob@example.com",
            "BOB@Example.COM",
            " bob@example.com ",
            *REWRITTEN_SPELLINGS[:4],
        ]
    ]
    assert [a["ok"] for a in answers] == [True] * 3 + [False] * 4
    assert {tuple(error_codes(a)) for a in answers[3:]} == {("INVALID_EMAIL",)}
    rows = Subscriber.objects.filter(email__iexact="bob@example.com")
    assert rows.count() == 1
    assert Subscriber.objects.filter(email__contains="=?").count() == 0
