"""The circular's name lists without a model item per name (issue #11).

A circular of ten thousand branches names every one of them (按时, 迟报, 未报 …).
As model items that is two pydantic objects a name, and the collector then walks
them all more than once while the minute tick builds, stores and queues the
circular: most of due+1's cost at 10,000 branches. Yet the tick needs only the
chat text, its messages and the model's JSON, none of them the objects.

So `circular.draft` builds the model with each long list left as a *shell*: the
paragraph's lead and tail as `listing` makes them, no items, and a marker in
`sep` saying which list belongs there. `NameLists` keeps the lists as plain
(text, branch id) entries and gives:

- `fill(shell)`: the model itself, each shell given its items (`items_from`):
  what `circular.build` returns, equal to building the items one by one;
- `json(shell)`: the model's JSON (`CircularModel.to_json`, as stored) without
  the model: each shell's `"items":[]` replaced by its entries, each written as
  pydantic writes an `Item` (its strings by pydantic-core itself);
- `entries(para)`: for the chat renderer (`circular._Rendered`), which writes a
  list's names as it writes one-run items.

tests/test_circular_names.py holds all three to the filled model on varied
committees (flat and by 总支, names needing escapes, empty lists).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic_core import to_json

from bot.services.circular_model import CircularModel, Para, item, items_from, listing

Entry = tuple[str, int | None]  # an item's text (a branch's name, perhaps with detail), its id


def _json(value: object) -> str:
    return to_json(value).decode()


def _item_json(text: str, branch_id: int | None) -> str:
    """`item(text, branch_id).model_dump_json()`, written directly."""
    bid = "null" if branch_id is None else str(int(branch_id))
    return f'{{"runs":[{{"text":{_json(text)},"bold":false}}],"branch_id":{bid}}}'


@dataclass
class _List:
    shell: Para  # held, so that no other paragraph takes its id() meanwhile
    entries: Sequence[Entry]
    sep: str
    marker: str


@dataclass
class NameLists:
    """The long lists of one circular being built, by their shell paragraph."""

    _lists: dict[int, _List] = field(default_factory=dict)

    def para(
        self,
        lang: str,
        key: str,
        slot: str,
        entries: Sequence[Entry],
        sep: str = "、",
        **params: object,
    ) -> Para:
        """`listing(lang, key, slot, items, sep, **params)` of these entries, as a shell."""
        if not entries:
            return listing(lang, key, slot, [], sep, **params)
        # A private-use character no catalog text or separator holds, numbered.
        marker = f"\ue001{len(self._lists)}\ue001"
        shell = listing(lang, key, slot, [], marker, **params)
        self._lists[id(shell)] = _List(shell, entries, sep, marker)
        return shell

    def entries(self, para: Para) -> tuple[Sequence[Entry], str] | None:
        """A shell's entries and separator; None for any other paragraph."""
        found = self._lists.get(id(para))
        return None if found is None or found.shell is not para else (found.entries, found.sep)

    def fill(self, shell: CircularModel) -> CircularModel:
        """The model: every shell given its items."""
        if not self._lists:
            return shell
        sections = tuple(
            s.model_copy(update={"paras": tuple(self._filled(p) for p in s.paras)})
            for s in shell.sections
        )
        return shell.model_copy(update={"sections": sections})

    def _filled(self, para: Para) -> Para:
        found = self.entries(para)
        if found is None:
            return para
        entries, sep = found
        return Para(lead=para.lead, items=tuple(items_from(entries)), sep=sep, tail=para.tail)

    def json(self, shell: CircularModel) -> str:
        """`fill(shell).to_json()`, without building the items."""
        spliced = self.spliced(shell)
        return self.fill(shell).to_json() if spliced is None else spliced

    def spliced(self, shell: CircularModel) -> str | None:
        """The shell's JSON with each list's items written in; None if pydantic writes
        an item otherwise than `_item_json` (another version) or a shell is not found
        where it is expected (then `json` gives the model's own)."""
        text = shell.to_json()
        for found in self._lists.values():
            first_text, first_id = found.entries[0]
            if _item_json(first_text, first_id) != item(first_text, first_id).model_dump_json():
                return None
            blank = f'"items":[],"sep":{_json(found.marker)}'
            if text.count(blank) != 1:
                return None
            body = ",".join(_item_json(t, b) for t, b in found.entries)
            text = text.replace(blank, f'"items":[{body}],"sep":{_json(found.sep)}')
        return text


@dataclass(frozen=True)
class Draft:
    """A circular as `circular.draft` builds it: the model with its long lists as shells."""

    shell: CircularModel
    names: NameLists

    def model(self) -> CircularModel:
        return self.names.fill(self.shell)

    def to_json(self) -> str:
        return self.names.json(self.shell)
