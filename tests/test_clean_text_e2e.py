"""One control character must not lose a month's Word circular, and a file that cannot be
made never holds back the circular's text."""

from __future__ import annotations

import io
import logging
from datetime import timedelta

import docx
import pytest

from bot.records import document
from bot.services import job_worker
from bot.services.base import Env
from bot.testing.sim import Sim
from tests.catalog import check, label, matches
from tests.conftest import ADMIN, COORD_GROUP, at
from tests.helpers import committee, text_of

SEC = 201
NAME = "甲\x07支部\uffff"
REPORT = "本月\x07开展\x00主题党日\uffff活动。"


async def month_with_a_highlight(sim: Sim) -> None:
    await committee(sim, {NAME: SEC, "乙支部": None})
    await sim.say(SEC, "/report")
    check(await sim.say(SEC, REPORT), "report_saved")
    detail = await sim.say(ADMIN, f"/status {NAME}")
    before = len(sim.double.callback_answers)
    await sim.press(ADMIN, detail[-1], label("btn_highlight"))
    check([str(a.get("text")) for a in sim.double.callback_answers[before:]], "highlight_on")


def docx_text(data: bytes | None) -> str:
    doc = docx.Document(io.BytesIO(data or b""))
    return "\n".join(p.text for p in doc.paragraphs)


async def test_control_characters_in_a_name_a_report_and_a_highlight(sim: Sim) -> None:
    await month_with_a_highlight(sim)
    await sim.advance_to(at(2026, 11, 26, 10), step=timedelta(days=1))
    posted = sim.double.sent_to(COORD_GROUP)
    kinds = [m.kind for m in posted]
    assert "photo" in kinds and "document" in kinds, kinds
    document = next(m for m in posted if m.kind == "document")
    text = docx_text(document.file_bytes)
    assert "本月开展主题党日活动。" in text and "甲支部" in text
    # Asked again, the files come again; the ledger is made too.
    out = await sim.say(ADMIN, "/circulardoc 2026-11")
    assert [m.kind for m in out] == ["photo", "document"]
    assert "本月开展主题党日活动。" in docx_text(out[1].file_bytes)
    out = await sim.say(ADMIN, "/export 2026")
    assert [m.kind for m in out] == ["document"]


async def test_a_file_that_cannot_be_made_never_holds_back_the_text(
    sim: Sim, env: Env, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object) -> bytes:
        raise RuntimeError("renderer bug")

    monkeypatch.setattr(document, "circular_docx", broken)  # publish imports it on use
    monkeypatch.setattr(job_worker, "IN_PROCESS", True)  # the replacement lives here
    await month_with_a_highlight(sim)
    with caplog.at_level(logging.WARNING):
        await sim.advance_to(at(2026, 11, 26, 10), step=timedelta(days=1))
    posted = sim.double.sent_to(COORD_GROUP)
    assert [m.kind for m in posted].count("document") == 0
    assert "photo" in [m.kind for m in posted]
    texts = [m for m in posted if m.kind == "text"]
    assert any(matches(m, "circ_title", y=2026, m=11) for m in texts), text_of(texts)
    failures = [r for r in caplog.records if "could not be made" in r.getMessage()]
    assert len(failures) == 1
    # The admin is told once, however often the document is asked for again.
    out = await sim.say(ADMIN, "/circulardoc 2026-11")
    check(out, "rec_render_failed")
    await sim.say(ADMIN, "/circulardoc 2026-11")
    await sim.tick()
    notices = [m for m in sim.double.sent_to(ADMIN) if matches([m], "render_failed_admin")]
    assert len(notices) == 1, text_of(notices)
    assert "RuntimeError: renderer bug" in text_of(notices)
