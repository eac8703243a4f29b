"""The Dockerfile cannot be built on these machines, so its promises are checked against the code:
settings module, non-root user, gunicorn command, health check route, static files collected with
the production settings, copied files present, and no migrations on start-up."""

import importlib.util
import json
import re
import shlex
import subprocess
import sys
import threading
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from django.urls import Resolver404, resolve

from tests.processes import free_port

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"


def parse_dockerfile(text: str) -> list[dict]:
    """Stages as {"name", "base", "instructions": [(INSTRUCTION, args)]}."""
    lines, current = [], ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        lines.append((current + stripped).strip())
        current = ""
    stages: list[dict] = []
    for line in lines:
        instruction, _, args = line.partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            parts = args.split()
            name = parts[2] if len(parts) >= 3 and parts[1].lower() == "as" else None
            stages.append({"name": name, "base": parts[0], "instructions": []})
        elif stages:
            stages[-1]["instructions"].append((instruction, args.strip()))
    return stages


def env_of(stage: dict) -> dict[str, str]:
    values: dict[str, str] = {}
    for instruction, args in stage["instructions"]:
        if instruction == "ENV":
            for token in shlex.split(args):
                key, _, value = token.partition("=")
                values[key] = value
    return values


def exec_form(args: str) -> list[str]:
    value = json.loads(args)
    assert isinstance(value, list), f"use the exec form (JSON array): {args}"
    return value


@pytest.fixture(scope="module")
def stages():
    return parse_dockerfile(DOCKERFILE.read_text())


@pytest.fixture(scope="module")
def runtime(stages):
    return stages[-1]


def test_two_stages_build_then_slim_runtime(stages):
    assert len(stages) == 2
    build, runtime = stages
    assert build["name"] == "build"
    from_build = [a for i, a in runtime["instructions"] if i == "COPY" and "--from=build" in a]
    assert any("/opt/venv" in a for a in from_build), "the runtime takes the venv from build"
    installs = [a for i, a in build["instructions"] if i == "RUN" and "pip install" in a]
    assert any("-c requirements.lock" in a for a in installs), "dependencies follow the lock"
    assert not any("pip install" in a for i, a in runtime["instructions"] if i == "RUN"), (
        "nothing is installed in the runtime stage"
    )


def test_runtime_uses_production_settings_that_exist(runtime):
    module = env_of(runtime)["DJANGO_SETTINGS_MODULE"]
    assert module == "cms.settings.production"
    assert importlib.util.find_spec(module) is not None


def test_runtime_runs_as_a_non_root_user(runtime):
    users = [args for instruction, args in runtime["instructions"] if instruction == "USER"]
    assert users, "the runtime stage must set USER"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}
    order = [instruction for instruction, _ in runtime["instructions"]]
    assert order.index("USER") < order.index("CMD"), "USER must be in force when CMD runs"


def test_cmd_is_gunicorn_with_the_committed_config_and_the_wsgi_module(runtime):
    cmds = [
        exec_form(args) for instruction, args in runtime["instructions"] if instruction == "CMD"
    ]
    assert len(cmds) == 1
    cmd = cmds[0]
    assert cmd[0] == "gunicorn"
    config = cmd[cmd.index("--config") + 1]
    assert (ROOT / config).is_file()
    assert config == "gunicorn.conf.py"
    app = cmd[-1].split(":")[0]
    assert app == "cms.wsgi"
    assert importlib.util.find_spec(app) is not None


def test_migrations_are_a_release_step_not_part_of_start_up(stages):
    for stage in stages:
        for instruction, args in stage["instructions"]:
            if instruction in {"RUN", "CMD", "ENTRYPOINT"}:
                assert "migrate" not in args, f"{instruction} {args}"
    assert "python manage.py migrate" in DOCKERFILE.read_text(), "document the release step"


def test_collectstatic_runs_at_build_time_with_production_settings_and_a_throwaway_secret(
    stages, runtime
):
    build = stages[0]
    runs = [args for instruction, args in build["instructions"] if instruction == "RUN"]
    collect = [args for args in runs if "collectstatic" in args]
    assert len(collect) == 1
    assert "DJANGO_SETTINGS_MODULE=cms.settings.production" in collect[0]
    assert "--noinput" in collect[0]
    match = re.search(r'SECRET_KEY="?\$\{?(\w+)', collect[0])
    assert match, "the build-time secret comes from a build ARG"
    build_args = [args for instruction, args in build["instructions"] if instruction == "ARG"]
    assert any(args.startswith(match.group(1)) for args in build_args)
    # The dummy secret and hosts never reach the running container.
    assert "SECRET_KEY" not in env_of(runtime)
    assert "ALLOWED_HOSTS" not in env_of(runtime)
    assert not any(instruction == "ARG" for instruction, _ in runtime["instructions"])


def test_copied_files_exist_and_junk_is_ignored(stages):
    for stage in stages:
        for instruction, args in stage["instructions"]:
            if instruction not in {"COPY", "ADD"} or "--from=" in args:
                continue
            sources = [token for token in shlex.split(args) if not token.startswith("--")][:-1]
            for source in sources:
                assert (ROOT / source).exists(), f"{instruction} {source}: no such path"
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    assert {".git", ".venv", "db.sqlite3", "media", "static"} <= ignored
    for needed in ("manage.py", "gunicorn.conf.py", "ops/healthcheck.py", "requirements.lock"):
        assert (ROOT / needed).is_file()
        assert needed not in ignored


def test_healthcheck_probes_a_routed_liveness_path(runtime):
    checks = [
        args for instruction, args in runtime["instructions"] if instruction == "HEALTHCHECK"
    ]
    assert len(checks) == 1
    assert "--interval=" in checks[0] and "--timeout=" in checks[0]
    command = exec_form(checks[0].split("CMD", 1)[1].strip())
    script = ROOT / command[-1]
    assert script.is_file()
    path = re.search(r'^PATH = "(/[^"]*)"', script.read_text(), re.MULTILINE).group(1)
    try:
        match = resolve(path)
    except Resolver404:  # pragma: no cover - the assertion below explains
        match = None
    assert match is not None and match.func.__module__ == "cms.health", path
    assert match.url_name == "healthz"


def test_expose_matches_gunicorn_default_port(runtime):
    exposed = [args for instruction, args in runtime["instructions"] if instruction == "EXPOSE"]
    assert exposed == [env_of(runtime)["PORT"]]


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def _run_healthcheck(port: int, allowed_hosts: str) -> int:
    env = {"PORT": str(port), "ALLOWED_HOSTS": allowed_hosts, "PATH": "/usr/bin:/bin"}
    return subprocess.run(  # noqa: S603 (our own script, fixed arguments)
        [sys.executable, str(ROOT / "ops" / "healthcheck.py")], env=env, timeout=30, check=False
    ).returncode


def test_healthcheck_script_passes_against_the_app_and_fails_when_nothing_listens():
    from django.core.wsgi import get_wsgi_application

    server = make_server("127.0.0.1", 0, get_wsgi_application(), handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        # ".localhost" is a subdomain wildcard; the probe sends the bare host, which it matches.
        assert _run_healthcheck(server.server_port, ".localhost,other.example") == 0
    finally:
        server.shutdown()
        server.server_close()
    assert _run_healthcheck(free_port(), "localhost") == 1
