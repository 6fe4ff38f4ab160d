"""The bot starts without its heavy renderers: they load on the first chart, ledger or document."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("matplotlib", "numpy", "openpyxl", "docx")


def test_starting_the_bot_imports_no_renderer() -> None:
    # A fresh interpreter: this test process has long imported them all.
    code = (
        "import sys, bot.app, bot.cli\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "", f"loaded at start-up: {done.stdout.strip()}"
