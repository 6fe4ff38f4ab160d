"""The `zhibu` command."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from bot.logs import setup_logging
from bot.settings import Settings, SettingsError, load_settings

EXIT_USAGE = 2

NO_TOKEN = """zhibu: ZHIBU_BOT_TOKEN is not set.
  1. Talk to @BotFather in Telegram, send /newbot, and copy the token it gives you.
  2. Put it in .env (see .env.example):  ZHIBU_BOT_TOKEN=123456:ABC...
  3. Run `zhibu run` again.
To see zhibu work without a token or network, run `zhibu demo`."""


def _settings(**overrides: object) -> Settings:
    try:
        return load_settings(**overrides)
    except SettingsError as exc:
        print(f"zhibu: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE) from None


def cmd_run(_: argparse.Namespace) -> int:
    cfg = _settings()
    if cfg.bot_token is None or not cfg.bot_token.get_secret_value().strip():
        print(NO_TOKEN, file=sys.stderr)
        return EXIT_USAGE
    token = cfg.bot_token.get_secret_value().strip()
    setup_logging(token=token)
    from bot.app import build_application
    from bot.services.base import Env
    from storage.db import Database

    async def open_db() -> Database:
        return await Database.open(cfg.db)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    db = loop.run_until_complete(open_db())
    app = build_application(Env(db=db, cfg=cfg), token=token)
    try:
        app.run_polling(
            allowed_updates=["message", "callback_query", "my_chat_member"], close_loop=False
        )
    finally:
        loop.run_until_complete(db.close())
        loop.close()
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    return asyncio.run(run_demo(out=sys.stdout, verbose=not args.quiet))


def cmd_branches_import(args: argparse.Namespace) -> int:
    cfg = _settings()
    from bot.services import onboarding
    from bot.services.base import Env, UserError
    from storage.db import Database

    path = Path(args.file)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        print(f"zhibu: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return EXIT_USAGE

    async def go() -> int:
        db = await Database.open(cfg.db)
        try:
            env = Env(db=db, cfg=cfg)
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
                print(f"zhibu: bad CSV: {exc.key} {exc.params}", file=sys.stderr)
                return EXIT_USAGE
            for row in rows:
                state = "new" if row.created else "existing"
                link = (
                    onboarding.invite_link(username, row.token)
                    if row.token
                    else "(has a secretary)"
                )
                print(f"{row.name}\t{state}\t{link}")
            return 0
        finally:
            await db.close()

    return asyncio.run(go())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="zhibu", description="党支部月度报送机器人 · monthly reporting bot"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the bot (needs ZHIBU_BOT_TOKEN)")
    run.set_defaults(func=cmd_run)
    demo = sub.add_parser("demo", help="simulate one month offline and print the transcript")
    demo.add_argument("--quiet", action="store_true", help="print only the summary")
    demo.set_defaults(func=cmd_demo)
    branches = sub.add_parser("branches", help="manage branches")
    bsub = branches.add_subparsers(dest="branches_command", required=True)
    imp = bsub.add_parser(
        "import", help="create branches from a CSV (name, category) and print invite links"
    )
    imp.add_argument("file")
    imp.add_argument("--bot-username", help="the bot's @username, if `zhibu run` has not run yet")
    imp.set_defaults(func=cmd_branches_import)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
