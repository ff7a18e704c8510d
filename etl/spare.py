"""A spare warehouse one step behind the current one, so that an add or remove need not copy the whole file.

An update never writes into the warehouse readers have open: it writes another
file and renames it over the warehouse. Copying the warehouse to get that file
cost 1-4 s at 10,000 documents (570 MB) on a shared 2-core machine, more than
the update itself. Instead the version an update replaces is kept, as a hard
link taken just before the rename (no copy), with the step that leads from it
to the current version. The next update renames the spare to its private
file, replays that step on it, applies its own and renames it over the
warehouse; the version it replaces becomes the next spare. A full build
leaves a copy of what it wrote as the spare, with no step to replay.

A spare is taken only when it is what it claims to be: the warehouse and the
spare are the files the record names (same inode, size and modification
time: a build, an `eval` writing scores or anything else that replaced or
wrote the warehouse makes the record void) and no connection of this process
holds the spare (another process's connection holds DuckDB's file lock and
makes the update's connection fail). Otherwise the update copies, as before.
The record is deleted before the spare is touched and written after the
rename, so a kill at any point leaves at worst no spare, never a wrong one.
"""
import os
import pickle
import shutil
from pathlib import Path
from types import SimpleNamespace


def spare_path(warehouse):
    return Path(f"{warehouse}.spare")


def record_path(warehouse):
    return Path(f"{warehouse}.spare-step")


def _identity(path):
    st = os.stat(path)
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def _open_in_this_process(path):
    """True when a file descriptor of this process points at `path`'s inode (the dashboard's own add page).

    DuckDB's lock between processes does not hold within one: a read-only
    connection here would read a file being rewritten under it.
    """
    target = os.stat(path)
    fd_dir = Path("/proc/self/fd")
    if not fd_dir.is_dir():
        return True   # cannot tell: do not use the spare
    for fd in fd_dir.iterdir():
        try:
            st = os.stat(fd)
        except OSError:
            continue
        if (st.st_dev, st.st_ino) == (target.st_dev, target.st_ino):
            return True
    return False


def discard(warehouse):
    """Drop the spare and its record (a build replaces the warehouse; the spare no longer leads to it)."""
    record_path(warehouse).unlink(missing_ok=True)
    spare_path(warehouse).unlink(missing_ok=True)


def take(warehouse, target):
    """Move a valid spare to `target` and return (step,) with the step to replay on it (None: nothing), or None.

    With None the spare, if any, is gone and the caller copies the warehouse.
    """
    warehouse, record, spare = Path(warehouse), record_path(warehouse), spare_path(warehouse)
    try:
        with open(record, "rb") as fh:
            saved = pickle.load(fh)
        valid = (not warehouse.is_symlink() and saved["warehouse"] == _identity(warehouse)
                 and saved["spare"] == _identity(spare) and saved["spare"][:2] != saved["warehouse"][:2]
                 and not _open_in_this_process(spare))
    except (OSError, EOFError, pickle.UnpicklingError, KeyError, TypeError, AttributeError, ImportError):
        valid = False
    record.unlink(missing_ok=True)   # from here on a kill leaves no record: the spare is never trusted half-replayed
    if not valid:
        spare.unlink(missing_ok=True)
        return None
    os.replace(spare, target)
    step = saved["step"]
    if step is not None:
        step = dict(step, add=[SimpleNamespace(**fields) for fields in step["add"]])
    return (step,)


def leave(warehouse, previous, step):
    """Keep `previous` (a name of the replaced version) as the spare, with the step that leads from it to the warehouse."""
    warehouse, record = Path(warehouse), record_path(warehouse)
    os.replace(previous, spare_path(warehouse))
    if step is not None:   # the added documents' fields, not their class: reading them back imports no extraction code
        step = dict(step, add=[dict(vars(result)) for result in step["add"]])
    tmp = Path(f"{warehouse}.tmp-{os.getpid()}.step")
    with open(tmp, "wb") as fh:
        pickle.dump({"warehouse": _identity(warehouse), "spare": _identity(spare_path(warehouse)), "step": step},
                    fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, record)


def swap_in(warehouse, new, step):
    """Rename `new` over the warehouse, keeping the version it replaces as the spare one `step` behind."""
    warehouse = Path(warehouse)
    previous = Path(f"{warehouse}.tmp-{os.getpid()}.previous")
    previous.unlink(missing_ok=True)
    has_previous = warehouse.is_file() and not warehouse.is_symlink()
    if has_previous:
        try:
            os.link(warehouse, previous)   # a second name for the version readers have open: no copy
        except OSError:                    # a file system without hard links: no spare, the next update copies
            has_previous = False
    os.replace(new, warehouse)
    if has_previous:
        leave(warehouse, previous, step)


def copy_in(warehouse, written):
    """After a full build: `written` (not yet renamed over the warehouse) is copied as the spare, nothing to replay."""
    warehouse = Path(warehouse)
    discard(warehouse)
    copy = Path(f"{warehouse}.tmp-{os.getpid()}.copy")
    shutil.copyfile(written, copy)
    fd = os.open(copy, os.O_RDONLY)
    try:
        os.fsync(fd)   # the spare becomes a warehouse: as durable as the one DuckDB wrote
    finally:
        os.close(fd)
    os.replace(written, warehouse)
    leave(warehouse, copy, None)
