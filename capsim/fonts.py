"""Fonts for Chinese labels: find a CJK font matplotlib can use."""

from __future__ import annotations

from functools import lru_cache

from matplotlib import font_manager

#: Families that carry CJK glyphs, in order of preference.
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
                "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC",
                "AR PL UMing CN", "Droid Sans Fallback")


@lru_cache(maxsize=1)
def cjk_font_family() -> str | None:
    """Return the name of an installed font family with Chinese glyphs, or None."""
    available = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in available:
            return family
    return None
