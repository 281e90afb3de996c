"""Writing output files: the place checked before a long run, and every file written whole or
not at all.

Each writer (tables, charts, the report, the scenario copy, schema files) writes through
`atomic_path`: the content goes to a temporary file in the same folder, which then
replaces the destination in one step (``os.replace``). A full disk, a killed process or an
error while writing leaves the previous file as it was and no partial file beside it.
`check_out_dir` and `check_out_file` find a place that cannot be written before
anything is simulated, so a planner does not wait for a run whose results are then lost.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from capsim.errors import CapsimError

#: Prefix of the temporary files written beside their destination (removed on failure).
TEMP_PREFIX = ".capsim-tmp-"


def _reason(exc: OSError) -> str:
    """The reason of an operating-system error in words (no errno number)."""
    return exc.strerror or type(exc).__name__


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; when the block ends without an error, the
    temporary file replaces ``path`` at once. On any error (or interruption) the temporary file
    is removed and ``path`` keeps its previous content. Raises `CapsimError` naming
    ``path`` when the folder cannot be written (read-only, full, not a folder)."""
    path = Path(path)
    if path.is_symlink():               # write the file it points to, keep the link
        path = path.resolve()
    if path.exists() and not path.is_file():
        raise CapsimError(f"{path}: exists and is not a regular file; give another name")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=path.suffix, dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise CapsimError(f"{path}: cannot write here ({_reason(exc)})") from None
    tmp = Path(name)
    try:
        yield tmp
        _keep_mode(tmp, path)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CapsimError(f"{path}: cannot write ({_reason(exc)}); "
                          "the previous file, if any, is unchanged") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _keep_mode(tmp: Path, path: Path) -> None:
    """Give the new file the permissions an ordinary new file gets (mkstemp makes it private)."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)


def write_text(path: str | Path, text: str) -> Path:
    """Write ``text`` as UTF-8 to ``path`` atomically; return the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
    return Path(path)


def write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def write_csv(table: Any, path: str | Path, **options: Any) -> Path:
    """Write a pandas table as CSV (``index=False`` unless ``options`` say otherwise) to
    ``path`` atomically, its text cells made safe to open in a spreadsheet
    (`capsim.formatting.spreadsheet_safe`); return the path. A table holding text
    beyond ASCII (Chinese names) is written as UTF-8 with a byte-order mark, without which
    Excel reads the file in the system's legacy code page and garbles it; others as plain
    UTF-8 (an ``encoding`` option overrides both). pandas and Python's ``utf-8-sig`` read
    either."""
    from capsim.formatting import spreadsheet_safe

    safe = spreadsheet_safe(table)
    options = {"index": False, "encoding": "utf-8-sig" if holds_non_ascii(safe) else "utf-8"} \
        | options
    with atomic_path(path) as tmp:
        safe.to_csv(tmp, **options)
    return Path(path)


def holds_non_ascii(table: Any) -> bool:
    """Whether a DataFrame's column names or text cells hold a character beyond ASCII."""
    texts = [str(c) for c in table.columns]
    for col in table.columns:
        if table[col].dtype.kind not in "biufcmM":
            texts.extend(str(v) for v in table[col].dropna().unique())
    return any(not t.isascii() for t in texts)


def copy_file(src: str | Path, dst: str | Path) -> Path:
    """Copy the file ``src`` to ``dst`` atomically; return ``dst``. ``src`` is read before
    ``dst`` is touched, so copying a file onto itself leaves it as it was."""
    try:
        data = Path(src).read_bytes()
    except OSError as exc:
        raise CapsimError(f"{src}: cannot read ({_reason(exc)})") from None
    return write_bytes(dst, data)


def check_out_dir(folder: str | Path) -> Path:
    """Check that the output folder ``folder`` can be made (if missing) and written, without
    leaving anything in it; return it. Raises `CapsimError` saying why not."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise CapsimError(f"{folder}: exists and is not a folder; give a folder")
    _check_writable(folder, str(folder))
    return folder


def check_out_file(path: str | Path) -> Path:
    """Check that the output file ``path`` can be written (its folder made if missing) without
    touching it; return it. Raises `CapsimError` saying why not."""
    path = Path(path)
    if path.is_dir():
        raise CapsimError(f"{path}: is a folder; give a file name")
    if path.exists() and not path.is_file():
        raise CapsimError(f"{path}: exists and is not a regular file")
    _check_writable(path.parent, str(path))
    return path


def _check_writable(folder: Path, what: str) -> None:
    """Raise CapsimError unless a file can be created in ``folder`` (or, when it does not exist
    yet, in its nearest existing ancestor, where the folders would be made). Tries for real:
    permission bits do not tell for root, read-only mounts or /proc."""
    probe_in = folder
    while not probe_in.exists():
        if probe_in.parent == probe_in:
            break
        probe_in = probe_in.parent
    if not probe_in.is_dir():
        raise CapsimError(f"{what}: {probe_in} is not a folder")
    try:
        fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=probe_in)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        raise CapsimError(f"{what}: cannot write in {probe_in} ({_reason(exc)})") from None


def remove_stale(paths: list[Path]) -> None:
    """Remove files a previous run left that this run did not write. A file that cannot be
    removed is left: it is an old output, not a failure of this run."""
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:
            continue
