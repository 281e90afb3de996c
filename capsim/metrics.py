"""Every metric capsim reports, defined once: its id, unit, kind, English and Chinese names, a
short heading for tables, an axis label for plots, its planned reading if it has one, and the
range its confidence intervals are cut to.

Results name their rows by these ids; targets, sizing, sweeps, plots, the report and the
command line read names, units and headings from here. This module imports nothing from
capsim, so that the scenario's validation can check metric names without the results.

Ids say their unit: ``*_share`` is a fraction from 0 to 1, ``*_min`` minutes,
``*_per_1000_deliveries`` per 1,000 deliveries a year, ``deliveries_per_year`` deliveries a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: count: women or events counted; rate: a count a year; share: a fraction from 0 to 1;
#: minutes: a time; capacity: a time-averaged bed count or head-count; ratio: capacity per
#: deliveries or per bed.
Kind = Literal["count", "rate", "share", "minutes", "capacity", "ratio"]

#: Quantities of a scenario's own figures a planned reading is computed from: the year's
#: planned deliveries, and the capacity in force at the end of the year.
PlanQuantity = Literal["deliveries", "beds", "midwives", "obstetricians", "theatres"]

#: Interval of a share: a mean's t interval is cut to it.
SHARE_RANGE = (0.0, 1.0)


@dataclass(frozen=True)
class PlannedReading:
    """How a metric is read from a scenario's own figures, as a planning document reads it:
    ``numerator × scale ÷ denominator`` (no denominator: the numerator itself)."""

    numerator: PlanQuantity
    denominator: PlanQuantity | None = None
    scale: float = 1.0


@dataclass(frozen=True)
class Metric:
    """One metric: ``unit`` is the English unit of its values; ``en``/``zh`` its description;
    ``heading_*`` a short column heading; ``axis_*`` a plot's axis label (None: the name and
    unit); ``planned`` its planned reading (None: simulated only); ``depends_on`` the scenario
    parameters (dotted paths, e.g. ``pathway.emergency_preparation``) its simulated value
    rests on beyond the capacities and the demand, so that a verdict can say when they are
    capsim's defaults rather than the scenario's own figures."""

    id: str
    unit: str
    kind: Kind
    en: str
    zh: str
    heading_en: str
    heading_zh: str
    axis_en: str | None = None
    axis_zh: str | None = None
    planned: PlannedReading | None = None
    depends_on: tuple[str, ...] = ()

    @property
    def clip(self) -> tuple[float, float] | None:
        """Range a confidence interval of the metric's mean is cut to (None: not cut)."""
        return SHARE_RANGE if self.kind == "share" else None


#: Parameters behind what a bed sees: how long women stay and who is admitted before labour.
_BED = ("pathway.postnatal_los", "pathway.antenatal", "pathway.labour")
#: Parameters behind a midwife's availability in labour.
_MIDWIFE = ("pathway.labour", "pathway.one_to_one_midwife", "pathway.women_per_midwife",
            "pathway.roster")
#: Parameters behind the decision-to-delivery interval of an emergency caesarean.
_DDI = ("pathway.emergency_preparation", "pathway.caesarean_duration",
        "pathway.obstetricians_per_caesarean", "pathway.roster",
        "referral.default_transfer_minutes")


def _per_1000(resource: PlanQuantity) -> PlannedReading:
    return PlannedReading(resource, "deliveries", 1000.0)


