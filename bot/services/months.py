"""Month arguments (`2026-10`, `2026年10月`, `202610`): one parser and one check, pure.

Every command that takes a month reads it here, after its service has checked
who is asking, so a refused user is told so whatever they typed.
"""

from __future__ import annotations

import re

from bot.calendar import Month
from bot.services.base import UserError

# Shaped like a month (so not a branch name) even when impossible: 2026-13.
_MONTHISH = re.compile(r"^\d{4}\s*[-/.年]\s*\d{1,2}\s*月?$|^\d{6}$")


def parse_month(value: str) -> Month:
    """'2026-10' → Month(2026, 10); anything else is the `month_bad` error."""
    try:
        return Month.parse(value)
    except ValueError:
        raise UserError("month_bad", value=value) from None


def not_in_future(month: Month, now_month: Month) -> Month:
    """A month that has begun: asking about one that has not is the `month_in_future` error."""
    if month > now_month:
        raise UserError("month_in_future", month=str(month))
    return month


def month_or_name(arg: str) -> Month | None:
    """'2026-10' → a month; anything else is a branch name (None).

    Something shaped like a month but impossible (2026-13) is an error, not a
    branch name to look up.
    """
    if _MONTHISH.match(arg.strip()):
        return parse_month(arg)
    try:
        return Month.parse(arg)
    except ValueError:
        return None


def name_month(
    args: list[str], usage: str, default: Month | None = None, *, with_reason: bool = True
) -> tuple[str, Month, str]:
    """`支部名 2026-11 [理由]`: the name is everything before the month (it may have spaces).

    Without any month and without a `default`: `month_bad` for the second word,
    or the `usage` error. With a `default` (this month), `支部名 理由` means the
    default month: the name is the first word and the rest the reason (or, when
    `with_reason` is false, every word is the name). A word shaped like a month
    but impossible (2026-13) is still `month_bad`.
    """
    for i in range(1, len(args)):
        try:
            month = Month.parse(args[i])
        except ValueError:
            if _MONTHISH.match(args[i].strip()):
                parse_month(args[i])
            continue
        return " ".join(args[:i]), month, " ".join(args[i + 1 :])
    if default is not None and args:
        if not with_reason:
            return " ".join(args), default, ""
        if len(args) >= 2:
            return args[0], default, " ".join(args[1:])
        raise UserError(usage)
    if len(args) >= 2:
        parse_month(args[1])
    raise UserError(usage)
