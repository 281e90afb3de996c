"""Every notebook in notebooks/ executes from top to bottom, at small replication counts, and
is stored without outputs."""

from __future__ import annotations

import nbformat
import pytest
from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

#: Small counts for CI, read by the notebooks' first code cell.
SMALL = {"CAPSIM_NOTEBOOK_REPLICATIONS": "2", "CAPSIM_NOTEBOOK_WORKERS": "1",
         "CAPSIM_NOTEBOOK_SAMPLES": "2"}


def test_the_four_notebooks_are_there():
    assert [p.stem for p in NOTEBOOKS] == ["01-quickstart", "02-five-year-plan",
                                           "03-sensitivity", "04-capacity-sizing"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_stored_without_outputs(path):
    book = nbformat.read(path, as_version=4)
    code = [c for c in book.cells if c.cell_type == "code"]
    assert code and all(not c.outputs and c.execution_count is None for c in code)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_executes(path, tmp_path, monkeypatch):
    from nbclient import NotebookClient

    for key, value in {**SMALL, "CAPSIM_NOTEBOOK_OUT": str(tmp_path)}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("CAPSIM_SCENARIOS", str(ROOT / "scenarios"))
    book = nbformat.read(path, as_version=4)
    NotebookClient(book, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in book.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    # charts come out as images, not as "<Figure ...>" text
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert images, "no chart was drawn"
    if path.stem == "01-quickstart":   # it hands over a report
        assert (tmp_path / "nanjiang-2016-report.html").stat().st_size > 100_000
