"""A region's facility table, one row per facility, turned into a scenario file, and back.

The table is the one a planner keeps (CSV or Excel, headers in English or Chinese): id, name,
level, ward beds, delivery beds, midwives (head-count, and on duty by shift with the hours the
shifts start), obstetricians, theatres, capabilities, caesarean rate, deliveries and
coordinates. Ward and delivery beds become the facility's two bed pools, the shifts its own
roster (`capacity_fields`). `read_facility_table`
reads it, refusing every bad cell with its row, column and reason at once;
`scenario_text` writes the scenario as YAML whose every value says the table row it
came from; `table_rows` turns a scenario back into rows of the same table.

The region's figures a facility table does not hold (risk mix, the caesarean rates of
facilities without one, the horizon) are written as cited defaults, each marked so in the
file, for the planner to check.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from capsim import limits
from capsim.i18n import t
from capsim.scenario.base import LEVEL_RANK, RISK_COLOURS
from capsim.scenario.models import Facility, Roster, Scenario
from capsim.tables import Column, Problem, RowReader, Table, TableError, read_table


def _column(key: str, required: bool = False, note: str | None = None) -> Column:
    note_key = note or f"ft_{key}_note"
    return Column(key, t(f"ft_{key}"), t(f"ft_{key}", "zh"), required,
                  f"{t(note_key)} / {t(note_key, 'zh')}")


#: The columns of a facility table, in the order the template writes them.
COLUMNS: tuple[Column, ...] = (
    _column("id", required=True),
    _column("name", required=True),
    _column("level", required=True),
    _column("ward_beds", required=True),
    _column("delivery_beds"),
    _column("midwives"),
    _column("midwives_am", note="ft_shift_note"),
    _column("midwives_pm", note="ft_shift_note"),
    _column("midwives_night", note="ft_shift_note"),
    _column("am_start", note="ft_start_note"),
    _column("pm_start", note="ft_start_note"),
    _column("night_start", note="ft_start_note"),
    _column("obstetricians"),
    _column("theatres"),
    _column("capabilities"),
    _column("caesarean_rate"),
    _column("deliveries", required=True),
    _column("longitude", note="ft_coordinate_note"),
    _column("latitude", note="ft_coordinate_note"),
)


@dataclass(frozen=True)
class ShiftColumns:
    """A shift of the table: its name in the facility's roster, the column of the midwives on
    duty during it, the column of the hour it starts, and the hour it starts when that column
    is blank."""

    name: str
    staff: str
    start: str
    default_start: int


#: The shifts a facility table gives, in the order of the day. Published facility surveys count
#: the attendants on the morning shift and on the afternoon/night shift; by default the
#: morning shift starts at 08:00 and the afternoon shift at 17:00, running through the night
#: when a row gives no night shift (a night shift, when given, starts at 00:00). The start
#: columns move a facility's shifts.
SHIFTS: tuple[ShiftColumns, ...] = (
    ShiftColumns("am", "midwives_am", "am_start", 8),
    ShiftColumns("pm", "midwives_pm", "pm_start", 17),
    ShiftColumns("night", "midwives_night", "night_start", 0),
)

#: Spellings of each level a table may use (normalised), English and Chinese.
LEVELS: dict[str, str] = {
    **{level: level for level in LEVEL_RANK},
    "city tertiary": "city_tertiary", "tertiary": "city_tertiary",
    "乡镇": "township", "乡镇卫生院": "township", "中心卫生院": "township", "一级": "township",
    "县级": "county", "县": "county", "区": "county", "县医院": "county", "区医院": "county",
    "二级": "county", "妇幼": "mch", "妇幼保健院": "mch", "三级": "city_tertiary",
    "市级": "city_tertiary", "市级三级": "city_tertiary",
}
#: Spellings of each capability a table may use (normalised), English and Chinese.
CAPABILITIES: dict[str, str] = {
    "caesarean": "caesarean", "critical maternal care": "critical_maternal_care",
    "neonatal intensive care": "neonatal_intensive_care",
    "剖宫产": "caesarean", "危重孕产妇救治": "critical_maternal_care",
    "危重孕产妇": "critical_maternal_care", "新生儿重症监护": "neonatal_intensive_care",
    "危重新生儿救治": "neonatal_intensive_care", "nicu": "neonatal_intensive_care",
}

#: The share of a facility's caesareans that are planned (pre-labour), used to split one
#: caesarean rate into planned and emergency rates: an assumption (no split in the table).
PLANNED_SHARE_OF_CAESAREANS = 0.5
#: Risk mix and caesarean rates of the region, for what a facility table does not say: those
#: of the shipped Jizhou scenario (Zhang & Suo 2022; Li HT 2020).
REGION_RISK_MIX = {"green": 0.477, "yellow": 0.390, "orange": 0.122, "red": 0.011,
                   "purple": 0.0}
REGION_PLANNED_CS = {"green": 0.10, "yellow": 0.16, "orange": 0.28, "red": 0.45, "purple": 0.20}
REGION_EMERGENCY_CS = {"green": 0.16, "yellow": 0.22, "orange": 0.26, "red": 0.30,
                       "purple": 0.20}


@dataclass(frozen=True)
class FacilityRow:
    """One row of a facility table, read: the values a table holds (None where blank)."""

    row: int
    id: str
    name: str
    level: str
    ward_beds: int
    deliveries: float
    delivery_beds: int | None = None
    midwives: int | None = None
    #: The midwives on duty by shift: shift name (`SHIFTS`) to (start hour, midwives).
    shifts: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: The shifts whose start hour the row gives (the others start at their default hour).
    starts_given: frozenset[str] = frozenset()
    obstetricians: int = 0
    theatres: int = 0
    capabilities: tuple[str, ...] = ()
    caesarean_rate: float | None = None
    location: tuple[float, float] | None = None


def read_facility_table(path: str | Path) -> list[FacilityRow]:
    """The rows of the facility table in ``path`` (.csv or .xlsx); every bad cell, and every
    row the scenario's facility model refuses, raises one `TableError`
    listing them all with row, column and reason."""
    table = read_table(path, COLUMNS)
    rows = [row for row in (_row(r) for r in table.readers()) if row is not None]
    _check_ids(table, rows)
    table.check()
    for row in rows:
        _check_facility(table, row)
    table.check()
    if not any(r.deliveries > 0 for r in rows):
        raise TableError(table.source, [Problem(0, table.headers["deliveries"],
                                                "no facility has deliveries")])
    if len(rows) > limits.MAX_FACILITIES:
        raise TableError(table.source, [Problem(0, "", f"{len(rows):,} facilities, more than "
                                                f"the {limits.MAX_FACILITIES:,} a scenario "
                                                "may have")])
    return rows


def _row(r: RowReader) -> FacilityRow | None:
    before = len(r.problems)
    fid = r.text("id", required=True, max_chars=limits.MAX_ID_CHARS,
                 pattern=r"[a-z0-9][a-z0-9_-]*",
                 pattern_words="must be lower-case letters, digits, - and _, starting with a "
                 "letter or digit")
    name = r.text("name", required=True)
    level = r.choice("level", LEVELS, required=True)
    ward_beds = r.whole("ward_beds", required=True)
    delivery_beds = r.whole("delivery_beds")
    midwives = r.whole("midwives")
    shifts = _shifts(r)
    starts_given = frozenset(s.name for s in SHIFTS if s.name in shifts and r.has(s.start))
    obstetricians = r.whole("obstetricians")
    theatres = r.whole("theatres")
    read_so_far = len(r.problems)
    capabilities = r.items("capabilities", CAPABILITIES)
    capabilities_read = len(r.problems) == read_so_far
    rate = r.share("caesarean_rate")
    deliveries = r.number("deliveries", required=True, high=limits.MAX_DELIVERIES)
    lon = r.number("longitude", low=-180, high=180)
    lat = r.number("latitude", low=-90, high=90)
    if r.has("longitude") != r.has("latitude"):
        r.refuse("latitude" if r.has("longitude") else "longitude",
                 "give both longitude and latitude, or neither")
    if deliveries and not r.has("midwives") and not any(r.has(s.staff) for s in SHIFTS):
        r.refuse("midwives", "a facility with deliveries needs its midwives: a head-count, "
                 "or the midwives on duty by shift")
    _check_capacity_cells(r, deliveries, delivery_beds, midwives, shifts)
    if rate and capabilities_read and "caesarean" not in capabilities:
        r.refuse("caesarean_rate", "a caesarean rate above 0 needs the caesarean capability")
    if len(r.problems) > before:
        return None
    assert fid is not None and name is not None and level is not None  # required: refused
    assert ward_beds is not None and deliveries is not None
    return FacilityRow(
        row=r.row, id=fid, name=name, level=level, ward_beds=ward_beds,
        deliveries=deliveries, delivery_beds=delivery_beds, midwives=midwives, shifts=shifts,
        starts_given=starts_given,
        obstetricians=obstetricians or 0, theatres=theatres or 0, capabilities=capabilities,
        caesarean_rate=rate,
        location=(lon, lat) if lon is not None and lat is not None else None)


def _shifts(r: RowReader) -> dict[str, tuple[int, int]]:
    """The row's shifts, shift name to (start hour, midwives on duty); a start hour without
    its shift, or two shifts starting at one hour, are refused."""
    out: dict[str, tuple[int, int]] = {}
    for shift in SHIFTS:
        staff = r.whole(shift.staff)
        start = r.hour(shift.start)
        if staff is None:
            if start is not None:
                r.refuse(shift.start, "a start hour for a shift without midwives on duty: give "
                         f"{r.table.headers.get(shift.staff, shift.staff)!r} or leave it blank")
            continue
        out[shift.name] = (shift.default_start if start is None else start, staff)
    if out and not {"am", "pm"} <= out.keys():
        missing = next(s for s in SHIFTS[:2] if s.name not in out)
        r.refuse(missing.staff, "midwives on duty by shift need at least the morning and the "
                 "afternoon shift (the afternoon one runs through the night when there is no "
                 "night shift)")
    starts: dict[int, str] = {}
    for shift in SHIFTS:
        if shift.name in out:
            hour = out[shift.name][0]
            if hour in starts:
                r.refuse(shift.start, f"starts at {hour:02d}:00, as the {starts[hour]} shift "
                         "does: shifts start at distinct hours")
            starts[hour] = shift.name
    return out


def _check_capacity_cells(r: RowReader, deliveries: float | None, delivery_beds: int | None,
                          midwives: int | None, shifts: Mapping[str, tuple[int, int]]) -> None:
    """Refuse the cells of beds and staff that do not fit the row's deliveries: delivery beds
    at a facility without deliveries, none at one with deliveries, a shift without a midwife
    at one with deliveries, and a shift with more midwives on duty than the head-count."""
    delivers = bool(deliveries)
    if delivery_beds is not None:
        if delivery_beds > 0 and deliveries == 0:
            r.refuse("delivery_beds", f"{delivery_beds} delivery beds at a facility without "
                     "deliveries (antenatal care only): give 0 or leave it blank")
        if delivery_beds == 0 and delivers:
            r.refuse("delivery_beds", "a facility with deliveries needs delivery beds above 0 "
                     "(leave it blank for one pool of beds, the ward beds)")
    by_column = {s.name: s for s in SHIFTS}
    for name, (start, staff) in shifts.items():
        column = by_column[name].staff
        if staff == 0 and delivers:
            r.refuse(column, f"no midwife on duty from {start:02d}:00 at a facility with "
                     "deliveries: women in labour would wait for ever")
        if midwives is not None and staff > midwives:
            r.refuse(column, f"{staff} midwives on duty, more than the head-count of "
                     f"{midwives} ({r.table.headers.get('midwives', 'midwives')!r})")


def _check_ids(table: Table, rows: Sequence[FacilityRow]) -> None:
    """Record every row whose id an earlier row has (read from the cells, so that a row with
    other bad cells still counts)."""
    first: dict[str, int] = {}
    for number, cells in zip(table.numbers, table.rows, strict=True):
        fid = cells.get("id")
        if fid is None:
            continue
        fid = str(fid)
        if fid in first:
            table.problems.append(Problem(number, table.headers["id"],
                                          f"the id {fid!r} is already on row {first[fid]}"))
        else:
            first[fid] = number


#: The table column of each facility field, for the facility model's own refusals.
_FIELD_COLUMNS = {"id": "id", "name": "name", "level": "level", "beds": "ward_beds",
                  "delivery_beds": "delivery_beds", "roster": "midwives_am",
                  "midwives": "midwives", "obstetricians": "obstetricians",
                  "theatres": "theatres", "capabilities": "capabilities",
                  "location": "longitude"}


def _check_facility(table: Table, row: FacilityRow) -> None:
    """Record, against the row, what the scenario's facility model refuses in it."""
    try:
        Facility.model_validate(facility_fields(row))
    except ValidationError as exc:
        for err in exc.errors():
            loc = err.get("loc") or ()
            key = _FIELD_COLUMNS.get(str(loc[0]), "") if loc else _column_of(str(err.get("msg")))
            reason = str(err.get("msg", "")).removeprefix("Value error, ")
            table.problems.append(Problem(row.row, table.headers.get(key, key), reason))


