"""Reads of rarely changed tables kept between transactions, and when they go stale.

Every report reads the month's form version, the 总支 that review, and the active
plans: tables that change a few times a year, written by this process (a coordinator's
command) or by another one (`zhibu form import`, `zhibu plan …` while the bot runs).
A kept read is valid while neither happened:

- another connection committed: SQLite's `PRAGMA data_version` on this connection
  changes when any OTHER connection commits (https://sqlite.org/pragma.html#pragma_data_version).
  It is read in the worker thread just before each transaction's BEGIN, in the trip
  that carries the BEGIN (no trip of its own): a value read before the snapshot is
  taken can only be older than the snapshot, so a kept read is at worst refreshed once
  too often, never kept past a change. A commit by another process is therefore seen
  from the next transaction on; every update begins with one (identifying the sender)
  before anything it reads from here.
- this connection wrote one of the tables: its own commits do not change
  `data_version`, so every write statement names its table (`touched`, from the SQL)
  and bumps that table's generation, once when it runs and once when its transaction
  ends (committed or rolled back), so nothing read in between is kept. A write whose
  table cannot be told from its SQL bumps every generation.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

_T = TypeVar("_T")

# The first table a write statement names (our SQL: INSERT [OR …] INTO t, REPLACE INTO t,
# UPDATE [OR …] t, DELETE FROM t). Anything else that is not a SELECT touches everything.
_WRITE = re.compile(
    r"\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)"
    r"\s+[\"`\[]?(\w+)",
    re.IGNORECASE,
)
EVERYTHING = "*"


def table_written(sql: str) -> str:
    """The table a write statement changes, or EVERYTHING when the SQL does not say."""
    found = _WRITE.match(sql)
    return found.group(1).lower() if found else EVERYTHING


class Kept:
    """The kept reads of one connection, with what they depend on."""

    def __init__(self) -> None:
        self.data_version = -1  # set in the worker thread before each BEGIN
        self._gens: dict[str, int] = {}
        self._everything = 0
        self._values: dict[object, tuple[tuple[Any, ...], Any]] = {}
        self.hits = 0  # for tests and benchmarks

    def touch(self, table: str) -> None:
        if table == EVERYTHING:
            self._everything += 1
        else:
            self._gens[table] = self._gens.get(table, 0) + 1

    def _stamp(self, tables: tuple[str, ...]) -> tuple[Any, ...]:
        return (self._everything, *(self._gens.get(t, 0) for t in tables))

    async def read(
        self,
        key: object,
        tables: tuple[str, ...],
        load: Callable[[], Awaitable[_T]],
        writing: frozenset[str],
    ) -> _T:
        """`load()`'s answer, kept until another connection commits or this one writes one
        of `tables`. Not kept when the current transaction wrote one of them (`writing`):
        it may still be rolled back."""
        if writing and (EVERYTHING in writing or writing.intersection(tables)):
            return await load()
        stamp = self._stamp(tables)
        found = self._values.get(key)
        if found is not None and found[0] == (self.data_version, *stamp):
            self.hits += 1
            value: _T = found[1]
            return value
        value = await load()
        # data_version after the load: the load may have carried this transaction's BEGIN,
        # and the version was then read just before its snapshot (older, never newer).
        self._values[key] = ((self.data_version, *stamp), value)
        return value
