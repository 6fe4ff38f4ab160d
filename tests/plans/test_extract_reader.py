"""Reading plan files: text in the encodings Chinese offices use, and Word documents."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from bot.plans.extract import extract
from bot.plans.model import PlanFormatError
from bot.plans.reader import CELL_SEPARATOR, read_plan_bytes, read_plan_text
from tests.docs import encodings

TEXT = "关于开展主题党日活动的实施方案\n（一）动员阶段（2024年3月）\n完成時限：長期\n"


@pytest.mark.parametrize("encoded", encodings(TEXT, "utf-8", "utf-8-sig", "gb18030", "utf-16"))
def test_text_encodings(tmp_path: Path, encoded: bytes) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(encoded)
    assert read_plan_text(path) == TEXT


def test_windows_line_ends_become_newlines(tmp_path: Path) -> None:
    path = tmp_path / "plan.TXT"
    path.write_bytes(TEXT.replace("\n", "\r\n").encode("utf-8"))
    assert read_plan_text(path) == TEXT


def test_docx_paragraphs_and_tables_in_document_order(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("2024年党建重点任务清单")
    document.add_paragraph("一、主要任务")
    table = document.add_table(rows=3, cols=4)
    for row, cells in zip(
        table.rows,
        [
            ["序号", "工作任务", "责任单位", "完成时限"],
            ["1", "完成党组织换届选举", "组织科", "6月底前"],
            ["2", "发展党员", "各党支部", "长期"],
        ],
        strict=True,
    ):
        for cell, value in zip(row.cells, cells, strict=True):
            cell.text = value
    merged = document.add_table(rows=1, cols=3)
    merged.cell(0, 0).merge(merged.cell(0, 1)).text = "合并的单元格"
    merged.cell(0, 2).text = "右边"
    document.add_paragraph("二、工作要求")
    path = tmp_path / "plan.docx"
    document.save(str(path))

    text = read_plan_text(path)
    assert text.splitlines() == [
        "2024年党建重点任务清单",
        "一、主要任务",
        CELL_SEPARATOR.join(["序号", "工作任务", "责任单位", "完成时限"]),
        CELL_SEPARATOR.join(["1", "完成党组织换届选举", "组织科", "6月底前"]),
        CELL_SEPARATOR.join(["2", "发展党员", "各党支部", "长期"]),
        CELL_SEPARATOR.join(["合并的单元格", "右边"]),
        "二、工作要求",
    ]
    tasks = extract(text).tasks
    assert [(t.title, t.due is not None, t.ongoing) for t in tasks] == [
        ("完成党组织换届选举", True, False),
        ("发展党员", False, True),
    ]


@pytest.mark.parametrize("name", ["plan.doc", "plan.pdf", "plan.md", "plan"])
def test_other_types_are_refused_clearly(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("方案", encoding="utf-8")
    with pytest.raises(PlanFormatError, match=r"only \.txt and \.docx"):
        read_plan_text(path)


def test_a_broken_docx_or_a_missing_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"not a zip file")
    with pytest.raises(PlanFormatError, match=r"not a readable \.docx"):
        read_plan_text(broken)
    with pytest.raises(PlanFormatError, match=r"missing\.txt"):
        read_plan_text(tmp_path / "missing.txt")


def test_uploaded_bytes_including_yaml_plans() -> None:
    assert read_plan_bytes("方案.TXT", TEXT.encode("gb18030")) == TEXT
    assert read_plan_bytes("plan.yml", b"title: a\r\nyear: 2024\r\n") == "title: a\nyear: 2024\n"
    with pytest.raises(PlanFormatError, match=r"plan\.doc: .*save it as \.docx"):
        read_plan_bytes("plan.doc", b"\xd0\xcf\x11\xe0")


def test_undecodable_text(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_bytes(b"\x81\x30\xff\xff\xfe")
    with pytest.raises(PlanFormatError, match="not UTF-8 or GB18030"):
        read_plan_text(path)