def _column_of(message: str) -> str:
    """The column a facility-wide refusal is about, from its words."""
    for words, key in (("caesarean capability", "capabilities"), ("beds", "ward_beds"),
                       ("midwives", "midwives")):
        if words in message:
            return key
    return ""


def capacity_fields(row: FacilityRow, roster: Roster | None = None) -> dict[str, Any]:
    """The beds and midwives of a row as facility fields: ``beds`` (the ward beds, the beds
    the standards count), ``delivery_beds`` when the row gives them (two pools; blank: one
    pool, the ward beds, for labour too), ``midwives`` (the head-count) and ``roster``, the
    facility's own shifts, when the row gives its midwives on duty by shift.

    This is the one place that maps the table's beds and staffing onto the model. A row
    with shifts but no head-count gets `derived_headcount` under the region's
    ``roster`` availability."""
    fields: dict[str, Any] = {"beds": row.ward_beds}
    if row.delivery_beds is not None:
        fields["delivery_beds"] = row.delivery_beds
    if row.midwives is not None:
        fields["midwives"] = row.midwives
    elif row.shifts:
        fields["midwives"] = derived_headcount(row.shifts, roster or Roster())
    if row.shifts:
        fields["roster"] = {"shifts": [
            {"name": shift.name, "start": row.shifts[shift.name][0],
             "midwives": row.shifts[shift.name][1]}
            for shift in SHIFTS if shift.name in row.shifts]}
    return fields


