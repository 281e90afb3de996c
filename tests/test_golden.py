"""Back-test: the shipped scenarios reproduce the committed golden snapshot exactly.

A failure means results changed. If the change is intended, regenerate the snapshot with
``python tests/golden/regenerate.py`` and say in the commit why the numbers moved; otherwise
the change broke something. This is a back-test of reproducibility, kept apart from the
correctness tests (which compare the model with theory and with the simpy model).
"""

from __future__ import annotations

import difflib
import importlib.util
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
_spec = importlib.util.spec_from_file_location("golden_regenerate", GOLDEN / "regenerate.py")
regenerate = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(regenerate)


@pytest.mark.parametrize("path", regenerate.scenario_files(), ids=lambda p: p.stem)
def test_summary_matches_snapshot(path: Path) -> None:
    expected = (GOLDEN / f"{path.stem}.csv").read_text(encoding="utf-8")
    got = regenerate.snapshot(path)
    if got != expected:
        diff = "".join(list(difflib.unified_diff(
            expected.splitlines(True), got.splitlines(True), "golden", "now", n=0))[:40])
        pytest.fail(f"{path.stem} differs from its golden snapshot "
                    f"(python tests/golden/regenerate.py refreshes it):\n{diff}")


def test_records_match_snapshot() -> None:
    expected = (GOLDEN / "records.txt").read_text(encoding="utf-8").splitlines()
    got = "".join(regenerate.record_digest(p) for p in regenerate.scenario_files()).splitlines()
    changed = sorted(set(expected) ^ set(got))
    assert not changed, "per-woman records changed:\n" + "\n".join(changed[:20])
