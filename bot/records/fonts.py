"""A CJK font for matplotlib, so charts show 按时/迟报 instead of empty boxes.

The font comes from the `pylopdf-fonts-zh-cn` package (Noto Sans SC, SIL OFL
1.1), a dependency of zhibu, so a fresh install renders Chinese without any
system font. A machine that lacks the package but has a system CJK font
still works; one with neither gets a logged warning and boxes.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from matplotlib import font_manager

log = logging.getLogger(__name__)

# System families to try when the packaged font is absent, Simplified Chinese first.
SYSTEM_CJK_FAMILIES = (
    "Noto Sans SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
)

_lock = threading.Lock()
_resolved = False
_family: str | None = None


def packaged_font() -> Path | None:
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    path = pylopdf_fonts_zh_cn.sans_path()
    return path if path.is_file() else None


def cjk_family() -> str | None:
    """Register the CJK font with matplotlib once and return its family name."""
    global _resolved, _family
    with _lock:
        if _resolved:
            return _family
        path = packaged_font()
        if path is not None:
            font_manager.fontManager.addfont(str(path))
            _family = font_manager.FontProperties(fname=str(path)).get_name()
        else:
            installed = {f.name for f in font_manager.fontManager.ttflist}
            _family = next((f for f in SYSTEM_CJK_FAMILIES if f in installed), None)
            if _family is None:
                log.warning(
                    "no CJK font found: install pylopdf-fonts-zh-cn; "
                    "Chinese text in charts will show as boxes"
                )
        _resolved = True
        return _family
