"""Hostile processes, stores and clusters: workers die with a killed parent, SIGTERM and Ctrl-C
stop a run cleanly (keeping a sweep's finished work, with no worker tracebacks), a damaged or
busy sweep store and a dask address that never answers end in one ``error:`` line, and a
closed output pipe ends a command quietly."""

from __future__ import annotations

import logging
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
import yaml
from conftest import ROOT, base_dict
from test_hostile_output import no_simulation, one_error_line, scenario_file, sweep_file

from capsim.cli import main
from capsim.sweep import load_sweep
from capsim.sweep.store import STORE_NAME, SweepStore

__all__ = ["no_simulation", "scenario_file", "sweep_file"]      # fixtures used here

#: Seconds a worker may outlive its killed parent.
ORPHAN_GRACE_S = 5.0


def long_file(folder: Path) -> Path:
    """A scenario of eight years: enough replications of it keep two workers busy for a
    while."""
    path = folder / "long.yaml"
    path.write_text(yaml.safe_dump(
        base_dict(horizon={"start": "2020-01-01", "days": 3000, "warmup_days": 10})),
        encoding="utf-8")
    return path


def start(argv: list[str], cwd: Path) -> tuple[subprocess.Popen, list[psutil.Process]]:
    """Start ``capsim argv`` in a session of its own; return it once it has two workers
    running, with the workers."""
    proc = subprocess.Popen([sys.executable, "-m", "capsim", *argv], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=os.environ | {"PYTHONPATH": str(ROOT)},
                            start_new_session=True)
    parent = psutil.Process(proc.pid)
    deadline = time.monotonic() + 180       # a first run may compile the engine
    while len(parent.children()) < 2:
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"no workers started: {proc.communicate()[1][-2000:]}")
        time.sleep(0.1)
    workers = parent.children()
    time.sleep(1.5)                         # some replications finish
    return proc, workers


def assert_gone(workers: list[psutil.Process]) -> None:
    """The workers have ended within the grace time (a zombie has ended: it holds no memory
    and no open file, and waits only for its parent to collect its exit status)."""
    deadline = time.monotonic() + ORPHAN_GRACE_S
    alive = workers
    while alive and time.monotonic() < deadline:
        alive = [p for p in alive if _running(p)]
        time.sleep(0.1)
    for p in alive:
        p.kill()
    assert not alive, f"workers outlived their parent: {[p.pid for p in alive]}"


def _running(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_workers_die_with_a_killed_parent_and_release_its_output(tmp_path):
    proc, workers = start(["run", str(long_file(tmp_path)), "-n", "400", "--workers", "2",
                           "--out", str(tmp_path / "out")], tmp_path)
    proc.send_signal(signal.SIGKILL)
    assert_gone(workers)
    # No worker holds the pipes open: reading them ends.
    out, _ = proc.communicate(timeout=ORPHAN_GRACE_S)
    assert proc.returncode == -signal.SIGKILL


def test_sigterm_stops_a_run_like_ctrl_c_in_one_line(tmp_path):
    proc, workers = start(["run", str(long_file(tmp_path)), "-n", "400", "--workers", "2",
                           "--out", str(tmp_path / "out")], tmp_path)
    proc.send_signal(signal.SIGTERM)
    assert_gone(workers)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 143
    assert "Traceback" not in err
    assert err.rstrip().splitlines()[-1].endswith("terminated")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("stop", "code", "last_line"), [("ctrl-c", 130, "interrupted"),
                                                         ("sigterm", 143, "terminated")])
def test_a_stopped_sweep_keeps_its_work_without_worker_tracebacks(tmp_path, stop, code,
                                                                  last_line):
    long_file(tmp_path)
    spec = tmp_path / "sweep.yaml"
    spec.write_text(yaml.safe_dump({
        "name": "s", "scenario": "long.yaml", "method": "oat", "levels": 5,
        "replications": 400, "seed": 1,     # 2,000 runs: far more than the time it is given
        "parameters": [{"path": "demand.deliveries", "range": [900, 1000]}],
        "outputs": [{"metric": "occupancy_mean", "facility": "region"}],
    }), encoding="utf-8")
    out = tmp_path / "out"
    proc, workers = start(["sweep", str(spec), "--workers", "2", "--out", str(out)], tmp_path)
    if stop == "ctrl-c":
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole foreground group
    else:
        proc.send_signal(signal.SIGTERM)    # `kill` reaches the command only
    assert_gone(workers)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == code
    assert "Traceback" not in err and "KeyboardInterrupt" not in err
    lines = err.rstrip().splitlines()
    assert lines[-2].endswith("run the same command again to resume.")
    assert lines[-1] == last_line
    with sqlite3.connect(out / STORE_NAME) as con:
        (kept,) = con.execute("SELECT count(*) FROM runs").fetchone()
    assert 0 < kept < 2000
    # Resuming finds the store whole and not locked.
    with SweepStore(out, load_sweep(spec)) as store:
        assert len(store.done()) == kept


