"""The monthly circular (月度通报): built once from the database as a model, and kept.

`build` gathers the month into a `CircularModel` (see `circular_model`); the
chat renderer here turns it into Telegram HTML (`chat_html`, the text as
stored and shown) and into messages split on section boundaries
(`chat_messages`). The Word document and the chart render the same model
(`bot.records.document`, `bot.records.publish`). The minute tick uses `draft`:
the same model with its long name lists as plain entries (`circular_names`),
whose text, messages (`chat_text`) and JSON are the model's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from bot import rules
from bot.calendar import Month
from bot.i18n import TELEGRAM_LIMIT, Html, esc, join, split_message
from bot.models import Circular
from bot.services import circular_groups, form_counts, grouping, plans
from bot.services.base import COMMITTEE, Env, Scope
from bot.services.circular_model import (
    CircularModel,
    Counts,
    Para,
    Run,
    Section,
    SectionKind,
    from_stored_text,
    item,
    listing,
    plain,
    runs,
)
from bot.services.circular_names import Draft, Entry, NameLists
from bot.services.fmt import date_label, month_label
from bot.services.status import Line, MonthSummary, State, summarize
from storage import circulars, reports
from storage.db import Tx

HIGHLIGHT_CHARS = 120
# Look back this many months for runs of misses (连续未报).
RUN_LOOKBACK = 12
# Room under Telegram's limit, as `split_message` keeps.
CHAT_LIMIT = TELEGRAM_LIMIT - 96


def circular_language(env: Env) -> str:
    """A circular is an official Chinese document: traditional if configured, else simplified."""
    return "zh-Hant" if env.cfg.language == "zh-Hant" else "zh-Hans"


async def missing_runs(env: Env, tx: Tx, summary: MonthSummary) -> dict[int, int]:
    """For each branch missing this month, how many months in a row it has missed.

    The counting is `rules.missing_runs`; this reads the earlier months it needs,
    newest first, stopping at the first month that never had a cycle.
    """
    missing = [ln.branch.id for ln in summary.having(State.MISSING)]
    if not missing:
        return {}
    past: list[rules.PastMonth | None] = []
    month = summary.month
    # Only the branches whose run may still go on are looked up in the month
    # before (a superset of the rule's: it also ends a run where a branch was
    # not expected), so ten thousand missing branches cost one wide look-up,
    # not twelve.
    running = set(missing)
    for _ in range(RUN_LOOKBACK):
        if not running:
            break  # every run has ended: the earlier months change nothing
        month = month.prev()
        if await reports.get_cycle(tx, str(month)) is None:
            past.append(None)
            break
        reported = running - await reports.unreported_among(tx, str(month), running)
        exempt = await reports.exemptions_for_month(tx, str(month))
        past.append(rules.PastMonth(month, frozenset(reported), frozenset(exempt)))
        running -= reported | exempt.keys()
    branches = {ln.branch.id: ln.branch for ln in summary.lines}
    return rules.missing_runs(missing, branches, past, env.cfg.tz)


def _names(lines: list[Line]) -> list[Entry]:
    return [(ln.branch.name, ln.branch.id) for ln in lines]


def _names_para(lang: str, lists: NameLists, entries: list[Entry]) -> Para:
    """The names of a section, or 无 when there are none."""
    if not entries:
        return Para(lead=runs(lang, "circ_names", names=plain(lang, "circ_none")))
    return lists.para(lang, "circ_names", "names", entries)


def _dated(lang: str, lines: list[Line], env: Env) -> list[Entry]:
    """Late branches with the day their report came in: 支部A（11月27日）."""
    tz = env.cfg.tz
    return [
        (
            f"{ln.branch.name}（{date_label(lang, ln.report.submitted_at.astimezone(tz).date())}）",
            ln.branch.id,
        )
        for ln in lines
        if ln.report
    ]


def _section(
    lang: str, kind: SectionKind, key: str, paras: list[Para], **params: object
) -> Section:
    return Section(kind=kind, heading=runs(lang, key, **params), paras=tuple(paras))


async def build(
    env: Env,
    tx: Tx,
    month: Month,
    now: datetime,
    summary: MonthSummary | None = None,
    scope: Scope = COMMITTEE,
) -> CircularModel:
    """The month's circular as a model, from the database as it stands at `now`.

    `summary`: the month's summary at `now` (without failures, of `scope`), if the
    caller has it. With a 总支's `scope`: that 总支's own circular, of its units only
    and issued in its name, without the committee's plan progress (docs/tree.md).
    """
    return (await draft(env, tx, month, now, summary, scope)).model()


async def draft(
    env: Env,
    tx: Tx,
    month: Month,
    now: datetime,
    summary: MonthSummary | None = None,
    scope: Scope = COMMITTEE,
) -> Draft:
    """`build`, its long name lists kept as entries (`circular_names`): what the
    minute tick stores and queues, rendered without an item per name."""
    lang = circular_language(env)
    lists = NameLists()
    if summary is None:
        summary = await summarize(
            env, tx, month, now, with_failures=False, scope=scope, people=False
        )
    issuer = scope.general.name if scope.general is not None else env.cfg.org_name
    tz = env.cfg.tz
    today = now.astimezone(tz).date()
    on_time = summary.having(State.ON_TIME)
    late = summary.having(State.LATE)
    missing = summary.having(State.MISSING, State.WAITING)
    exempt = summary.having(State.EXEMPT)
    counts = Counts(
        expected=summary.expected,
        on_time=len(on_time),
        late=len(late),
        missing=len(missing),
        exempt=len(exempt),
        no_secretary=len(summary.without_secretary),
        rate=summary.rate,
    )
    sections: list[Section] = [
        _section(
            lang,
            "totals",
            "circ_sec_total",
            [
                Para(
                    lead=runs(
                        lang,
                        "circ_totals",
                        expected=counts.expected,
                        on_time=counts.on_time,
                        late=counts.late,
                        missing=counts.missing,
                        exempt=counts.exempt,
                        rate=f"{counts.rate * 100:.1f}",
                    )
                )
            ],
        )
    ]
    n = 1

    def number() -> str:
        nonlocal n
        n += 1
        return plain(lang, f"num_{n}")

    # A committee with 总支: totals per 总支, and the named lists by 总支 (None: flat).
    mg = await grouping.month_groups(tx, summary)
    if mg is not None:
        sections.append(circular_groups.by_general(lang, mg, number(), lists))

    def names_paras(lines: list[Line], entries: Callable[[list[Line]], list[Entry]]) -> list[Para]:
        if mg is None:
            return [_names_para(lang, lists, entries(lines))]
        return circular_groups.grouped_paras(lang, mg, lines, entries, lists)

    sections.append(
        _section(
            lang,
            "on_time",
            "circ_sec_on_time",
            names_paras(on_time, _names),
            n=number(),
            count=len(on_time),
        )
    )
    sections.append(
        _section(
            lang,
            "late",
            "circ_sec_late",
            names_paras(late, lambda lines: _dated(lang, lines, env)),
            n=number(),
            count=len(late),
        )
    )
    missing_paras = names_paras(missing, _names)
    runs_of = await missing_runs(env, tx, summary)
    repeat = [(ln, runs_of[ln.branch.id]) for ln in missing if runs_of.get(ln.branch.id, 0) >= 2]
    if repeat:
        repeat_items = [
            (plain(lang, "circ_repeat_item", branch=ln.branch.name, months=k), ln.branch.id)
            for ln, k in repeat
        ]
        missing_paras.append(lists.para(lang, "circ_repeat", "names", repeat_items))
    sections.append(
        _section(lang, "missing", "circ_sec_missing", missing_paras, n=number(), count=len(missing))
    )
    if exempt:
        exempt_items = [
            (f"{ln.branch.name}（{ln.exemption.reason}）", ln.branch.id)
            for ln in exempt
            if ln.exemption
        ]
        sections.append(
            _section(
                lang,
                "exempt",
                "circ_sec_exempt",
                [lists.para(lang, "circ_names", "names", exempt_items)],
                n=number(),
                count=len(exempt),
            )
        )
    # 补报: reports of the previous month that came in after its circular.
    prev = month.prev()
    prev_circ = await circulars.circular_built(tx, str(prev))
    if prev_circ is not None:
        after = prev_circ.posted_at or prev_circ.built_at
        makeups = await reports.reports_submitted_between(tx, str(prev), after)
        makeups = [r for r in makeups if scope.covers(r.branch_id)]
        if makeups:
            names = {ln.branch.id: ln.branch.name for ln in summary.lines}
            makeup_items: list[Entry] = [
                (
                    plain(
                        lang,
                        "circ_makeup_item",
                        branch=names.get(r.branch_id, str(r.branch_id)),
                        month=month_label(lang, prev),
                        date=date_label(lang, r.submitted_at.astimezone(tz).date()),
                    ),
                    r.branch_id,
                )
                for r in makeups
            ]
            sections.append(
                _section(
                    lang,
                    "makeup",
                    "circ_sec_makeup",
                    [lists.para(lang, "circ_names", "names", makeup_items)],
                    n=number(),
                    count=len(makeups),
                )
            )
    highlights = [ln for ln in on_time + late if ln.highlighted]
    if highlights:
        quoted: list[Para] = []
        for ln in highlights:
            assert ln.report is not None
            text = " ".join(ln.report.text.split())
            if len(text) > HIGHLIGHT_CHARS:
                text = text[:HIGHLIGHT_CHARS] + "……"
            quoted.append(
                listing(
                    lang,
                    "circ_highlight",
                    "branch",
                    [item(ln.branch.name, ln.branch.id)],
                    text=text,
                )
            )
        sections.append(_section(lang, "highlights", "circ_sec_highlights", quoted, n=number()))
    # A 总支's circular counts its own units' answers only.
    units = None if scope.whole else {ln.branch.id for ln in summary.lines}
    form_section = await form_counts.section_in(lang, tx, month, number, units)
    if form_section is not None:
        sections.append(form_section)
    # A branch exempt this month is expected of no plan task either.
    exempt_ids = frozenset(ln.branch.id for ln in summary.having(State.EXEMPT))
    progress = await plans.progress(env, tx, today, exempt_ids) if scope.whole else None
    if progress:
        plan_section = plans.circular_section(lang, progress, number(), today)
        if plan_section is not None:
            sections.append(plan_section)
    all_in = summary.reported == summary.expected
    shell = CircularModel(
        lang=lang,
        month=str(month),
        due_on=summary.due_on,
        issued_on=today,
        issuer=issuer,
        title=runs(lang, "circ_title", y=month.year, m=month.month),
        salutation=Para(lead=runs(lang, "circ_to" if scope.whole else "gcirc_to")),
        intro=(
            Para(
                lead=runs(
                    lang,
                    "circ_intro",
                    month=month_label(lang, month),
                    due=date_label(lang, summary.due_on),
                )
            ),
        ),
        counts=counts,
        sections=tuple(sections),
        closing=(Para(lead=runs(lang, "circ_closing_all" if all_in else "circ_closing")),),
        sign=plain(lang, "circ_sign", org=issuer),
        date_line=str(date_label(lang, today, full=True)),
    )
    return Draft(shell, lists)


# ------------------------------------------------------------- chat renderer


def _run_html(run: Run) -> str:
    text = esc(run.text)
    return f"<b>{text}</b>" if run.bold and text else text


def _pieces(para: Para, limit: int | None = None) -> list[str]:
    """A paragraph as HTML pieces a message may end between (never inside one).

    Each item is a piece, its separator kept on it; the lead goes with the first
    item and the tail with the last. With `limit`, an item longer than that is
    given as its runs (a branch name is one run).
    """
    lead = "".join(_run_html(r) for r in para.lead)
    tail = "".join(_run_html(r) for r in para.tail)
    if not para.items:
        return [lead + tail]
    pieces: list[str] = []
    last = len(para.items) - 1
    for i, it in enumerate(para.items):
        sep = para.sep if i < last else ""
        if len(it.runs) == 1 and not it.runs[0].bold:
            pieces.append(esc(it.runs[0].text) + sep)  # a name: the common case, quickly
            continue
        runs_html = [_run_html(r) for r in it.runs] or [""]
        whole = "".join(runs_html) + sep
        if limit is not None and len(whole) > limit:
            pieces.extend([*runs_html[:-1], runs_html[-1] + sep])
        else:
            pieces.append(whole)
    pieces[0] = lead + pieces[0]
    pieces[-1] = pieces[-1] + tail
    return pieces


def _listed(para: Para, entries: Sequence[Entry], sep: str) -> list[str]:
    """`_pieces` of a shell (`circular_names`) given its entries as one-run items."""
    pieces = [esc(text) + sep for text, _ in entries]
    pieces[-1] = pieces[-1][: len(pieces[-1]) - len(sep)]  # none after the last
    pieces[0] = "".join(_run_html(r) for r in para.lead) + pieces[0]
    pieces[-1] += "".join(_run_html(r) for r in para.tail)
    return pieces


class _Rendered:
    """Each paragraph's pieces rendered once, for the whole text and for its
    messages alike (a list of ten thousand names is escaped once, not three times);
    a shell's from its entries (`names`)."""

    def __init__(self, names: NameLists | None = None) -> None:
        self._names = names
        # By id(), each with its Para held: no other paragraph can take that id meanwhile
        # (`_blocks` makes a heading's Para anew each time).
        self._done: dict[int, tuple[Para, list[str]]] = {}

    def pieces(self, para: Para, limit: int | None = None) -> list[str]:
        # `limit` changes only an item of several runs (given as its runs when too long).
        if limit is not None and any(len(it.runs) > 1 for it in para.items):
            return _pieces(para, limit)
        found = self._done.get(id(para))
        if found is None:
            listed = self._names.entries(para) if self._names is not None else None
            done = _pieces(para) if listed is None else _listed(para, *listed)
            found = self._done[id(para)] = (para, done)
        return found[1]

    def line(self, part: Para | str) -> str:
        return part if isinstance(part, str) else "".join(self.pieces(part))


