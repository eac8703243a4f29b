"""Generated input: bad signups never give a 5xx and never store a row; random tokens never
confirm or unsubscribe anything. 200 examples in all in the suite, 2,000 under `make fuzz`."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsletter.models import Subscriber
from newsletter.validation import clean_email
from tests.fuzz_budget import examples
from tests.newsletter_helpers import CONFIRM, NO_LIMITS, SUBSCRIBE, UNSUBSCRIBE

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rate_limits(settings):
    settings.NEWSLETTER = {**settings.NEWSLETTER, **NO_LIMITS}


FUZZ = settings(
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,
)

GOOD_EMAILS = ["lectrice@example.fr", "Reader.Two+x@example.com", "info@bücher.de"]
CONTROL = ["\r", "\n", "\r\n", "\x00", "\x0b", "\x7f", "\u2028", "\u0085", "\u200b"]


def _inject(email: str, char: str, at: int) -> str:
    at %= len(email) + 1
    return email[:at] + char + email[at:]


bad_emails = st.one_of(
    st.text(max_size=300).filter(lambda s: "@" not in s),
    st.builds(_inject, st.sampled_from(GOOD_EMAILS), st.sampled_from(CONTROL), st.integers()),
    st.builds(lambda n: "a" * n + "@example.fr", st.integers(65, 400)),
    st.builds(lambda n: "a@" + "b" * n + ".fr", st.integers(250, 400)),
    st.builds(
        lambda s: s + "@example.fr",
        st.text(st.characters(min_codepoint=0xC0, max_codepoint=0x2FFF), min_size=1),
    ),
    st.builds(lambda a, b: f"{a}@{b}@example.fr", st.text(max_size=20), st.text(max_size=20)),
)
bad_locales = st.one_of(
    st.text(min_size=17, max_size=300),
    st.sampled_from(["de", "es", "xx", "f", "fr\n", "en\r\n", "fr--", "_fr"]),
)
bad_sources = st.one_of(
    st.text(min_size=101, max_size=400),
    st.builds(
        _inject, st.sampled_from(["home", "article:1"]), st.sampled_from(CONTROL), st.integers()
    ),
)
maybe_text = st.one_of(st.none(), st.text(max_size=40))


@st.composite
def bad_signups(draw):
    args = {
        "email": draw(st.sampled_from(GOOD_EMAILS)),
        "consent": True,
        "locale": draw(st.sampled_from([None, "fr", "en"])),
        "source": draw(st.sampled_from([None, "", "home"])),
    }
    # At least one field is certainly bad; others may be bad too.
    faults = draw(st.sets(st.sampled_from(["email", "consent", "locale", "source"]), min_size=1))
    if "email" in faults:
        args["email"] = draw(bad_emails)
    if "consent" in faults:
        args["consent"] = False
    if "locale" in faults:
        args["locale"] = draw(bad_locales)
    if "source" in faults:
        args["source"] = draw(bad_sources)
    return args


@settings(FUZZ, max_examples=examples(100, full=1000))
@given(args=bad_signups())
def test_bad_signups_never_5xx_and_never_store(
    gql,
    django_capture_on_commit_callbacks,
    mailoutbox,
    args,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = gql.post(SUBSCRIBE, args)
    assert response.status_code == 200
    result = response.json()["data"]["subscribeNewsletter"]
    assert result["ok"] is False
    assert result["errors"]
    assert all(e["code"] and e["message"] for e in result["errors"])
    assert not Subscriber.objects.exists()
    assert mailoutbox == []


@settings(FUZZ, max_examples=examples(60, full=600))
@given(
    email=st.one_of(st.text(max_size=300), st.emails()),
    consent=st.booleans(),
    locale=maybe_text,
    source=maybe_text,
    website=st.one_of(st.none(), st.just(""), st.text(max_size=10)),
)
def test_arbitrary_signups_never_5xx_and_store_only_clean_rows(
    gql,
    django_capture_on_commit_callbacks,
    email,
    consent,
    locale,
    source,
    website,
):
    before = Subscriber.objects.count()
    args = {
        "email": email,
        "consent": consent,
        "locale": locale,
        "source": source,
        "website": website,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = gql.post(SUBSCRIBE, args)
    assert response.status_code == 200
    result = response.json()["data"]["subscribeNewsletter"]
    if Subscriber.objects.count() > before:
        assert result["ok"] is True
        assert consent is True
        stored = Subscriber.objects.order_by("-pk").first()
        assert clean_email(stored.email) == stored.email
    elif not result["ok"]:
        assert result["errors"]


@settings(FUZZ, max_examples=examples(40, full=400))
@given(token=st.text(max_size=300), path=st.sampled_from(["confirm", "unsubscribe"]))
def test_random_tokens_are_refused_everywhere(gql, client, token, path):
    Subscriber.objects.get_or_create(
        email="lectrice@example.fr",
        defaults={
            "consent_version": "2026-01",
            "consent_at": "2026-01-01T00:00:00Z",
            "locale": "fr",
        },
    )
    query = CONFIRM if path == "confirm" else UNSUBSCRIBE
    result = gql.data(query, {"token": token})
    assert next(iter(result.values()))["ok"] is False
    assert client.get(f"/newsletter/{path}/", {"token": token}).status_code == 400
    assert client.post(f"/newsletter/{path}/", {"token": token}).status_code == 400
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING
