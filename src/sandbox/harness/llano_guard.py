"""Checks both Python sandboxes make in their audit hooks (the code's harness, llano_harness.py, and
webapp backends' runner, src/webapps/python-runner-source.ts): what the file checks do not see.

SQLite opens its files in C and ctypes runs native code, so neither passes the "open" audit event:
a notebook cell once opened the catalog with sqlite3 and made its user an admin (a trial)."""
import os
import sys

# Loading a library, finding its functions, calling through pointers, reading raw memory
# (numpy and pandas load theirs before any code runs).
NATIVE = {"ctypes.dlsym", "ctypes.dlsym/handle", "ctypes.call_function", "ctypes.cdata", "ctypes.cdata/buffer"}


def inside(path, roots):
    if isinstance(path, int) or path is None:
        return True  # an already open descriptor
    p = os.path.realpath(os.fsdecode(path))
    return any(p == r or p.startswith(r.rstrip("/") + "/") for r in roots)


def named_interpreter_sites():
    """Site folders of the interpreter a Llano venv was made from, when that one is itself a venv: they
    are the interpreter's own files, listed in the .pth file src/recipes/code/python-venvs.ts writes."""
    folders = []
    # Only the venv's own site folders: no folder the code could write into is read for it.
    for entry in (e for e in sys.path if e and inside(e, (sys.prefix,))):
        try:
            with open(os.path.join(entry, "llano-named-interpreter.pth")) as f:
                folders += [line.strip() for line in f if line.strip()]
        except OSError:
            continue
    return folders


def sqlite_path(database):
    """The file a sqlite3.connect opens, None for an in-memory database."""
    if not isinstance(database, (str, bytes, os.PathLike)):
        return None
    name = os.fsdecode(database)
    if name.startswith("file:"):
        name = name[len("file:"):].split("?")[0]
    return None if name in ("", ":memory:") else name


def check_reach(event, args, work, who):
    """Raises PermissionError for a SQLite file outside `work` (SQLite opens files for writing) and for
    native code through ctypes; `who` names the code in the message ("Llano code")."""
    if event == "sqlite3.connect":
        path = sqlite_path(args[0])
        if path is not None and not inside(path, (work,)):
            raise PermissionError(f"{who} may open SQLite databases only inside its own folder, not {path}")
    elif (event == "ctypes.dlopen" and args[0] is not None) or event in NATIVE:
        raise PermissionError(f"{who} may not use native code through ctypes ({event})")
