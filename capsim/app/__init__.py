"""``capsim app``: a what-if page for planning meetings, served on 127.0.0.1.

`build_app` returns the Shiny application; Shiny is imported only then, so that
``import capsim`` and the command line stay fast. The what-if itself (`capsim.app.edits`)
and its answer (`capsim.app.answer`) need no web framework.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def build_app(scenario_file: str | Path, lang: str = "en", replications: int | None = None,
              save_dir: str | Path | None = None) -> Any:
    """The Shiny application of the what-if page (see `capsim.app.page.build_app`)."""
    from capsim.app.page import build_app as build

    return build(scenario_file, lang=lang, replications=replications, save_dir=save_dir)


__all__ = ["build_app"]
