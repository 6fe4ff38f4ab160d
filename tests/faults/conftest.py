"""Every test in tests/faults/ is marked `faults`: it starts real `zhibu run` processes
(the README's test command runs them; `-m "not faults"` leaves them out while working)."""

from __future__ import annotations

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.faults)
