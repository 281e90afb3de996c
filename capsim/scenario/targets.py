"""Targets as data: one `Standard` describes a standard or target (metric, comparator,
threshold, scope, years, reading, source); the packaged catalogue is a `Catalogue` of
them, and a scenario's ``targets`` section (`Targets`) switches catalogue standards on
or off, overrides them, and adds local targets.

Metric names are those of `capsim.metrics.METRICS`. A *planned* reading comes from the
scenario's own figures (beds ÷ planned deliveries × 1,000), a *simulated* one from the
replications; only the metrics of `capsim.metrics.PLANNED_METRICS` have a planned
reading. Standard ids are checked against the packaged catalogue, read here from its data file
(`packaged_catalogue`), so that a scenario's problems are all found when it is loaded.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Annotated, Literal

import yaml
from pydantic import AfterValidator, Field, ValidationError, field_validator, model_validator

from capsim import limits
from capsim.errors import ScenarioError
from capsim.metrics import METRICS, PLANNED_METRICS
from capsim.scenario.base import Capability, Level, Real, Strict, Whole, Year

Comparator = Literal[">=", "<=", ">", "<", "falling", "rising"]
#: Comparators that judge the change from one year to the next rather than a level.
TREND_COMPARATORS = ("falling", "rising")
Reading = Literal["planned", "simulated"]
ScopeKind = Literal["region", "facility"]
Kind = Literal["standard", "plan_target", "guidance"]
#: Pathway settings a metric is measured against (minutes); a standard may assume a value.
AssumedSetting = Literal["ddi_target_minutes", "midwife_wait_target_minutes"]


#: The catalogue of standards shipped with capsim, in the package's data folder.
PACKAGED_CATALOGUE = "standards.yaml"


def _known_metric(name: str) -> str:
    if name not in METRICS:
        raise ValueError(f"unknown metric {name!r} (known: {', '.join(METRICS)})")
    return name


def _known_standard(sid: str) -> str:
    known = packaged_catalogue().ids
    if sid not in known:
        raise ValueError(f"unknown standard {sid!r} (known: {', '.join(known)})")
    return sid


MetricName = Annotated[str, AfterValidator(_known_metric)]
StandardId = Annotated[str, AfterValidator(_known_standard)]
Years = tuple[Year, ...] | Literal["all"]


class Names(Strict):
    """Display names; give at least one, the other falls back to it."""

    zh: str | None = Field(None, min_length=1, description="Chinese name.")
    en: str | None = Field(None, min_length=1, description="English name.")

    @model_validator(mode="after")
    def _one(self) -> Names:
        if self.zh is None and self.en is None:
            raise ValueError("give a Chinese (zh) or an English (en) name, or both")
        return self

    def get(self, lang: str) -> str:
        """The name in ``lang`` ("zh" or "en"), or in the other language when missing."""
        first, other = (self.zh, self.en) if lang == "zh" else (self.en, self.zh)
        return first or other or ""


class Source(Strict):
    """Where a standard or target comes from."""

    document: str = Field(..., min_length=1, description="Document (title, issuer, year).")
    article: str = Field("", description="Article, section or page within the document.")
    note: str = Field("", description="Caveats: what the text says and what capsim assumes.")

    def cite(self) -> str:
        """Document and article as one line (text)."""
        return f"{self.document}, {self.article}" if self.article else self.document


class Standard(Strict):
    """One standard or target: the metric, how it is compared, where and when it applies."""

    id: str = Field(..., pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=limits.MAX_ID_CHARS,
                    description="Stable identifier (lower case, digits, - and _).")
    kind: Kind = Field(
        "plan_target",
        description="standard: a configuration standard of a plan document; plan_target: a "
        "target a plan sets itself; guidance: planning guidance, not a standard.")
    name: Names
    metric: MetricName = Field(..., description="A metric of capsim.metrics.METRICS.")
    comparator: Comparator = Field(
        ..., description=">=, <=, >, < against the threshold; falling or rising: the value "
        "must fall (rise) from each year to the next.")
    threshold: Real | None = Field(
        None, description="Threshold, shares as fractions; none for falling/rising (unit of "
        "the metric).")
    scope: tuple[ScopeKind, ...] = Field(
        ("region",), min_length=1,
        description="region: the whole region; facility: each facility that delivers.")
    levels: tuple[Level, ...] = Field(
        (), description="Facility rows only for these levels (empty: every level).")
    capabilities: tuple[Capability, ...] = Field(
        (), description="Facility rows only for facilities with these capabilities.")
    years: Years = Field("all", description="Horizon years it applies to, or all (calendar "
                         "years).")
    reading: Reading = Field(
        ..., description="planned: from the scenario's own figures; simulated: from the "
        "replications, with a 95% interval.")
    assumes: dict[AssumedSetting, Real] = Field(
        default_factory=dict,
        description="Pathway settings the metric must be measured with (minutes); a scenario "
        "that sets them otherwise gets 'not applicable'.")
    decimals: Whole | None = Field(
        None, ge=0, le=6,
        description="Round the value and its interval to this many decimals (decimal places) "
        "before comparing, as the source document does (0: 39.86 beds per 1,000 counts as "
        "40). Empty: compare exactly.")
    source: Source | None = Field(None, description="Document and article.")

    @model_validator(mode="after")
    def _consistent(self) -> Standard:
        trend = self.comparator in TREND_COMPARATORS
        if trend and self.threshold is not None:
            raise ValueError(f"a {self.comparator} target compares years with each other: "
                             "remove the threshold")
        if not trend and self.threshold is None:
            raise ValueError(f"comparator {self.comparator!r} needs a threshold")
        if trend and self.reading != "simulated":
            raise ValueError(f"a {self.comparator} target needs the simulated reading")
        if self.reading == "planned" and self.metric not in PLANNED_METRICS:
            raise ValueError(
                f"metric {self.metric!r} has no planned reading (planned readings: "
                f"{', '.join(PLANNED_METRICS)}); use reading: simulated")
        if (self.levels or self.capabilities) and "facility" not in self.scope:
            raise ValueError("levels and capabilities restrict facility rows: add 'facility' "
                             "to the scope")
        return self

    @property
    def is_trend(self) -> bool:
        """True for falling/rising targets."""
        return self.comparator in TREND_COMPARATORS


def _unique_ids(standards: tuple[Standard, ...], what: str) -> None:
    ids = [s.id for s in standards]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ValueError(f"{what} must be unique; repeated: {', '.join(dup)}")


class Catalogue(Strict):
    """The standards shipped with capsim (``capsim/data/standards.yaml``)."""

    standards: tuple[Standard, ...] = Field(..., min_length=1)

    @field_validator("standards")
    @classmethod
    def _sourced_and_unique(cls, v: tuple[Standard, ...]) -> tuple[Standard, ...]:
        _unique_ids(v, "standard ids")
        unsourced = [s.id for s in v if s.source is None]
        if unsourced:
            raise ValueError(f"every catalogue standard needs a source: {', '.join(unsourced)}")
        return v

    @property
    def ids(self) -> tuple[str, ...]:
        """Standard ids in catalogue order."""
        return tuple(s.id for s in self.standards)

    def get(self, sid: str) -> Standard:
        """The standard with id ``sid``; KeyError if there is none."""
        for s in self.standards:
            if s.id == sid:
                return s
        raise KeyError(sid)


class StandardOverride(Strict):
    """Changes a scenario makes to one catalogue standard; unset fields keep the catalogue's."""

    enabled: bool = Field(True, description="false switches the standard off.")
    threshold: Real | None = Field(
        None, description="Replaces the catalogue's threshold (unit of the metric).")
    scope: tuple[ScopeKind, ...] | None = Field(
        None, description="Replaces the scope: region and/or facility.")
    levels: tuple[Level, ...] | None = Field(
        None, description="Facility rows only for these levels.")
    capabilities: tuple[Capability, ...] | None = Field(
        None, description="Facility rows only for facilities with these capabilities.")
    years: Years | None = Field(
        None, description="Horizon years it applies to, or all (calendar years).")
    reading: Reading | None = Field(None, description="planned or simulated.")