_ALL = (
    Metric("arrivals", "women", "count",
           "women whose planned delivery facility this is", "以本机构为计划分娩机构的产妇",
           "arrivals", "到达"),
    Metric("deliveries", "deliveries", "count", "deliveries", "分娩量", "deliveries", "分娩"),
    Metric("deliveries_per_year", "deliveries/year", "rate",
           "deliveries, annualised", "年化分娩量", "deliveries/yr", "年分娩量",
           "Deliveries a year (deliveries)", "年分娩量（人）",
           PlannedReading("deliveries")),
    Metric("caesarean_share", "share", "share",
           "caesarean sections among deliveries", "剖宫产率", "caesarean", "剖宫产"),
    Metric("emergency_caesareans", "operations", "count",
           "emergency caesareans", "紧急剖宫产例数", "emergency CS", "紧急剖宫产"),
    Metric("labours", "women", "count",
           "labours cared for by a midwife (by the start of her labour care)",
           "助产士照护的临产产妇（按开始照护时间计）", "labours", "临产"),
    Metric("turned_away_share", "share", "share",
           "women who found no bed at their planned facility", "计划分娩机构无空床的产妇比例",
           "no bed", "无空床",
           "Women who found no bed at their planned facility (%)",
           "首诊机构无空床的产妇比例（%）",
           depends_on=_BED),
    Metric("diverted_share", "share", "share",
           "women diverted to another facility of the region for lack of a bed",
           "因无床位转往本区域其他机构的比例", "diverted", "区域内转院",
           depends_on=_BED),
    Metric("out_of_region_share", "share", "share",
           "women transferred out of the region", "转出本区域（外转）比例",
           "out of region", "外转",
           "Women transferred out of the region (%)", "转出本区域的产妇比例（%）",
           depends_on=_BED),
    Metric("emergency_transfer_share", "share", "share",
           "women transferred in an emergency (in or out of region)", "急诊转运比例（区域内外）",
           "emergency transfer", "急诊转运",
           depends_on=("pathway.intrapartum_complication",)),
    Metric("midwife_no_wait_share", "share", "share",
           "labours with a midwife 1:1 from the start", "临产即获一对一助产士的比例",
           "midwife at once", "即获助产士",
           depends_on=_MIDWIFE),
    Metric("midwife_timely_share", "share", "share",
           "labours with a midwife within the target wait", "在目标等待时间内获得助产士的比例",
           "midwife<=target", "助产士及时",
           depends_on=(*_MIDWIFE, "pathway.midwife_wait_target_minutes")),
    Metric("midwife_wait_mean_min", "minutes", "minutes",
           "mean wait for a midwife in labour", "等待助产士的平均时间",
           "midwife wait", "助产士等待",
           depends_on=_MIDWIFE),
    Metric("midwife_wait_p95_min", "minutes", "minutes",
           "95th percentile of the wait for a midwife", "等待助产士时间的第95百分位",
           "midwife wait p95", "助产士等待P95",
           depends_on=_MIDWIFE),
    Metric("ddi_mean_min", "minutes", "minutes",
           "mean decision-to-delivery interval, emergency caesarean",
           "紧急剖宫产平均决定至分娩时间（DDI）", "DDI", "平均DDI",
           depends_on=_DDI),
    Metric("ddi_within_target_share", "share", "share",
           "emergency caesareans within the DDI target", "DDI 在目标内的紧急剖宫产比例",
           "DDI<=target", "DDI达标",
           depends_on=(*_DDI, "pathway.ddi_target_minutes")),
    Metric("travel_mean_min", "minutes", "minutes",
           "mean travel from the booking facility to the facility of delivery",
           "从建册机构到分娩机构的平均路程时间", "travel", "平均路程",
           "Travel from booking to delivery facility (minutes)",
           "建册机构至分娩机构路程时间（分钟）"),
    Metric("travel_p95_min", "minutes", "minutes",
           "95th percentile of the travel from the booking facility to the facility of delivery",
           "从建册机构到分娩机构路程时间的第95百分位", "travel p95", "路程P95"),
    Metric("travel_over_30_share", "share", "share",
           "deliveries more than 30 minutes from the booking facility",
           "分娩机构距建册机构超过30分钟的比例", "travel >30 min", "路程超30分钟"),
    Metric("travel_over_60_share", "share", "share",
           "deliveries more than 60 minutes from the booking facility",
           "分娩机构距建册机构超过60分钟的比例", "travel >60 min", "路程超60分钟"),
    Metric("occupancy_mean", "share", "share",
           "mean bed occupancy", "平均床位使用率", "occupancy", "床位使用率",
           "Mean bed occupancy (%)", "平均床位使用率（%）",
           depends_on=_BED),
    Metric("occupancy_p95", "share", "share",
           "95th percentile of daily bed occupancy", "日床位使用率第95百分位",
           "occupancy p95", "使用率P95",
           depends_on=_BED),
    Metric("days_above_85_share", "share", "share",
           "days with mean occupancy above 85%", "床位使用率超过85%的天数比例",
           "days >85%", "超85%天数",
           depends_on=_BED),
    Metric("beds_empty_share", "share", "share",
           "time with no woman in a bed (ward beds where delivery beds are apart)",
           "无人占用床位的时间比例（分设产床时为产科病房床位）", "beds empty", "床位全空"),
    Metric("beds_full_share", "share", "share",
           "time with every bed taken or more (ward beds where delivery beds are apart)",
           "床位满员或超员的时间比例（分设产床时为产科病房床位）", "beds full", "床位满员"),
    Metric("delivery_beds_empty_share", "share", "share",
           "time with no woman in a delivery bed", "产床全空的时间比例",
           "delivery beds empty", "产床全空"),
    Metric("delivery_beds_full_share", "share", "share",
           "time with every delivery bed taken or more", "产床满员或超员的时间比例",
           "delivery beds full", "产床满员"),
    Metric("midwife_ratio_exceeded_share", "share", "share",
           "time with more women in labour than the midwives on duty can care for",
           "临产产妇多于在岗助产士可照护人数的时间比例", "midwife ratio exceeded",
           "助产士配比超限"),
    Metric("access_block_hours", "hours", "count",
           "hours women waited in a delivery bed for a ward bed (access block)",
           "产妇在产床等待产科病房床位的小时数（出口阻滞）", "access block h", "出口阻滞小时"),
    Metric("beds", "beds", "capacity",
           "obstetric beds (time average)", "产科床位（时间平均）", "beds", "床位",
           planned=PlannedReading("beds")),
    Metric("delivery_beds", "beds", "capacity",
           "delivery beds (time average; 0 with one pool of beds)",
           "产床（时间平均；未分设产床时为0）", "delivery beds", "产床"),
    Metric("midwives", "persons", "capacity",
           "midwives, head-count (time average)", "助产士人数（时间平均）",
           "midwives", "助产士", planned=PlannedReading("midwives")),
    Metric("obstetricians", "persons", "capacity",
           "obstetricians, head-count (time average)", "产科医师人数（时间平均）",
           "obstetricians", "产科医师", planned=PlannedReading("obstetricians")),
    Metric("theatres", "theatres", "capacity",
           "operating theatres (time average)", "手术室（时间平均）", "theatres", "手术室",
           planned=PlannedReading("theatres")),
    Metric("beds_per_1000_deliveries", "beds/1000 deliveries", "ratio",
           "beds per 1,000 simulated deliveries a year", "每千模拟分娩量床位数",
           "beds/1000", "床位/千分娩",
           "Beds per 1,000 deliveries a year (beds)", "每千分娩量产科床位数（张）",
           _per_1000("beds")),
    Metric("midwives_per_1000_deliveries", "persons/1000 deliveries", "ratio",
           "midwives per 1,000 simulated deliveries a year", "每千模拟分娩量助产士数",
           "midwives/1000", "助产士/千分娩",
           "Midwives per 1,000 deliveries a year (persons)", "每千分娩量助产士数（人）",
           _per_1000("midwives")),
    Metric("obstetricians_per_1000_deliveries", "persons/1000 deliveries", "ratio",
           "obstetricians per 1,000 simulated deliveries a year", "每千模拟分娩量产科医师数",
           "obstetricians/1000", "产科医师/千分娩",
           "Obstetricians per 1,000 deliveries a year (persons)", "每千分娩量产科医师数（人）",
           _per_1000("obstetricians")),
    Metric("obstetricians_per_bed", "persons/bed", "ratio",
           "obstetricians per obstetric bed", "每张产科床位产科医师数",
           "obstetricians/bed", "产科医师/床",
           "Obstetricians per obstetric bed (persons/bed)", "每张产科床位产科医师数（人/张）",
           PlannedReading("obstetricians", "beds")),
    # Newborn care (capsim.scenario.newborn): newborns by the facility of birth, cots and
    # admissions by the facility that admits them.
    Metric("births_needing_cot", "newborns", "count",
           "newborns needing a special or intensive care cot (by facility of birth)",
           "需新生儿病房或重症监护床位的新生儿（按出生机构）", "newborns in need", "需住院新生儿"),
    Metric("newborn_admissions", "newborns", "count",
           "newborns admitted to a cot (by facility admitting)", "新生儿住院人数（按收治机构）",
           "newborn admissions", "新生儿收治"),
    Metric("cots", "cots", "capacity", "newborn cots, special and intensive care",
           "新生儿床位（含重症监护）", "cots", "新生儿床位"),
    Metric("cots_per_1000_births", "cots/1000 births", "ratio",
           "newborn cots per 1,000 simulated births a year", "每千模拟出生数新生儿床位数",
           "cots/1000", "床位/千出生",
           "Newborn cots per 1,000 births a year (cots)", "每千出生数新生儿床位数（张）"),
    Metric("intensive_cots_per_1000_births", "cots/1000 births", "ratio",
           "newborn intensive care cots per 1,000 simulated births a year",
           "每千模拟出生数新生儿重症监护床位数", "NICU cots/1000", "NICU床位/千出生",
           "Intensive care cots per 1,000 births a year (cots)",
           "每千出生数新生儿重症监护床位数（张）"),
    Metric("cot_occupancy_mean", "share", "share", "mean newborn cot occupancy",
           "新生儿床位平均使用率", "cot occupancy", "新生儿床位使用率",
           "Mean newborn cot occupancy (%)", "新生儿床位平均使用率（%）"),
    Metric("newborn_transfers", "newborns", "count",
           "newborns transferred to another facility of the region (by facility of birth)",
           "转往本区域其他机构的新生儿（按出生机构）", "newborn transfers", "新生儿转诊"),
    Metric("newborn_transfer_minutes_mean", "minutes", "minutes",
           "mean travel time of a newborn transfer (by facility of birth)",
           "新生儿转诊平均途中时间（按出生机构）", "transfer time", "转诊途中时间"),
    Metric("newborn_transfers_with_mother", "newborns", "count",
           "newborns transferred with their mother (by facility of birth)",
           "母亲随同转诊的新生儿（按出生机构）", "with mother", "母婴同转"),
    Metric("newborn_out_of_region_share", "share", "share",
           "newborns needing a cot who left the region (by facility of birth)",
           "需住院新生儿中转出本区域的比例（按出生机构）", "newborns out", "新生儿外转",
           "Newborns needing a cot who left the region (%)", "需住院新生儿外转比例（%）"),
    # The paediatric line (capsim.scenario.paediatric): admissions and beds by the facility
    # that admits, referrals by the facility left, out of region by where children presented.
    Metric("paediatric_admissions", "children", "count",
           "children admitted to a paediatric bed (by facility admitting)",
           "儿科住院人数（按收治机构）", "paediatric admissions", "儿科收治"),
    Metric("paediatric_beds", "beds", "capacity", "paediatric beds", "儿科床位",
           "paediatric beds", "儿科床位"),
    Metric("paediatric_census_mean", "children", "capacity",
           "mean children in paediatric beds", "儿科平均在床患儿数", "paediatric census",
           "儿科在床"),
    Metric("paediatric_occupancy_mean", "share", "share", "mean paediatric bed occupancy",
           "儿科床位平均使用率", "paediatric occupancy", "儿科床位使用率",
           "Mean paediatric bed occupancy (%)", "儿科床位平均使用率（%）"),
    Metric("paediatric_referrals_up", "children", "count",
           "children referred up to another facility (by facility left)",
           "上转患儿（按转出机构）", "referred up", "上转"),
    Metric("paediatric_referrals_down", "children", "count",
           "children referred back down once stabilised (by facility left)",
           "病情稳定后下转患儿（按转出机构）", "referred down", "下转"),
    Metric("paediatric_out_of_region_share", "share", "share",
           "children who left the region for a bed (by facility where they presented)",
           "转出本区域住院的患儿比例（按首诊机构）", "children out", "儿科外转",
           "Children who left the region for a bed (%)", "儿科患儿外转比例（%）"),
)

