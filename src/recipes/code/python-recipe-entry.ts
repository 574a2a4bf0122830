/** The Python recipe harness (written to the run folder as recipe_entry.py; the sandbox calls its run_recipe). Kept as text: dist/ holds only compiled JavaScript. */
export const PYTHON_RECIPE_ENTRY = String.raw`# The Python recipe harness: runs inside the sandbox, which calls run_recipe(config, llano).
# Inputs are binary column files (numbers as DuckDB holds them, text as UTF-8; see
# column-export.ts) when their types all have one, else CSV files exported by DuckDB (NULL
# written as \N), read with their DuckDB types;
# the output is a CSV file with a header, its schema declared or inferred from the first rows.
import csv
import datetime
import itertools
import decimal
import math
import re
import os
import sys
import types

NULL = '\\N'
_INTEGER = {'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT'}
_FLOAT = {'FLOAT', 'DOUBLE', 'REAL'}


def _kind(duck_type):
    t = duck_type.upper()
    if t in _INTEGER:
        return 'int'
    if t in _FLOAT or t.startswith('DECIMAL'):
        return 'float'
    if t == 'BOOLEAN':
        return 'bool'
    return 'str'


def _bool(text):
    return text.lower() in ('true', 't', '1')


_CONVERT = {'int': int, 'float': float, 'bool': _bool, 'str': None}


# The binary columns' value formats (memoryview.cast codes, numpy dtypes), little-endian as on x86 and ARM.
_CAST = {'BOOLEAN': 'B', 'TINYINT': 'b', 'UTINYINT': 'B', 'SMALLINT': 'h', 'USMALLINT': 'H', 'INTEGER': 'i',
         'UINTEGER': 'I', 'BIGINT': 'q', 'UBIGINT': 'Q', 'DOUBLE': 'd'}


def _read_bytes(path):
    with open(path, 'rb') as f:
        return f.read()


def _text_values(data, lengths, valid):
    """The strings of a text column (None for NULL) from its UTF-8 bytes and their lengths."""
    ends = list(itertools.accumulate(lengths))
    begins = [0] + ends[:-1]
    text = data.decode('utf-8')
    if len(text) == len(data):  # ASCII: byte offsets are character offsets, one decode for all
        return [text[a:b] if v else None for a, b, v in zip(begins, ends, valid)]
    return [data[a:b].decode('utf-8') if v else None for a, b, v in zip(begins, ends, valid)]


class Input:
    """An input dataset: iterate it for dicts, or call to_pandas() for a DataFrame."""

    def __init__(self, name, path, columns, format='csv', rows=0):
        self.name = name
        self.path = path
        self.columns = columns
        self.format = format
        self.rows = rows

    def _binary(self, i):
        """Column i's raw values (bytes), validity (bytes, 1 = not NULL) and, for text, lengths."""
        base = os.path.join(self.path, str(i))
        lengths = None
        if self.columns[i]['type'] == 'VARCHAR':
            lengths = memoryview(_read_bytes(base + '.lengths')).cast('I')
        return _read_bytes(base + '.values'), _read_bytes(base + '.valid'), lengths

    def _binary_lists(self):
        lists = []
        for i, c in enumerate(self.columns):
            data, valid, lengths = self._binary(i)
            if lengths is not None:
                lists.append(_text_values(data, lengths, valid))
                continue
            values = memoryview(data).cast(_CAST[c['type']]).tolist()
            if c['type'] == 'BOOLEAN':
                values = [bool(v) for v in values]
            if valid.count(0):
                values = [v if ok else None for v, ok in zip(values, valid)]
            lists.append(values)
        return lists

    def __iter__(self):
        names = [c['name'] for c in self.columns]
        if self.format == 'columns':
            for record in zip(*self._binary_lists()):
                yield dict(zip(names, record))
            return
        convert = [_CONVERT[_kind(c['type'])] for c in self.columns]
        with open(self.path, newline='', encoding='utf-8') as f:
            reader = csv.reader(f)
            next(reader, None)
            for record in reader:
                yield {
                    n: (None if v == NULL else (c(v) if c is not None else v))
                    for n, c, v in zip(names, convert, record)
                }

    def _binary_frame(self):
        """The DataFrame of binary columns, with the dtypes read_csv gives the CSV handover."""
        import numpy as np
        import pandas as pd

        data = {}
        for i, c in enumerate(self.columns):
            raw, valid_bytes, lengths = self._binary(i)
            if lengths is not None:
                data[c['name']] = pd.Series(_text_values(raw, lengths, valid_bytes), dtype=object)
                continue
            missing = np.frombuffer(valid_bytes, dtype=np.uint8) == 0
            values = np.frombuffer(raw, dtype=np.dtype(_CAST[c['type']]).newbyteorder('<'))
            t = c['type']
            if t == 'BOOLEAN':
                data[c['name']] = pd.arrays.BooleanArray(values.astype(bool), missing)
            elif t == 'DOUBLE':
                values = values.astype(np.float64)
                values[missing] = np.nan
                data[c['name']] = values
            else:
                values = values.astype(np.uint64 if t == 'UBIGINT' else np.int64)
                data[c['name']] = pd.arrays.IntegerArray(values, missing) if missing.any() else values
        return pd.DataFrame(data, columns=[c['name'] for c in self.columns])

    def to_pandas(self):
        if self.format == 'columns':
            return self._binary_frame()
        import pandas as pd

        kinds = {c['name']: _kind(c['type']) for c in self.columns}
        dtypes = {'float': 'float64', 'bool': 'boolean', 'str': 'object'}
        # Integer columns are left to the C parser, which makes them numpy int64 at full speed
        # when they hold no NULL; the others are read again as pandas' nullable Int64.
        dtype = {n: dtypes[k] for n, k in kinds.items() if k != 'int'}
        options = dict(na_values=[NULL], keep_default_na=False, true_values=['true'], false_values=['false'])
        frame = pd.read_csv(self.path, dtype=dtype, engine='c', **options)
        nullable = [n for n, k in kinds.items() if k == 'int' and frame[n].dtype.kind not in 'iu']
        if nullable:
            again = pd.read_csv(self.path, usecols=nullable, dtype={n: 'Int64' for n in nullable}, **options)
            for n in nullable:
                frame[n] = again[n]
        for n, k in kinds.items():
            if k == 'str':
                frame[n] = frame[n].astype(object).where(frame[n].notna(), None)
        return frame


def _value_type(v):
    if isinstance(v, bool):
        return 'BOOLEAN'
    if isinstance(v, int):
        return 'BIGINT'
    if isinstance(v, (float, decimal.Decimal)):
        return 'DOUBLE'
    if isinstance(v, datetime.datetime):
        return 'TIMESTAMP'
    if isinstance(v, datetime.date):
        return 'DATE'
    return 'VARCHAR'


def _infer(name, values, input_types):
    kinds = {_value_type(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))}
    if not kinds or kinds == {'VARCHAR'}:
        # Text (or nothing) under the name of an input column: that column's type, which DuckDB reads back.
        return input_types.get(name, 'VARCHAR')
    if kinds == {'BIGINT', 'DOUBLE'}:
        return 'DOUBLE'
    return kinds.pop() if len(kinds) == 1 else 'VARCHAR'


_NEEDS_QUOTES = re.compile('[,"\r\n]')


def _quoted(v):
    if v == '' or v == NULL or _NEEDS_QUOTES.search(v):
        return '"' + v.replace('"', '""') + '"'
    return v


def _cell(v):
    if v is None:
        return NULL
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, float):
        return NULL if math.isnan(v) else repr(v)
    # Quoted when the csv module would, and when it is the text \N, which unquoted would read as NULL.
    return _quoted(v if isinstance(v, str) else str(v))


def _frame_type(dtype, input_type):
    kind = getattr(dtype, 'kind', 'O')
    name = str(dtype)
    if name in ('boolean', 'bool'):
        return 'BOOLEAN'
    if kind in 'iu':
        return 'INTEGER' if name.lower() in ('int32', 'int16', 'int8') else 'BIGINT'
    if kind == 'f':
        return 'FLOAT' if name == 'float32' else 'DOUBLE'
    if kind == 'M':
        return 'TIMESTAMP'
    return input_type or 'VARCHAR'


def _csv_fields(col, kind):
    """A frame column's CSV fields as a list of str, made column-wise in C loops (numpy's numbers
    to text, which is repr's shortest form); None for a column left to pandas' to_csv (dates,
    float32, objects other than text), which formats value by value ten times slower."""
    import numpy as np

    dtype = col.dtype
    name = str(dtype)
    if kind == 'int' and getattr(dtype, 'kind', 'O') == 'f':
        col = col.astype('Int64')
        dtype, name = col.dtype, str(col.dtype)
    if kind == 'bool' and name not in ('bool', 'boolean'):
        return None
    if name in ('boolean', 'Int64', 'Int32', 'Int16', 'Int8'):
        missing = col.isna().to_numpy()
        values = col.to_numpy(dtype='bool' if name == 'boolean' else 'int64', na_value=0)
        text = np.where(values, 'true', 'false') if name == 'boolean' else values.astype(str)
        text = text.astype(object)
        text[missing] = NULL
        return text.tolist()
    if name == 'bool':
        return np.where(col.to_numpy(), 'true', 'false').tolist()
    if getattr(dtype, 'kind', 'O') in 'iu' and not name.startswith('UInt'):
        return col.to_numpy().astype(str).tolist()
    if name == 'float64':
        values = col.to_numpy()
        text = values.astype(str).astype(object)
        text[np.isnan(values)] = NULL
        return text.tolist()
    if name == 'object':
        values = col.tolist()
        if not set(map(type, values)) <= {str, type(None)}:
            return None
        return [NULL if v is None else _quoted(v) for v in values]
    return None


class Output:
    """The recipe's output: write(dict) row by row, or write_frame(df) for a pandas DataFrame."""

    def __init__(self, path, columns, input_types):
        self._input_types = input_types
        self._file = open(path, 'w', newline='', encoding='utf-8')
        self.columns = columns
        self.rows = 0
        self._pending = []
        if columns is not None:
            self._header()

    def _header(self):
        self._names = [c['name'] for c in self.columns]
        self._file.write(','.join(_quoted(n) for n in self._names) + '\n')

    def _fix_schema(self):
        if self.columns is not None:
            return
        rows, self._pending = self._pending, []
        names = []
        for r in rows:
            for k in r:
                if k not in names:
                    names.append(k)
        self.columns = [{'name': n, 'type': _infer(n, [r.get(n) for r in rows], self._input_types)} for n in names]
        self._header()
        for r in rows:
            self._row(r)

    def _row(self, row):
        self._file.write(','.join([_cell(row.get(n)) for n in self._names]) + '\n')
        self.rows += 1

    def write(self, row):
        if not isinstance(row, dict):
            raise TypeError('output.write takes a dict of column values')
        if self.columns is None:
            self._pending.append(row)
            if len(self._pending) >= 1000:
                self._fix_schema()
            return
        self._row(row)

    def write_frame(self, frame):
        if self.columns is None:
            if self._pending:
                self._fix_schema()
            else:
                self.columns = [
                    {'name': str(n), 'type': _frame_type(t, self._input_types.get(str(n)))} for n, t in frame.dtypes.items()
                ]
                self._header()
        frame = frame.reindex(columns=self._names)
        # In slices, so that the fields of one slice at a time are in memory.
        for start in range(0, len(frame), 200_000):
            part = frame.iloc[start:start + 200_000]
            fields = [_csv_fields(part[c['name']], _kind(c['type'])) for c in self.columns]
            if any(f is None for f in fields):
                self._frame_to_csv(part)
            elif fields:
                self._file.write('\n'.join(map(','.join, zip(*fields))) + '\n')
        self.rows += len(frame)

    def _frame_to_csv(self, frame):
        frame = frame.copy()
        for c in self.columns:
            kind = _kind(c['type'])
            col = frame[c['name']]
            # Integers held as floats (NaN for NULL) are written without a fraction; int64 as it is.
            if kind == 'int' and getattr(col.dtype, 'kind', 'O') not in 'iu' and str(col.dtype) != 'Int64':
                frame[c['name']] = col.astype('Int64')
            elif kind == 'bool':
                frame[c['name']] = col.map({True: 'true', False: 'false'})
        frame.to_csv(self._file, header=False, index=False, na_rep=NULL, lineterminator='\n')

    def close(self):
        self._fix_schema()
        self._file.close()
        return self.columns


def _machine_packages():
    """Name and version of every distribution on sys.path, read from the first lines of its metadata
    (importlib.metadata parses each whole file: a quarter of a second per run for 50 packages)."""
    found = {}
    for folder in sys.path:
        try:
            entries = list(os.scandir(folder or '.'))
        except OSError:
            continue
        for entry in entries:
            if not entry.name.endswith(('.dist-info', '.egg-info')):
                continue
            if entry.is_file():
                meta = entry.path
            else:
                meta = os.path.join(entry.path, 'METADATA' if entry.name.endswith('.dist-info') else 'PKG-INFO')
            fields = {}
            try:
                with open(meta, encoding='utf-8', errors='replace') as f:
                    for line in f:
                        if not line.strip():
                            break
                        key, _, value = line.partition(':')
                        if key in ('Name', 'Version'):
                            fields.setdefault(key, value.strip())
                            if len(fields) == 2:
                                break
            except OSError:
                continue
            if fields.get('Name'):
                # The first on the path is the one imported.
                found.setdefault(fields['Name'], fields.get('Version'))
    return found


def _environment(packages):
    if packages:
        import importlib.metadata as metadata

        versions = {}
        for p in packages:
            try:
                versions[p] = metadata.version(p)
            except metadata.PackageNotFoundError:
                versions[p] = None
    else:
        versions = _machine_packages()
    return {'interpreter': sys.executable, 'version': sys.version.split()[0], 'packages': versions}


def _load(path):
    module = types.ModuleType('recipe')
    module.__file__ = path
    with open(path, encoding='utf-8') as f:
        source = f.read()
    sys.modules['recipe'] = module
    exec(compile(source, path, 'exec'), module.__dict__)
    return module


def run_recipe(config, llano=None):
    module = _load(config['code'])
    run = getattr(module, 'run', None)
    if not callable(run):
        raise TypeError('The recipe must define def run(inputs, output, variables, log):')
    inputs = {
        name: Input(name, i['path'], i['columns'], i.get('format') or 'csv', i.get('rows') or 0)
        for name, i in config['inputs'].items()
    }
    input_types = {}
    for i in config['inputs'].values():
        for c in i['columns']:
            input_types.setdefault(c['name'], c['type'])
    output = Output(config['output']['path'], config['output'].get('columns'), input_types)

    def log(*parts):
        print(*parts, flush=True)

    run(inputs, output, config.get('variables') or {}, log)
    columns = output.close()
    return {'rows': output.rows, 'columns': columns, 'environment': _environment(config.get('packages') or [])}
`;
