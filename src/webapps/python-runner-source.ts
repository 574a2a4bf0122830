/**
 * The two Python files a Python webapp runs with, written next to (not into) its folder:
 * `llano_wsgi.py` serves the app's WSGI `app` on a loopback port (werkzeug, threaded), and
 * `llano.py` is the module the app imports to read datasets with the viewer's permissions.
 * Kept as text here so the server needs no files beside its own code.
 */

export const WSGI_RUNNER = String.raw`"""Serves app.py's WSGI app on 127.0.0.1:<port> for Llano (see src/webapps/webapp-python.ts)."""
import importlib.util
import os
import sys

from llano_guard import check_reach, inside, named_interpreter_sites

WORK = os.path.realpath(os.getcwd())
HERE = os.path.dirname(os.path.realpath(__file__))
SYSTEM = [sys.prefix, sys.base_prefix, sys.exec_prefix, "/usr", "/lib", "/lib64", "/proc/self", "/dev/null",
          "/dev/urandom", "/etc/localtime", "/etc/timezone", "/etc/mime.types", "/etc/ssl", "/etc/hosts",
          "/etc/resolv.conf", "/etc/nsswitch.conf", "/etc/host.conf", "/etc/gai.conf", "/etc/matplotlibrc",
          *named_interpreter_sites()]
READABLE = tuple(os.path.realpath(p) for p in [WORK, HERE, *SYSTEM])
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


_inside = inside


def _audit(event, args):
    # The app may read its own folder and the interpreter's files, write only its own folder, start no programs.
    if event == "open":
        path, mode, flags = (tuple(args) + (None, None, None))[:3]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags > 0 and flags & WRITE_FLAGS)
        if writing and not _inside(path, (WORK,)):
            raise PermissionError(f"A Llano webapp may write only inside its own folder, not {path}")
        if not writing and not _inside(path, READABLE):
            raise PermissionError(f"A Llano webapp may not read {path} (outside its project)")
    elif event in ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork"):
        raise PermissionError("A Llano webapp may not start other programs")
    else:
        check_reach(event, args, WORK, "A Llano webapp")


def main():
    port = int(sys.argv[1])
    sys.path.insert(0, WORK)
    sys.path.insert(0, HERE)
    # The project's libraries (written there by webapp-python.ts), importable by name as in code recipes.
    sys.path.insert(2, os.path.join(WORK, "lib"))
    import llano
    from werkzeug.serving import WSGIRequestHandler, run_simple

    spec = importlib.util.spec_from_file_location("app", os.path.join(WORK, "app.py"))
    module = importlib.util.module_from_spec(spec)
    sys.addaudithook(_audit)
    spec.loader.exec_module(module)
    app = getattr(module, "app", None)
    if app is None:
        raise SystemExit("app.py defines no WSGI 'app' (e.g. app = Flask(__name__))")
    if hasattr(app, "server") and not hasattr(app, "wsgi_app"):
        app = app.server  # a Dash app: its Flask server

    def served(environ, start_response):
        # Llano mounts the app under a per-viewer prefix; Flask's url_for then writes links below it.
        prefix = environ.get("HTTP_X_LLANO_SCRIPT_NAME")
        if prefix:
            environ["SCRIPT_NAME"] = prefix
        llano._begin(environ)
        return app(environ, start_response)

    class Handler(WSGIRequestHandler):
        def log_request(self, code="-", size="-"):
            print(f"{self.command} {self.path.split('?')[0]} {code}", flush=True)

    print(f"serving app.py on 127.0.0.1:{port}", flush=True)
    run_simple("127.0.0.1", port, served, threaded=True, use_reloader=False, use_debugger=False,
               request_handler=Handler)


if __name__ == "__main__":
    main()
`;

export const LLANO_MODULE = String.raw`"""Datasets of the project, read with the permissions of whoever views the webapp.

    import llano
    llano.user()                                   # the viewer's username
    llano.role()                                   # their effective role: admin, writer, reader, viewer
    llano.via_api_key()                            # True when they called with an API key
    llano.rows("obs", filters=["antenna:eq:DA41"], columns=["ts", "trec"], limit=1000)
    llano.aggregate("obs", group_by=["antenna"], measures=[{"column": "trec", "agg": "avg"}])
    llano.sql("SELECT antenna, avg(trec) AS t FROM obs WHERE trec > $1 GROUP BY 1", [30])
    llano.dataframe("obs", limit=10000)            # a pandas DataFrame

Each returns {"columns": [...], "types": [...], "rows": [{column: value}, ...]} (dataframe: a DataFrame).
Call them while answering a request (the viewer is that request's). Grant the app's own powers by
role(), never by user(): an admin's reader API key is "reader", a non-member it is shared with "viewer".
"""
import json
import threading
import urllib.error
import urllib.request

_request = threading.local()


class LlanoError(Exception):
    pass


def _begin(environ):
    _request.api = environ.get("HTTP_X_LLANO_API")
    _request.user = environ.get("HTTP_X_LLANO_USER")
    _request.role = environ.get("HTTP_X_LLANO_ROLE")
    _request.api_key = environ.get("HTTP_X_LLANO_API_KEY") == "true"


def user():
    return getattr(_request, "user", None)


def role():
    return getattr(_request, "role", None)


def via_api_key():
    return getattr(_request, "api_key", False)


def _call(what, body):
    api = getattr(_request, "api", None)
    if not api:
        raise LlanoError("llano." + what + " works while answering a request that came through Llano")
    data = json.dumps(body).encode("utf-8")
    req = urllib.request.Request(api + what, data=data, method="POST", headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=120) as answer:
            return json.load(answer)
    except urllib.error.HTTPError as e:
        try:
            message = json.load(e)["error"]["message"]
        except Exception:
            message = str(e)
        raise LlanoError(message) from None


def rows(dataset, filters=None, columns=None, limit=100, offset=0, sort=None):
    body = {"dataset": dataset, "filters": filters or [], "limit": limit, "offset": offset, "sort": sort or []}
    if columns is not None:
        body["columns"] = columns
    return _call("rows", body)


def aggregate(dataset, group_by=None, measures=None, filters=None, limit=1000):
    return _call("aggregate", {"dataset": dataset, "groupBy": group_by or [], "measures": measures or [{"agg": "count"}],
                               "filters": filters or [], "limit": limit})


def sql(query, params=None, limit=1000):
    return _call("sql", {"query": query, "params": params if params is not None else [], "limit": limit})


def dataframe(dataset, **options):
    import pandas
    table = rows(dataset, **options)
    return pandas.DataFrame(table["rows"], columns=table["columns"])
`;