def derived_headcount(shifts: Mapping[str, tuple[int, int]], roster: Roster) -> int:
    """The least head-count that staffs a facility's shifts every day, each midwife working
    one shift a day on the share of days the region's roster makes her available:
    ceil(midwives on duty over the day's shifts / availability) (persons). It is at least the
    busiest shift, so the roster is covered."""
    on_duty = sum(staff for _, staff in shifts.values())
    if on_duty <= 0:
        return 0
    return max(max(staff for _, staff in shifts.values()),
               math.ceil(on_duty / roster.availability - 1e-9))


def facility_fields(row: FacilityRow) -> dict[str, Any]:
    """The scenario's facility mapping of a row (without its casemix)."""
    out: dict[str, Any] = {"id": row.id, "name": row.name, "level": row.level,
                           "delivers": row.deliveries > 0}
    out.update(capacity_fields(row))
    out.update(obstetricians=row.obstetricians, theatres=row.theatres,
               capabilities=list(row.capabilities))
    if row.location is not None:
        out["location"] = list(row.location)
    return out


def split_caesarean_rate(rate: float) -> tuple[float, float]:
    """Planned and emergency caesarean rates (probabilities) whose caesarean share is
    ``rate``: planned = rate x `PLANNED_SHARE_OF_CAESAREANS`, and the emergency rate
    of the women who labour makes up the rest, planned + (1 - planned) x emergency = rate."""
    planned = rate * PLANNED_SHARE_OF_CAESAREANS
    emergency = 0.0 if planned >= 1 else (rate - planned) / (1 - planned)
    return planned, emergency


