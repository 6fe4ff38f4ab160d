"""Read a plan file into text: ``.txt`` (UTF-8 or GB18030) and ``.docx``; ``.yaml`` too
when the bytes come from a chat upload (:func:`read_plan_bytes`).

The text is what :func:`bot.plans.extract.extract` reads, so line structure
matters: one paragraph per line, and one table row per line with its cells
joined by :data:`CELL_SEPARATOR` (a task table's row — 序号 | 工作任务 |
责任单位 | 完成时限 — then reads as one task).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.plans.model import PlanFormatError

CELL_SEPARATOR = " | "

SUPPORTED_SUFFIXES = (".txt", ".docx")
YAML_SUFFIXES = (".yaml", ".yml")

# utf-8-sig first: it reads plain UTF-8 too and drops a Windows BOM. GB18030 is a
# superset of GBK/GB2312, which older Chinese office files are saved in.
_TEXT_ENCODINGS = ("utf-8-sig", "gb18030")


def read_plan_text(path: Path | str) -> str:
    """The plan's text, with ``\\n`` line ends. Raises :class:`PlanFormatError` for an
    unreadable file or a type other than .txt and .docx."""
    path = Path(path)
    _check_suffix(path.name, SUPPORTED_SUFFIXES)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PlanFormatError(f"{path.name}: {exc.strerror or exc}") from exc
    return _read(path.name, data)


def read_plan_bytes(file_name: str, data: bytes) -> str:
    """:func:`read_plan_text` for a file received as bytes (a chat upload), which may
    also be a YAML plan (.yaml, .yml), returned as text for the YAML loader."""
    _check_suffix(file_name, SUPPORTED_SUFFIXES + YAML_SUFFIXES)
    return _read(file_name, data)


def _check_suffix(file_name: str, allowed: tuple[str, ...]) -> None:
    suffix = Path(file_name).suffix.lower()
    if suffix not in allowed:
        hint = "; save it as .docx first" if suffix in (".doc", ".wps", ".rtf", ".pdf") else ""
        raise PlanFormatError(
            f"{file_name}: cannot read {suffix or 'files without an extension'}"
            f" (only {' and '.join(allowed)}){hint}"
        )


def _read(file_name: str, data: bytes) -> str:
    if Path(file_name).suffix.lower() == ".docx":
        text = _docx_text(file_name, data)
    else:
        text = _decode_text(file_name, data)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _decode_text(file_name: str, data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in _TEXT_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise PlanFormatError(f"{file_name}: not UTF-8 or GB18030 text")


def _docx_text(file_name: str, data: bytes) -> str:
    # Imported here: python-docx (and lxml) load slowly and only Word files need them.
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise PlanFormatError(f"{file_name}: not a readable .docx file ({exc})") from exc
    return "\n".join(_block_lines(document.element.body, document))


def _block_lines(body: Any, parent: Any) -> Iterator[str]:
    """Paragraphs and tables in document order (python-docx lists them separately)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield Paragraph(child, parent).text
        elif tag == "tbl":
            yield from _table_lines(Table(child, parent))


def _table_lines(table: Any) -> Iterator[str]:
    for row in table.rows:
        cells: list[str] = []
        kept: list[Any] = []
        nested: list[str] = []
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans; lxml hands
            # out the same proxy for the same element while one is alive (kept).
            if any(cell._tc is tc for tc in kept):
                continue
            kept.append(cell._tc)
            cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
            for inner in cell.tables:
                nested.extend(_table_lines(inner))
        if any(cells):
            yield CELL_SEPARATOR.join(cells)
        yield from nested
