"""MkDocs hook of the user guide (``hooks:`` in ``mkdocs.yml``): the Chinese pages display on a
machine without Chinese fonts.

After the build, the CJK font capsim ships (`capsim.fonts.cjk_subset`), cut down to the
non-ASCII characters the pages use, is written to the site as ``assets/cjk.otf``;
``css/cjk.css`` (an ``extra_css`` of the guide) names it first, and Latin text, which it has no
glyph for, keeps the usual fonts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

#: Where the font goes, relative to the site folder (``docs/css/cjk.css`` points at it).
FONT_FILE = Path("assets") / "cjk.otf"


def on_post_build(config: Any, **kwargs: Any) -> None:
    """Write the font subset for every non-ASCII character of the built HTML pages."""
    from capsim.fonts import cjk_subset

    site = Path(config["site_dir"])
    text = "".join(p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html")))
    font = cjk_subset(text)
    if font is None:
        return
    (site / FONT_FILE).parent.mkdir(parents=True, exist_ok=True)
    (site / FONT_FILE).write_bytes(font)
