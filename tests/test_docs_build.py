"""The user guide builds with ``mkdocs build --strict``: every page in the navigation exists,
every link between pages resolves, every documented Python object is found, and the Chinese
pages carry a font with their glyphs."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]


def nav_pages(nav) -> list[str]:
    """Every page file named in a MkDocs navigation."""
    if isinstance(nav, str):
        return [nav]
    if isinstance(nav, dict):
        return [p for v in nav.values() for p in nav_pages(v)]
    return [p for item in nav for p in nav_pages(item)]


def test_every_guide_page_is_in_the_navigation():
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    listed = set(nav_pages(config["nav"]))
    pages = {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")}
    assert pages - listed == set(), "pages missing from mkdocs.yml nav"
    assert listed - pages == set(), "mkdocs.yml nav names pages that do not exist"


def test_guide_builds_strictly(tmp_path):
    pytest.importorskip("mkdocs", reason="the docs tools are in the test extra: "
                        "pip install -e '.[test]'")
    pytest.importorskip("mkdocstrings")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    api = (tmp_path / "reference" / "api" / "index.html").read_text(encoding="utf-8")
    for name in ("capsim.simulate", "capsim.load_scenario", "capsim.targets.check",
                 "capsim.compare", "capsim.sizing.size", "capsim.sweep.run_sweep"):
        assert name in api, f"the API reference lacks {name}"
    # The Chinese pages carry their own font: every Chinese character they use has a glyph.
    cmap = TTFont(tmp_path / "assets" / "cjk.otf").getBestCmap()
    text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "docs" / "zh").glob("*.md"))
    missing = sorted({c for c in text if "\u4e00" <= c <= "\u9fff" and ord(c) not in cmap})
    assert not missing, f"no glyph in the site's font for {''.join(missing)}"


#: reStructuredText roles, which the API pages would print as they are.
ROLE = r":(class|func|meth|mod|attr|data|obj|exc):`"


def test_docstrings_cite_code_in_backticks_not_roles():
    import re

    found = [f"{p.relative_to(ROOT)}:{n}" for p in sorted((ROOT / "capsim").rglob("*.py"))
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(ROLE, line)]
    assert not found, f"roles left in docstrings: {found[:10]}"


def test_guide_navigation_fits_on_one_line_and_docstrings_have_one_style():
    """Five top-level entries at most (each a drop-down or a side-bar section), and the API
    pages read every docstring as numpydoc."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    assert len(config["nav"]) <= 5
    assert sum(len(str(next(iter(e))) if isinstance(e, dict) else "Home")
               for e in config["nav"]) < 60
    python = next(p["mkdocstrings"] for p in config["plugins"] if isinstance(p, dict)
                  and "mkdocstrings" in p)["handlers"]["python"]["options"]
    assert python["docstring_style"] == "numpy"
