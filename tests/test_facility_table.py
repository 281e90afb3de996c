"""capsim import: a facility table (CSV or Excel) into a scenario file, every bad cell refused
with its row, column and reason, and back from the scenario to the same table."""

from __future__ import annotations

import csv
import datetime
import math
import re
from pathlib import Path

import numpy as np
import openpyxl
import pytest
import yaml

from capsim.cli import main
from capsim.scenario import load_scenario
from capsim.scenario.facility_table import (
    COLUMNS,
    caesarean_share,
    read_facility_table,
    scenario_text,
    split_caesarean_rate,
    table_rows,
)
from capsim.tables import TableError

KEYS = [c.key for c in COLUMNS]
GOOD = [
    {"id": "county", "name": "县医院", "level": "county", "ward_beds": 60, "delivery_beds": 8,
     "midwives": 24, "midwives_am": 8, "midwives_pm": 5, "midwives_night": 4,
     "pm_start": "16:00", "obstetricians": 14, "theatres": 2,
     "capabilities": "caesarean, critical_maternal_care", "caesarean_rate": 0.38,
     "deliveries": 2800, "longitude": 106.6, "latitude": 32.3},
    {"id": "mch", "name": "妇幼保健院", "level": "mch", "ward_beds": 40, "midwives": 16,
     "obstetricians": 8, "theatres": 1, "capabilities": "剖宫产", "caesarean_rate": "30%",
     "deliveries": 1900},
    {"id": "town", "name": "镇卫生院", "level": "township", "ward_beds": 6, "delivery_beds": 2,
     "midwives_am": 2, "midwives_pm": 1, "obstetricians": 1, "theatres": 0,
     "deliveries": 300},
    {"id": "clinic", "name": "社区卫生服务中心", "level": "township", "ward_beds": 0,
     "deliveries": 0},
]


def write_csv_table(path: Path, rows: list[dict], headers: dict[str, str] | None = None) -> Path:
    """``rows`` as a CSV table, each column under ``headers[key]`` (default: the key)."""
    keys = [k for k in KEYS if any(k in r for r in rows)]
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow([(headers or {}).get(k, k) for k in keys])
        for r in rows:
            w.writerow(["" if r.get(k) is None else r[k] for k in keys])
    return path


