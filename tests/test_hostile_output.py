"""Hostile outputs and command lines: a place that cannot be written is refused before anything
is simulated, a file is written whole or not at all, a reused results folder never mixes two
runs, bad option values and failed replications end in one ``error:`` line with exit 2.

Tests run as root, where permission bits do not stop a write: the unwritable places here fail
for root too (``/dev/full``, ``/proc``, a path under a regular file, a read-only bind mount and
a full tmpfs in a private mount namespace)."""

from __future__ import annotations

import argparse
import errno
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from conftest import ROOT, base_dict
from hypothesis import given, settings
from hypothesis import strategies as st

import capsim.run
import capsim.sweep.runner
from capsim import validate_scenario
from capsim.cli import main
from capsim.cli.common import MAX_SEED, non_negative_int, positive_int
from capsim.errors import CapsimError
from capsim.output import TEMP_PREFIX, atomic_path, write_csv, write_text

#: Files of a results folder that are the same, byte for byte, for the same scenario and seed.
CSV_FILES = ("summary.csv", "flows.csv", "daily.csv", "replications.csv", "ratios.csv",
             "targets.csv")


def short() -> dict:
    """The two-facility region over four months: a replication takes a few milliseconds."""
    return base_dict(horizon={"start": "2020-01-01", "days": 120, "warmup_days": 10})


