"""Small documents built in memory for the tests: Word files, zip archives, and one
text in the encodings Chinese offices use."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

import docx
import pytest
from _pytest.mark import ParameterSet


def word_file(*paragraphs: str) -> bytes:
    """A .docx with one paragraph per argument (an empty string is an empty paragraph)."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def zip_of(members: dict[str, bytes]) -> bytes:
    """A deflated zip archive holding `members` (name -> content)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


ENCODERS: dict[str, Callable[[str], bytes]] = {
    "utf-8": lambda t: t.encode("utf-8"),
    "utf-8-sig": lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"),
    "utf-16": lambda t: t.encode("utf-16"),
    "utf-16le-odd": lambda t: b"\xff\xfe" + t.encode("utf-16-le") + b"\x0a",  # odd byte count
    "utf-16be-odd": lambda t: b"\xfe\xff" + t.encode("utf-16-be") + b"\x00",
    "utf-32": lambda t: t.encode("utf-32"),
    "gbk": lambda t: t.encode("gbk"),
    "gb18030": lambda t: t.encode("gb18030"),
}


def encodings(text: str, *names: str) -> list[ParameterSet]:
    """`text` encoded each of the named ways (keys of ENCODERS), as parameters named so."""
    return [pytest.param(ENCODERS[name](text), id=name) for name in names]
