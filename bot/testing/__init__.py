"""Test doubles that ship with zhibu: the in-memory Bot API and the simulated world.

They live inside the installed package (not under ``tests/``) because the offline
demo (``zhibu demo``, :mod:`bot.demo`) drives the real bot with them after a plain
``pip install .``.  They are not part of the product: only the tests, the
benchmarks, the demo and the simulator itself may import this package, which the
import-linter contract "Only tests, the demo and the simulator use the Bot API
double" in ``pyproject.toml`` enforces.
"""
