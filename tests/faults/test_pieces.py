"""The pieces the fault suite stands on: the test-only clock, the fake Bot API's faults,
and a report handled twice (what a crash mid-handler leads to) filed once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from benchmarks.fake_botapi import FakeBotApi, Fault
from bot.app import shifted_clock
from bot.cli import TEST_CLOCK, clock_start_from, main
from bot.services.base import Env
from bot.testing.sim import Sim
from storage import reports as report_store
from tests.catalog import check
from tests.helpers import founded

TOKEN = "1:T"


def test_the_test_clock_is_off_unless_set_and_must_carry_an_offset() -> None:
    assert clock_start_from({}) is None
    assert clock_start_from({TEST_CLOCK: "  "}) is None
    start = clock_start_from({TEST_CLOCK: "2026-11-23T09:00:05+08:00"})
    assert start == datetime(2026, 11, 23, 1, 0, 5, tzinfo=UTC)
    for bad in ("2026-11-23T09:00:05", "tomorrow"):
        with pytest.raises(ValueError):
            clock_start_from({TEST_CLOCK: bad})
    assert start is not None
    now = shifted_clock(start)()
    assert timedelta(0) <= now - start < timedelta(seconds=60)


def test_a_bad_test_clock_stops_zhibu_run_with_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ZHIBU_BOT_TOKEN", "123456:TEST-TOKEN-not-real-000000000000")
    monkeypatch.setenv("ZHIBU_DB", str(tmp_path / "z.sqlite3"))
    monkeypatch.setenv(TEST_CLOCK, "2026-11-23 09:00")
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and TEST_CLOCK in err and "offset" in err


async def test_the_fake_server_faults() -> None:
    server = FakeBotApi()
    await server.start()
    server.inject(Fault("429", every=5, start=1, count=1, retry_after=3))  # call 1
    server.inject(Fault("500", start=2, count=1))  # call 2
    server.inject(Fault("reset", start=3, count=1))  # call 3
    server.inject(Fault("lost", start=4, count=1))  # call 4
    url = f"{server.base_url}/bot{TOKEN}/sendMessage"
    try:
        async with httpx.AsyncClient() as client:
            answers: list[object] = []
            for i in range(5):
                try:
                    r = await client.post(url, data={"chat_id": "7", "text": f"m{i}"})
                    answers.append(r.status_code)
                except httpx.HTTPError as exc:
                    answers.append(type(exc).__name__)
            assert answers[:3] == [429, 500, "RemoteProtocolError"]
            assert answers[3] == "RemoteProtocolError" and answers[4] == 200
            calls = server.calls_of(TOKEN, "sendMessage", ok=False)
            assert [c.fault for c in calls] == ["429", "500", "reset", "lost", None]
            # A lost response was carried out (the message exists); a reset one was not.
            assert [c.params["text"] for c in server.calls_of(TOKEN, "sendMessage")] == [
                "m3",
                "m4",
            ]
            # Held answers wait for release.
            server.hold("sendMessage")
            pending = asyncio.ensure_future(client.post(url, data={"chat_id": "7", "text": "h"}))
            await asyncio.sleep(0.3)
            assert not pending.done()
            server.release("sendMessage")
            assert (await pending).status_code == 200
            # Confirmation: a getUpdates asking past an update confirms it.
            first = server.push_text(TOKEN, chat_id=7, text="/help")
            base = f"{server.base_url}/bot{TOKEN}/getUpdates"
            await client.post(base, data={"timeout": "0"})
            assert server.confirmed(TOKEN) == 0 and server.delivered(TOKEN) == {first}
            await client.post(base, data={"offset": str(first + 1), "timeout": "0"})
            assert server.confirmed(TOKEN) == first
    finally:
        await server.stop()


async def test_the_same_report_handled_twice_is_filed_once(sim: Sim, env: Env) -> None:
    """The inbox hands an update over again when a crash came mid-handler."""
    await founded(sim, {"甲支部": 701})
    await sim.say(701, "/report")
    check(await sim.say(701, "十一月的工作报告。"), "report_saved")
    await sim.say(701, "/report")
    again = await sim.say(701, "十一月的工作报告。")
    check(again, "report_saved")
    async with env.db.reading() as tx:
        report = await report_store.get_report(tx, 1, "2026-11")
        assert report is not None and report.revisions == 1
        assert len(await report_store.revisions(tx, report.id)) == 1
    await sim.say(701, "/report")
    check(await sim.say(701, "改过的报告。"), "report_revised")
