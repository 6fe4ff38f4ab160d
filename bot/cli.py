"""The `zhibu` command."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from bot.logs import setup_logging
from bot.settings import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from bot.calendar import Month
    from bot.forms.model import Form
    from bot.services.base import Env

EXIT_USAGE = 2

NO_TOKEN = """zhibu: ZHIBU_BOT_TOKEN is not set.
  1. Talk to @BotFather in Telegram, send /newbot, and copy the token it gives you.
  2. Put it in .env (see .env.example):  ZHIBU_BOT_TOKEN=123456:ABC...
  3. Run `zhibu run` again.
To see zhibu work without a token or network, run `zhibu demo`."""


def _plain(lang: str, exc: Exception) -> str:
    """A service's `UserError` as one plain line for the terminal."""
    import html
    import re

    from bot.i18n import t
    from bot.services.base import UserError

    if not isinstance(exc, UserError):
        return str(exc)
    return html.unescape(re.sub(r"<[^>]+>", "", t(lang, exc.key, **exc.params)))


def _settings(**overrides: object) -> Settings:
    try:
        return load_settings(**overrides)
    except SettingsError as exc:
        print(f"zhibu: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE) from None


def _database_problem(db: Path) -> str | None:
    """Why ZHIBU_DB cannot be opened or created, in one line; None if it looks fine."""
    path = Path(db)
    if str(db) == ":memory:":
        return None
    if path.is_dir():
        return f"ZHIBU_DB: {db} is a directory; name a file in it, e.g. {path / 'zhibu.sqlite3'}"
    parent = path.parent
    if not parent.is_dir():
        return (
            f"ZHIBU_DB: the directory {parent} does not exist; "
            f"create it (mkdir -p {parent}) or point ZHIBU_DB elsewhere"
        )
    if not path.exists():
        if not os.access(parent, os.W_OK | os.X_OK):
            return f"ZHIBU_DB: cannot create {db}: the directory {parent} is not writable"
        return None
    import sqlite3

    # Read-only and synchronous: a failed aiosqlite open would leave its thread running.
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            conn.execute("PRAGMA user_version").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return f"ZHIBU_DB: cannot open {db}: {exc}"
    return None


def _database_ok(cfg: Settings) -> bool:
    problem = _database_problem(cfg.db)
    if problem is not None:
        print(f"zhibu: {problem}", file=sys.stderr)
    return problem is None


def cmd_run(args: argparse.Namespace) -> int:
    cfg = _settings()
    if cfg.bot_token is None or not cfg.bot_token.get_secret_value().strip():
        print(NO_TOKEN, file=sys.stderr)
        return EXIT_USAGE
    if not _database_ok(cfg):
        return EXIT_USAGE
    token = cfg.bot_token.get_secret_value().strip()
    try:
        start = clock_start_from(os.environ)
    except ValueError as exc:
        print(f"zhibu: {TEST_CLOCK}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    setup_logging(token=token)
    from bot.app import run_bot, shifted_clock

    if start is None:
        return run_bot(cfg, token, standby=args.standby)
    logging.getLogger("bot.cli").warning(
        "%s is set: this process's clock starts at %s (for tests only)", TEST_CLOCK, start
    )
    return run_bot(cfg, token, standby=args.standby, clock=shifted_clock(start))


# Tests only (tests/faults): start a real `zhibu run` on a given day. Read from the process
# environment alone, never from .env, and not a setting: an operator never meets it.
TEST_CLOCK = "ZHIBU_TEST_CLOCK_START"


def clock_start_from(environ: Mapping[str, str]) -> datetime | None:
    """The moment the bot's clock starts at, from ZHIBU_TEST_CLOCK_START (ISO 8601 with
    an offset, e.g. 2026-11-23T09:00:05+08:00); None when it is unset or empty."""
    raw = environ.get(TEST_CLOCK, "").strip()
    if not raw:
        return None
    try:
        start = datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"must be an ISO date and time with an offset, not {raw!r}") from None
    if start.tzinfo is None:
        raise ValueError(f"needs a UTC offset (e.g. {raw}+08:00)")
    return start


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    return asyncio.run(run_demo(out=sys.stdout, verbose=not args.quiet))


def cmd_branches_import(args: argparse.Namespace) -> int:
    cfg = _settings()
    from bot.services import onboarding
    from bot.services.base import UserError

    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        print(f"zhibu: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE
    if not _database_ok(cfg):
        return EXIT_USAGE

    async def go(env: Env) -> int:
        username = args.bot_username or await onboarding.bot_username(env)
        if not username:
            print(
                "zhibu: the bot's username is not known yet; pass --bot-username NAME "
                "or run `zhibu run` once.",
                file=sys.stderr,
            )
            return EXIT_USAGE
        try:
            rows = await onboarding.import_branches_csv(env, text, datetime.now(UTC))
        except UserError as exc:
            print(f"zhibu: {path.name}: {_plain(cfg.language, exc)}", file=sys.stderr)
            return EXIT_USAGE
        for row in rows:
            state = "new" if row.created else "existing"
            link = onboarding.invite_link(username, row.token) if row.token else "(has a secretary)"
            print(f"{row.name}\t{state}\t{link}")
        return 0

    return _with_database(cfg, go)


def _with_database(cfg: Settings, work: Callable[[Env], Awaitable[int]]) -> int:
    """Run a CLI command's work against the database, closed afterwards whatever happens."""
    from bot.services.base import Env
    from storage.db import Database

    async def go() -> int:
        db = await Database.open(cfg.db)
        try:
            return await work(Env(db=db, cfg=cfg))
        finally:
            await db.close()

    return asyncio.run(go())


def cmd_plan_extract(args: argparse.Namespace) -> int:
    from bot.plans.cli import extract_main

    return extract_main(Path(args.file), args.year, args.json, sys.stdout, sys.stderr)


def cmd_plan_import(args: argparse.Namespace) -> int:
    cfg = _settings()
    from bot.plans.model import PlanFormatError
    from bot.plans.yamlio import load_plan_file
    from bot.services import plans
    from bot.services.base import UserError

    try:
        spec = load_plan_file(args.file)
    except PlanFormatError as exc:
        print(f"zhibu: {args.file}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not _database_ok(cfg):
        return EXIT_USAGE

    async def go(env: Env) -> int:
        try:
            plan_id = await plans.import_plan(env, spec, datetime.now(UTC))
        except UserError as exc:
            print(f"zhibu: {args.file}: {_plain(cfg.language, exc)}", file=sys.stderr)
            return EXIT_USAGE
        print(
            f"imported plan {plan_id}: {spec.title} ({spec.year}), "
            f"{len(spec.phases)} phases, {len(spec.tasks)} tasks"
        )
        return 0

    return _with_database(cfg, go)


def _month_option(env: Env, option: str, value: str | None, now: datetime) -> Month | None:
    """`--from`/`--month` as a month, this month when not given; None (said why) if unreadable."""
    from bot.calendar import Month
    from bot.services.base import current_month

    try:
        return Month.parse(value) if value else current_month(env, now)
    except ValueError:
        print(f"zhibu: {option} {value}: write the month as 2026-07", file=sys.stderr)
        return None


def _set_form(
    cfg: Settings, form: Form | None, from_month: str | None, done: Callable[[Month], str]
) -> int:
    """`form import` and `form clear`: set the form (None: free text) from `--from` on;
    `done` says what was set."""
    from bot.services import forms
    from bot.services.base import UserError

    if not _database_ok(cfg):
        return EXIT_USAGE

    async def go(env: Env) -> int:
        now = datetime.now(UTC)
        month = _month_option(env, "--from", from_month, now)
        if month is None:
            return EXIT_USAGE
        try:
            version = await forms.set_form(env, form, month, now)
        except UserError as exc:
            print(f"zhibu: {_plain(cfg.language, exc)}", file=sys.stderr)
            return EXIT_USAGE
        print(f"form {version.id}: {done(month)}")
        return 0

    return _with_database(cfg, go)


def cmd_form_import(args: argparse.Namespace) -> int:
    """`zhibu form import form.yaml [--from 2026-07]`: the form from that month on."""
    cfg = _settings()
    from bot.forms.yamlio import FormFormatError, load_form_file

    try:
        form = load_form_file(args.file)
    except FormFormatError as exc:
        print(f"zhibu: {args.file}: {exc}", file=sys.stderr)
        return EXIT_USAGE

    def done(month: Month) -> str:
        return f"{form.title}, {len(form.fields)} fields, from {month} on"

    return _set_form(cfg, form, args.from_month, done)


def cmd_form_clear(args: argparse.Namespace) -> int:
    """`zhibu form clear [--from 2026-08]`: free-text reports again from that month on."""

    def done(month: Month) -> str:
        return f"no form from {month} on; a report is one free text"

    return _set_form(_settings(), None, args.from_month, done)


def cmd_form_show(args: argparse.Namespace) -> int:
    """`zhibu form show [--month 2026-07]`: the versions, and the month's form as YAML."""
    cfg = _settings()
    from bot.forms.yamlio import dump_form_yaml
    from bot.services import forms

    if not _database_ok(cfg):
        return EXIT_USAGE

    async def go(env: Env) -> int:
        month = _month_option(env, "--month", args.month, datetime.now(UTC))
        if month is None:
            return EXIT_USAGE
        for v in await forms.versions(env):
            what = "no form (free text)" if v.form is None else v.form.title
            print(f"# form {v.id}: from {v.from_month}: {what}")
        current = await forms.form_for(env, month)
        if current is None or current.form is None:
            print(f"# {month}: no form; a report is one free text")
            return 0
        print(f"# {month}: form {current.id}")
        print(dump_form_yaml(current.form), end="")
        return 0

    return _with_database(cfg, go)


def cmd_export(args: argparse.Namespace) -> int:
    cfg = _settings()
    from bot.records.cli import export_main
    from bot.records.data import parse_year
    from bot.services.base import Env, UserError
    from storage.db import Database

    if not Path(cfg.db).exists():  # don't create an empty database by accident
        print(f"zhibu: {cfg.db}: no such database", file=sys.stderr)
        return EXIT_USAGE
    now = datetime.now(UTC)
    try:  # the same rules as /export in chat
        year = parse_year(None if args.year is None else str(args.year), now, cfg.tz)
    except UserError as exc:
        print(f"zhibu: --year: {_plain(cfg.language, exc)}", file=sys.stderr)
        return EXIT_USAGE
    out = Path(args.output or f"zhibu-台账-{year}.xlsx")

    async def go() -> int:
        db = await Database.open(cfg.db)
        try:
            return await export_main(Env(db=db, cfg=cfg), year, out, now)
        finally:
            await db.close()

    return asyncio.run(go())


def cmd_backup(args: argparse.Namespace) -> int:
    cfg = _settings()
    from bot.records.cli import backup_main

    return asyncio.run(backup_main(Path(cfg.db), Path(args.path)))


RUN_HELP = """\
Run the bot: poll the Telegram Bot API until stopped (Ctrl-C or SIGTERM).

Settings are read from environment variables and from a file named .env in the
current directory (an environment variable wins over the same name in .env).
Every name starts with ZHIBU_. Start from .env.example in zhibu's source tree:
copy it to .env and set at least ZHIBU_BOT_TOKEN (from @BotFather) and
ZHIBU_ADMIN_IDS (your numeric Telegram user id: send any message to
@userinfobot). A setting left empty (NAME=) takes its default. List settings
accept commas, 、 or spaces: 5,2,0 or 5，2，0.

Only one `zhibu run` may use a database: a second one says which process
holds it and exits 2, or with --standby waits and takes over when the first
stops (or its heartbeat has been silent for 30 seconds).

Exit status: 0 stopped; 2 a setting must be fixed (bad value, ZHIBU_DB
directory missing, token rejected, another zhibu run holds the database),
named in one line; 1 the Bot API could not be reached (may pass: try again
later)."""

BRANCHES_IMPORT_HELP = """\
Create branches from a CSV file and print a secretary invite link for each.

CSV format: UTF-8 (a BOM is fine), comma-separated, one branch per line:
  name[,category]
A first row whose first cell is 名称, 名稱, name, 支部 or 支部名称 is a header
and skipped; blank lines are ignored; further columns are ignored. Example:

  名称,类别
  第一党支部,机关
  第二党支部,社区

Output: one tab-separated line per branch: name, new or existing, and the
invite link https://t.me/<bot>?start=... (an existing branch that already has
a secretary shows "(has a secretary)" and gets no link). Running it again is
safe: existing branches are kept, not duplicated.

Each link works once and expires after ZHIBU_INVITE_VALID_DAYS days (default
7); send it to the branch's secretary. /invite in the chat makes a new one."""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("zhibu")
    except PackageNotFoundError:  # run from a source tree that was never installed
        import tomllib

        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        try:
            return str(tomllib.loads(pyproject.read_text("utf-8"))["project"]["version"])
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zhibu", description="党支部月度报送机器人 · monthly reporting bot"
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "run",
        help="run the bot (needs ZHIBU_BOT_TOKEN; settings from .env and ZHIBU_* variables)",
        description=RUN_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    run.add_argument(
        "--standby",
        action="store_true",
        help="if another `zhibu run` uses the database, wait and take over when it stops",
    )
    run.set_defaults(func=cmd_run)
    demo = sub.add_parser("demo", help="simulate one month offline and print the transcript")
    demo.add_argument("--quiet", action="store_true", help="print only the summary")
    demo.set_defaults(func=cmd_demo)
    branches = sub.add_parser("branches", help="manage branches")
    bsub = branches.add_subparsers(dest="branches_command", required=True)
    imp = bsub.add_parser(
        "import",
        help="create branches from a CSV (name, category) and print invite links",
        description=BRANCHES_IMPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    imp.add_argument("file", help="the CSV file (see the format above)")
    imp.add_argument("--bot-username", help="the bot's @username, if `zhibu run` has not run yet")
    imp.set_defaults(func=cmd_branches_import)
    exp = sub.add_parser("export", help="write the year's ledger (台账) as .xlsx")
    exp.add_argument("--year", help="default: this year")
    exp.add_argument("-o", "--output", help="default: zhibu-台账-YEAR.xlsx")
    exp.set_defaults(func=cmd_export)
    bk = sub.add_parser("backup", help="consistent copy of the database while the bot runs")
    bk.add_argument("path", help="a file, or a directory (a time-stamped name is chosen)")
    bk.set_defaults(func=cmd_backup)
    plan = sub.add_parser("plan", help="plans (方案): extract from a document, import YAML")
    psub = plan.add_subparsers(dest="plan_command", required=True)
    ext = psub.add_parser("extract", help="read a plan's .txt/.docx and print YAML (or --json)")
    ext.add_argument("file")
    ext.add_argument("--year", type=int, help="the plan's year, if the text does not say")
    ext.add_argument("--json", action="store_true", help="print the extraction as JSON")
    ext.set_defaults(func=cmd_plan_extract)
    pim = psub.add_parser("import", help="import a reviewed plan YAML into the database")
    pim.add_argument("file")
    pim.set_defaults(func=cmd_plan_import)
    form = sub.add_parser("form", help="the monthly report form: import YAML, show")
    fsub = form.add_subparsers(dest="form_command", required=True)
    fim = fsub.add_parser("import", help="use a form YAML (docs/forms.md) from a month on")
    fim.add_argument("file")
    fim.add_argument("--from", dest="from_month", help="first month, e.g. 2026-07 (default: this)")
    fim.set_defaults(func=cmd_form_import)
    fcl = fsub.add_parser("clear", help="no form (one free text) from a month on")
    fcl.add_argument("--from", dest="from_month", help="first month, e.g. 2026-08 (default: this)")
    fcl.set_defaults(func=cmd_form_clear)
    fsh = fsub.add_parser("show", help="the form versions and a month's form as YAML")
    fsh.add_argument("--month", help="default: this month")
    fsh.set_defaults(func=cmd_form_show)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except BrokenPipeError:
        # `zhibu demo | head`: the reader left; not an error. Point stdout at
        # /dev/null so the interpreter's final flush does not raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    return code


if __name__ == "__main__":
    raise SystemExit(main())
