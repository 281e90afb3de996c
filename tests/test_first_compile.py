"""The first run after an install: what `capsim.run.ready_engine` compiles beside the engine."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import sys
from capsim.model.engine import cached
from capsim.run import _compile_beside
assert not cached()
process = _compile_beside()
assert process is not None, "nothing started beside a first compile"
process.join()
print(process.exitcode)
"""


@pytest.mark.skipif(os.environ.get("NUMBA_DISABLE_JIT") == "1", reason="nothing compiles")
@pytest.mark.skipif(sys.platform == "win32", reason="no fork")
def test_beside_the_engine_a_process_compiles_the_rest_into_an_empty_cache(tmp_path):
    cache = tmp_path / "numba-cache"
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache))
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split()[-1] == "0"
    written = {p.name.split("-")[0] for p in cache.rglob("*.nbi")}
    # The results' passes and the admissions loop are in the cache; the engine is not: this
    # process compiles it meanwhile, and compiling it twice would gain nothing.
    assert any(name.startswith("results.") for name in written), written
    assert any(name.startswith("admissions.") for name in written), written
    assert not any(name.startswith("pathway.") for name in written), written


def test_nothing_is_started_beside_an_engine_already_compiled():
    from capsim.model import ensure_compiled
    from capsim.run import _compile_beside

    ensure_compiled()
    assert _compile_beside() is None