def caesarean_share(planned: float, emergency: float) -> float:
    """The caesarean share of planned and emergency rates: planned + (1 - planned) x
    emergency (probability); the inverse of `split_caesarean_rate`."""
    return planned + (1 - planned) * emergency


def scenario_mapping(rows: Sequence[FacilityRow], name: str, start_year: int) -> dict[str, Any]:
    """The scenario mapping of the facility rows: the facilities, their casemix where the
    table gives a caesarean rate, deliveries and booking shares from each row's deliveries,
    and the region's cited defaults for the rest (one year from 1 January ``start_year``)."""
    total = math.fsum(r.deliveries for r in rows)
    facilities = []
    for r in rows:
        fac = facility_fields(r)
        if r.caesarean_rate is not None and r.deliveries > 0:
            planned, emergency = split_caesarean_rate(r.caesarean_rate)
            fac["casemix"] = {"planned_caesarean_rate": dict.fromkeys(RISK_COLOURS, planned),
                              "emergency_caesarean_rate": dict.fromkeys(RISK_COLOURS,
                                                                        emergency)}
        facilities.append(fac)
    return {
        "name": name,
        "horizon": {"start": date(start_year, 1, 1), "years": 1},
        "facilities": facilities,
        "demand": {
            "deliveries": total,
            "risk_mix": dict(REGION_RISK_MIX),
            "planned_caesarean_rate": dict(REGION_PLANNED_CS),
            "emergency_caesarean_rate": dict(REGION_EMERGENCY_CS),
            "booking": {r.id: r.deliveries / total for r in rows if r.deliveries > 0},
        },
    }


