"""``zhibu plan extract`` (its body, extract_main) and the preview shown before confirming."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

from bot.plans.cli import EXIT_BAD_INPUT, EXIT_OK, extract_main, preview_lines
from bot.plans.extract import extract
from bot.plans.model import PhaseSpec, PlanSpec, RecurringRule, TaskSpec
from bot.plans.yamlio import load_plan_yaml

FIXTURES = Path(__file__).parent / "fixtures"
SEED_2016 = FIXTURES / "004_f2e866861a34f05e.txt"
SEED_2022 = FIXTURES / "001_19550104e490db70.txt"


def run(path: Path, year: int | None = None, as_json: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = extract_main(path, year, as_json, out, err)
    return code, out.getvalue(), err.getvalue()


def test_json_is_exactly_the_extraction_shape() -> None:
    code, out, err = run(SEED_2016, as_json=True)
    assert (code, err) == (EXIT_OK, "")
    assert json.loads(out) == extract(SEED_2016.read_text(encoding="utf-8")).to_json_dict()
    assert "鄉鎮基層黨組織建設實施方案" in out  # ensure_ascii=False
    assert out.startswith('{\n  "title"')  # indent=2


def test_yaml_is_headed_by_a_review_note_and_imports() -> None:
    code, out, err = run(SEED_2022)
    assert (code, err) == (EXIT_OK, "")
    header = [line for line in out.splitlines() if line.startswith("#")]
    assert "自动提取" in header[0] and "核对" in header[0]
    assert any("review" in line for line in header)
    spec = load_plan_yaml(out)
    assert spec.year == 2022
    assert [t.recurring for t in spec.tasks if t.recurring] == [
        RecurringRule(freq="monthly", day=-1),
        RecurringRule(freq="monthly", day=25),
    ]


def test_year_option_is_used() -> None:
    code, out, _ = run(FIXTURES / "002_7e311a6a2271aea1.txt", year=2013)
    assert code == EXIT_OK
    assert load_plan_yaml(out).phases[0].start.year == 2013


def test_bad_files_exit_2_with_one_line(tmp_path: Path) -> None:
    for path in (tmp_path / "missing.txt", tmp_path / "plan.pdf"):
        code, out, err = run(path)
        assert (code, out) == (EXIT_BAD_INPUT, "")
        assert err.startswith("zhibu: ") and err.count("\n") == 1


def test_a_plan_without_a_year_cannot_become_yaml(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text("关于开展学习的方案\n（一）动员阶段（3月）\n", encoding="utf-8")
    code, out, err = run(path)
    assert (code, out) == (EXIT_BAD_INPUT, "")
    assert "year" in err
    code, out, _ = run(path, as_json=True)  # JSON still shows what was found
    assert code == EXIT_OK and json.loads(out)["year"] is None
    assert run(path, year=2024)[0] == EXIT_OK


def test_year_option_out_of_range() -> None:
    code, _, err = run(SEED_2016, year=16)
    assert code == EXIT_BAD_INPUT
    assert "--year" in err


# --- preview --------------------------------------------------------------------------


def test_preview_of_a_plan_with_phases() -> None:
    text = (FIXTURES / "002_7e311a6a2271aea1.txt").read_text(encoding="utf-8")
    lines = preview_lines(extract(text))
    assert lines[:4] == [
        "方案：关于在创先争优活动中开展基层组织建设年的实施方案",
        "年度：2012年（取自文件日期）",
        "阶段（4）：",
        "  1. 调查摸底,分类定级　3月1日—4月20日",
    ]
    assert "     · 深入调研" in lines
    assert "任务（4）：" in lines


def test_preview_of_deadlines_ongoing_and_rules() -> None:
    lines = preview_lines(extract(SEED_2016.read_text(encoding="utf-8")))
    assert lines == [
        "方案：鄉鎮基層黨組織建設實施方案",
        "年度：2016年（取自正文）",
        "任务（5）：",
        "  · 規范抓好黨內組織生活　12月31日前",
        "  · 務實履好黨建責任　6月30日前",
        "  · 從嚴帶好干部隊伍　长期",
        "  · 認真抓好后進村財務整治工作,有效保障基層黨組織建設的順利開展　6月30日前",
        "  · 表彰先進典型　每年7月1日",
    ]


def test_preview_of_reporting_days() -> None:
    lines = preview_lines(extract(SEED_2022.read_text(encoding="utf-8")))
    assert any(line.endswith("每月25日前") for line in lines)
    assert any(line.endswith("每月底前") for line in lines)


def test_preview_says_what_is_missing() -> None:
    lines = preview_lines(extract("（一）动员阶段（3月上旬—4月中旬）"))
    assert lines[0] == "方案：（未识别出标题）"
    assert lines[1] == "年度：未能确定（请指定年份）"
    assert "没有找到阶段或任务。" in lines
    assert lines[-1].startswith("⚠ ") and "3月上旬—4月中旬" in lines[-1]


def test_preview_of_an_imported_plan_shows_other_years() -> None:
    spec = PlanSpec(
        title="冬训方案",
        year=2024,
        phases=[PhaseSpec(title="冬训", start=date(2024, 11, 1), end=date(2025, 2, 28))],
        tasks=[TaskSpec(title="总结", phase="冬训", due=date(2025, 2, 20))],
    )
    assert preview_lines(spec) == [
        "方案：冬训方案",
        "年度：2024年",
        "阶段（1）：",
        "  1. 冬训　11月1日—2025年2月28日",
        "     · 总结　2025年2月20日前",
    ]
