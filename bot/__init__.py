"""zhibu: the monthly reporting cycle of a Party committee and its branches."""

import os

# python-telegram-bot ≥ 22.2 warns on every RetryAfter unless time periods are
# timedeltas; opt in to the new behaviour before telegram is imported anywhere.
os.environ.setdefault("PTB_TIMEDELTA", "true")
