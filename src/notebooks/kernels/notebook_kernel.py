"""A notebook's Python kernel: the entry the sandbox harness (src/sandbox/harness/llano_harness.py) loads.

`run_cell(source, llano)` runs one cell in a namespace kept between cells, like Jupyter: what the
cell prints becomes stream outputs, the value of its last expression a result (a pandas DataFrame
a table), `display(x)` and `chart(option)` add outputs, and an exception an error output with the
cell's own traceback. The kernel never catches MemoryError: the harness then stops the process and
the notebook says the kernel restarts.

While the cell runs, each printed line and each finished output is also sent to the server at once
(`llano.emit`), so the page shows them as they come: printed lines within a budget (SEND_BURST at
once, then SEND_RATE a second), lines beyond it shortly after, when the budget allows (a SIGALRM
timer, so a cell that prints a burst and then sleeps still shows its tail). SIGINT (the
notebook's Interrupt) raises KeyboardInterrupt in the cell and nowhere else: the cell ends with
what it printed so far and the kernel keeps its variables.
"""
import ast
import base64
import io
import json
import signal
import sys
import time
import traceback

TABLE_ROWS = 1000
# As STREAM_BURST and STREAM_RATE in ../stream-outputs.ts.
SEND_BURST = 200
SEND_RATE = 50.0

_namespace = {"__name__": "__main__", "__builtins__": __builtins__}
_count = 0
_outputs = []
_llano = None
_budget = SEND_BURST
_budget_at = 0.0
# Text printed but not sent yet, per stream: it goes line by line.
_unsent = {"stdout": "", "stderr": ""}
_in_cell = False
# While a message to the server is being written, an interrupt waits (a line cut short would break the channel).
_sending = False
_interrupt_waiting = False


def _on_interrupt(signum, frame):
    global _interrupt_waiting
    # Between cells (the harness waiting for the next call) an interrupt that came late is dropped.
    if not _in_cell:
        return
    if _sending:
        _interrupt_waiting = True
        return
    raise KeyboardInterrupt


signal.signal(signal.SIGINT, _on_interrupt)

# Frames of this file and of the harness: text is not sent from the timer while one of them runs
# (a message half written to the channel, or the kernel's own state half updated).
_OWN_FILES = {__file__}


def _inside_own_code(frame):
    while frame is not None and frame.f_code is not run_cell.__code__:
        if frame.f_code.co_filename in _OWN_FILES:
            return True
        frame = frame.f_back
    return False


def _arm_timer():
    # Code of the cell that set its own SIGALRM handler owns the alarm: its tail then waits as before.
    if signal.getsignal(signal.SIGALRM) is _on_timer and signal.getitimer(signal.ITIMER_REAL)[0] == 0:
        signal.setitimer(signal.ITIMER_REAL, 1 / SEND_RATE)


def _on_timer(signum, frame):
    """Sends printed text held back by the budget, once the budget allows: nothing else would."""
    if not _in_cell or not (_unsent["stdout"] or _unsent["stderr"]):
        return
    if _sending or _inside_own_code(frame) or not _may_send():
        _arm_timer()
        return
    _send_text("stdout")
    _send_text("stderr")


signal.signal(signal.SIGALRM, _on_timer)


def _may_send():
    """Whether printed text may go now: a cell printing in a tight loop must not flood the server."""
    global _budget, _budget_at
    now = time.monotonic()
    _budget = min(SEND_BURST, _budget + (now - _budget_at) * SEND_RATE)
    _budget_at = now
    if _budget < 1:
        return False
    _budget -= 1
    return True


def _emit(output):
    global _sending, _interrupt_waiting
    if _llano is None:
        return
    _sending = True
    try:
        _llano.emit(output)
    finally:
        _sending = False
    if _interrupt_waiting:
        _interrupt_waiting = False
        raise KeyboardInterrupt


def _send_text(name):
    text, _unsent[name] = _unsent[name], ""
    if text:
        _emit({"type": "text", "text": text, "stream": name})


def _add(output):
    """A finished output: what was printed before it is sent first, then it."""
    _send_text("stdout")
    _send_text("stderr")
    _outputs.append(output)
    _emit(output)


class _Stream(io.TextIOBase):
    """stdout or stderr of a cell: consecutive writes to one stream make one output."""

    def __init__(self, name):
        self.name = name

    def writable(self):
        return True

    def write(self, text):
        if not text:
            return 0
        last = _outputs[-1] if _outputs else None
        # Pieces joined once the cell ends (`_finished`): adding to the text each time is quadratic.
        if last and last.get("type") == "text" and last.get("stream") == self.name and "_parts" in last:
            last["_parts"].append(text)
        else:
            _outputs.append({"type": "text", "text": "", "stream": self.name, "_parts": [text]})
        _unsent[self.name] += text
        if "\n" in text:
            if _may_send():
                _send_text(self.name)
            else:
                _arm_timer()
        return len(text)


def _is_frame(value):
    return type(value).__name__ == "DataFrame" and hasattr(value, "dtypes") and hasattr(value, "to_json")


def _table(frame):
    frame = frame.reset_index(drop=True) if type(frame.index).__name__ == "RangeIndex" else frame.reset_index()
    head = frame.head(TABLE_ROWS)
    rows = json.loads(head.to_json(orient="values", date_format="iso")) if len(head) else []
    return {
        "type": "table",
        "columns": [{"name": str(c), "type": str(t)} for c, t in zip(frame.columns, frame.dtypes)],
        "rows": rows,
        "total": int(len(frame)),
    }


