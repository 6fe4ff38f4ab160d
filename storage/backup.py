"""A consistent copy of the live database, taken while the bot keeps running.

SQLite's online backup API copies the pages inside one read transaction. In
WAL mode a reader never blocks the writer, so the bot goes on answering while
the copy is made, and the copy is the database as of one instant: never half
of a report. The copy is written beside the destination and renamed into
place only after it passed `PRAGMA integrity_check`, so a crash or a bad
source can never leave a broken file where the last good backup was.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

BUSY_TIMEOUT_S = 30.0


class BackupError(Exception):
    """The backup could not be made or did not verify; the destination is untouched."""


@dataclass(frozen=True)
class BackupResult:
    source: Path
    dest: Path
    size: int  # bytes
    seconds: float
    integrity: str  # "ok", as PRAGMA integrity_check says it
    schema_version: int  # PRAGMA user_version: the migrations the copy has
    tables: dict[str, int] = field(default_factory=dict)  # rows per table

    @property
    def ok(self) -> bool:
        return self.integrity == "ok"


def _open_source(src: Path) -> sqlite3.Connection:
    # Read-only: a backup must never be able to change the live database.
    conn = sqlite3.connect(f"{src.resolve().as_uri()}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_S)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise BackupError(f"{src}: not a readable SQLite database ({exc})") from None
    return conn


def table_counts(conn: sqlite3.Connection) -> dict[str, int]:
    names = [
        str(r[0])
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    counts: dict[str, int] = {}
    for name in names:
        quoted = '"' + name.replace('"', '""') + '"'
        counts[name] = int(conn.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0])
    return counts


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def backup_database(src: Path, dest: Path) -> BackupResult:
    """Copy `src` to `dest` consistently; blocking, so run it in a thread from async code."""
    started = time.monotonic()
    if not src.is_file():
        raise BackupError(f"{src}: no such database file")
    if dest.exists() and dest.resolve() == src.resolve():
        raise BackupError("the backup must not overwrite the database itself")
    if not dest.parent.is_dir():
        raise BackupError(f"{dest.parent}: no such directory")
    partial = dest.with_name(f".{dest.name}.partial")
    partial.unlink(missing_ok=True)
    source = _open_source(src)
    try:
        target = sqlite3.connect(partial)
        try:
            # pages=-1: one step, so one read transaction and one snapshot. Copying in
            # several steps would restart whenever the bot writes in between.
            source.backup(target, pages=-1)
            # The copy inherits WAL mode; make it one self-contained file instead.
            target.execute("PRAGMA journal_mode = DELETE")
            rows = target.execute("PRAGMA integrity_check").fetchall()
            integrity = "; ".join(str(r[0]) for r in rows)
            version = int(target.execute("PRAGMA user_version").fetchone()[0])
            tables = table_counts(target)
        finally:
            target.close()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"backup failed: {exc}") from None
    finally:
        source.close()
    if integrity != "ok":
        partial.unlink(missing_ok=True)
        raise BackupError(f"the copy failed its integrity check: {integrity}")
    _fsync(partial)
    os.replace(partial, dest)
    return BackupResult(
        source=src,
        dest=dest,
        size=dest.stat().st_size,
        seconds=time.monotonic() - started,
        integrity=integrity,
        schema_version=version,
        tables=tables,
    )
