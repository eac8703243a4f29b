"""Production logs are one JSON object per line whatever the message holds, gunicorn's access log
included; gunicorn.conf.py takes its workers and port from the environment."""

import importlib
import io
import json
import logging
import logging.config
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from gunicorn.config import Config

from cms.logging import JsonFormatter, JsonGunicornLogger
from tests.processes import gunicorn_config

ROOT = Path(__file__).resolve().parent.parent
TRICKY = 'he said "stop"\nthen left \\ {"not": "json"} — été'


def _record(message, *args, exc_info=None, **extra):
    record = logging.LogRecord(
        "kiosque.test", logging.WARNING, __file__, 1, message, args, exc_info
    )
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_json_formatter_keeps_quotes_newlines_and_unicode_in_one_valid_line():
    line = JsonFormatter().format(_record("value: %s", TRICKY))
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == f"value: {TRICKY}"
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "kiosque.test"
    assert entry["time"].endswith("+00:00")


def test_json_formatter_adds_extras_and_the_traceback():
    try:
        raise ValueError('bad "input"')
    except ValueError:
        exc_info = sys.exc_info()

    class FakeRequest:
        method = "POST"
        path = '/graphql/"x'

    line = JsonFormatter().format(
        _record("failed", exc_info=exc_info, status_code=500, request=FakeRequest(), obj=object())
    )
    entry = json.loads(line)
    assert entry["status_code"] == 500
    assert entry["method"] == "POST"
    assert entry["path"] == '/graphql/"x'
    assert "request" not in entry
    assert entry["obj"].startswith("<object object")
    assert 'ValueError: bad "input"' in entry["exception"]


def test_production_settings_log_through_the_json_formatter(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.setenv("ALLOWED_HOSTS", "kiosque.example")
    sys.modules.pop("cms.settings.production", None)
    try:
        production = importlib.import_module("cms.settings.production")
    finally:
        sys.modules.pop("cms.settings.production", None)
    formatter = production.LOGGING["formatters"]["json"]
    assert formatter == {"()": "cms.logging.JsonFormatter"}
    config = dict(production.LOGGING, disable_existing_loggers=False)
    stream = io.StringIO()
    config["handlers"] = {
        "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": stream}
    }
    root = logging.getLogger()
    saved_handlers, saved_level = root.handlers[:], root.level
    try:
        logging.config.dictConfig(config)
        logging.getLogger("kiosque.prod").error("%s", TRICKY)
    finally:
        root.handlers[:] = saved_handlers
        root.setLevel(saved_level)
    assert json.loads(stream.getvalue().strip())["message"] == TRICKY


def _gunicorn_settings(monkeypatch, **env) -> dict:
    config = gunicorn_config(monkeypatch, **env)
    return {key: setting.get() for key, setting in config.settings.items()}


def test_gunicorn_config_takes_workers_and_port_from_the_environment(monkeypatch):
    settings = _gunicorn_settings(monkeypatch, WEB_CONCURRENCY="3", PORT="9123")
    assert settings["workers"] == 3
    assert settings["bind"] == ["0.0.0.0:9123"]
    assert settings["timeout"] == 30
    assert settings["graceful_timeout"] == 30
    assert settings["accesslog"] == "-"
    assert settings["logger_class"] == "cms.logging.JsonGunicornLogger"
    assert settings["control_socket_disable"] is True


def test_gunicorn_config_defaults_without_environment(monkeypatch):
    settings = _gunicorn_settings(monkeypatch)
    assert settings["bind"] == ["0.0.0.0:8000"]
    assert 1 <= settings["workers"] <= 8
    assert settings["worker_class"] in {"gthread", "sync"}


def test_gunicorn_access_log_is_valid_json_when_headers_hold_quotes(capsys):
    cfg = Config()
    cfg.set("accesslog", "-")
    cfg.set("errorlog", "-")
    logger = JsonGunicornLogger(cfg)

    class Response:
        status = "200 OK"
        sent = 1234
        headers = [("Content-Type", "application/json")]

    class Request:
        headers = [("X-REQUEST-ID", 'id-"1"'), ("USER-AGENT", 'agent "quoted"')]

    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": "/graphql/?a=1",
        "PATH_INFO": "/graphql/",
        "QUERY_STRING": 'q="x"',
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_USER_AGENT": 'agent "quoted"',
    }
    logger.access(Response(), Request(), environ, timedelta(milliseconds=42))
    logger.error('worker said "%s"', "bye")
    out, err = capsys.readouterr()
    access = json.loads(out.strip().splitlines()[-1])
    assert access["logger"] == "gunicorn.access"
    assert access["http"] == {
        "remote": "127.0.0.1",
        "method": "POST",
        "path": "/graphql/",
        "query": 'q="x"',
        "status": 200,
        "bytes": 1234,
        "duration_ms": 42,
        "referer": "-",
        "user_agent": 'agent "quoted"',
        "request_id": 'id-"1"',
    }
    error = json.loads(err.strip().splitlines()[-1])
    assert error["message"] == 'worker said "bye"'


@pytest.fixture(autouse=True)
def _restore_gunicorn_loggers():
    yield
    for name in ("gunicorn.error", "gunicorn.access"):
        log = logging.getLogger(name)
        for handler in list(log.handlers):
            if getattr(handler, "_gunicorn", False):
                log.removeHandler(handler)
