"""Rows to models: one mapping for every storage module.

A column holds a model field of the same name, so a row maps by the model's
own fields and pydantic converts what SQLite stores: ISO text with an offset
to an aware datetime, ISO text to a date, 0/1 to a bool, text to an enum.
Where storage differs from the model (a JSON column, a nested model) the
caller passes that field explicitly; a column with another name is renamed
in the SELECT (`AS`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from functools import cache
from typing import Any, TypeVar

from pydantic import BaseModel

from storage.db import Tx

M = TypeVar("M", bound=BaseModel)


@cache
def _columns(cls: type[BaseModel], prefix: str) -> tuple[tuple[str, str], ...]:
    return tuple((name, prefix + name) for name in cls.model_fields)


def model_from(cls: type[M], row: sqlite3.Row, prefix: str = "", **given: object) -> M:
    """The `cls` a row holds; `prefix` picks a joined table's columns (`m_role`...).

    Every field not `given` must be a column; a missing one raises IndexError
    rather than quietly taking the field's default.
    """
    if not given:
        return cls.model_validate({name: row[column] for name, column in _columns(cls, prefix)})
    values = {name: row[column] for name, column in _columns(cls, prefix) if name not in given}
    return cls.model_validate(values | given)


async def fetch_one(tx: Tx, cls: type[M], sql: str, params: Iterable[Any] = ()) -> M | None:
    """The `cls` of the query's first row; None when there is none."""
    row = await tx.one(sql, params)
    return None if row is None else model_from(cls, row)


async def fetch_all(tx: Tx, cls: type[M], sql: str, params: Iterable[Any] = ()) -> list[M]:
    """A `cls` for each row of the query, in its order."""
    return [model_from(cls, row) for row in await tx.all(sql, params)]
