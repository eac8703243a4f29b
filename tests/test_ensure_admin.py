"""`manage.py ensure_admin` creates one superuser on a fresh install and then leaves it alone."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

User = get_user_model()


@pytest.fixture(autouse=True)
def _no_admin_env(monkeypatch):
    for name in ("KIOSQUE_ADMIN_USER", "KIOSQUE_ADMIN_PASSWORD", "KIOSQUE_ADMIN_EMAIL"):
        monkeypatch.delenv(name, raising=False)


def ensure_admin() -> str:
    out = io.StringIO()
    call_command("ensure_admin", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_creates_admin_with_a_generated_password_printed_once():
    output = ensure_admin()
    user = User.objects.get(username="admin")
    assert user.is_superuser and user.is_staff and user.is_active
    password = re.search(r"Mot de passe \(affiché une seule fois\) : (\S+)", output).group(1)
    assert len(password) >= 20
    assert user.check_password(password)

    second = ensure_admin()
    assert password not in second
    assert "rien à faire" in second
    assert User.objects.count() == 1
    user.refresh_from_db()
    assert user.check_password(password)


@pytest.mark.django_db
def test_two_fresh_installs_get_different_passwords():
    first = re.search(r": (\S+)\n\Z", ensure_admin()).group(1)
    User.objects.all().delete()
    second = re.search(r": (\S+)\n\Z", ensure_admin()).group(1)
    assert first != second


@pytest.mark.django_db
def test_uses_credentials_from_the_environment(monkeypatch):
    monkeypatch.setenv("KIOSQUE_ADMIN_USER", "redaction")
    monkeypatch.setenv("KIOSQUE_ADMIN_PASSWORD", "Correct-horse-battery-42")
    monkeypatch.setenv("KIOSQUE_ADMIN_EMAIL", "redaction@kiosque.example")
    output = ensure_admin()
    user = User.objects.get(username="redaction")
    assert user.is_superuser
    assert user.email == "redaction@kiosque.example"
    assert user.check_password("Correct-horse-battery-42")
    assert "Correct-horse-battery-42" not in output


@pytest.mark.django_db
def test_does_nothing_when_a_superuser_exists(monkeypatch):
    User.objects.create_superuser("cheffe", "cheffe@kiosque.example", "Une-autre-phrase-77")
    monkeypatch.setenv("KIOSQUE_ADMIN_USER", "redaction")
    monkeypatch.setenv("KIOSQUE_ADMIN_PASSWORD", "Correct-horse-battery-42")
    ensure_admin()
    assert list(User.objects.values_list("username", flat=True)) == ["cheffe"]


@pytest.mark.django_db
def test_weak_password_from_the_environment_is_refused(monkeypatch):
    monkeypatch.setenv("KIOSQUE_ADMIN_PASSWORD", "admin")
    with pytest.raises(CommandError, match="Cannot create the admin account"):
        ensure_admin()
    assert not User.objects.exists()


@pytest.mark.django_db
def test_existing_non_superuser_with_that_name_is_not_promoted(monkeypatch):
    User.objects.create_user("admin", password="Une-autre-phrase-77")
    with pytest.raises(CommandError, match="not a superuser"):
        ensure_admin()
    assert not User.objects.filter(is_superuser=True).exists()