#: Every metric by id, in the order results list them.
METRICS: dict[str, Metric] = {m.id: m for m in _ALL}

#: Units of the metrics in Chinese (the English unit is the key).
UNIT_ZH: dict[str, str] = {
    "women": "人", "deliveries": "例", "deliveries/year": "例/年", "share": "比例",
    "operations": "台", "minutes": "分钟", "beds": "张", "persons": "人", "theatres": "间",
    "beds/1000 deliveries": "张/千例分娩", "persons/1000 deliveries": "人/千例分娩",
    "persons/bed": "人/张", "newborns": "人", "children": "人", "cots": "张",
    "cots/1000 births": "张/千例出生", "hours": "小时",
}

#: Metrics with a planned reading, in registry order.
PLANNED_METRICS: tuple[str, ...] = tuple(m.id for m in _ALL if m.planned is not None)
#: Ratios a standard is usually stated in; both readings are reported for them.
RATIO_METRICS: tuple[str, ...] = tuple(m.id for m in _ALL if m.kind == "ratio")

#: Metrics of a run's printed summary and of the report's region table, in order.
SUMMARY_METRICS: tuple[str, ...] = (
    "deliveries_per_year", "beds", "beds_per_1000_deliveries", "midwives_per_1000_deliveries",
    "obstetricians_per_bed", "occupancy_mean", "occupancy_p95", "days_above_85_share",
    "turned_away_share", "diverted_share", "out_of_region_share", "midwife_timely_share",
    "midwife_wait_p95_min", "ddi_within_target_share", "travel_mean_min", "travel_over_30_share",
)
#: Travel and access, by the facility where women booked (the report's travel table).
TRAVEL_METRICS: tuple[str, ...] = ("travel_mean_min", "travel_p95_min", "travel_over_30_share",
                                   "travel_over_60_share")
