"""The child side of a Python sandbox (see ../sandbox.ts).

Protocol: the parent writes one JSON message per line on stdin; this side answers on stdout, each
message on its own line behind a marker (\\x1e + a nonce), so whatever the code prints is the log.
An audit hook keeps the code's file writes inside its work folder, its reads inside the work folder,
the folders it was given and the interpreter's own files, and refuses to start other programs.
"""
import importlib
import importlib.util
import inspect
import ipaddress
import json
import os
import socket
import sys
import traceback

from llano_guard import check_reach, inside, named_interpreter_sites

NONCE = os.environ.pop("LLANO_SANDBOX_NONCE", "")
WORK = os.path.realpath(os.getcwd())
GIVEN = [os.path.realpath(p) for p in json.loads(os.environ.pop("LLANO_SANDBOX_READ", "[]"))]
LIBRARIES = [os.path.realpath(p) for p in json.loads(os.environ.pop("LLANO_SANDBOX_LIBRARIES", "[]"))]
HERE = os.path.dirname(os.path.realpath(__file__))
SYSTEM = [
    sys.prefix, sys.base_prefix, sys.exec_prefix, "/usr", "/lib", "/lib64", "/proc/self", "/sys/devices/system/cpu",
    "/dev/null", "/dev/urandom", "/etc/localtime", "/etc/timezone", "/etc/mime.types", "/etc/ssl", "/etc/matplotlibrc",
    *named_interpreter_sites(),
]
READABLE = tuple(os.path.realpath(p) for p in [WORK, HERE, *GIVEN, *LIBRARIES, *SYSTEM])
# Internal addresses the code may still connect to (LLANO_OUTBOUND_ALLOW): networks and host names.
_ALLOWED_NETWORKS = []
_ALLOWED_HOSTS = []
for _entry in json.loads(os.environ.pop("LLANO_SANDBOX_OUTBOUND_ALLOW", "[]")):
    try:
        _ALLOWED_NETWORKS.append(ipaddress.ip_network(_entry, strict=False))
    except ValueError:
        _ALLOWED_HOSTS.append(_entry.lower())
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC

_out = sys.stdout
_in = sys.stdin
sys.stdin = open(os.devnull)


_inside = inside


_REFUSED = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "pty.spawn"}
_CHANGES = {"os.remove", "os.rename", "os.rmdir", "os.mkdir", "shutil.rmtree", "os.chmod", "os.symlink", "os.link",
            "os.truncate", "os.chown", "os.utime"}


def _internal(address):
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if any(ip in n for n in _ALLOWED_NETWORKS):
        return False
    return ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast or ip.is_unspecified or ip.is_reserved


def _check_connect(address):
    """The server's own port, the catalog database behind it, cloud metadata: the code reaches only the
    outside world (as HTTP steps and webhooks do), unless LLANO_OUTBOUND_ALLOW lists the address."""
    if not isinstance(address, tuple):
        raise PermissionError("Llano code may not connect to local sockets")
    host = str(address[0]).lower().rstrip(".")
    if any(host == h or (h.startswith("*.") and host.endswith(h[1:])) for h in _ALLOWED_HOSTS):
        return
    try:
        addresses = [str(ipaddress.ip_address(host.split("%")[0]))]
    except ValueError:
        addresses = [info[4][0] for info in socket.getaddrinfo(host, None)]
    if any(_internal(a) for a in addresses):
        raise PermissionError(
            f"Llano code may not connect to {address[0]}: an internal address (LLANO_OUTBOUND_ALLOW lists those allowed)")


def _audit(event, args):
    if event == "open":
        path, mode, flags = (tuple(args) + (None, None, None))[:3]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags > 0 and flags & WRITE_FLAGS)
        if writing and not _inside(path, (WORK,)):
            raise PermissionError(f"Llano code may write only inside its work folder, not {path}")
        if not writing and not _inside(path, READABLE):
            raise PermissionError(f"Llano code may not read {path} (outside its project)")
    elif event in _REFUSED:
        raise PermissionError("Llano code may not start other programs")
    elif event == "socket.connect" or event == "socket.sendto":
        _check_connect(args[1])
    elif event in _CHANGES:
        paths = [a for a in args if isinstance(a, (str, bytes, os.PathLike))]
        if any(not _inside(p, (WORK,)) for p in paths):
            raise PermissionError(f"Llano code may change files only inside its work folder ({event})")
    else:
        check_reach(event, args, WORK, "Llano code")


