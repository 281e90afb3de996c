"""The files of a results folder meant for reading: CSVs that open in Excel with their Chinese
intact, the facilities' names beside their ids, numbers rounded to their unit's reading
precision, and results.xlsx holding the same numbers as the CSV files."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from conftest import base_dict, run_checked

from capsim.export import write_outputs
from capsim.formatting import reading_decimals
from capsim.i18n import t
from capsim.output import holds_non_ascii, write_csv

BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A two-year run written to a results folder."""
    out = tmp_path_factory.mktemp("results")
    data = base_dict(horizon={"start": "2020-01-01", "days": 731, "warmup_days": 20},
                     demand={"deliveries": 900})
    res = run_checked(data, replications=2, seed=4)
    write_outputs(res, out)
    return out, res


def test_csv_with_chinese_starts_with_a_byte_order_mark(folder):
    out, _ = folder
    raw = (out / "summary.csv").read_bytes()
    assert raw.startswith(BOM)
    assert "县医院" in raw.decode("utf-8-sig")
    # A table of ids and numbers only is plain UTF-8.
    assert not (out / "replications.csv").read_bytes().startswith(BOM)


def test_write_csv_marks_only_tables_beyond_ascii(tmp_path):
    plain = pd.DataFrame({"a": ["x"], "b": [1.5]})
    chinese = pd.DataFrame({"名称": ["x"]})
    assert not holds_non_ascii(plain) and holds_non_ascii(chinese)
    assert not write_csv(plain, tmp_path / "p.csv").read_bytes().startswith(BOM)
    assert write_csv(chinese, tmp_path / "c.csv").read_bytes().startswith(BOM)
    assert list(pd.read_csv(tmp_path / "c.csv").columns) == ["名称"]


def test_summary_csv_names_facilities_beside_their_ids(folder):
    out, _ = folder
    s = pd.read_csv(out / "summary.csv")
    names = s.drop_duplicates("facility").set_index("facility")
    assert names.loc["town", "facility_name"] == "乡镇卫生院"
    assert names.loc["region", "facility_name_en"] == t("region", "en")


def test_summary_csv_is_rounded_to_each_units_reading_precision(folder):
    out, res = folder
    s = pd.read_csv(out / "summary.csv", dtype={"year": str})
    for unit, rows in s.groupby("unit"):
        scale = 10 ** reading_decimals(str(unit))
        values = rows[["mean", "ci_low", "ci_high", "p95"]].to_numpy().ravel()
        values = values[~pd.isna(values)]
        assert all(abs(v * scale - round(v * scale)) < 1e-6 for v in values), unit
    # Rounded, not changed: within half a unit of the last decimal of the full value.
    full = res.summary(year=None).set_index(["year", "facility", "metric"])["mean"]
    for r in s.itertuples(index=False):
        if not math.isnan(r.mean):
            assert abs(r.mean - full[(r.year, r.facility, r.metric)]) <= \
                0.5 * 10 ** -reading_decimals(r.unit) + 1e-12


def test_workbook_rereads_with_the_csv_numbers(folder):
    out, res = folder
    book = pd.read_excel(out / "results.xlsx", sheet_name=None)
    assert set(book) >= {t(k, "en") for k in ("xl_by_year", "xl_summary", "xl_facilities",
                                              "xl_flows", "xl_travel", "xl_monthly")}
    csv = pd.read_csv(out / "summary.csv", dtype={"year": str})
    sheet = book[t("xl_summary", "en")].astype({"year": str})
    assert len(sheet) == len(csv)
    for col in ("mean", "ci_low", "ci_high", "p5", "p95"):
        pd.testing.assert_series_equal(sheet[col], csv[col], check_names=False)
    by_year = book[t("xl_by_year", "en")].set_index(["id", "metric"])
    for r in csv[csv["year"] != "all"].itertuples(index=False):
        got = by_year.loc[(r.facility, r.metric), r.year]
        assert (pd.isna(got) and pd.isna(r.mean)) or got == r.mean
    flows = pd.read_csv(out / "flows.csv")
    assert book[t("xl_flows", "en")]["mean"].tolist() == flows["mean"].tolist()
    form = pd.read_csv(out / "monthly-form.csv")
    sheet = book[t("xl_monthly", "en")]
    assert len(sheet) == len(form) == 24 * (len(res.network.ids) + 1)  # and the region
    pd.testing.assert_series_equal(sheet[t("ms_deliveries", "en")],
                                   form[t("ms_deliveries", "en")], check_names=False)
    needs = pd.read_csv(out / "needs.csv")
    sheet = book[t("xl_needs", "en")]
    assert sheet["needed"].tolist() == needs["needed"].tolist()
    assert (sheet["gap"] == needs["needed"] - needs["now"]).all()


def test_workbook_names_units_and_formats_shares_as_percentages(folder):
    from openpyxl import load_workbook

    out, _ = folder
    book = load_workbook(out / "results.xlsx")
    ws = book[t("xl_summary", "en")]
    heads = [c.value for c in ws[1]]
    assert {"Facility", "Metric", "unit", "mean"} <= set(heads)
    assert ws.freeze_panes == "A2"
    metric, mean = heads.index("metric") + 1, heads.index("mean") + 1
    formats = {ws.cell(row=i, column=metric).value: ws.cell(row=i, column=mean).number_format
               for i in range(2, ws.max_row + 1)}
    assert formats["occupancy_mean"] == "0.0%"
    assert formats["beds"] != "0.0%"
    facilities = book[t("xl_facilities", "en")]
    assert "乡镇卫生院" in [c.value for c in facilities["B"]]