#: Metrics of the per-facility tables of a run's summary and of the report, in order.
FACILITY_METRICS: tuple[str, ...] = (
    "deliveries_per_year", "beds", "beds_per_1000_deliveries", "occupancy_mean",
    "turned_away_share", "midwife_timely_share", "ddi_within_target_share",
)
#: Metrics of newborn care and of the paediatric line in a run's summary and the report, in
#: order (shown when the scenario has them).
NEWBORN_METRICS: tuple[str, ...] = (
    "births_needing_cot", "newborn_admissions", "cots", "cots_per_1000_births",
    "intensive_cots_per_1000_births", "cot_occupancy_mean", "newborn_transfers",
    "newborn_transfer_minutes_mean", "newborn_transfers_with_mother", "newborn_out_of_region_share",
)
PAEDIATRIC_METRICS: tuple[str, ...] = (
    "paediatric_admissions", "paediatric_beds", "paediatric_census_mean",
    "paediatric_occupancy_mean", "paediatric_referrals_up", "paediatric_referrals_down",
    "paediatric_out_of_region_share",
)


def _check_lang(lang: str) -> None:
    if lang not in ("en", "zh"):
        raise ValueError(f"lang must be 'en' or 'zh', got {lang!r}")


def metric(metric_id: str) -> Metric:
    """The `Metric` of ``metric_id``; KeyError naming the known ids if there is none."""
    try:
        return METRICS[metric_id]
    except KeyError:
        raise KeyError(f"unknown metric {metric_id!r} (known: {', '.join(METRICS)})") from None


