"""The email, locale and source policies (no DNS, no network)."""

import socket

import pytest

from newsletter.validation import InputError, clean_email, clean_locale, clean_source


@pytest.fixture(autouse=True)
def _no_dns(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("validation must not resolve names")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "gethostbyname", refuse)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("lectrice@example.fr", "lectrice@example.fr"),
        ("  Lectrice@Example.FR ", "Lectrice@example.fr"),
        ("prenom.nom+lettre@sous.domaine.example", "prenom.nom+lettre@sous.domaine.example"),
        # Internationalised domains are stored in their ASCII form.
        ("info@bücher.de", "info@xn--bcher-kva.de"),
        ("info@BÜCHER.de", "info@xn--bcher-kva.de"),
        ("info@xn--bcher-kva.de", "info@xn--bcher-kva.de"),
        ("contact@société.fr", "contact@xn--socit-esab.fr"),
    ],
)
def test_valid_addresses_are_normalised(raw, clean):
    assert clean_email(raw) == clean


@pytest.mark.parametrize(
    "raw",
    [
        "",
        " ",
        "sans-arobase.example.fr",
        "deux@@example.fr",
        "a@b@example.fr",
        "@example.fr",
        "lectrice@",
        "lectrice@localhost",
        "lectrice@[192.0.2.1]",
        '"quoted local"@example.fr',
        "lectrice@example..fr",
        "lectrice.@example.fr",
        "lec trice@example.fr",
        "<lectrice@example.fr>",
        "lectrice@example.fr, autre@example.fr",
        "a" * 65 + "@example.fr",
        "a@" + "b" * 64 + ".fr",
        "lectrice@example.fr\r\nBcc: victime@example.fr",
        "lectrice@example.fr\nBcc: victime@example.fr",
        "lectrice@example.fr\r",
        "lectrice\x00@example.fr",
        "lectrice@example.fr\u2028",
        "lectrice@exam\u200bple.fr",
        None,
        42,
    ],
)
def test_invalid_addresses_are_refused(raw):
    with pytest.raises(InputError) as caught:
        clean_email(raw)
    assert caught.value.field == "email"
    assert caught.value.code == "INVALID_EMAIL"


def test_over_long_address_is_refused():
    local = "a" * 64
    domain = ".".join(["b" * 60] * 4) + ".fr"
    assert len(f"{local}@{domain}") > 254
    with pytest.raises(InputError):
        clean_email(f"{local}@{domain}")


@pytest.mark.parametrize("raw", ["élise@example.fr", "пользователь@example.ru", "李@example.cn"])
def test_unicode_local_parts_are_refused_with_their_own_code(raw):
    with pytest.raises(InputError) as caught:
        clean_email(raw)
    assert caught.value.code == "UNSUPPORTED_EMAIL"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (None, "fr"),
        ("", "fr"),
        ("fr", "fr"),
        ("en", "en"),
        ("EN", "en"),
        ("en-GB", "en"),
        ("fr_CA", "fr"),
    ],
)
def test_locales(raw, clean):
    assert clean_locale(raw) == clean


@pytest.mark.parametrize("raw", ["de", "english", "e", "fr-" + "x" * 20, "fr\r\n", "x" * 17])
def test_bad_locales(raw):
    with pytest.raises(InputError) as caught:
        clean_locale(raw)
    assert caught.value.code == "INVALID_LOCALE"


def test_sources():
    assert clean_source(None) == ""
    assert clean_source(" article:1234 ") == "article:1234"
    assert clean_source("x" * 100) == "x" * 100
    for bad in ["x" * 101, "home\r\nX-Evil: 1", "tab\there", 5]:
        with pytest.raises(InputError) as caught:
            clean_source(bad)
        assert caught.value.code == "INVALID_SOURCE"
