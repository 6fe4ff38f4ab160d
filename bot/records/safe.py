"""Text that a Word document, a spreadsheet or a chart can hold.

The three formats are XML inside (WordprocessingML, SpreadsheetML, the
chart's SVG/PNG text path goes through the same strings), and XML 1.0 cannot
hold C0 control characters other than tab, newline and carriage return, the
non-characters U+FFFE and U+FFFF, or a lone surrogate. A report pasted from
another program can carry any of them (U+0007 from a terminal, U+0000 from a
broken export); one such character must not lose a month's document. Each
renderer passes user text through `xml_safe` where it writes it, and nowhere
else: what is stored stays as it was sent.
"""

from __future__ import annotations

import re

# Everything XML 1.0 forbids: Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD]
# | [#x10000-#x10FFFF]. Surrogates (D800–DFFF) appear in a Python str only unpaired.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold (everything else kept as is)."""
    return _ILLEGAL.sub("", text)