def test_a_closed_output_pipe_ends_the_command_quietly_with_its_files_written(
        tmp_path, scenario_file):
    proc = subprocess.Popen([sys.executable, "-m", "capsim", "run", str(scenario_file),
                             "-n", "2", "--workers", "1", "--out", str(tmp_path / "out")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=os.environ | {"PYTHONPATH": str(ROOT)})
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()                  # what `| head -1` reads, then it goes
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert "Traceback" not in err and "BrokenPipe" not in err and "Exception" not in err
    assert (tmp_path / "out" / "flows.png").is_file()


def test_a_closed_pipe_for_both_outputs_ends_a_long_run_quietly(tmp_path):
    """`capsim run ... 2>&1 | head -1` while the progress bar is still being drawn."""
    proc = subprocess.Popen([sys.executable, "-m", "capsim", "run", str(long_file(tmp_path)),
                             "-n", "150", "--workers", "1", "--out", str(tmp_path / "out")],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env=os.environ | {"PYTHONPATH": str(ROOT)})
    assert proc.stdout is not None
    assert proc.stdout.read(1)              # the progress bar's first character, after 2 s
    proc.stdout.close()
    assert proc.wait(timeout=300) == 0
    assert (tmp_path / "out" / "flows.png").is_file()


# --- sweep stores ------------------------------------------------------------------------

@pytest.fixture
def stored_sweep(tmp_path, sweep_file, capsys) -> Path:
    """The folder of a finished small sweep."""
    out = tmp_path / "out"
    assert main(["sweep", str(sweep_file), "--workers", "1", "--out", str(out)]) == 0
    capsys.readouterr()
    return out


def _truncate(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def _random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(path.stat().st_size))


def _scribble(path: Path) -> None:
    """Overwrite a page in the middle of the file (the header is left as it was)."""
    data = bytearray(path.read_bytes())
    page = 4096
    data[page:2 * page] = os.urandom(page)
    path.write_bytes(bytes(data))


def _drop(table: str):
    def drop(path: Path) -> None:
        with sqlite3.connect(path) as con:
            con.execute(f"DROP TABLE {table}")
    return drop


DAMAGE = {"truncated": _truncate, "random bytes": _random_bytes, "scribbled page": _scribble,
          "no runs table": _drop("runs"), "no meta table": _drop("meta")}


@pytest.mark.parametrize("damage", list(DAMAGE))
@pytest.mark.parametrize("analyse_only", [False, True])
def test_a_damaged_sweep_store_is_one_line_saying_what_to_do(
        stored_sweep, sweep_file, damage, analyse_only, capsys, no_simulation):
    store = stored_sweep / STORE_NAME
    DAMAGE[damage](store)
    before = store.read_bytes()
    argv = ["sweep", str(sweep_file), "--workers", "1", "--out", str(stored_sweep)]
    assert main([*argv, "--analyse-only"] if analyse_only else argv) == 2
    line = one_error_line(capsys.readouterr().err)
    assert f"{store}: the sweep store is damaged" in line
    assert "run the sweep again" in line
    assert store.read_bytes() == before         # left as it was, for the planner to keep


def test_a_second_sweep_into_a_busy_store_is_refused_in_one_line(
        stored_sweep, sweep_file, capsys, no_simulation):
    with SweepStore(stored_sweep, load_sweep(sweep_file)):      # the first sweep, writing
        assert main(["sweep", str(sweep_file), "--workers", "1",
                     "--out", str(stored_sweep)]) == 2
        line = one_error_line(capsys.readouterr().err)
        assert "another sweep" in line and f"process {os.getpid()}" in line


def test_a_second_sweep_process_is_refused_while_the_first_writes(tmp_path, sweep_file):
    """Two processes, as two planners would start them: the second ends at once."""
    spec = yaml.safe_load(sweep_file.read_text(encoding="utf-8"))
    # Far longer than the test (it is stopped at the end), so that the first is still
    # writing when the second starts, however quick the runs.
    spec |= {"scenario": long_file(tmp_path).name, "replications": 400}
    sweep_file.write_text(yaml.safe_dump(spec), encoding="utf-8")
    out = tmp_path / "out"
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    argv = [sys.executable, "-m", "capsim", "sweep", str(sweep_file), "--workers", "1",
            "--out", str(out)]
    first = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        deadline = time.monotonic() + 180
        while not (out / STORE_NAME).exists() or _stored_runs(out) == 0:
            assert first.poll() is None and time.monotonic() < deadline, \
                first.communicate()[1][-2000:]
            time.sleep(0.1)
        second = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
        assert second.returncode == 2, f"first sweep's exit code: {first.poll()}"
        assert "another sweep" in one_error_line(second.stderr)
    finally:
        first.kill()
        first.communicate()


def _stored_runs(out: Path) -> int:
    try:
        with sqlite3.connect(f"file:{out / STORE_NAME}?mode=ro", uri=True) as con:
            return con.execute("SELECT count(*) FROM runs").fetchone()[0]
    except sqlite3.Error:
        return 0


# --- dask addresses ------------------------------------------------------------------------

@pytest.fixture
def silent_port():
    """A TCP port on 127.0.0.1 that accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield listener.getsockname()[1]


@pytest.mark.parametrize("scheme", ["tcp", "tls"])
def test_a_port_that_never_speaks_dask_ends_within_the_timeout(
        silent_port, scheme, tmp_path, scenario_file, capsys):
    started = time.monotonic()
    out = tmp_path / "out"
    assert main(["run", str(scenario_file), "-n", "2", "--out", str(out),
                 "--scheduler", f"{scheme}://127.0.0.1:{silent_port}",
                 "--scheduler-timeout", "2"]) == 2
    assert time.monotonic() - started < 15
    line = one_error_line(capsys.readouterr().err)
    assert f"{scheme}://127.0.0.1:{silent_port}" in line
    assert ("no dask scheduler answered within 2 s" in line if scheme == "tcp"
            else "tls:// needs TLS settings" in line)
    assert not out.exists()


def test_a_scheduler_without_workers_ends_within_the_timeout(tmp_path, scenario_file, capsys):
    import distributed

    with distributed.LocalCluster(n_workers=0, processes=False, protocol="tcp",
                                  host="127.0.0.1", dashboard_address=":0",
                                  silence_logs=logging.ERROR) as cluster:
        started = time.monotonic()
        assert main(["run", str(scenario_file), "-n", "2", "--out", str(tmp_path / "out"),
                     "--scheduler", cluster.scheduler_address,
                     "--scheduler-timeout", "2"]) == 2
        assert time.monotonic() - started < 15
    line = one_error_line(capsys.readouterr().err)
    assert "no dask worker joined within 2 s" in line



HALF_SENT_RESULT = '''
import gc, multiprocessing.queues, os, signal, struct, sys, time
from capsim.parallel import map_unordered

def half_sent(x):
    if x == 0:      # a worker stopped halfway through sending its result: only the length
        gc.unfreeze()   # the worker left what it inherited out of gc's view (settle_heap)
        queue = next(o for o in gc.get_objects()
                     if type(o) is multiprocessing.queues.SimpleQueue)
        os.write(queue._writer.fileno(), struct.pack("!i", 1 << 20))
        time.sleep(600)
    time.sleep(0.05)
    return x

def interrupt(signum, frame):
    raise KeyboardInterrupt

signal.signal(signal.SIGALRM, interrupt)
signal.alarm(2)
started = time.monotonic()
try:
    for _ in map_unordered(half_sent, range(40), workers=2):
        pass
except KeyboardInterrupt:
    print(f"stopped in {time.monotonic() - started:.1f} s")
'''


@pytest.mark.skipif(sys.platform != "linux", reason="forks its workers (Linux)")
def test_an_interrupted_pool_ends_even_with_a_result_half_sent(tmp_path):
    """A worker stopped while sending its result leaves part of a message in the pool's pipe;
    stopping the pool must not wait for the rest of it for ever."""
    script = tmp_path / "half_sent.py"
    script.write_text(HALF_SENT_RESULT, encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                          env=os.environ | {"PYTHONPATH": str(ROOT)}, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("stopped in"), done.stdout
    assert float(done.stdout.split()[2]) < 2 + ORPHAN_GRACE_S