class Targets(Strict):
    """A scenario's targets: the catalogue's standards, switched and overridden, and local ones.

    ``catalogue: false`` starts from no catalogue standard; those listed under ``standards``
    (``true`` or an override) are then checked. ``standards: {id: false}`` switches one off.
    """

    catalogue: bool = Field(True, description="Check every catalogue standard by default.")
    standards: dict[StandardId, StandardOverride | bool] = Field(
        default_factory=dict,
        description="By catalogue id: true, false, or an override (threshold, scope, levels, "
        "capabilities, years, reading).")
    local: tuple[Standard, ...] = Field((), max_length=limits.MAX_EVENTS,
                                        description="The scenario's own targets.")

    @field_validator("local")
    @classmethod
    def _local_ids(cls, v: tuple[Standard, ...]) -> tuple[Standard, ...]:
        _unique_ids(v, "local target ids")
        taken = sorted({s.id for s in v} & set(packaged_catalogue().ids))
        if taken:
            raise ValueError(f"local target id(s) {', '.join(taken)} are catalogue ids: choose "
                             "another id, or override the standard under 'standards'")
        return v

    @model_validator(mode="after")
    def _overrides_valid(self) -> Targets:
        resolve(self, packaged_catalogue())
        return self


@lru_cache(maxsize=1)
def packaged_catalogue() -> Catalogue:
    """The catalogue of standards shipped with capsim (``capsim/data/standards.yaml``),
    validated; raises `ScenarioError` naming the field and reason when
    the packaged file is broken."""
    with resources.as_file(resources.files("capsim") / "data" / PACKAGED_CATALOGUE) as path:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        try:
            return Catalogue.model_validate(data)
        except ValidationError as exc:
            raise ScenarioError(str(path), [(".".join(map(str, e["loc"])), e["msg"])
                                            for e in exc.errors()]) from None


def resolve(targets: Targets, catalogue: Catalogue) -> tuple[Standard, ...]:
    """The standards to check, in catalogue order then local order, overrides applied.

    Raises ValueError naming the standard when an override makes it inconsistent."""
    active = []
    for std in catalogue.standards:
        change = targets.standards.get(std.id, targets.catalogue)
        if isinstance(change, bool):
            if change:
                active.append(std)
            continue
        if not change.enabled:
            continue
        update = change.model_dump(exclude_unset=True, exclude={"enabled"})
        try:
            active.append(Standard.model_validate({**std.model_dump(), **update}))
        except ValidationError as exc:
            reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
            raise ValueError(f"standards.{std.id}: {reason}") from None
    return (*active, *targets.local)
