"""Read a plan file into text: ``.txt`` and ``.docx``; ``.yaml`` too when the bytes
come from a chat upload (:func:`read_plan_bytes`).

Files come from anyone, so reading refuses rather than breaks: text in any of the
encodings Chinese offices save in (UTF-8/16/32 with a BOM, UTF-8, GB18030 and its
GBK subset, Big5) or :class:`PlanRefused` ``plan_not_text``; a ``.docx`` (a zip)
whose parts would inflate past :data:`MAX_DOCX_UNPACKED` is refused before
python-docx inflates anything (``plan_docx_too_big``).

The text is what :func:`bot.plans.extract.extract` reads, so line structure
matters: one paragraph per line, and one table row per line with its cells
joined by :data:`CELL_SEPARATOR` (a task table's row — 序号 | 工作任务 |
责任单位 | 完成时限 — then reads as one task).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.plans.model import PlanFormatError, PlanRefused
from bot.plans.normalize import normalize

CELL_SEPARATOR = " | "

SUPPORTED_SUFFIXES = (".txt", ".docx")
YAML_SUFFIXES = (".yaml", ".yml")

# A .docx is a zip: what its parts may inflate to in all, and how many there may be
# (a real one has a few dozen parts and, images included, a few megabytes).
MAX_DOCX_UNPACKED = 20 * 1024 * 1024
MAX_DOCX_MEMBERS = 1000
_CHUNK = 64 * 1024

# Byte order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS = (
    (b"\x00\x00\xfe\xff", "utf-32-be", 4),
    (b"\xff\xfe\x00\x00", "utf-32-le", 4),
    (b"\xef\xbb\xbf", "utf-8", 1),
    (b"\xff\xfe", "utf-16-le", 2),
    (b"\xfe\xff", "utf-16-be", 2),
)
# Without a mark: UTF-8 first (it is self-checking), then the legacy encodings.
# GB18030 is a superset of GBK/GB2312; Big5 (cp950) is what Taiwan and Hong Kong
# offices save in. Big5 bytes are valid GB18030 too, so when both decode the one
# reading as more common Chinese wins.
_LEGACY_ENCODINGS = ("gb18030", "cp950")
# Frequent characters of Chinese text, in simplified form (traditional text is
# compared after :func:`normalize`, which maps the traditional forms of plan words).
_COMMON = frozenset(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工"
    "也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小"
    "物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形"
    "相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建"
    "月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长"
    "求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战"
    "先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受"
    "联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议"
    "声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且"
    "究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支"
    "般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王"
    "按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严龙飞"
)
# C0 controls other than tab, line and page breaks do not occur in text.
_CONTROL = re.compile("[\x01-\x08\x0e-\x1f]")


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


def _not_text(file_name: str) -> PlanRefused:
    return PlanRefused(
        "plan_not_text",
        f"{file_name}: cannot read this file as text: not UTF-8 or GB18030 (GBK) text,"
        " nor UTF-16, UTF-32 or Big5",
    )


def _decode_text(file_name: str, data: bytes) -> str:
    text = _decode(data)
    if text is None or not _looks_like_text(text):
        raise _not_text(file_name)
    return text


def _decode(data: bytes) -> str | None:
    for bom, encoding, unit in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            # A file cut short (an odd byte count in UTF-16) loses its last,
            # incomplete character rather than all of it.
            body = body[: len(body) - len(body) % unit]
            try:
                return body.decode(encoding)
            except UnicodeDecodeError:
                return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    decoded = []
    for encoding in _LEGACY_ENCODINGS:
        try:
            decoded.append(data.decode(encoding))
        except UnicodeDecodeError:
            continue
    if len(decoded) > 1:
        # max keeps the first of equals: GB18030 unless Big5 reads better.
        return max(decoded, key=_common_share)
    return decoded[0] if decoded else None


def _common_share(text: str) -> float:
    chinese = [ch for ch in normalize(text) if "\u3400" <= ch <= "\u9fff"]
    if not chinese:
        return 0.0
    return sum(ch in _COMMON for ch in chinese) / len(chinese)


def _looks_like_text(text: str) -> bool:
    """No NUL, and hardly any other control character: bytes that merely happen to
    decode (a picture, an archive) are not a plan."""
    if "\x00" in text:
        return False
    return len(_CONTROL.findall(text)) * 100 <= len(text)


def _docx_text(file_name: str, data: bytes) -> str:
    # Imported here: python-docx (and lxml) load slowly and only Word files need them.
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    _check_archive(file_name, data)
    try:
        document = docx.Document(io.BytesIO(data))
        return "\n".join(_block_lines(document.element.body, document))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise PlanFormatError(f"{file_name}: not a readable .docx file ({exc})") from exc
    except MemoryError:
        raise
    except Exception as exc:
        # A zip whose XML is broken or not a Word document's (lxml's syntax errors,
        # tables nested without end, parts of the wrong kind): python-docx has no
        # error of its own for them.
        raise PlanFormatError(f"{file_name}: not a readable .docx file ({exc!r})") from exc


def _too_big(file_name: str, why: str) -> PlanRefused:
    limit = MAX_DOCX_UNPACKED // (1024 * 1024)
    return PlanRefused("plan_docx_too_big", f"{file_name}: {why}", limit=limit)


def _check_archive(file_name: str, data: bytes) -> None:
    """Refuse a zip that would inflate past the limits, before anything inflates it.

    The sizes a zip declares can lie, so every part is also inflated once into
    nothing, in chunks, stopping as soon as the total passes the limit: a bomb
    costs at most the limit in time and one chunk in memory.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise PlanFormatError(f"{file_name}: not a readable .docx file ({exc})") from exc
    with archive:
        members = archive.infolist()
        if len(members) > MAX_DOCX_MEMBERS:
            raise _too_big(file_name, f"{len(members)} parts (at most {MAX_DOCX_MEMBERS})")
        declared = sum(info.file_size for info in members)
        if declared > MAX_DOCX_UNPACKED:
            raise _too_big(file_name, f"unpacks to {declared:,} bytes")
        left = MAX_DOCX_UNPACKED
        try:
            for info in members:
                with archive.open(info) as part:
                    while chunk := part.read(_CHUNK):
                        left -= len(chunk)
                        if left < 0:
                            raise _too_big(file_name, "unpacks to more than it declares")
        except PlanFormatError:
            raise
        except Exception as exc:  # a bad CRC, zlib.error, a truncated stream, a strange method
            raise PlanFormatError(f"{file_name}: not a readable .docx file ({exc!r})") from exc


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
        seen: set[int] = set()
        nested: list[str] = []
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans; lxml hands
            # out the same proxy for the same element while one is alive (kept),
            # so its id stays that element's while the row is read.
            if id(cell._tc) in seen:
                continue
            kept.append(cell._tc)
            seen.add(id(cell._tc))
            cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
            for inner in cell.tables:
                nested.extend(_table_lines(inner))
        if any(cells):
            yield CELL_SEPARATOR.join(cells)
        yield from nested
