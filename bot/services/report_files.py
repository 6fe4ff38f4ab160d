"""A report sent as a file: the text of a Word document (.docx) or a text file (.txt).

Pure: bytes in, text out. Size is guarded twice: the caller refuses a file over
`MAX_REPORT_FILE_BYTES` before downloading it, and a .docx (a zip) whose members
would unpack to more than `MAX_ZIP_MEMBER_BYTES` each (or `MAX_ZIP_TOTAL_BYTES` in
all) is not opened, so a small "zip bomb" cannot exhaust memory.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from bot.plans.model import PlanFormatError
from bot.plans.reader import read_plan_bytes

REPORT_FILE_SUFFIXES = (".docx", ".txt")
MAX_REPORT_FILE_BYTES = 2 * 1024 * 1024
MAX_ZIP_MEMBER_BYTES = 8 * 1024 * 1024
MAX_ZIP_TOTAL_BYTES = 24 * 1024 * 1024
_BLANK_RUN = re.compile(r"\n{3,}")


def is_report_file(file_name: str | None) -> bool:
    return bool(file_name) and Path(str(file_name)).suffix.lower() in REPORT_FILE_SUFFIXES


def _zip_is_safe(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sizes = [info.file_size for info in archive.infolist()]
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return all(s <= MAX_ZIP_MEMBER_BYTES for s in sizes) and sum(sizes) <= MAX_ZIP_TOTAL_BYTES


def report_file_text(file_name: str, data: bytes) -> str | None:
    """The file's text, tidied (trailing spaces and runs of blank lines dropped);
    None when it cannot be read (corrupt, unknown encoding, too large unpacked)."""
    if not is_report_file(file_name) or len(data) > MAX_REPORT_FILE_BYTES:
        return None
    if file_name.lower().endswith(".docx") and not _zip_is_safe(data):
        return None
    try:
        text = read_plan_bytes(file_name, data)
    except (PlanFormatError, UnicodeDecodeError, ValueError):
        return None
    text = "\n".join(line.rstrip() for line in text.replace("\ufeff", "").split("\n"))
    return _BLANK_RUN.sub("\n\n", text).strip() or None
