"""Going live as the README says: copy `.env.example` to `.env`, set the token and
`ZHIBU_ADMIN_IDS`, `zhibu run` — against a fake Bot API on 127.0.0.1, never Telegram.

Every bad setting or environment must end in one line on stderr, never a traceback."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.cli import main
from bot.settings import Settings, SettingsError, load_settings

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
ADMIN = "5"


class FakeBotAPI:
    """Just enough of the Bot API for `zhibu run` to start, poll and stop."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.methods: list[str] = []
        self.polling = threading.Event()
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                match = re.fullmatch(r"/bot([^/]+)/(\w+)", self.path)
                if match is None or match.group(1) != api.token:
                    self._send(404 if match is None else 401, None)
                    return
                method = match.group(2)
                api.methods.append(method)
                if method == "getMe":
                    result: object = {
                        "id": 4242,
                        "is_bot": True,
                        "first_name": "支部报送",
                        "username": "zhibu_test_bot",
                        "can_join_groups": True,
                    }
                elif method == "getUpdates":
                    api.polling.set()
                    time.sleep(0.2)
                    result = []
                else:  # deleteWebhook, setMyCommands, ...
                    result = True
                self._send(200, result)

            def _send(self, status: int, result: object) -> None:
                if status == 200:
                    body = {"ok": True, "result": result}
                else:
                    body = {"ok": False, "error_code": status, "description": "Unauthorized"}
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the bot stopped while a getUpdates was in flight

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeBotAPI:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def readme_dotenv(directory: Path, token: str = TOKEN, admins: str = ADMIN) -> Path:
    """The README's step: copy the real `.env.example` to `.env`, set the two values."""
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    text, n_token = re.subn(r"(?m)^ZHIBU_BOT_TOKEN=$", f"ZHIBU_BOT_TOKEN={token}", text)
    text, n_admin = re.subn(r"(?m)^ZHIBU_ADMIN_IDS=$", f"ZHIBU_ADMIN_IDS={admins}", text)
    assert n_token == n_admin == 1, ".env.example must have empty BOT_TOKEN and ADMIN_IDS lines"
    env = directory / ".env"
    env.write_text(text, encoding="utf-8")
    return env


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    for key in list(os.environ):
        if key.startswith("ZHIBU_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    # `zhibu run` sets up logging and an event loop of its own; put both back.
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    asyncio.set_event_loop(None)


def one_line(err: str) -> str:
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("zhibu: "), err
    assert TOKEN not in err
    return err


# --- the README's go-live steps, literally ---------------------------------------------


def test_readme_go_live_starts_polls_and_stops(tmp_path: Path) -> None:
    """`.env.example` copied, two values set, `zhibu run` in that directory: it starts
    (getMe, the menus, polling), stops cleanly on SIGTERM, and leaves the database there."""
    readme_dotenv(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHIBU_")}
    env["PYTHONPATH"] = str(ROOT)
    # The only deviation from the README: not api.telegram.org (an environment
    # variable wins over .env, so the .env file stays exactly as the user has it).
    with FakeBotAPI() as api:
        env["ZHIBU_API_BASE_URL"] = api.url
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "run"],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            started = api.polling.wait(timeout=120)
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    assert started, err
    assert proc.returncode == 0, err
    assert "Traceback" not in err and " ERROR " not in err and TOKEN not in err + out
    assert {"getMe", "deleteWebhook", "setMyCommands", "getUpdates"} <= set(api.methods)
    assert (tmp_path / "zhibu.sqlite3").is_file()

    # The next README step: the database now knows the bot's @username.
    (tmp_path / "branches.csv").write_text("名称,类别\n第一党支部,机关\n", encoding="utf-8")
    assert main(["branches", "import", "branches.csv"]) == 0


def test_every_empty_line_of_env_example_means_the_default(tmp_path: Path) -> None:
    readme_dotenv(tmp_path)
    text = (tmp_path / ".env").read_text(encoding="utf-8")
    names = re.findall(r"(?m)^(ZHIBU_\w+)=", text)
    assert len(names) == len(Settings.model_fields)
    blank = re.sub(r"(?m)^(ZHIBU_(?!BOT_TOKEN|ADMIN_IDS)\w+)=.*$", r"\1=", text)
    (tmp_path / ".env").write_text(blank, encoding="utf-8")
    cfg = load_settings()
    assert cfg.bot_token is not None and cfg.bot_token.get_secret_value() == TOKEN
    assert cfg.admin_ids == [5]
    defaults = Settings(_env_file=None)  # no .env, no ZHIBU_ variables
    for field in Settings.model_fields:
        if field not in ("bot_token", "admin_ids"):
            assert getattr(cfg, field) == getattr(defaults, field), field


@pytest.mark.parametrize("blank", ["", "   "])
def test_an_empty_variable_is_unset(monkeypatch: pytest.MonkeyPatch, blank: str) -> None:
    for name in ("COORDINATION_CHAT_ID", "DUE_DAY", "ADMIN_IDS", "RATE_LIMIT", "WORKDAYS"):
        monkeypatch.setenv(f"ZHIBU_{name}", blank)
    cfg = load_settings()
    assert cfg.coordination_chat_id is None and cfg.due_day == 25 and cfg.admin_ids == []


@pytest.mark.parametrize("sep", ["，", "、", " ", "\u3000", "；", " , "])
def test_list_settings_take_full_width_separators(
    monkeypatch: pytest.MonkeyPatch, sep: str
) -> None:
    monkeypatch.setenv("ZHIBU_ADMIN_IDS", sep.join(["11", "22"]))
    monkeypatch.setenv("ZHIBU_REMINDER_DAYS_BEFORE", sep.join(["5", "2", "0"]))
    monkeypatch.setenv("ZHIBU_OVERDUE_DAYS_AFTER", sep.join(["1", "3"]))
    monkeypatch.setenv("ZHIBU_TASK_REMINDER_DAYS_BEFORE", sep.join(["7", "1"]))
    cfg = load_settings()
    assert cfg.admin_ids == [11, 22]
    assert cfg.reminder_days_before == [5, 2, 0]
    assert cfg.overdue_days_after == [3, 1]
    assert cfg.task_reminder_days_before == [7, 1]


# --- one line, exit 2: a setting or the environment must be fixed -------------------------


def test_admin_ids_username_says_numeric_and_where_to_find_it(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    readme_dotenv(tmp_path, admins="@alice")
    with pytest.raises(SettingsError, match="@userinfobot"):
        load_settings()
    with pytest.raises(SystemExit) as exc:
        main(["run"])
    assert exc.value.code == 2
    err = one_line(capfd.readouterr().err)
    assert "ZHIBU_ADMIN_IDS" in err and "numeric" in err and "@userinfobot" in err


def test_db_in_a_missing_directory(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    readme_dotenv(tmp_path)
    monkeypatch.setenv("ZHIBU_DB", str(tmp_path / "data" / "zhibu.sqlite3"))
    assert main(["run"]) == 2
    err = one_line(capfd.readouterr().err)
    assert "ZHIBU_DB" in err and "does not exist" in err and str(tmp_path / "data") in err
    assert not (tmp_path / "data").exists()
    (tmp_path / "b.csv").write_text("一支部\n", encoding="utf-8")
    assert main(["branches", "import", "b.csv", "--bot-username", "zhibu_bot"]) == 2
    one_line(capfd.readouterr().err)


@pytest.mark.parametrize("kind", ["directory", "not a database"])
def test_db_that_cannot_be_opened(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    readme_dotenv(tmp_path)
    db = tmp_path / "z.sqlite3"
    if kind == "directory":
        db.mkdir()
    else:
        db.write_text("not sqlite", encoding="utf-8")
    monkeypatch.setenv("ZHIBU_DB", str(db))
    assert main(["run"]) == 2
    err = one_line(capfd.readouterr().err)
    assert "ZHIBU_DB" in err and kind in err


def test_rejected_token(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    readme_dotenv(tmp_path)
    with FakeBotAPI(token="987654321:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") as api:
        monkeypatch.setenv("ZHIBU_API_BASE_URL", api.url)
        assert main(["run"]) == 2
    err = one_line(capfd.readouterr().err)
    assert "rejected the token" in err and "ZHIBU_BOT_TOKEN" in err


# --- one line, exit 1: the Bot API cannot be reached (it may pass) ------------------------


def test_unreachable_bot_api_is_one_line_and_exit_1(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    readme_dotenv(tmp_path)
    url = f"http://127.0.0.1:{unused_port()}"
    monkeypatch.setenv("ZHIBU_API_BASE_URL", url)
    assert main(["run"]) == 1
    err = one_line(capfd.readouterr().err)
    assert f"cannot reach the Bot API at {url}" in err


# --- the command line tells what it needs -------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert capsys.readouterr().out.strip() == f"zhibu {version('zhibu')}"


@pytest.mark.parametrize(
    ("argv", "needles"),
    [
        (["run", "--help"], [".env", "current directory", "environment", "ZHIBU_", ".env.example"]),
        (
            ["branches", "import", "--help"],
            ["名称,类别", "name[,category]", "ZHIBU_INVITE_VALID_DAYS", "expires", "tab"],
        ),
    ],
)
def test_help_says_what_is_needed(
    capsys: pytest.CaptureFixture[str], argv: list[str], needles: list[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    for needle in needles:
        assert needle in text, needle
