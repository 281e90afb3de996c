"""Reference data shipped with capsim: China's national births by year.

The figures are the National Bureau of Statistics' first releases in its annual statistical
communiqués (not the series revised after the 7th census), with projections for 2026-2030 in
two variants; ``capsim/data/china-births.csv`` states the source of every row. A scenario uses
them through ``demand.trend`` to scale a county's deliveries to the national trend.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import pandas as pd

BIRTHS_FILE = "china-births.csv"
VARIANTS: tuple[str, ...] = ("medium", "low")

#: Series a scenario can name in ``demand.trend.series``, and the projection variant each uses
#: after the last actual year.
SERIES: dict[str, str] = {"china-births": "medium", "china-births-low": "low"}


@lru_cache(maxsize=1)
def _births_table() -> pd.DataFrame:
    with resources.files("capsim").joinpath("data", BIRTHS_FILE).open(encoding="utf-8") as fh:
        return pd.read_csv(fh, comment="#", keep_default_na=False,
                           na_values={"crude_birth_rate_permille": [""]})


def china_births(variant: str = "medium") -> pd.DataFrame:
    """National births in China by year: the actual figures, then the projection ``variant``
    ("medium" or "low") for the years after the last actual one.

    Returns columns year, births (births a year), births_10k (万 births), crude_birth_rate_permille
    (births per 1,000 population; NaN for projections), kind ("actual" or "projection") and
    source."""
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {', '.join(VARIANTS)}, got {variant!r}")
    table = _births_table()
    rows = table[(table["kind"] == "actual") | (table["variant"] == variant)]
    out = rows.drop(columns="variant").sort_values("year").reset_index(drop=True)
    out.insert(1, "births", out["births_10k"] * 10_000)
    return out


def series_index(name: str) -> dict[int, float]:
    """Births by year (births a year) of the shipped series ``name`` (see `SERIES`)."""
    if name not in SERIES:
        raise ValueError(f"unknown series {name!r}; shipped: {', '.join(SERIES)}")
    table = china_births(SERIES[name])
    return {int(y): float(b) for y, b in zip(table["year"], table["births"], strict=True)}
