"""One process per database: the lease in storage, the service around it, and two real
`zhibu run` processes against a fake Bot API on 127.0.0.1."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import lease
from bot.models import Lease
from storage import lease as lease_store
from storage.db import Database
from tests.test_golive import ROOT, TOKEN, FakeBotAPI, readme_dotenv

T0 = datetime(2026, 12, 2, 11, 0, tzinfo=UTC)
TTL = timedelta(seconds=30)


async def test_acquire_renew_refuse_take_over_release(db: Database) -> None:
    async with db.transaction() as tx:
        assert await lease_store.acquire(tx, "a", "h1", 10, T0, TTL) is None
        held = await lease_store.holder(tx)
    assert held is not None and (held.owner, held.host, held.pid) == ("a", "h1", 10)
    assert held.since == T0 and held.expires_at == T0 + TTL

    # Another owner is refused while the lease is live, and told who holds it.
    async with db.transaction() as tx:
        other = await lease_store.acquire(tx, "b", "h2", 20, T0 + timedelta(seconds=29), TTL)
    assert other is not None and (other.owner, other.host, other.pid) == ("a", "h1", 10)

    # Renewing moves the expiry; `since` stays.
    async with db.transaction() as tx:
        assert await lease_store.renew(tx, "a", T0 + timedelta(seconds=20), TTL)
        assert not await lease_store.renew(tx, "b", T0 + timedelta(seconds=20), TTL)
        assert await lease_store.acquire(tx, "b", "h2", 20, T0 + timedelta(seconds=49), TTL)
        held = await lease_store.holder(tx)
    assert held is not None and held.since == T0
    assert held.expires_at == T0 + timedelta(seconds=50)

    # Expired: taken over at once; the old owner can no longer renew or release.
    later = T0 + timedelta(seconds=50)
    async with db.transaction() as tx:
        assert await lease_store.acquire(tx, "b", "h2", 20, later, TTL) is None
        assert not await lease_store.renew(tx, "a", later, TTL)
        assert not await lease_store.release(tx, "a")
        held = await lease_store.holder(tx)
    assert held is not None and held.owner == "b" and held.since == later

    # Released: free for anyone.
    async with db.transaction() as tx:
        assert await lease_store.release(tx, "b")
        assert await lease_store.holder(tx) is None
        assert await lease_store.acquire(tx, "c", "h3", 30, later, TTL) is None


async def test_a_live_holder_known_dead_is_taken_over(db: Database) -> None:
    async with db.transaction() as tx:
        await lease_store.acquire(tx, "a", "h1", 10, T0, TTL)
        assert await lease_store.acquire(tx, "b", "h1", 11, T0, TTL, dead_owner="x") is not None
        assert await lease_store.acquire(tx, "b", "h1", 11, T0, TTL, dead_owner="a") is None


async def test_service_refuses_then_a_standby_takes_over_on_expiry(db: Database) -> None:
    now = [T0]
    first = lease.Me("h1", os.getpid(), "h1:first")
    held = await lease.hold(db, clock=lambda: now[0], me=first)
    assert isinstance(held, lease.Held)
    second = lease.Me("h2", 4242, "h2:second")
    refused = await lease.hold(db, clock=lambda: now[0], me=second)
    assert isinstance(refused, Lease) and refused.owner == "h1:first"
    line = lease.refusal("zhibu.sqlite3", refused, now[0])
    assert "host h1" in line and f"pid {os.getpid()}" in line and "--standby" in line
    assert "\n" not in line

    # The holder stops renewing (killed); the standby takes over once the lease expires.
    assert held.task is not None
    held.task.cancel()
    standby = asyncio.create_task(
        lease.hold(db, standby=True, clock=lambda: now[0], me=second, poll=0.01)
    )
    await asyncio.sleep(0.05)
    assert not standby.done()
    now[0] = T0 + TTL
    took = await asyncio.wait_for(standby, 5)
    assert isinstance(took, lease.Held)
    async with db.reading() as tx:
        holder = await lease_store.holder(tx)
    assert holder is not None and holder.owner == "h2:second"
    assert await lease.renew(took)
    assert not await lease.renew(held)  # the old holder learns it lost the lease
    await lease.let_go(took)
    async with db.reading() as tx:
        assert await lease_store.holder(tx) is None


async def test_a_holder_on_this_host_whose_process_is_gone_is_taken_over(db: Database) -> None:
    gone = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import os; print(os.getpid())", stdout=subprocess.PIPE
    )
    out, _ = await gone.communicate()
    dead_pid = int(out)
    here = lease.Me.here()
    async with db.transaction() as tx:
        await lease_store.acquire(tx, f"{here.host}:{dead_pid}:x", here.host, dead_pid, T0, TTL)
    held = await lease.hold(db, clock=lambda: T0, me=here)
    assert isinstance(held, lease.Held)
    await lease.let_go(held)


# --- two real processes ----------------------------------------------------------------


@pytest.fixture
def run_env(tmp_path: Path) -> dict[str, str]:
    readme_dotenv(tmp_path)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHIBU_")}
    env["PYTHONPATH"] = str(ROOT)
    return env


def _start(tmp_path: Path, env: dict[str, str], *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "run", *extra],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _stop(proc: subprocess.Popen[str]) -> tuple[int, str]:
    proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return proc.returncode, err


def test_a_second_run_on_one_database_exits_2_and_a_standby_takes_over(
    tmp_path: Path, run_env: dict[str, str]
) -> None:
    with FakeBotAPI() as api:
        run_env["ZHIBU_API_BASE_URL"] = api.url
        first = _start(tmp_path, run_env)
        standby: subprocess.Popen[str] | None = None
        try:
            assert api.polling.wait(timeout=120), first.stderr
            second = _start(tmp_path, run_env)
            _, err = second.communicate(timeout=60)
            assert second.returncode == 2, err
            assert "Traceback" not in err and err.count("\n") == 1, err
            assert err.startswith("zhibu: another `zhibu run` is using"), err
            assert f"pid {first.pid}," in err and "since " in err and TOKEN not in err

            standby = _start(tmp_path, run_env, "--standby")
            assert standby.stderr is not None
            with ThreadPoolExecutor(1) as pool:  # its first line: it waits, and for whom
                waiting = pool.submit(standby.stderr.readline).result(timeout=120)
            assert "standby:" in waiting and f"pid {first.pid}," in waiting, waiting
            assert standby.poll() is None
            assert api.methods.count("getMe") == 1  # waiting, not running
            code, first_err = _stop(first)
            assert code == 0, first_err
            api.polling.clear()
            assert api.polling.wait(timeout=120)  # the standby polls now
            assert api.methods.count("getMe") == 2
            code, err = _stop(standby)
            assert code == 0, err
            assert "standby: took over the database from" in err, err
            assert "Traceback" not in err
        finally:
            for proc in (first, standby):
                if proc is not None and proc.poll() is None:
                    proc.kill()
                    proc.communicate()
    # Both released the lease on the way out.
    import sqlite3

    conn = sqlite3.connect(tmp_path / "zhibu.sqlite3")
    try:
        assert conn.execute("SELECT count(*) FROM instance_lease").fetchone() == (0,)
    finally:
        conn.close()


async def test_a_holder_with_this_host_and_pid_is_an_earlier_run(db: Database) -> None:
    """In a restarted container the bot is pid 1 again: the holder cannot be alive."""
    here = lease.Me.here()
    async with db.transaction() as tx:
        await lease_store.acquire(tx, "earlier", here.host, here.pid, T0, TTL)
    held = await lease.hold(db, clock=lambda: T0, me=here)
    assert isinstance(held, lease.Held)
    await lease.let_go(held)