def _blocks(model: CircularModel) -> list[list[Para | str]]:
    """The chat text in blocks a message should not break: front, sections, sign-off."""
    front: list[Para | str] = []
    if model.title:
        front.extend([Para(lead=model.title), ""])
    if model.salutation is not None:
        front.append(model.salutation)
    front.extend(model.intro)
    blocks: list[list[Para | str]] = [front] if front else []
    for section in model.sections:
        head: list[Para | str] = [Para(lead=section.heading)] if section.heading else []
        blocks.append([*head, *section.paras])
    back: list[Para | str] = [*model.closing]
    if model.sign is not None:
        back.append("")
        back.append(Para(lead=(Run(text=model.sign),)))
    if model.date_line is not None:
        back.append(Para(lead=(Run(text=model.date_line),)))
    if back:
        blocks.append(back)
    return [b for b in blocks if b]


def chat_html(model: CircularModel) -> Html:
    """The whole circular as one Telegram HTML text (as stored and previewed)."""
    return _chat_html(model, _Rendered())


def _chat_html(model: CircularModel, done: _Rendered) -> Html:
    return join([done.line(p) for block in _blocks(model) for p in block])


def chat_text(model: CircularModel | Draft, limit: int = CHAT_LIMIT) -> tuple[Html, list[str]]:
    """`chat_html` and `chat_messages` at once, each paragraph rendered once; of a
    draft, without its model (the same text)."""
    if isinstance(model, Draft):
        done = _Rendered(model.names)
        model = model.shell
    else:
        done = _Rendered()
    return _chat_html(model, done), _chat_messages(model, limit, done)