def unit(metric_id: str) -> str:
    """The English unit of a metric's values (``"share"`` for fractions from 0 to 1)."""
    return metric(metric_id).unit


def name(metric_id: str, lang: str = "en") -> str:
    """The metric's description in ``lang`` ("en" or "zh")."""
    _check_lang(lang)
    m = metric(metric_id)
    return m.zh if lang == "zh" else m.en


def heading(metric_id: str, lang: str = "en") -> str:
    """The metric's short column heading in ``lang`` ("en" or "zh")."""
    _check_lang(lang)
    m = metric(metric_id)
    return m.heading_zh if lang == "zh" else m.heading_en


def unit_name(unit_id: str, lang: str = "en") -> str:
    """A metric unit in ``lang``; units without a Chinese name are shown as they are."""
    _check_lang(lang)
    return UNIT_ZH.get(unit_id, unit_id) if lang == "zh" else unit_id


def axis_label(metric_id: str, lang: str = "en") -> str:
    """A plot's axis label for the metric in ``lang``, its unit in brackets; shares are drawn
    as percentages (%)."""
    _check_lang(lang)
    m = metric(metric_id)
    given = m.axis_zh if lang == "zh" else m.axis_en
    if given is not None:
        return given
    shown = "%" if m.kind == "share" else unit_name(m.unit, lang)
    return f"{m.zh}（{shown}）" if lang == "zh" else f"{m.en} ({shown})"