def _scalar(value: Any) -> str:
    """``value`` as one line of YAML (flow style for lists and mappings)."""
    text = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**6,
                          sort_keys=False)
    return text.removesuffix("\n").removesuffix("\n...").strip()


def scenario_text(rows: Sequence[FacilityRow], name: str, source: str | Path,
                  start_year: int) -> str:
    """The scenario of the facility rows as YAML text, every value read from the table with
    a comment naming its source row, and every default marked as one; the text is checked
    to be a valid scenario."""
    data = scenario_mapping(rows, name, start_year)
    src = Path(source).name
    lines = [
        f"# Scenario made by capsim import from {src}: one facility per row of the table.",
        "# Values from the table say their row; values marked 'default' are the region's",
        "# figures a facility table does not hold: check them before trusting the results.",
        f"name: {_scalar(name)}",
        "horizon:",
        f"  start: {start_year}-01-01  # default: one year from 1 January",
        "  years: 1",
        "facilities:",
    ]
    by_id = {r.id: r for r in rows}
    for fac in data["facilities"]:
        r = by_id[fac["id"]]
        at = f"# row {r.row}"
        first = True
        for key, value in fac.items():
            if key == "casemix":
                lines.append(f"    casemix:  {at}, caesarean rate {r.caesarean_rate:.4g} split "
                             f"{PLANNED_SHARE_OF_CAESAREANS:.0%} planned (assumption)")
                for rate_key, rates in value.items():
                    lines.append(f"      {rate_key}: {_scalar(rates)}  {at}")
                continue
            note = _FIELD_NOTES.get(key, "")
            if key == "midwives" and r.midwives is None:
                note = (", derived: the least head-count that staffs the shifts, "
                        f"{sum(v for _, v in r.shifts.values())} on duty a day at the "
                        f"region's availability {Roster().availability:g}")
            if key == "roster":
                note = ", midwives on duty by shift; " + _start_notes(r)
            if key == "delivers":
                note = f", deliveries {r.deliveries:g}"
            lead = "  - " if first else "    "
            first = False
            lines.append(f"{lead}{key}: {_scalar(value)}  {at}{note}")
    demand = data["demand"]
    lines += [
        "demand:",
        f"  deliveries: {_scalar(demand['deliveries'])}  # rows "
        f"{rows[0].row}-{rows[-1].row}, the sum of deliveries",
        "  booking:",
    ]
    for fid, share in demand["booking"].items():
        lines.append(f"    {fid}: {_scalar(share)}  # row {by_id[fid].row}, deliveries "
                     f"{by_id[fid].deliveries:g} of {demand['deliveries']:g}")
    cited = "default: the shipped Jizhou scenario (Zhang & Suo 2022; Li HT 2020)"
    lines += [
        f"  risk_mix: {_scalar(demand['risk_mix'])}  # {cited}",
        f"  planned_caesarean_rate: {_scalar(demand['planned_caesarean_rate'])}  # {cited}; "
        "facilities with a caesarean rate have their own",
        f"  emergency_caesarean_rate: {_scalar(demand['emergency_caesarean_rate'])}  # {cited}",
        "",
    ]
    text = "\n".join(lines)
    from capsim.scenario.loader import validate_scenario

    validate_scenario(yaml.safe_load(text), source=str(source))
    return text


_FIELD_NOTES = {"beds": ", ward beds", "delivery_beds": ", delivery beds",
                "location": ", longitude and latitude"}


def _start_notes(row: FacilityRow) -> str:
    """Where each start hour of the row's shifts comes from: the row, or the table's
    convention (text)."""
    said = []
    for shift in SHIFTS:
        if shift.name in row.shifts:
            start = row.shifts[shift.name][0]
            source = "given" if shift.name in row.starts_given else "default"
            said.append(f"{shift.name} from {start:02d}:00 ({source})")
    return ", ".join(said)