@pytest.fixture
def scenario_file(tmp_path) -> Path:
    path = tmp_path / "short.yaml"
    path.write_text(yaml.safe_dump(short(), allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def sweep_file(tmp_path, scenario_file) -> Path:
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump({
        "name": "s", "scenario": scenario_file.name, "method": "oat", "levels": 2,
        "replications": 1, "seed": 1,
        "parameters": [{"path": "demand.deliveries", "range": [900, 1000]}],
        "outputs": [{"metric": "occupancy_mean", "facility": "region"}],
    }), encoding="utf-8")
    return path


@pytest.fixture
def no_simulation(monkeypatch):
    """Fail the test if anything is simulated."""
    def refuse(*args, **kwargs):
        raise AssertionError("simulated although the output place was refused")
    monkeypatch.setattr(capsim.run, "map_unordered", refuse)
    monkeypatch.setattr(capsim.sweep.runner, "map_unordered", refuse)


def one_error_line(err: str) -> str:
    """The one ``error:`` line of a failed command's standard error (the last line; a progress
    bar may come before it); fails on a traceback or a second error line."""
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines, "nothing on standard error"
    assert sum("error:" in line for line in lines) == 1, err
    assert lines[-1].startswith("error: "), err
    return lines[-1]


def no_temporary_files(folder: Path) -> bool:
    return not any(p.name.startswith(TEMP_PREFIX) for p in folder.rglob("*"))


def assert_folder_conserved(folder: Path) -> None:
    """Every woman of every replication in a results folder is accounted for."""
    acc = pd.read_csv(folder / "replications.csv")
    assert not acc.empty
    assert (acc["arrivals"] == acc["delivered"] + acc["out_of_region"]
            + acc["in_progress"]).all()


# --- option values ------------------------------------------------------------------------

BAD_VALUES = [
    ("run", ["--replications", "0"], "--replications"),
    ("run", ["-n", "-5"], "--replications"),
    ("run", ["--seed", "-1"], "--seed"),
    ("run", ["--seed", str(2**63)], "--seed"),
    ("run", ["--seed", "1.5"], "--seed"),
    ("run", ["--workers", "-3"], "--workers"),
    ("run", ["--workers", "0"], "--workers"),
    ("run", ["--scheduler-timeout", "0"], "--scheduler-timeout"),
    ("run", ["--scheduler-timeout", "nan"], "--scheduler-timeout"),
    ("check", ["--seed", "-1"], "--seed"),
    ("check", ["-n", "0"], "--replications"),
    ("report", ["--workers", "-1"], "--workers"),
    ("compare", ["--replications", "0"], "--replications"),
    ("size", ["--rounds", "0"], "--rounds"),
    ("sweep", ["--workers", "-3"], "--workers"),
    ("sweep", ["--scheduler-timeout", "-1"], "--scheduler-timeout"),
]


@pytest.mark.parametrize(("command", "options", "named"), BAD_VALUES)
def test_an_out_of_range_option_is_refused_in_one_line(command, options, named, capsys,
                                                       no_simulation):
    files = ["a.yaml", "b.yaml"] if command == "compare" else ["a.yaml"]
    with pytest.raises(SystemExit) as exit_:
        main([command, *files, *options])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert one_error_line(err).startswith(f"error: capsim {command}: argument {named}")


@given(st.integers(min_value=-2**70, max_value=2**70))
def test_count_and_seed_options_accept_exactly_their_range(n):
    for parse, lowest, highest in ((positive_int, 1, None), (non_negative_int, 0, MAX_SEED)):
        if n >= lowest and (highest is None or n <= highest):
            assert parse(str(n)) == n
        else:
            with pytest.raises(argparse.ArgumentTypeError):
                parse(str(n))


# --- output places refused before simulating ----------------------------------------------

def _unwritable(tmp_path: Path) -> dict[str, Path]:
    a_file = tmp_path / "a-file"
    a_file.write_text("kept\n", encoding="utf-8")
    return {"existing file": a_file, "/dev/full": Path("/dev/full"),
            "under a file": a_file / "out", "/proc": Path("/proc/capsim-out")}


@pytest.mark.parametrize("place", ["existing file", "/dev/full", "under a file", "/proc"])
@pytest.mark.parametrize("command", ["run", "compare", "sweep", "schema", "check", "report",
                                     "size"])
def test_a_folder_that_cannot_be_written_is_refused_before_simulating(
        command, place, tmp_path, scenario_file, sweep_file, capsys, no_simulation):
    out = _unwritable(tmp_path)[place]
    argv = {"run": ["run", str(scenario_file)],
            "compare": ["compare", str(scenario_file), str(scenario_file)],
            "sweep": ["sweep", str(sweep_file)],
            "schema": ["schema"], "check": ["check", str(scenario_file)],
            "report": ["report", str(scenario_file)], "size": ["size", str(scenario_file)]}[command]
    assert main([*argv, "--out", str(out)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert str(out) in line
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "kept\n"
    assert no_temporary_files(tmp_path)


@pytest.mark.parametrize("place", ["under a file", "/proc", "a folder"])
def test_a_report_that_cannot_be_written_is_refused_before_simulating(
        place, tmp_path, scenario_file, capsys, no_simulation):
    """The report goes to DIR/report.html: a folder in its place is refused too."""
    if place == "a folder":
        folder = tmp_path / "out"
        (folder / "report.html").mkdir(parents=True)
    else:
        folder = _unwritable(tmp_path)[place]
    assert main(["report", str(scenario_file), "--out", str(folder)]) == 2
    assert str(folder) in one_error_line(capsys.readouterr().err)
    assert no_temporary_files(tmp_path)


# --- atomic writing -------------------------------------------------------------------------

def test_a_write_that_fails_halfway_keeps_the_previous_file_and_leaves_no_part(tmp_path,
                                                                              monkeypatch):
    path = tmp_path / "summary.csv"
    path.write_text("previous\n", encoding="utf-8")

    def half_then_full(self, target, **options):
        Path(target).write_text("half of a tab", encoding="utf-8")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(target))

    monkeypatch.setattr(pd.DataFrame, "to_csv", half_then_full)
    with pytest.raises(CapsimError, match="summary.csv: cannot write .*No space left"):
        write_csv(pd.DataFrame({"facility": ["county"], "beds": [30]}), path)
    assert path.read_text(encoding="utf-8") == "previous\n"
    assert os.listdir(tmp_path) == ["summary.csv"]


@settings(max_examples=60, deadline=None)
@given(old=st.none() | st.binary(max_size=300), new=st.binary(max_size=300),
       fail_after=st.none() | st.integers(min_value=0, max_value=300))
def test_a_file_holds_its_old_or_its_new_content_never_a_mixture(old, new, fail_after):
    """Whether the writer fails (after writing ``fail_after`` bytes) or not, the file is the
    previous one (or absent) or the new one, and no temporary file is left."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "table.csv"
        if old is not None:
            path.write_bytes(old)
        failed = fail_after is not None and fail_after <= len(new)
        try:
            with atomic_path(path) as tmp:
                tmp.write_bytes(new[:fail_after] if failed else new)
                if failed:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        except CapsimError:
            assert failed
        if failed:
            assert (path.read_bytes() if path.exists() else None) == old
        else:
            assert path.read_bytes() == new
        assert os.listdir(folder) == (["table.csv"] if path.exists() else [])


def test_an_interrupted_write_keeps_the_previous_file(tmp_path):
    path = tmp_path / "report.html"
    path.write_text("previous", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), atomic_path(path) as tmp:
        tmp.write_text("new, half", encoding="utf-8")
        raise KeyboardInterrupt
    assert path.read_text(encoding="utf-8") == "previous"
    assert os.listdir(tmp_path) == ["report.html"]


def test_writing_never_replaces_a_device_and_writes_through_a_link(tmp_path):
    with pytest.raises(CapsimError, match="not a regular file"):
        write_text("/dev/full", "x")
    target = tmp_path / "real.json"
    target.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    write_text(link, "new")
    assert link.is_symlink() and target.read_text(encoding="utf-8") == "new"
    assert (os.stat(target).st_mode & 0o777) == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# --- results folders ----------------------------------------------------------------------

def test_a_reused_results_folder_keeps_no_stale_scenario_copy_or_trace(
        tmp_path, scenario_file, capsys):
    out = tmp_path / "results"
    out.mkdir()
    # An older run of another scenario, saved as TOML, sorts before scenario.yaml.
    (out / "scenario.toml").write_text('name = "another scenario"\n', encoding="utf-8")
    (out / "scenario.md").write_text("the planner's notes\n", encoding="utf-8")
    assert main(["run", str(scenario_file), "-n", "3", "--workers", "1", "--out", str(out),
                 "--trace"]) == 0
    assert sorted(p.name for p in out.glob("scenario.*")) == ["scenario.md", "scenario.yaml"]
    traces = sorted(p.name for p in (out / "trace").iterdir())
    assert traces == [f"trace-{r:05d}.csv.gz" for r in range(3)]
    assert main(["run", str(scenario_file), "-n", "2", "--workers", "1", "--out", str(out),
                 "--trace"]) == 0
    assert sorted(p.name for p in (out / "trace").iterdir()) == traces[:2]
    assert main(["run", str(scenario_file), "-n", "2", "--workers", "1",
                 "--out", str(out)]) == 0
    assert list((out / "trace").iterdir()) == []
    assert_folder_conserved(out)
    assert no_temporary_files(out)
    capsys.readouterr()


def test_the_scenario_copy_in_its_own_results_folder_runs_again_in_place(
        tmp_path, scenario_file, capsys):
    out = tmp_path / "results"
    assert main(["run", str(scenario_file), "-n", "2", "--workers", "1", "--out", str(out)]) == 0
    before = {n: (out / n).read_bytes() for n in ("scenario.yaml", *CSV_FILES)}
    assert main(["run", str(out / "scenario.yaml"), "-n", "2", "--workers", "1",
                 "--out", str(out)]) == 0
    assert {n: (out / n).read_bytes() for n in before} == before
    assert_folder_conserved(out)
    capsys.readouterr()


@pytest.mark.parametrize("damage", ["empty", "header only", "missing"])
def test_a_report_from_an_incomplete_results_folder_says_what_is_missing(
        tmp_path, scenario_file, capsys, damage):
    out = tmp_path / "results"
    assert main(["run", str(scenario_file), "-n", "2", "--workers", "1", "--out", str(out)]) == 0
    summary = out / "summary.csv"
    if damage == "missing":
        summary.unlink()
    else:
        summary.write_text("" if damage == "empty" else "facility,year,metric\n",
                           encoding="utf-8")
    capsys.readouterr()
    report = tmp_path / "report.html"
    assert main(["report", str(out), "--out", str(report)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "summary.csv" in line and f"capsim run SCENARIO --out {out}" in line
    assert not report.exists()


# --- failed replications ------------------------------------------------------------------

def test_a_failed_replication_is_one_line_with_its_seed_to_rerun(
        tmp_path, scenario_file, capsys, monkeypatch):
    def broken_cohort(scenario, replication, seed):
        raise ValueError("a cohort that cannot be drawn\nover two lines")
    monkeypatch.setattr(capsim.run, "build_cohort", broken_cohort)
    out = tmp_path / "results"
    assert main(["run", str(scenario_file), "-n", "2", "--seed", "77", "--workers", "1",
                 "--out", str(out)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "replication 0, seed 77 failed: ValueError: a cohort that cannot be drawn over " \
           "two lines" in line
    assert "capsim.run_replication(scenario, 0, seed=77)" in line
    assert not out.exists()


def test_a_replication_that_keeps_killing_its_worker_is_one_line(
        tmp_path, scenario_file, capsys, monkeypatch):
    real = capsim.run.run_replication

    def dies_on_one(scenario, replication, seed=None, trace_dir=None, engine="compiled"):
        if replication == 1:
            os._exit(9)     # a worker process killed, e.g. out of memory
        return real(scenario, replication, seed, trace_dir, engine)
    monkeypatch.setattr(capsim.run, "run_replication", dies_on_one)
    assert main(["run", str(scenario_file), "-n", "3", "--seed", "5", "--workers", "2",
                 "--out", str(tmp_path / "results")]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "replication 1, seed 5 failed" in line and "lost with its worker process" in line


# --- a full disk and a read-only folder, for real ----------------------------------------

def _private_mounts() -> bool:
    """Whether this machine lets a test mount file systems in a private namespace."""
    if shutil.which("unshare") is None or sys.platform != "linux":
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs tmpfs /mnt"],
                           capture_output=True)
    return probe.returncode == 0


needs_mounts = pytest.mark.skipif(not _private_mounts(),
                                  reason="cannot mount in a private namespace here")


def _capsim_in_namespace(setup: str, argv: list[str], after: str) -> subprocess.CompletedProcess:
    """Run ``setup`` (mounts), then capsim with ``argv``, then ``after`` (which reads the
    mounted folder before the namespace ends), in a private mount namespace."""
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    command = " ".join([setup, "&&", sys.executable, "-m", "capsim", *argv,
                        "; code=$?;", after, "; exit $code"])
    return subprocess.run(["unshare", "-rm", "sh", "-c", command], capture_output=True,
                          text=True, env=env, timeout=300)


@needs_mounts
def test_a_full_disk_keeps_every_file_whole_and_the_previous_ones(tmp_path, scenario_file,
                                                                   capsys):
    reference = tmp_path / "reference"
    assert main(["run", str(scenario_file), "-n", "2", "--workers", "1",
                 "--out", str(reference)]) == 0
    capsys.readouterr()
    disk, copy = tmp_path / "disk", tmp_path / "copy"
    disk.mkdir()
    sizes = {n: (reference / n).stat().st_size for n in CSV_FILES}
    # Room for the small tables but not for all of them with the charts.
    room = 16384 + sum(sizes.values()) // 2
    done = _capsim_in_namespace(
        f"mount -t tmpfs -o size={room} tmpfs {disk} && mkdir {disk}/out && "
        f"printf 'previous\\n' > {disk}/out/daily.csv && "
        f"printf 'previous\\n' > {disk}/out/census.png",
        ["run", str(scenario_file), "-n", "2", "--workers", "1", "--out", f"{disk}/out"],
        f"cp -a {disk}/out {copy}")
    assert done.returncode == 2, done.stderr
    assert "No space left on device" in one_error_line(done.stderr)
    assert no_temporary_files(copy)
    for name in CSV_FILES:
        if (copy / name).exists():
            assert (copy / name).read_bytes() in ((reference / name).read_bytes(),
                                                  b"previous\n"), name
    assert (copy / "census.png").read_bytes() in ((reference / "census.png").read_bytes(),
                                                  b"previous\n")


@needs_mounts
def test_a_read_only_folder_is_refused_before_simulating(tmp_path, scenario_file):
    folder = tmp_path / "read-only"
    folder.mkdir()
    done = _capsim_in_namespace(
        f"mount --bind {folder} {folder} && mount -o remount,ro,bind {folder}",
        ["run", str(scenario_file), "-n", "2", "--out", f"{folder}/out"], "true")
    assert done.returncode == 2, done.stderr
    line = one_error_line(done.stderr)
    assert f"{folder}/out" in line and "Read-only file system" in line
    assert "replications" not in done.stdout        # nothing was simulated
    assert list(folder.iterdir()) == []


# --- the size of a run given on the command line ---------------------------------------------

@pytest.mark.parametrize("deliveries, replications, figure", [
    (2000, 20_000, "20,000 replications asked, more than the 10,000"),
    (4_000_000, 5_000, "women would be simulated"),
])
def test_a_run_too_large_for_the_command_line_count_is_refused_before_simulating(
        tmp_path, capsys, no_simulation, deliveries, replications, figure):
    """The file's own ``run.replications`` is checked at validation; a count given with
    ``-n`` is checked against the same limits before anything is simulated."""
    path = tmp_path / "big.yaml"
    path.write_text(yaml.safe_dump(base_dict(demand={"deliveries": deliveries}),
                                   allow_unicode=True), encoding="utf-8")
    assert main(["run", str(path), "-n", str(replications), "--workers", "1",
                 "--out", str(tmp_path / "results")]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert figure in line
    assert not (tmp_path / "results" / "summary.csv").exists()


def test_simulate_refuses_no_replications_in_one_line():
    with pytest.raises(CapsimError, match="replications must be positive, got 0"):
        capsim.run.simulate(validate_scenario(short()), replications=0, workers=1)
