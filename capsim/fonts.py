"""Fonts for Chinese labels: the CJK font capsim ships through its dependencies, registered
with matplotlib, or else one installed on the machine.

capsim depends on the ``mplfonts`` package, which carries Noto Sans CJK SC (SIL Open Font
License) as a package data file; `cjk_font_family` registers that file with matplotlib's
font manager, so Chinese plots have every glyph on a fresh machine with no system fonts.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

from matplotlib import font_manager

#: Families that carry CJK glyphs, in order of preference.
CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
                "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC",
                "AR PL UMing CN", "Droid Sans Fallback")

#: The font file shipped by the ``mplfonts`` package, relative to its package folder.
PACKAGED_FONT = ("fonts", "NotoSansCJKsc-Regular.otf")


def packaged_font_path() -> Path | None:
    """Return the path of the Noto Sans CJK SC file installed with ``mplfonts``, or None.

    The package is located without importing it (importing it has no use here)."""
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations)), *PACKAGED_FONT)
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def cjk_font_family() -> str | None:
    """Return the name of a font family with Chinese glyphs that matplotlib can use, or None.

    Registers the packaged Noto Sans CJK SC first (once per process), then picks the first
    family of `CJK_FAMILIES` that matplotlib knows."""
    path = packaged_font_path()
    if path is not None:
        font_manager.fontManager.addfont(str(path))
    available = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in available:
            return family
    return None


def cjk_subset(text: str) -> bytes | None:
    """The packaged CJK font cut down to the non-ASCII characters of ``text``, as OpenType
    bytes to embed in a document (about 0.2 KB a character); None when no character needs it
    or the font is not installed."""
    import io

    from fontTools import subset

    path = packaged_font_path()
    chars = sorted({ord(c) for c in text if ord(c) > 0x7F})
    if path is None or not chars:
        return None
    # No OpenType layout features nor hints: plain glyphs, a third of the size and time.
    options = subset.Options(layout_features=[], hinting=False)
    font = subset.load_font(str(path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=chars)
    subsetter.subset(font)
    buf = io.BytesIO()
    subset.save_font(font, buf, options)
    return buf.getvalue()
