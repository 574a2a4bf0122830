"""A notebook's Python kernel: the entry the sandbox harness (src/sandbox/harness/llano_harness.py) loads.

`run_cell(source, llano)` runs one cell in a namespace kept between cells, like Jupyter: what the
cell prints becomes stream outputs, the value of its last expression a result (a pandas DataFrame
a table), `display(x)` and `chart(option)` add outputs, and an exception an error output with the
cell's own traceback. The kernel never catches MemoryError: the harness then stops the process and
the notebook says the kernel restarts.
"""
import ast
import base64
import io
import json
import sys
import traceback

TABLE_ROWS = 1000

_namespace = {"__name__": "__main__", "__builtins__": __builtins__}
_count = 0
_outputs = []


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
        if last and last.get("type") == "text" and last.get("stream") == self.name:
            last["text"] += text
        else:
            _outputs.append({"type": "text", "text": text, "stream": self.name})
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
        _outputs.append(_output(value))


def chart(option):
    """Draws an ECharts option (a dict: xAxis, yAxis, series…) below the cell."""
    _outputs.append({"type": "chart", "option": json.loads(json.dumps(option, default=str))})


def _frame(result):
    rows = [dict(zip([c["name"] for c in result["columns"]], r)) for r in result["rows"]]
    try:
        import pandas
    except ImportError:
        return rows
    return pandas.DataFrame(rows, columns=[c["name"] for c in result["columns"]])


def _error(exc, tb):
    lines = traceback.format_exception(type(exc), exc, tb)
    return {"type": "error", "name": type(exc).__name__, "message": str(exc), "traceback": "".join(lines)}


def run_cell(source, llano):
    global _count, _outputs
    _count += 1
    _outputs = []
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
            return {"outputs": _outputs, "executionCount": _count}
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        try:
            exec(compile(tree, name, "exec"), _namespace)
            if last is not None:
                value = eval(compile(last, name, "eval"), _namespace)
                if value is not None:
                    _outputs.append(_output(value))
        except MemoryError:
            raise
        except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt are the cell's errors too
            # The first frame is this function's: the traceback starts in the cell.
            _outputs.append(_error(exc, exc.__traceback__.tb_next if exc.__traceback__ else None))
    finally:
        sys.stdout, sys.stderr = out, err
    return {"outputs": _outputs, "executionCount": _count}