def _jsonable(value):
    if hasattr(value, "to_dict") and hasattr(value, "columns"):  # a pandas DataFrame
        return value.to_dict(orient="records")
    if hasattr(value, "tolist"):  # numpy arrays and scalars, pandas Series
        return value.tolist()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def send(message):
    _out.write("\x1e" + NONCE + " " + json.dumps(message, default=_jsonable) + "\n")
    _out.flush()


def _error(exc, skip=0):
    """The exception as one line and as a traceback, without the first `skip` frames (this harness's)."""
    tb = exc.__traceback__
    for _ in range(skip):
        tb = tb.tb_next if tb is not None and tb.tb_next is not None else tb
    return {"message": "".join(traceback.format_exception_only(type(exc), exc)).strip(),
            "traceback": "".join(traceback.format_exception(type(exc), exc, tb))}


class HostError(Exception):
    """A function of the host (Llano) refused the call."""


_host_id = 0
# The call being answered: what the code emits while it runs belongs to it.
_call_id = None


def _host_call(method, args):
    global _host_id
    _host_id += 1
    send({"t": "host", "id": _host_id, "method": method, "args": list(args)})
    while True:
        line = _in.readline()
        if not line:
            os._exit(0)
        message = json.loads(line)
        if message.get("t") == "hostReply" and message.get("id") == _host_id:
            if message.get("ok"):
                return message.get("value")
            raise HostError(message.get("error") or "host call failed")


class Llano:
    """The `llano` argument: each attribute is a function of the host, called synchronously."""

    def emit(self, data):
        """Sends `data` to the host now, without waiting (a notebook cell's outputs as they come)."""
        send({"t": "event", "id": _call_id, "data": data})

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *args: _host_call(name, args)


def _accepts(fn, count):
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return True
    if any(p.kind == p.VAR_POSITIONAL for p in params):
        return True
    return len([p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]) >= count


def _wait_for_code():
    """A process started ahead of its code (LLANO_SANDBOX_DEFERRED): imports what it is asked to
    preload (pandas…) while nobody waits, then waits for the parent's word that the entry exists."""
    for name in [n for n in os.environ.pop("LLANO_SANDBOX_PRELOAD", "").split(",") if n]:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - a module missing here is the code's business, not the harness's
            pass
    if not _in.readline():
        sys.exit(0)


def main():
    global _call_id
    if os.environ.pop("LLANO_SANDBOX_DEFERRED", "") == "1":
        _wait_for_code()
    entry = os.path.realpath(sys.argv[1])
    sys.path[:0] = [os.path.dirname(entry), *LIBRARIES]
    sys.addaudithook(_audit)
    try:
        spec = importlib.util.spec_from_file_location("llano_user_code", entry)
        module = importlib.util.module_from_spec(spec)
        sys.modules["llano_user_code"] = module
        spec.loader.exec_module(module)
    except Exception as exc:  # noqa: BLE001 - any load failure is reported as is
        send({"t": "loadError", "error": _error(exc, 1)})
        sys.exit(1)
    functions = [k for k, v in vars(module).items() if callable(v) and not k.startswith("_")]
    send({"t": "ready", "functions": functions})
    llano = Llano()
    while True:
        line = _in.readline()
        if not line:
            return
        message = json.loads(line)
        if message.get("t") != "call":
            continue
        fn = getattr(module, message.get("fn") or "", None)
        if not callable(fn):
            send({"t": "result", "id": message["id"], "ok": False,
                  "error": {"message": f"The code has no function {message.get('fn')}"}})
            continue
        args = list(message.get("args") or [])
        _call_id = message["id"]
        try:
            value = fn(*args, llano) if _accepts(fn, len(args) + 1) else fn(*args)
            send({"t": "result", "id": message["id"], "ok": True, "value": value})
        except MemoryError as exc:
            send({"t": "result", "id": message["id"], "ok": False, "outcome": "memory", "error": _error(exc, 1)})
            os._exit(137)
        except Exception as exc:  # noqa: BLE001 - the code's own errors go back with their traceback
            send({"t": "result", "id": message["id"], "ok": False, "error": _error(exc, 1)})


main()
