"""`zhibu export` and `zhibu backup`: the records from the shell."""

from __future__ import annotations

import asyncio
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from bot.records.data import load_year
from bot.records.ledger import ledger_xlsx
from bot.records.review import ReviewThresholds
from bot.services.base import Env
from storage.backup import BackupError, backup_database

EXIT_USAGE = 2
EXIT_FAILED = 1


def write_atomically(path: Path, data: bytes) -> None:
    """Readers of `path` see the old file or the new one, never half of it."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)


async def export_main(env: Env, year: int, out_path: Path, now: datetime) -> int:
    if not out_path.parent.is_dir():
        print(f"zhibu: {out_path.parent}: no such directory", file=sys.stderr)
        return EXIT_USAGE
    data = await load_year(env, year, now)
    thresholds = ReviewThresholds.from_settings(env.cfg)
    xlsx = await asyncio.to_thread(ledger_xlsx, data, thresholds)
    try:
        write_atomically(out_path, xlsx)
    except OSError as exc:
        print(f"zhibu: cannot write {out_path}: {exc.strerror}", file=sys.stderr)
        return EXIT_FAILED
    print(
        f"{out_path}: {year}, {len(data.branches)} branches, {len(data.reports())} reports, "
        f"{len(data.counted_months)} settled months"
    )
    return 0


def backup_target(dest: Path, now: datetime) -> Path:
    """A directory gets a time-stamped file name, so a timer can keep a series."""
    if dest.is_dir():
        return dest / f"zhibu-{now.astimezone(UTC):%Y%m%dT%H%M%SZ}.sqlite3"
    return dest


async def backup_main(src: Path, dest: Path) -> int:
    target = backup_target(dest, datetime.now(UTC))
    try:
        result = await asyncio.to_thread(backup_database, src, target)
    except BackupError as exc:
        print(f"zhibu: {exc}", file=sys.stderr)
        return EXIT_FAILED
    rows = sum(result.tables.values())
    print(
        f"{result.dest}: {result.size} bytes, {len(result.tables)} tables, {rows} rows, "
        f"schema {result.schema_version}, integrity {result.integrity}, {result.seconds:.2f}s"
    )
    return 0
