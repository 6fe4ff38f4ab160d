"""Settings, the CLI's start-up behaviour, and keeping the token out of logs."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.cli import main
from bot.logs import RedactTokens
from bot.settings import SettingsError, load_settings

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import os

    for key in list(os.environ):
        if key.startswith("ZHIBU_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)  # no stray .env


def test_defaults() -> None:
    cfg = load_settings()
    assert cfg.due_day == 25 and cfg.timezone == "Asia/Shanghai" and cfg.language == "zh-Hans"
    assert cfg.reminder_days_before == [5, 2, 0] and cfg.overdue_days_after == [3, 1]
    assert cfg.bot_url == "https://api.telegram.org/bot"
    assert cfg.file_url == "https://api.telegram.org/file/bot"


def test_environment_and_dotenv(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("ZHIBU_DUE_DAY=20\nZHIBU_ADMIN_IDS=1, 2,3\n", encoding="utf-8")
    monkeypatch.setenv("ZHIBU_API_BASE_URL", "http://localhost:8081/")
    cfg = load_settings()
    assert cfg.due_day == 20 and cfg.admin_ids == [1, 2, 3]
    assert cfg.bot_url == "http://localhost:8081/bot"
    assert cfg.file_url == "http://localhost:8081/file/bot"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ZHIBU_DUE_DAY", "32"),
        ("ZHIBU_TIMEZONE", "Mars/Olympus"),
        ("ZHIBU_LANGUAGE", "fr"),
        ("ZHIBU_ADMIN_IDS", "12,abc"),
        ("ZHIBU_REMINDER_TIME", "9am"),
        ("ZHIBU_WORKDAYS", "sometimes"),
        ("ZHIBU_REMINDER_DAYS_BEFORE", "5,-1"),
        ("ZHIBU_API_BASE_URL", "ftp://x"),
        ("ZHIBU_CIRCULAR_DAYS_AFTER", "0"),
        ("ZHIBU_OVERDUE_DAYS_AFTER", "0,3"),
        ("ZHIBU_REVIEW_AVERAGE", "0.95"),
    ],
)
def test_bad_value_names_the_variable_and_exits_2(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    name: str,
    value: str,
) -> None:
    """The message names the variable (`name`) whose value is wrong."""
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        load_settings()
    monkeypatch.setenv("ZHIBU_BOT_TOKEN", TOKEN)
    with pytest.raises(SystemExit) as exc:
        main(["run"])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and name in err and TOKEN not in err


def test_run_without_token_points_to_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "ZHIBU_BOT_TOKEN" in err and "@BotFather" in err and "zhibu demo" in err


def test_demo_runs_offline(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "关于2026年11月党建工作进展情况的通报" in out
    assert "迟报" in out and "免报" in out and "逾期" in out
    assert "方案预览" in out and "计划进展" in out and "文档版" in out


@pytest.fixture
def db_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """`tmp_path`, with ZHIBU_DB a new database in it."""
    monkeypatch.setenv("ZHIBU_DB", str(tmp_path / "z.sqlite3"))
    return tmp_path


def written(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_branches_import(db_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = written(db_folder / "b.csv", "名称,类别\n一支部,机关\n二支部,社区\n")
    assert main(["branches", "import", str(csv)]) == 2
    assert "--bot-username" in capsys.readouterr().err
    assert main(["branches", "import", str(csv), "--bot-username", "zhibu_bot"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [ln.split("\t")[:2] for ln in lines] == [["一支部", "new"], ["二支部", "new"]]
    assert all("https://t.me/zhibu_bot?start=" in ln for ln in lines)
    assert main(["branches", "import", str(csv), "--bot-username", "zhibu_bot"]) == 0
    again = capsys.readouterr().out
    assert "existing" in again
    assert main(["branches", "import", str(db_folder / "missing.csv")]) == 2
    bad = written(db_folder / "bad.csv", "名称,类别\n三支部,机关\n,空名\n")
    assert main(["branches", "import", str(bad), "--bot-username", "zhibu_bot"]) == 2
    assert "第3行" in capsys.readouterr().err


def test_export_year_is_checked(db_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = written(db_folder / "b.csv", "一支部\n")
    assert main(["branches", "import", str(csv), "--bot-username", "zhibu_bot"]) == 0
    for bad in ("1800", "3000", "0", "abc"):
        assert main(["export", "--year", bad, "-o", str(db_folder / "x.xlsx")]) == 2
        err = capsys.readouterr().err
        assert err.startswith("zhibu: --year:") and err.count("\n") == 1


def test_token_never_reaches_a_log_line(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("httpx")
    redact = RedactTokens([TOKEN])
    logger.addFilter(redact)
    try:
        with caplog.at_level(logging.INFO):
            logger.info("HTTP Request: POST https://api.telegram.org/bot%s/getMe", TOKEN)
            try:
                raise RuntimeError(f"boom https://api.telegram.org/bot{TOKEN}/x")
            except RuntimeError:
                logger.exception("failed")
    finally:
        logger.removeFilter(redact)
    text = caplog.text + "".join(r.exc_text or "" for r in caplog.records)
    assert TOKEN not in text and "<token>" in text
