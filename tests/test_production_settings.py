"""Production settings refuse to load without a secret key and explicit host names."""

import subprocess
from pathlib import Path

import pytest

from tests.processes import clean_env, run_python

# Fresh interpreters on production settings: CI runs these on the PostgreSQL + Redis leg only.
pytestmark = pytest.mark.postgres_leg

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = "a-long-random-production-key-for-the-test-only-0123456789"


def _import_production(**env_vars) -> subprocess.CompletedProcess:
    code = (
        "import django.core.exceptions as e\n"
        "try:\n"
        "    import cms.settings.production as s\n"
        "except e.ImproperlyConfigured as exc:\n"
        "    print('IMPROPERLY:', exc); raise SystemExit(3)\n"
        "print('OK', s.DEBUG, s.ALLOWED_HOSTS)\n"
    )
    return run_python("-c", code, env=clean_env(**env_vars))


HOSTS = "kiosque.example"


@pytest.mark.parametrize(
    ("env_vars", "names"),
    [
        pytest.param({"ALLOWED_HOSTS": HOSTS}, "SECRET_KEY", id="no-secret-key"),
        pytest.param({"SECRET_KEY": "", "ALLOWED_HOSTS": HOSTS}, "SECRET_KEY", id="empty-key"),
        pytest.param({"SECRET_KEY": GOOD_KEY}, "ALLOWED_HOSTS", id="no-allowed-hosts"),
        pytest.param({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS", id="empty"),
        pytest.param({"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS", id="star"),
        pytest.param(
            {"SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": f"{HOSTS},*"},
            "ALLOWED_HOSTS",
            id="star-in-list",
        ),
    ],
)
def test_production_refuses_to_start_when_misconfigured(env_vars, names):
    result = _import_production(**env_vars)
    assert result.returncode == 3, result.stdout + result.stderr
    # The message names the missing setting, so an operator knows what to fix.
    assert result.stdout.startswith("IMPROPERLY:")
    assert names in result.stdout


def test_production_loads_with_a_secret_key_and_host_names():
    result = _import_production(
        SECRET_KEY=GOOD_KEY, ALLOWED_HOSTS="kiosque.example, api.kiosque.example"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "OK False ['kiosque.example', 'api.kiosque.example']"
