"""Write the golden snapshot of the shipped scenarios: ``python tests/golden/regenerate.py``.

For each scenario in ``scenarios/`` (2 replications, the scenario's own seed) it writes
``tests/golden/<scenario>.csv``: every per-replication metric (replication, year, facility,
metric, value), then every flow count and the accounting of women, values printed with 17
significant digits so that a change of one ulp shows; and ``tests/golden/records.txt``, a
digest of every per-woman array of replication 0 of each scenario. ``tests/test_golden.py`` compares a
fresh run with these files exactly.

Run it only when a change of results is intended, and say in the commit why the numbers moved.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
REPLICATIONS = 2


def snapshot(path: Path) -> str:
    """The golden text of one scenario file: metrics, flows and accounting as CSV blocks."""
    from capsim import load_scenario, simulate

    scenario = load_scenario(path)
    res = simulate(scenario, replications=REPLICATIONS, workers=1, progress=False)
    blocks = []
    metrics = res.metrics.sort_values(["replication", "year", "facility", "metric"])
    blocks.append(metrics.to_csv(index=False, float_format="%.17g", lineterminator="\n"))
    flows = res.flows.sort_values(["replication", "year", "from", "to", "reason"])
    blocks.append(flows.to_csv(index=False, float_format="%.17g", lineterminator="\n"))
    acc = res.accounting.drop(columns=["events"])
    blocks.append(acc.to_csv(index=False, lineterminator="\n"))
    return "\n".join(blocks)


#: The per-woman and per-stay arrays of a replication's record, digested for the snapshot.
RECORD_FIELDS = ("first", "facility", "mode", "delivered_h", "turned_away", "out_of_region",
                 "midwife_wait_h", "labour_facility", "labour_start_h", "ddi_min",
                 "in_bed_at_end", "stay_facility", "stay_start_h", "stay_end_h")


def record_digest(path: Path) -> str:
    """One line per record field of replication 0 of a scenario: the field's name and the
    SHA-256 of its values (as float64, in cohort order), so that a change to any woman shows."""
    import hashlib

    import numpy as np

    from capsim import load_scenario
    from capsim.demand import build_cohort
    from capsim.model import compile_network, run_engine

    scenario = load_scenario(path)
    record = run_engine(compile_network(scenario), build_cohort(scenario, 0, scenario.run.seed))
    lines = []
    for name in RECORD_FIELDS:
        values = np.ascontiguousarray(getattr(record, name), dtype=np.float64)
        lines.append(f"{path.stem} {name} {hashlib.sha256(values.tobytes()).hexdigest()}")
    flows = sorted(record.flows.items())
    lines.append(f"{path.stem} flows {hashlib.sha256(repr(flows).encode()).hexdigest()}")
    return "\n".join(lines) + "\n"


def scenario_files() -> list[Path]:
    """The shipped scenario files, sorted by name."""
    return sorted((ROOT / "scenarios").glob("*.yaml"))


def main() -> int:
    for path in scenario_files():
        out = HERE / f"{path.stem}.csv"
        out.write_text(snapshot(path), encoding="utf-8")
        print(f"wrote {out.relative_to(ROOT)}")
    digests = "".join(record_digest(path) for path in scenario_files())
    (HERE / "records.txt").write_text(digests, encoding="utf-8")
    print("wrote tests/golden/records.txt")
    return 0


if __name__ == "__main__":
    sys.exit(main())
