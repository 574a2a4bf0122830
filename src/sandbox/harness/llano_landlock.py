"""Confines a program to the folders it is given, with Linux's Landlock, then becomes that program.

    python3 -I -S llano_landlock.py RULES_JSON PROGRAM [ARG...]
    python3 -I -S llano_landlock.py --abi        (prints the kernel's Landlock ABI, 0 when there is none)

RULES_JSON: {"read": [...], "write": [...], "execute": [...]}, absolute paths that exist. "read": files
and folders it may read (a folder: everything beneath); "write": folders it may also create, change and
delete in; "execute": the only files it may run (the program and its ELF loader: Landlock checks the
loader too). Everything else is refused by the kernel (EACCES), for the program and every process it
starts, for its whole life: PR_SET_NO_NEW_PRIVS first, so no set-uid program can lift the rules.

Used for code in a language that has no permission model of its own (R; see ../sandbox.ts and
README.md). Python with ctypes is on every machine that runs Llano's code; nothing to build.
"""
import ctypes
import json
import os
import sys

# x86_64 and aarch64 (the generic table) syscall numbers.
SYSCALLS = {"x86_64": (444, 445, 446), "aarch64": (444, 445, 446)}
PR_SET_NO_NEW_PRIVS = 38
CREATE_RULESET_VERSION = 1
RULE_PATH_BENEATH = 1

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
TRUNCATE, IOCTL_DEV = 1 << 14, 1 << 15
# The rights of each ABI: 1 knows 13, 2 adds REFER (moving files between folders), 3 TRUNCATE, 5 IOCTL_DEV.
ALL_BY_ABI = {1: (1 << 13) - 1, 2: (1 << 14) - 1, 3: (1 << 15) - 1, 4: (1 << 15) - 1}
FILE_RIGHTS = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


class RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64)]


class PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def numbers():
    machine = os.uname().machine
    if machine not in SYSCALLS:
        return None
    return SYSCALLS[machine]


def abi():
    """The Landlock ABI version of this kernel, 0 when Landlock is missing or disabled."""
    nrs = numbers()
    if nrs is None:
        return 0
    version = libc.syscall(nrs[0], None, ctypes.c_size_t(0), ctypes.c_uint32(CREATE_RULESET_VERSION))
    return max(0, version)


def fail(message):
    sys.stderr.write(f"Llano could not confine the code: {message}\n")
    sys.exit(126)


def confine(rules):
    version = abi()
    if version < 1:
        fail("this kernel has no Landlock (Linux 5.13 or later, with landlock in the lsm= boot list)")
    create, add, restrict = numbers()
    handled = ALL_BY_ABI.get(version, (1 << 16) - 1)
    attr = RulesetAttr(handled)
    ruleset = libc.syscall(create, ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr)), ctypes.c_uint32(0))
    if ruleset < 0:
        fail(f"landlock_create_ruleset: {os.strerror(ctypes.get_errno())}")
    read = READ_FILE | READ_DIR
    write = handled & ~EXECUTE
    grants = [(p, read) for p in rules.get("read", [])]
    grants += [(p, write) for p in rules.get("write", [])]
    grants += [(p, EXECUTE | READ_FILE) for p in rules.get("execute", [])]
    for path, rights in grants:
        try:
            fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
        except FileNotFoundError:
            continue  # a folder a machine does not have (/lib64 on some) grants nothing
        try:
            is_dir = os.path.isdir(path)
            beneath = PathBeneathAttr(rights if is_dir else rights & FILE_RIGHTS, fd)
            if libc.syscall(add, ctypes.c_int(ruleset), ctypes.c_int(RULE_PATH_BENEATH), ctypes.byref(beneath), ctypes.c_uint32(0)) < 0:
                fail(f"landlock_add_rule {path}: {os.strerror(ctypes.get_errno())}")
        finally:
            os.close(fd)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        fail(f"prctl(PR_SET_NO_NEW_PRIVS): {os.strerror(ctypes.get_errno())}")
    if libc.syscall(restrict, ctypes.c_int(ruleset), ctypes.c_uint32(0)) < 0:
        fail(f"landlock_restrict_self: {os.strerror(ctypes.get_errno())}")
    os.close(ruleset)


def main():
    if sys.argv[1:] == ["--abi"]:
        print(abi())
        return
    if len(sys.argv) < 3:
        fail("usage: llano_landlock.py RULES_JSON PROGRAM [ARG...]")
    confine(json.loads(sys.argv[1]))
    program = sys.argv[2]
    try:
        os.execve(program, sys.argv[2:], os.environ)
    except OSError as error:
        sys.stderr.write(f"Llano's confined code cannot run {program}: {error.strerror}\n")
        sys.exit(126)


main()