def write_xlsx_table(path: Path, rows: list[dict]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([c.header for c in COLUMNS])
    for r in rows:
        sheet.append([r.get(k) for k in KEYS])
    book.save(path)
    return path


def test_the_template_imports_as_it_is_from_either_file(tmp_path, capsys):
    assert main(["import", "--template", str(tmp_path / "tpl")]) == 0
    texts = []
    for suffix in ("xlsx", "csv"):
        out = tmp_path / f"{suffix}.yaml"
        assert main(["import", str(tmp_path / "tpl" / f"facility-table.{suffix}"), "--out",
                     str(out), "--start-year", "2027"]) == 0
        scenario = load_scenario(out)
        assert [f.id for f in scenario.facilities] == ["county-hospital", "mch", "town-a"]
        texts.append(out.read_text(encoding="utf-8").split("\n", 1)[1])
    assert texts[0] == texts[1]
    # The township row gives a morning and an afternoon/night shift and no head-count: its
    # roster puts 2 on duty from 08:00 and 1 from 17:00 through the night, and the derived
    # head-count staffs both shifts at the region's availability.
    town = scenario.facility("town-a")
    assert town.delivery_beds == 2 and town.beds == 6
    on_duty = town.roster.midwives_on_duty()
    assert on_duty == (1,) * 8 + (2,) * 9 + (1,) * 7
    assert town.midwives * scenario.pathway.roster.availability >= sum({1, 2})
    # The county hospital's three shifts, its afternoon one moved to 16:00 by its column.
    county = scenario.facility("county-hospital").roster.midwives_on_duty()
    assert county == (4,) * 8 + (8,) * 8 + (5,) * 8


def test_round_trip_table_scenario_table(tmp_path):
    table = write_csv_table(tmp_path / "t.csv", GOOD)
    rows = read_facility_table(table)
    out = tmp_path / "s.yaml"
    out.write_text(scenario_text(rows, "trip", table, 2027), encoding="utf-8")
    scenario = load_scenario(out)
    back = table_rows(scenario)
    assert [r["id"] for r in back] == [r["id"] for r in GOOD]
    again = read_facility_table(write_csv_table(tmp_path / "back.csv", back))
    for first, second in zip(rows, again, strict=True):
        for name in ("id", "name", "level", "ward_beds", "delivery_beds", "shifts",
                     "obstetricians", "theatres", "capabilities", "location"):
            assert getattr(first, name) == getattr(second, name), (first.id, name)
        # A blank head-count comes back as the one derived from the shifts.
        assert (second.midwives or 0) == scenario.facility(first.id).midwives
        if first.midwives is not None:
            assert second.midwives == first.midwives
        assert second.deliveries == pytest.approx(first.deliveries, rel=1e-12)
        if first.caesarean_rate is None:
            assert second.caesarean_rate is None
        else:
            assert second.caesarean_rate == pytest.approx(first.caesarean_rate, rel=1e-12)


def test_chinese_and_bilingual_headers_read_the_same_table(tmp_path):
    zh = {c.key: c.zh for c in COLUMNS}
    rows_zh = read_facility_table(write_csv_table(tmp_path / "zh.csv", GOOD, zh))
    rows_both = read_facility_table(write_xlsx_table(tmp_path / "both.xlsx", GOOD))
    rows_en = read_facility_table(write_csv_table(tmp_path / "en.csv", GOOD))
    assert rows_zh == rows_en
    assert [r.caesarean_rate for r in rows_both] == [0.38, 0.30, None, None]
    assert rows_both[0].delivery_beds == 8


def test_every_value_of_a_facility_names_its_row(tmp_path):
    table = write_csv_table(tmp_path / "t.csv", GOOD)
    text = scenario_text(read_facility_table(table), "rows", table, 2027)
    facilities = text.split("facilities:\n", 1)[1].split("demand:\n", 1)[0]
    row = None
    for line in facilities.splitlines():
        if line.startswith("  - id:"):
            row = GOOD.index(next(r for r in GOOD if f"id: {r['id']} " in line)) + 2
        assert f"# row {row}" in line, line
    data = yaml.safe_load(text)
    county, mch, town, _ = data["facilities"]
    assert (county["beds"], county["delivery_beds"]) == (60, 8)
    assert "delivery_beds" not in mch  # blank: one pool of beds, the ward beds
    assert [(s["name"], s["start"], s["midwives"]) for s in county["roster"]["shifts"]] == [
        ("am", 8, 8), ("pm", 16, 5), ("night", 0, 4)]
    assert "pm from 16:00 (given)" in text and "am from 08:00 (default)" in text
    assert town["midwives"] == 5  # ceil((2 + 1) / 0.65)
    assert "derived" in next(line for line in text.splitlines()
                             if line.startswith("    midwives: 5"))
    assert data["demand"]["booking"] == pytest.approx(
        {"county": 0.56, "mch": 0.38, "town": 0.06})
    assert data["facilities"][3]["delivers"] is False


def test_a_caesarean_rate_splits_into_rates_that_give_it_back():
    for rate in (0.0, 0.01, 0.38, 0.999, 1.0):
        planned, emergency = split_caesarean_rate(rate)
        assert 0 <= planned <= 1 and 0 <= emergency <= 1
        assert math.isclose(caesarean_share(planned, emergency), rate, abs_tol=1e-12)


#: One bad cell of each kind: (column, value, words of the reason).
BAD_CELLS = [
    ("id", "County Hospital", "lower-case"),
    ("name", "x" * 300, "at most"),
    ("level", "hospital", "must be one of"),
    ("ward_beds", "many", "must be a number"),
    ("ward_beds", 2.5, "whole number"),
    ("ward_beds", -1, "must be from 0"),
    ("ward_beds", 10**6, "must be from 0"),
    ("midwives", "nan", "finite"),
    ("midwives_night", True, "must be a number"),
    ("capabilities", "caesarean, surgery", "'surgery' is not one of"),
    ("caesarean_rate", 38, "percentage such as 38%"),
    ("caesarean_rate", "138%", "share from 0 to 1"),
    ("deliveries", None, "a value is needed"),
    ("longitude", 200, "must be from -180"),
]


@pytest.mark.parametrize("column, value, words", BAD_CELLS)
def test_each_bad_cell_is_refused_with_row_column_and_reason(tmp_path, column, value, words):
    rows = [dict(r) for r in GOOD]
    rows[1][column] = value
    if column == "longitude":
        rows[1]["latitude"] = 30
    with pytest.raises(TableError) as err:
        read_facility_table(write_xlsx_table(tmp_path / "t.xlsx", rows))
    message = str(err.value)
    header = next(c.header for c in COLUMNS if c.key == column)
    assert f"row 3, column {header!r}" in message
    assert words in message
    assert len(err.value.problems) == 1


def test_every_bad_cell_is_listed_at_once(tmp_path):
    rows = [dict(r) for r in GOOD]
    rows[0]["ward_beds"] = "x"
    rows[1]["level"] = "big"
    rows[2]["caesarean_rate"] = 0.2          # no caesarean capability
    rows[3]["longitude"] = 110.0             # no latitude
    rows.append(dict(GOOD[2], name="另一个"))  # the same id again
    with pytest.raises(TableError) as err:
        read_facility_table(write_csv_table(tmp_path / "t.csv", rows))
    where = [(p.row, p.column) for p in err.value.problems]
    assert where == [(2, "ward_beds"), (3, "level"), (4, "caesarean_rate"), (5, "latitude"),
                     (6, "id")]
    assert "already on row 4" in str(err.value)
    assert "needs the caesarean capability" in str(err.value)


def test_what_the_facility_model_refuses_is_named_by_row_and_column(tmp_path):
    rows = [dict(r) for r in GOOD]
    rows[2]["ward_beds"] = 0                 # delivers without beds
    rows[1]["theatres"] = 0                  # caesarean without a theatre
    with pytest.raises(TableError) as err:
        read_facility_table(write_csv_table(tmp_path / "t.csv", rows))
    got = {(p.row, p.column) for p in err.value.problems}
    assert got == {(3, "capabilities"), (4, "ward_beds")}


@pytest.mark.parametrize("content, words", [
    ("id,name,level,ward beds,deliveries,colour\nx,x,county,1,1,red\n", "unknown column"),
    ("id,name,level,deliveries\nx,x,county,1\n", "a required column is missing"),
    ("id,name,level,ward beds,deliveries\nx,x,county,1,1,extra\n", "under no header"),
    ("id,name,level,ward beds,deliveries,编号\n", "the same column as column 1"),
    ("\n\n", "the table is empty"),
    ("id,name,level,ward beds,deliveries\n", "no rows"),
    ("id,name,level,ward beds,deliveries\nx,x,township,0,0\n", "no facility has deliveries"),
])
def test_a_table_that_cannot_be_read_says_why(tmp_path, content, words):
    path = tmp_path / "t.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TableError, match=re.escape(words)):
        read_facility_table(path)


@pytest.mark.parametrize("name, data, words", [
    ("t.txt", b"id\n", ".csv or .xlsx"),
    ("t.csv", "编号\n".encode("gbk"), "UTF-8"),
    ("t.xlsx", b"not a workbook", "not an Excel workbook"),
])
def test_a_file_that_is_not_a_table_says_why(tmp_path, capsys, name, data, words):
    path = tmp_path / name
    path.write_bytes(data)
    assert main(["import", str(path), "--out", str(tmp_path / "s.yaml")]) == 2
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err
    assert not (tmp_path / "s.yaml").exists()


def test_a_hostile_cell_is_echoed_escaped_and_cut(tmp_path):
    rows = [dict(r) for r in GOOD]
    rows[0]["level"] = "\x1b[31mred\n" + "x" * 500
    with pytest.raises(TableError) as err:
        read_facility_table(write_csv_table(tmp_path / "t.csv", rows))
    message = str(err.value)
    assert "\x1b" not in message and "\\x1b" in message
    assert len(message.splitlines()) == 1 and len(message) < 600


def test_a_table_of_too_many_rows_is_refused(tmp_path):
    from capsim import limits

    path = tmp_path / "big.csv"
    lines = ["id,name,level,ward beds,deliveries"]
    lines += [f"f{k},f,county,1,1" for k in range(limits.MAX_TABLE_ROWS + 1)]
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(TableError, match=f"more than the {limits.MAX_TABLE_ROWS:,} rows"):
        read_facility_table(path)


#: One bad cell of beds or staff that does not fit its row: (row index in GOOD, column, value,
#: words of the reason).
BAD_CAPACITY_CELLS = [
    (3, "delivery_beds", 3, "without deliveries"),
    (0, "delivery_beds", 0, "needs delivery beds above 0"),
    (0, "midwives_am", 30, "more than the head-count of 24"),
    (0, "midwives_pm", 0, "no midwife on duty from 16:00"),
    (0, "pm_start", "16:30", "on the hour"),
    (0, "pm_start", 25, "from 0 to 23"),
    (0, "night_start", "seven", "a time such as 08:00"),
    (0, "am_start", "16:00", "as the am shift does"),
    (1, "night_start", "22:00", "without midwives on duty"),
    (2, "midwives_pm", None, "at least the morning and the afternoon"),
]


@pytest.mark.parametrize("index, column, value, words", BAD_CAPACITY_CELLS)
def test_beds_and_shifts_that_do_not_fit_the_row_are_refused(tmp_path, index, column, value,
                                                             words):
    rows = [dict(r) for r in GOOD]
    rows[index][column] = value
    with pytest.raises(TableError) as err:
        read_facility_table(write_xlsx_table(tmp_path / "t.xlsx", rows))
    assert len(err.value.problems) == 1, str(err.value)
    problem = err.value.problems[0]
    header = next(c.header for c in COLUMNS if c.key == column)
    expected_column = header if column != "am_start" else next(
        c.header for c in COLUMNS if c.key == "pm_start")  # the later of the two is refused
    assert (problem.row, problem.column) == (index + 2, expected_column), str(err.value)
    assert words in problem.reason


@pytest.mark.parametrize("cell, hour", [(8, 8), ("8", 8), ("08:00", 8), ("17：00", 17),
                                        ("7点", 7), (0, 0), (datetime.time(23, 0), 23)])
def test_a_shift_start_reads_as_an_hour_however_a_spreadsheet_writes_it(tmp_path, cell, hour):
    rows = [dict(r) for r in GOOD]
    rows[0]["night_start"] = cell
    rows[0]["am_start"] = 9 if hour == 8 else 8
    [county, *_] = read_facility_table(write_xlsx_table(tmp_path / "t.xlsx", rows))
    assert county.shifts["night"] == (hour, 4)
    assert county.starts_given == {"am", "pm", "night"}


def survey_table(n: int = 35, tight: int = 4) -> list[dict]:
    """A synthetic facility table shaped like a published facility survey: ``n`` delivering
    hospitals, each with delivery beds, ward beds, the attendants on the morning and on the
    afternoon/night shift, caesarean rates from 1% to 38% and deliveries a year from a few
    hundred to several thousand. The delivery beds are ample for the deliveries (Erlang-B
    below 0.2% with hold = labour + recovery) except at the ``tight`` facilities of lowest
    caesarean rate, whose delivery beds are the fewest that turn away under 20%. The three
    largest are city centres with critical care, which receive the region's emergency
    transfers and the women the tight ones turn away (a few hundred each, about a tenth of
    their load)."""
    from capsim.queueing import erlang_b

    rng = np.random.default_rng(35)
    deliveries = np.round(np.exp(rng.uniform(np.log(150), np.log(6000), n)))
    rates = rng.permutation(np.linspace(0.01, 0.38, n))
    centres = set(np.argsort(deliveries)[-3:].tolist())
    tight_ones = set([k for k in np.argsort(rates).tolist() if k not in centres][:tight])
    rows = []
    for k in range(n):
        load = deliveries[k] / 8766 * (7.0 + 2.0)  # erlangs: labour + recovery hours
        blocking = 0.2 if k in tight_ones else 0.002
        beds = next(c for c in range(1, 500) if erlang_b(c, load) < blocking)
        labour = deliveries[k] / 8766 * 7.0
        level = "city_tertiary" if k in centres else "county"
        rows.append({
            "id": f"h{k:02d}", "name": f"医院{k:02d}", "level": level,
            "ward_beds": int(np.ceil(deliveries[k] / 365 * 4.5 * 1.6 + 4)),
            "delivery_beds": beds,
            "midwives_am": int(np.ceil(labour * 2 + 3)),
            "midwives_pm": int(np.ceil(labour * 2 + 2)),
            "obstetricians": 10, "theatres": 2,
            "capabilities": "caesarean" + (", critical_maternal_care" if k in centres else ""),
            "caesarean_rate": f"{rates[k]:.1%}", "deliveries": int(deliveries[k]),
        })
    return rows


def test_a_survey_table_imports_runs_and_its_ample_delivery_beds_are_rarely_full(tmp_path):
    from conftest import assert_conserved

    from capsim import simulate
    from capsim.queueing import erlang_b

    rows = survey_table()
    table = write_csv_table(tmp_path / "survey.csv", rows)
    out = tmp_path / "survey.yaml"
    assert main(["import", str(table), "--out", str(out), "--start-year", "2027"]) == 0
    scenario = load_scenario(out)
    assert len(scenario.facilities) == 35
    assert all(f.delivery_beds and f.roster for f in scenario.facilities)
    results = simulate(scenario, replications=3, seed=5, workers=1)
    assert_conserved(results)
    s = results.summary()
    full = s[(s.metric == "delivery_beds_full_share") & (s.year == "all")].set_index(
        "facility")["mean"]
    for r in rows:
        load = r["deliveries"] / 8766 * 9.0
        # The delivery beds are at or over their count only about as often as Erlang-B
        # says for the table's load: rarely where it is ample, often where it is tight.
        if erlang_b(r["delivery_beds"], load) < 0.002:
            assert full[r["id"]] < 0.01, (r["id"], full[r["id"]])
        else:
            assert full[r["id"]] > 0.03, (r["id"], full[r["id"]])
