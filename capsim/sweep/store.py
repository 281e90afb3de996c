"""The on-disk store of a sweep: one SQLite file, ``sweep.sqlite``, written as results arrive.

Any SQLite client (the ``sqlite3`` shell, DB Browser, pandas ``read_sql``, R's RSQLite) opens
it. Tables:

- ``results``: one row per point x replication x output — point, replication, seed, output,
  metric, facility, year, value (in the metric's unit), and one column per parameter (named
  by its path) with the value used at that point;
- ``runs``: one row per finished point x replication — seed, women arrived, delivered,
  transferred out of the region and still in care at the end (arrived = the other three),
  and the seconds it took;
- ``points``: the parameter values of every point, written before the first simulation;
- ``meta``: the spec (scenario written in full), its fingerprint, the capsim version.

Each simulation's rows are written in one transaction, so an interrupted sweep keeps every
finished simulation and nothing half-written. A store refuses a sweep whose fingerprint
differs from the one it was made with. One sweep at a time writes to a store (a lock on
``sweep.sqlite.lock`` beside it; a second is refused at once), and a store that is not
whole (truncated, overwritten, a table missing) is reported as damaged, with what to do.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pandas as pd

from capsim.errors import CapsimError
from capsim.sweep.plan import Sweep

STORE_NAME = "sweep.sqlite"
#: The file a sweep writing to the store holds locked (kept: removing it would race).
LOCK_SUFFIX = ".lock"


@dataclass(frozen=True)
class RunValues:
    """The outputs of one replication at one point: ``values`` in the order of the spec's
    outputs (each in its metric's unit; NaN where undefined), with the count of women."""

    point: int
    replication: int
    seed: int
    values: tuple[float, ...]
    arrivals: int
    delivered: int
    out_of_region: int
    in_progress: int
    wall_seconds: float


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def store_path(folder: str | Path) -> Path:
    """Path of the store in a sweep's output folder."""
    return Path(folder) / STORE_NAME


def damaged(path: Path, exc: BaseException) -> CapsimError:
    """The error of a store that cannot be read as a whole sweep store."""
    return CapsimError(
        f"{path}: the sweep store is damaged ({' '.join(str(exc).split())}); move it away or "
        "delete it and run the sweep again (its finished simulations are lost with it)")


@contextmanager
def _read_or_damaged(path: Path) -> Iterator[None]:
    """Turn a database error inside the block into `damaged`'s one-line error."""
    try:
        yield
    except (sqlite3.DatabaseError, pd.errors.DatabaseError) as exc:
        raise damaged(path, exc) from None


class _WriterLock:
    """An exclusive lock on ``<store>.lock`` held while one sweep writes to the store, so that
    a second sweep into the same folder is refused rather than colliding with the first.
    Where the operating system has no ``fcntl`` (Windows), there is no lock."""

    def __init__(self, store: Path):
        self.path = store.with_name(store.name + LOCK_SUFFIX)
        self.fd: int | None = None
        try:
            import fcntl
        except ImportError:                 # pragma: no cover - not POSIX
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise CapsimError(
                f"{store}: another sweep (process {holder}) is writing to this store now; "
                "wait for it to end, or give another --out") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
        self.fd = fd

    def release(self) -> None:
        """Unlock (closing the file releases the lock)."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def stored_spec(folder: str | Path) -> dict[str, Any]:
    """The spec a store was made with (scenario included), read without simulating."""
    path = store_path(folder)
    if not path.is_file():
        raise CapsimError(f"{path}: no sweep store here (run the sweep first)")
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        with _read_or_damaged(path):
            row = con.execute("SELECT value FROM meta WHERE key = 'spec'").fetchone()
    finally:
        con.close()
    if row is None:
        raise damaged(path, ValueError("no spec in its meta table"))
    try:
        return json.loads(row[0])
    except (TypeError, ValueError) as exc:
        raise damaged(path, exc) from None


class SweepStore:
    """The store of one sweep in ``folder``: created on first use, reopened to resume."""

    def __init__(self, folder: str | Path, sweep: Sweep, readonly: bool = False):
        self.sweep = sweep
        self.path = store_path(folder)
        self.params = [p.path for p in sweep.spec.parameters]
        self.outputs = list(sweep.spec.outputs)
        self.lock: _WriterLock | None = None
        if readonly:
            if not self.path.is_file():
                raise CapsimError(f"{self.path}: no sweep store here (run the sweep first)")
            self.con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        else:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.lock = _WriterLock(self.path)
                self.con = sqlite3.connect(self.path, timeout=30)
            except (OSError, sqlite3.Error) as exc:
                if self.lock is not None:
                    self.lock.release()
                raise CapsimError(f"{self.path}: cannot open the sweep store "
                                  f"({getattr(exc, 'strerror', None) or exc})") from None
        try:
            with _read_or_damaged(self.path):
                self._check_or_create(readonly)
        except BaseException:
            self.close()
            raise

    def __enter__(self) -> SweepStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Close the file (and let another sweep write to it)."""
        self.con.close()
        if self.lock is not None:
            self.lock.release()

    def _check_or_create(self, readonly: bool) -> None:
        tables = {name for (name,) in self.con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables:
            missing = {"meta", "points", "runs", "results"} - tables
            if missing:
                raise damaged(self.path, ValueError(f"no {', '.join(sorted(missing))} table"))
            # Reads every page's structure: a truncated or overwritten file shows here, before
            # any simulation, not halfway through the sweep.
            problems = [row[0] for row in self.con.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise damaged(self.path, ValueError("; ".join(problems[:3])))
            row = self.con.execute("SELECT value FROM meta WHERE key = 'fingerprint'").fetchone()
            if row is None or row[0] != self.sweep.fingerprint:
                raise CapsimError(
                    f"{self.path} holds a sweep made from a different spec or scenario "
                    f"(fingerprint {row[0][:12] if row else 'missing'}..., this sweep "
                    f"{self.sweep.fingerprint[:12]}...); give another output folder, or "
                    "delete the file to start again")
            return
        if readonly:
            raise CapsimError(f"{self.path}: not a sweep store (no meta table)")
        self._create()

    def _create(self) -> None:
        from capsim import __version__

        pcols = ", ".join(f"{_q(p)} REAL" for p in self.params)
        design = self.sweep.design
        with self.con:
            self.con.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            self.con.execute(f"CREATE TABLE points (point INTEGER PRIMARY KEY, varied TEXT, "
                             f"{pcols})")
            self.con.execute(
                "CREATE TABLE runs (point INTEGER NOT NULL, replication INTEGER NOT NULL, "
                "seed INTEGER NOT NULL, arrivals INTEGER, delivered INTEGER, "
                "out_of_region INTEGER, in_progress INTEGER, wall_seconds REAL, "
                "finished TEXT, PRIMARY KEY (point, replication))")
            self.con.execute(
                "CREATE TABLE results (point INTEGER NOT NULL, replication INTEGER NOT NULL, "
                "seed INTEGER NOT NULL, output TEXT NOT NULL, metric TEXT, facility TEXT, "
                f"year TEXT, value REAL, {pcols}, PRIMARY KEY (point, replication, output))")
            meta = {
                "fingerprint": self.sweep.fingerprint,
                "spec": json.dumps(self.sweep.stored_spec(), ensure_ascii=False),
                "capsim_version": __version__,
                "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "method": self.sweep.spec.method,
                "points": str(design.points),
                "replications": str(self.sweep.spec.replications),
            }
            self.con.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
            varied = design.varied or (None,) * design.points
            rows = [(k, varied[k], *map(float, row))
                    for k, row in enumerate(design.values.itertuples(index=False))]
            marks = ", ".join("?" * (2 + len(self.params)))
            self.con.executemany(f"INSERT INTO points VALUES ({marks})", rows)

    def done(self) -> set[tuple[int, int]]:
        """The (point, replication) pairs already simulated."""
        with _read_or_damaged(self.path):
            return set(self.con.execute("SELECT point, replication FROM runs").fetchall())

    def add(self, run: RunValues) -> None:
        """Write one replication's outputs and counts, in one transaction."""
        values = [float(v) for v in self.sweep.design.values.iloc[run.point]]
        rows = [(run.point, run.replication, run.seed, o.key, o.metric, o.facility, o.year,
                 float(v), *values) for o, v in zip(self.outputs, run.values, strict=True)]
        marks = ", ".join("?" * (8 + len(self.params)))
        with _read_or_damaged(self.path), self.con:
            self.con.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (run.point, run.replication, run.seed, run.arrivals, run.delivered,
                 run.out_of_region, run.in_progress, run.wall_seconds,
                 datetime.now(timezone.utc).isoformat(timespec="seconds")))
            self.con.executemany(f"INSERT INTO results VALUES ({marks})", rows)

    def results(self) -> pd.DataFrame:
        """Every stored row: point, replication, seed, output, metric, facility, year, value
        and the parameter columns, ordered by point, replication and the spec's outputs."""
        with _read_or_damaged(self.path):
            df = pd.read_sql_query("SELECT * FROM results ORDER BY point, replication",
                                   self.con)
        order = {o.key: i for i, o in enumerate(self.outputs)}
        df = df.sort_values(["point", "replication", "output"],
                            key=lambda s: s.map(order) if s.name == "output" else s,
                            kind="stable")
        return df.reset_index(drop=True)

    def runs(self) -> pd.DataFrame:
        """Every finished simulation: point, replication, seed, women by fate, seconds."""
        with _read_or_damaged(self.path):
            return pd.read_sql_query("SELECT * FROM runs ORDER BY point, replication", self.con)