def chat_messages(model: CircularModel, limit: int = CHAT_LIMIT) -> list[str]:
    """The circular as Telegram messages of at most `limit` characters.

    A message ends at a section boundary when the sections allow it; a section
    longer than a message ends one between paragraphs, a paragraph longer than
    a message between two items (names), an item longer than a message
    between two runs. Nothing is added or dropped but the line breaks (and
    blank lines) where a message ends.
    """
    return _chat_messages(model, limit, _Rendered())


def _chat_messages(model: CircularModel, limit: int, done: _Rendered) -> list[str]:
    messages: list[str] = []
    current: str | None = None  # the message being filled

    def fits(text: str) -> bool:
        return (0 if current is None else len(current) + 1) + len(text) <= limit

    def append(text: str) -> None:
        nonlocal current
        current = text if current is None else f"{current}\n{text}"

    def flush() -> None:
        nonlocal current
        if current is not None and current.strip():
            messages.append(current)
        current = None

    for block in _blocks(model):
        lines = [done.line(p) for p in block]
        whole = "\n".join(lines)
        if fits(whole):
            append(whole)
            continue
        flush()
        for part, line in zip(block, lines, strict=True):
            if current is None and not line.strip():
                continue  # a message does not start with a blank line
            if fits(line):
                append(line)
                continue
            if len(line) <= limit:
                flush()
                append(line)
                continue
            # A paragraph longer than a message: cut it between pieces, filling the
            # current message first.
            pieces = done.pieces(part, limit) if isinstance(part, Para) else [line]
            glue = "\n" if current is not None else ""
            for piece in pieces:
                for bit in [piece] if len(piece) <= limit else split_message(piece, limit):
                    if current is not None and len(current) + len(glue) + len(bit) <= limit:
                        current += glue + bit
                    else:
                        flush()
                        current = bit
                    glue = ""
    flush()
    return messages


# ------------------------------------------------------------- stored circulars


def stored_model(circ: Circular, lang: str) -> CircularModel:
    """The model a stored circular was posted from; an old row's text as plain lines."""
    if circ.doc is not None:
        return CircularModel.from_json(circ.doc)
    return from_stored_text(circ.month, lang, circ.text)


def stored_messages(circ: Circular) -> list[str]:
    """The chat messages of a stored circular: from its model, else its text as stored."""
    if circ.doc is not None:
        return chat_messages(CircularModel.from_json(circ.doc))
    return split_message(circ.text)
