"""The fixed wording of the generated files (台账, 通报, 图表).

These files are official records kept in Chinese whatever the reader's chat
language, like the circular itself, so their wording lives here in one place
rather than in the chat catalogs.
"""

from __future__ import annotations

from typing import Final

from bot.services.status import State

STATE_LABEL: Final[dict[State, str]] = {
    State.ON_TIME: "按时",
    State.LATE: "迟报",
    State.MISSING: "未报",
    State.EXEMPT: "免报",
    State.WAITING: "待报",
}
# The plans feature's task status codes, as the ledger prints them; others print as given.
TASK_STATUS_LABEL: Final[dict[str, str]] = {"todo": "未开始", "doing": "进行中", "done": "已完成"}
# The four statuses a month's chart shows; a branch still waiting counts as not reported.
CHART_STATES: Final[tuple[str, ...]] = ("按时", "迟报", "未报", "免报")

SHEET_MATRIX: Final = "报送矩阵"
SHEET_REPORTS: Final = "报告明细"
SHEET_TASKS: Final = "任务进展"
SHEET_CIRCULARS: Final = "月度通报"
SHEET_REVIEW: Final = "年度评议"

NO_TASKS: Final = "暂无任务数据"
NO_REPORTS: Final = "暂无报告"
NO_CIRCULARS: Final = "暂无通报"
ARCHIVED: Final = "（已撤销）"
REVIEW_NOTE: Final = "建议等次，供党委研究参考"
NOT_APPLICABLE: Final = "—"
