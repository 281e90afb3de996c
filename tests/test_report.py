"""The HTML report: the comments of a scenario file become the parameters' sources; the report
holds every parameter, every target row, the charts embedded and the STRESS-DES items; it
loads in headless Chromium with no broken image; ``capsim report`` works from a scenario file
and from a results folder."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from conftest import SCENARIOS, assert_conserved, base_dict

from capsim import load_scenario, simulate
from capsim.cli import main
from capsim.monthly import month_edges
from capsim.report import from_results, parameter_table, render
from capsim.report.comments import read_comments
from capsim.report.parameters import collapse_facilities, flatten
from capsim.report.stress import ITEMS

NANJIANG = SCENARIOS / "nanjiang-2016.yaml"


@pytest.fixture(scope="module")
def nanjiang_inputs():
    """Report inputs of two replications of Nanjiang 2016."""
    res = simulate(load_scenario(NANJIANG), replications=2, seed=5, workers=1)
    assert_conserved(res)
    return from_results(res, NANJIANG)


@pytest.fixture(scope="module")
def pages(nanjiang_inputs):
    """The Nanjiang report in English and Chinese (HTML text)."""
    return {lang: render(nanjiang_inputs, lang) for lang in ("en", "zh")}


class Tables(HTMLParser):
    """Rows of each table with an id, as lists of cell texts; and the img sources."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.images: list[str] = []
        self._table = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self._table = a.get("id")
            self.tables[self._table] = []
        elif tag == "tr" and self._table:
            self.tables[self._table].append([])
        elif tag in ("td", "th") and self._table:
            self._cell = []
        elif tag == "img":
            self.images.append(a.get("src", ""))

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.tables[self._table][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def parse(page: str) -> Tables:
    p = Tables()
    p.feed(page)
    return p


YAML = """\
# Header line one.
# Header line two.
name: x
demand:
  deliveries: 100     # seed 003
  # Block about risk.
  risk_mix: {green: 1}
  booking: {a: 1}
facilities:
  # Group heading.
  - {id: a, name: A}
  - {id: b, name: B,
     beds: 2}         # closes b
  - id: c             # own comment of c
    name: C
  - {id: d, name: D}
"""


def test_comments_attach_to_the_fields_they_document():
    c = read_comments(YAML)
    assert c.header == ["Header line one.", "Header line two."]
    assert c.own["demand.deliveries"] == ["seed 003"]
    assert c.own["demand.risk_mix"] == ["Block about risk."]
    # a block comment heads the siblings after it until one has a comment of its own
    assert c.own["demand.booking"] == ["Block about risk."]
    assert c.own["facilities[a]"] == ["Group heading."]
    assert c.own["facilities[b]"] == ["closes b"]     # on the line its flow mapping closes
    assert c.own["facilities[c]"] == ["own comment of c"]
    assert "facilities[d]" not in c.own                # an end-of-line comment heads nothing
    assert c.for_path("facilities[a].name") == (["Group heading."], "facilities[a]")
    assert c.for_path("demand.booking.a") == (["Block about risk."], "demand.booking")
    assert c.for_path("facilities[d].name") == ([], None)


def test_parameter_table_has_every_parameter_with_its_source():
    scen = load_scenario(NANJIANG)
    table = parameter_table(scen, NANJIANG).set_index("parameter")
    leaves = [p for p, _ in flatten(scen.model_dump(mode="json", exclude={"targets"}))]
    assert list(table.index) == leaves
    assert table.loc["demand.deliveries", "value"] == "5600"
    assert table.loc["demand.deliveries", "source"] == "南江县实施方案: 2016 deliveries"
    assert "Wuxi Huishan" in table.loc["demand.risk_mix.yellow", "source"]
    assert table.loc["facilities[county-mch].midwives", "source"] == "ASSUMED, as above"
    # a default is documented by capsim, with the figure behind it
    row = table.loc["pathway.postnatal_los.vaginal.mean"]
    assert row["given"] == "default" and row["source"] == ""
    assert "Li B" in row["documentation"] and row["value"] == "2.85"


def test_report_holds_every_parameter_target_and_stress_item(nanjiang_inputs, pages):
    # A value several facilities share is listed once (collapse_facilities).
    params = collapse_facilities(parameter_table(nanjiang_inputs.scenario, NANJIANG))
    targets = nanjiang_inputs.targets
    assert len(targets) > 10
    for page in pages.values():
        doc = parse(page)
        rows = doc.tables["parameters"][1:]
        assert [r[0] for r in rows] == list(params["parameter"])
        assert [r[1] for r in rows] == list(params["value"])
        target_rows = doc.tables["targets"][1:]
        assert len(target_rows) == len(targets)
        for cells, tgt in zip(target_rows, targets.itertuples(index=False), strict=True):
            assert tgt.target in cells[0] and str(tgt.year) == cells[2]
        assert [r[0] for r in doc.tables["stress"][1:]] == [num for num, _ in ITEMS]
        # the region's months, each with its deliveries
        months = month_edges(nanjiang_inputs.scenario)[1]
        monthly = doc.tables["monthly"][1:]
        assert [(int(r[0]), int(r[1])) for r in monthly] == months
        assert all("[" in r[2] for r in monthly)
        # census, occupancy, two ratios, the flow map, the monthly statistics
        assert len(doc.images) == 6 and all(s.startswith("data:image/png;base64,")
                                            for s in doc.images)
        # self-contained: nothing is fetched from anywhere
        assert not re.search(r'(src|href)="(?!data:|#)', page)
        assert "@import" not in page and "<link" not in page
    assert "@font-face" in pages["zh"] and "南江县人民医院" in pages["zh"]
    assert "Standards and targets" in pages["en"] and "标准与目标" in pages["zh"]


def test_capsim_report_from_a_results_folder_and_a_scenario(pages, tmp_path, capsys):
    folder = tmp_path / "run"
    assert main(["run", str(NANJIANG), "-n", "2", "--seed", "5", "--workers", "1",
                 "--out", str(folder)]) == 0
    assert (folder / "flows.png").stat().st_size > 10_000
    # Without --out, the report goes into the results folder it reads.
    assert main(["report", str(folder), "--lang", "en"]) == 0
    # the folder read back gives the report of the same run held in memory
    a = parse((folder / "report.html").read_text(encoding="utf-8"))
    b = parse(pages["en"])
    for table in ("targets", "parameters", "summary", "facility-summary"):
        assert a.tables[table] == b.tables[table], table
    small = tmp_path / "small.yaml"
    small.write_text(yaml.safe_dump(base_dict(), allow_unicode=True), encoding="utf-8")
    assert main(["report", str(small), "-n", "2", "--workers", "1", "--lang", "zh",
                 "--out", str(tmp_path / "small")]) == 0
    c = parse((tmp_path / "small" / "report.html").read_text(encoding="utf-8"))
    assert [r[0] for r in c.tables["facilities"][1:]] == ["county", "town"]
    capsys.readouterr()
    assert main(["report", str(tmp_path / "nothing-here"), "--out", str(tmp_path / "x")]) == 2
    (tmp_path / "r.pdf").write_text("kept", encoding="utf-8")
    assert main(["report", str(folder), "--out", str(tmp_path / "r.pdf")]) == 2
    assert main(["report", str(folder), "--seed", "3", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "nothing-here" in err and "not a folder" in err and "results folder" in err


def chromium() -> str | None:
    """The headless Chromium binary, if installed."""
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def run_chromium(binary: str, tmp_path, *args: str) -> str:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}"]
    done = subprocess.run([binary, *flags, *args], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.skipif(chromium() is None, reason="Chromium is not installed (.ci/run installs "
                    "Debian's chromium package; this machine could not)")
def test_report_loads_in_headless_chromium(pages, tmp_path):
    binary = chromium()
    page = tmp_path / "report.html"
    page.write_text(pages["zh"], encoding="utf-8")
    url = page.as_uri()
    dom = run_chromium(binary, tmp_path, "--virtual-time-budget=10000", "--dump-dom", url)
    body = re.search(r"<body([^>]*)>", dom)
    assert body, dom[:500]
    # set by the page's own script on "load": every image decoded
    assert 'data-images="6"' in body.group(1) and 'data-broken-images="0"' in body.group(1)
    doc = parse(dom)
    assert len(doc.tables["targets"]) > 10
    assert "parameters" in doc.tables and "stress" in doc.tables
    shots = os.environ.get("CAPSIM_SCREENSHOT_DIR")
    shot = (Path(shots) if shots else tmp_path) / "report-zh.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    run_chromium(binary, tmp_path, "--window-size=1200,2400", f"--screenshot={shot}", url)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 50_000   # a page, not a blank