def _output(value):
    if _is_frame(value):
        return _table(value)
    if type(value).__name__ == "Series" and hasattr(value, "to_frame"):
        return _table(value.to_frame())
    if hasattr(value, "_repr_png_"):
        png = value._repr_png_()
        if png:
            return {"type": "image", "mime": "image/png", "data": base64.b64encode(png).decode("ascii")}
    if hasattr(value, "savefig"):  # a matplotlib figure
        buffer = io.BytesIO()
        value.savefig(buffer, format="png")
        return {"type": "image", "mime": "image/png", "data": base64.b64encode(buffer.getvalue()).decode("ascii")}
    return {"type": "text", "text": repr(value)}


def display(*values):
    """Shows each value below the cell (a DataFrame as a table)."""
    for value in values:
        _add(_output(value))


def chart(option):
    """Draws an ECharts option (a dict: xAxis, yAxis, series…) below the cell."""
    _add({"type": "chart", "option": json.loads(json.dumps(option, default=str))})


# How a recipe's to_pandas() sees a DuckDB type (see `_kind` of the Python recipe entry): a cell's
# frame has the same dtypes, built by the same function (llano_parquet.to_frame).
_INTEGER = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT"}
_FILLER = {"int": ("int64", 0), "float": ("float64", 0.0), "bool": (bool, False)}


def _column_kind(duck_type):
    t = duck_type.upper()
    if t in _INTEGER:
        return "int"
    if t in ("FLOAT", "DOUBLE", "REAL") or t.startswith("DECIMAL"):
        return "float"
    return "bool" if t == "BOOLEAN" else "str"


def _frame(result):
    """The rows of `sql()` or `dataset()` as a DataFrame typed like a recipe's to_pandas() (int64 or
    Int64 with NULLs, float64, boolean, object); a list of dicts when pandas is not installed."""
    names = [c["name"] for c in result["columns"]]
    try:
        import numpy
        import pandas  # noqa: F401 - to_frame imports it; without it, rows
        import llano_parquet
    except ImportError:
        return [dict(zip(names, r)) for r in result["rows"]]
    columns, kinds = {}, {}
    for i, c in enumerate(result["columns"]):
        values = [r[i] for r in result["rows"]]
        valid = numpy.array([v is not None for v in values], bool)
        kind = _column_kind(c["type"])
        try:
            dtype, filler = _FILLER[kind]
            array = numpy.array([filler if v is None else v for v in values], dtype)
        except (KeyError, OverflowError, TypeError, ValueError):
            # Text, or values numpy cannot hold (a HUGEINT beyond int64): as they came.
            kind, array = "str", numpy.empty(len(values), object)
            array[:] = values  # one element each, lists (LIST columns) included
        columns[c["name"]] = (array, None if valid.all() else valid)
        kinds[c["name"]] = kind
    return llano_parquet.to_frame(columns, kinds)


def _error(exc, tb):
    if isinstance(exc, KeyboardInterrupt):
        # The kernel's own frames (printing, the SIGINT handler) are not the cell's.
        at = tb
        while at is not None and at.tb_next is not None:
            if at.tb_next.tb_frame.f_code.co_filename == __file__:
                at.tb_next = None
            at = at.tb_next
    lines = traceback.format_exception(type(exc), exc, tb)
    message = "Interrupted" if isinstance(exc, KeyboardInterrupt) and not str(exc) else str(exc)
    return {"type": "error", "name": type(exc).__name__, "message": message, "traceback": "".join(lines)}


def _finished():
    for output in _outputs:
        if "_parts" in output:
            output["text"] = "".join(output.pop("_parts"))
    return {"outputs": _outputs, "executionCount": _count}


def run_cell(source, llano):
    global _count, _outputs, _llano, _budget, _budget_at, _in_cell, _interrupt_waiting
    _count += 1
    _outputs = []
    _llano, _budget, _budget_at = llano, SEND_BURST, time.monotonic()
    _OWN_FILES.add(type(llano).emit.__code__.co_filename)
    _interrupt_waiting = False
    _unsent.update(stdout="", stderr="")
    name = f"<cell {_count}>"
    _namespace.update(
        llano=llano,
        sql=lambda query: _frame(llano.sql(query)),
        dataset=lambda dataset_name: _frame(llano.dataset(dataset_name)),
        display=display,
        chart=chart,
    )
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Stream("stdout"), _Stream("stderr")
    try:
        try:
            tree = ast.parse(source, name, "exec")
        except SyntaxError as exc:
            _outputs.append(_error(exc, None))
            return _finished()
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        try:
            _in_cell = True
            try:
                exec(compile(tree, name, "exec"), _namespace)
                value = None if last is None else eval(compile(last, name, "eval"), _namespace)
            finally:
                _in_cell = False
                if signal.getsignal(signal.SIGALRM) is _on_timer:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            if value is not None:
                _outputs.append(_output(value))
        except MemoryError:
            raise
        except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt are the cell's errors too
            # The first frame is this function's: the traceback starts in the cell.
            _outputs.append(_error(exc, exc.__traceback__.tb_next if exc.__traceback__ else None))
    finally:
        sys.stdout, sys.stderr = out, err
    return _finished()