def table_rows(scenario: Scenario) -> list[dict[str, Any]]:
    """A scenario's facilities as rows of a facility table (column key to value, None where
    the scenario says nothing): the inverse of `scenario_mapping` for what the model
    holds. Deliveries are the start year's, by booking share; the caesarean rate is the one a
    facility's own casemix gives when the same for every colour."""
    start = scenario.horizon.start.year
    deliveries = scenario.demand.deliveries_in(start, start)
    out = []
    for f in scenario.facilities:
        rate = None
        if f.casemix is not None:
            shares = {caesarean_share(f.casemix.planned_caesarean_rate.get(c, math.nan),
                                      f.casemix.emergency_caesarean_rate.get(c, math.nan))
                      for c in RISK_COLOURS}
            if len(shares) == 1 and all(math.isfinite(s) for s in shares):
                rate = shares.pop()
        share = scenario.demand.booking.get(f.id, 0.0)
        out.append({
            "id": f.id, "name": f.name, "level": f.level, "ward_beds": f.beds,
            "delivery_beds": f.delivery_beds,
            "midwives": f.midwives if f.delivers or f.midwives else None,
            **_shift_cells(f),
            "obstetricians": f.obstetricians, "theatres": f.theatres,
            "capabilities": ", ".join(f.capabilities) or None, "caesarean_rate": rate,
            "deliveries": share * deliveries if f.delivers else 0.0,
            "longitude": f.location[0] if f.location else None,
            "latitude": f.location[1] if f.location else None,
        })
    return out


def _shift_cells(facility: Facility) -> dict[str, Any]:
    """The shift columns of a facility's row: the midwives on duty of each shift of its roster
    named as a table's shift (am, pm, night), with its start hour where it is not the table's
    default; blank for a facility without a roster, and for a roster by hour of day or with
    other shifts, which a facility table cannot hold (the scenario keeps them)."""
    cells: dict[str, Any] = {}
    for shift in SHIFTS:
        cells[shift.staff] = cells[shift.start] = None
    roster = facility.roster
    if roster is None or not roster.shifts:
        return cells
    by_name = {s.name: s for s in roster.shifts}
    if not by_name.keys() <= {s.name for s in SHIFTS}:
        return cells
    for shift in SHIFTS:
        if shift.name in by_name:
            cells[shift.staff] = by_name[shift.name].midwives
            start = by_name[shift.name].start
            cells[shift.start] = None if start == shift.default_start else f"{start:02d}:00"
    return cells


def header_row(lang_pair: bool = True) -> list[str]:
    """The header row of a facility table: "English / 中文" for each column (or the keys)."""
    return [c.header if lang_pair else c.key for c in COLUMNS]


#: The example rows of the template: a county hospital (three shifts, its afternoon shift
#: from 16:00), an MCH hospital and a township centre (a morning and an afternoon/night
#: shift, as published surveys count them; the township's head-count left to be derived)
#: (illustrative figures).
TEMPLATE_ROWS: tuple[Mapping[str, Any], ...] = (
    {"id": "county-hospital", "name": "县人民医院", "level": "county", "ward_beds": 60,
     "delivery_beds": 8, "midwives": 24, "midwives_am": 8, "midwives_pm": 5,
     "midwives_night": 4, "pm_start": "16:00", "obstetricians": 14, "theatres": 2,
     "capabilities": "caesarean, critical_maternal_care", "caesarean_rate": "38%",
     "deliveries": 2800, "longitude": 106.63, "latitude": 32.35},
    {"id": "mch", "name": "县妇幼保健院", "level": "mch", "ward_beds": 40, "delivery_beds": 6,
     "midwives": 16, "midwives_am": 6, "midwives_pm": 3,
     "obstetricians": 8, "theatres": 1, "capabilities": "剖宫产", "caesarean_rate": 0.3,
     "deliveries": 1900, "longitude": 106.65, "latitude": 32.34},
    {"id": "town-a", "name": "某镇中心卫生院", "level": "乡镇", "ward_beds": 6,
     "delivery_beds": 2, "midwives": None, "midwives_am": 2, "midwives_pm": 1,
     "obstetricians": 1, "theatres": 0, "capabilities": None,
     "caesarean_rate": None, "deliveries": 300, "longitude": 106.80, "latitude": 32.50},
)


def template_sheets() -> list[tuple[str, list[list[Any]]]]:
    """The template workbook's sheets: the facility table (bilingual header, example rows)
    and notes on each column."""
    table: list[list[Any]] = [header_row(), *[[row.get(c.key) for c in COLUMNS]
                                              for row in TEMPLATE_ROWS]]
    notes = [[f"{t('ft_column')} / {t('ft_column', 'zh')}",
              f"{t('ft_meaning')} / {t('ft_meaning', 'zh')}",
              f"{t('ft_required')} / {t('ft_required', 'zh')}"]]
    notes += [[c.header, c.note, "✓" if c.required else ""] for c in COLUMNS]
    return [("facilities", table), (f"{t('ft_notes_sheet')} {t('ft_notes_sheet', 'zh')}", notes)]

