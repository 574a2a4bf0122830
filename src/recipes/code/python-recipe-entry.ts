/** The Python recipe harness (written to the run folder as recipe_entry.py; the sandbox calls its run_recipe). Kept as text: dist/ holds only compiled JavaScript. */
export const PYTHON_RECIPE_ENTRY = String.raw`# The Python recipe harness: runs inside the sandbox, which calls run_recipe(config, llano).
# Inputs are files exported by DuckDB: Parquet decoded with numpy (llano_parquet.py, next to the
# sandbox harness) for code using pandas; CSV with every value quoted and NULL an unquoted nan for
# row code (see Input); for types Parquet does not carry, CSV whose NULL marker is given as nullText
# (a text no value holds: pandas takes a quoted marker for NULL too). The output is
# Parquet part files (one row group each, adopted by the server while the code goes on) while
# the code writes frames llano_parquet carries, then a CSV file with a header; its schema
# declared or inferred from the first rows or frame.
import csv
import datetime
import decimal
import math
import os
import re
import sys
import time
import types

NULL = '\\N'
_INTEGER = {'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT'}
_FLOAT = {'FLOAT', 'DOUBLE', 'REAL'}


def _parquet_io():
    # Imported when used: it imports numpy, which row code without pandas does not need.
    import llano_parquet

    return llano_parquet


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

# Where the run's time went: reading inputs into frames, writing frames (the rest is the code's own).
_SPENT = {'readMs': 0.0, 'writeMs': 0.0}


def _timed(key):
    def wrap(fn):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                _SPENT[key] += (time.perf_counter() - start) * 1000
        return timed
    return wrap


class Input:
    """An input dataset: iterate it for dicts, or call to_pandas() for a DataFrame (to_arrow(), to_polars() where installed)."""

    def __init__(self, name, path, columns, format='csv', null=NULL, parts=None, rows=None):
        self.name = name
        self.path = path
        # Parquet in part files (rows: their rows in all), which the server writes while the code runs.
        self.parquet = parts if parts else path
        self.rows = rows
        self.columns = columns
        self.format = format
        self.null = null  # the CSV file's NULL marker (a text no value holds, see run-code.ts)

    def _kinds(self):
        return {c['name']: _kind(c['type']) for c in self.columns}

    def __iter__(self):
        if self.format == 'parquet':
            yield from _parquet_io().iter_rows(self.parquet, self._kinds())
            return
        names = [c['name'] for c in self.columns]
        convert = [_CONVERT[_kind(c['type'])] for c in self.columns]
        with open(self.path, newline='', encoding='utf-8') as f:
            if self.format == 'quoted-csv':
                # Every value quoted; NULL an unquoted nan, which this reader makes a float.
                reader = csv.reader(f, quoting=csv.QUOTE_NONNUMERIC)
                next(reader, None)
                for record in reader:
                    yield {
                        n: (None if type(v) is float else (c(v) if c is not None else v))
                        for n, c, v in zip(names, convert, record)
                    }
                return
            reader = csv.reader(f)
            next(reader, None)
            for record in reader:
                yield {
                    n: (None if v == self.null else (c(v) if c is not None else v))
                    for n, c, v in zip(names, convert, record)
                }

    def to_arrow(self):
        """The input as a pyarrow Table, made from to_pandas() (pyarrow installed for the interpreter)."""
        pyarrow = _optional('pyarrow', 'to_arrow()')
        return pyarrow.Table.from_pandas(self.to_pandas(), preserve_index=False)

    def to_polars(self):
        """The input as a polars DataFrame, made from to_pandas() (polars installed for the interpreter)."""
        polars = _optional('polars', 'to_polars()')
        return polars.from_pandas(self.to_pandas())

    @_timed('readMs')
    def to_pandas(self):
        if self.format == 'parquet':
            return _parquet_io().to_frame(_parquet_io().read_columns(self.parquet, self.rows), self._kinds())
        import pandas as pd

        if self.format == 'quoted-csv':  # row code's file (the code did not name pandas)
            return pd.DataFrame(list(self), columns=[c['name'] for c in self.columns])

        kinds = self._kinds()
        dtypes = {'float': 'float64', 'bool': 'boolean', 'str': 'object'}
        # Integer columns are left to the C parser, which makes them numpy int64 at full speed
        # when they hold no NULL; the others are read again as pandas' nullable Int64.
        dtype = {n: dtypes[k] for n, k in kinds.items() if k != 'int'}
        options = dict(na_values=[self.null], keep_default_na=False, true_values=['true'], false_values=['false'])
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


def _optional(module, what):
    """A package the columnar API uses when the interpreter has it (pyarrow, polars: Debian 12 has neither)."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise ImportError(
            f"{what} needs the package {module}, which {sys.executable} does not have: add it to the "
            "requirements of the recipe's code environment (a venv), or use to_pandas()") from None


def _as_pandas(frame):
    """A polars DataFrame or a pyarrow Table or RecordBatch as pandas (their own to_pandas()); pandas as it is."""
    if type(frame).__module__.split('.')[0] in ('polars', 'pyarrow') and hasattr(frame, 'to_pandas'):
        return frame.to_pandas()
    return frame


# Integer types narrower than BIGINT, with the values they hold.
_NARROW_INTEGERS = {
    'TINYINT': (-(2**7), 2**7 - 1),
    'SMALLINT': (-(2**15), 2**15 - 1),
    'INTEGER': (-(2**31), 2**31 - 1),
    'UTINYINT': (0, 2**8 - 1),
    'USMALLINT': (0, 2**16 - 1),
    'UINTEGER': (0, 2**32 - 1),
}


def _integer_type(input_type, low, high):
    # Python's int (and pandas' int64) has one width: integers under the name of an input column of
    # a narrower integer type keep that type when they fit it, as SQL, TypeScript and R keep it.
    bounds = _NARROW_INTEGERS.get((input_type or '').upper())
    return input_type.upper() if bounds and bounds[0] <= low and high <= bounds[1] else 'BIGINT'


def _infer(name, values, input_types):
    present = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    kinds = {_value_type(v) for v in present}
    if not kinds or kinds == {'VARCHAR'}:
        # Text (or nothing) under the name of an input column: that column's type, which DuckDB reads back.
        return input_types.get(name, 'VARCHAR')
    if kinds == {'BIGINT'}:
        return _integer_type(input_types.get(name), min(present), max(present))
    if kinds == {'BIGINT', 'DOUBLE'}:
        return 'DOUBLE'
    return kinds.pop() if len(kinds) == 1 else 'VARCHAR'


class _NullCell(float):
    # The writer quotes every value that is not a number (QUOTE_NONNUMERIC), so the text \\N a row
    # holds stays text; NULL must go unquoted, hence a number whose text is the NULL marker.
    def __str__(self):
        return NULL

    __repr__ = __str__


NULL_CELL = _NullCell('nan')


def _missing(v):
    # None, NaN, and pandas' NA and NaT (met when a frame is written row by row).
    return v is None or (isinstance(v, float) and math.isnan(v)) or type(v).__name__ in ('NAType', 'NaTType')


def _cell(v):
    if _missing(v):
        return NULL_CELL
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, float):
        return repr(v)
    return v


def _frame_type(dtype, input_type, column):
    kind = getattr(dtype, 'kind', 'O')
    name = str(dtype)
    if name in ('boolean', 'bool'):
        return 'BOOLEAN'
    if kind in 'iu':
        if name.lower() in ('int32', 'int16', 'int8'):
            return 'INTEGER'
        valid = column.dropna()
        return _integer_type(input_type, int(valid.min()), int(valid.max())) if len(valid) else 'BIGINT'
    if kind == 'f':
        return 'FLOAT' if name == 'float32' else 'DOUBLE'
    if kind == 'M':
        return 'TIMESTAMP'
    return input_type or 'VARCHAR'


# The declared types whose values a Parquet column of the kind holds exactly (DuckDB casts them to
# the type): integers as INT64, DOUBLE, BOOLEAN, and text for the others (DuckDB parses it as from CSV).
_PLAIN_TYPE = re.compile('[A-Z][A-Z0-9_ ]{0,60}')
_PARQUET_TYPE = {'int': lambda t: t in _INTEGER, 'float': lambda t: t == 'DOUBLE', 'bool': lambda t: t == 'BOOLEAN'}


class Output:
    """The recipe's output: write(dict) row by row, or write_frame(df) for a pandas DataFrame (polars, pyarrow: converted)."""

    def __init__(self, path, columns, input_types):
        self._input_types = input_types
        self._path = path
        # Frames go to Parquet parts until the first row or frame they cannot carry; from then on
        # everything goes to the CSV file, which DuckDB reads after the Parquet parts.
        self._parquet = None
        self._file = None
        self._writer = None
        self.columns = columns
        self.rows = 0
        self._pending = []
        if columns is not None:
            self._header()

    def _header(self):
        self._names = [c['name'] for c in self.columns]

    def _csv(self):
        if self._file is None:
            self._file = open(self._path, 'w', newline='', encoding='utf-8')
            self._writer = csv.writer(self._file, lineterminator='\n', quoting=csv.QUOTE_NONNUMERIC)
            self._writer.writerow(self._names)
        return self._writer

    def _frame_to_parquet(self, frame):
        """Writes the frame to the Parquet parts when it can (nothing went to CSV yet, every column
        carried as it is); False otherwise, having written nothing."""
        if self._file is not None or len(set(self._names)) != len(self._names):
            return False
        if not all(_PARQUET_TYPE.get(_kind(c['type']), _PLAIN_TYPE.fullmatch)(c['type'].upper()) for c in self.columns):
            return False
        if self._parquet is None:
            self._parquet = _parquet_io().Parts(self._path)
        try:
            self._parquet.write_frame(frame, {c['name']: _kind(c['type']) for c in self.columns})
        except _parquet_io().Unsupported:
            if not self._parquet.files and self._parquet.schema is None:
                self._parquet = None
            return False
        self.rows += len(frame)
        return True

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
        self._csv().writerow([_cell(row.get(n)) for n in self._names])
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

    @_timed('writeMs')
    def write_frame(self, frame):
        frame = _as_pandas(frame)
        if self.columns is None:
            if self._pending:
                self._fix_schema()
            else:
                self.columns = [
                    {'name': str(n), 'type': _frame_type(t, self._input_types.get(str(n)), frame[n])}
                    for n, t in frame.dtypes.items()
                ]
                self._header()
        # reindex copies every column: the Parquet writer only reads the frame, so one already in
        # the output's columns goes as it is (CSV below changes columns: it takes the copy).
        if self._frame_to_parquet(frame if list(frame.columns) == self._names else frame.reindex(columns=self._names)):
            return
        frame = frame.reindex(columns=self._names)
        self._csv()
        if any(frame[c].dtype == object and (frame[c] == NULL).any() for c in self._names):
            # to_csv cannot quote the text \\N apart from its NULL marker: this frame goes row by row.
            for values in frame.itertuples(index=False, name=None):
                self._writer.writerow([_cell(v) for v in values])
            self.rows += len(frame)
            return
        for c in self.columns:
            kind = _kind(c['type'])
            col = frame[c['name']]
            # Integers held as floats (NaN for NULL) are written without a fraction; int64 as it is.
            if kind == 'int' and getattr(col.dtype, 'kind', 'O') not in 'iu' and str(col.dtype) != 'Int64':
                frame[c['name']] = col.astype('Int64')
            elif kind == 'bool':
                frame[c['name']] = col.map({True: 'true', False: 'false'})
        frame.to_csv(self._file, header=False, index=False, na_rep=NULL, lineterminator='\n')
        self.rows += len(frame)

    @_timed('writeMs')
    def close(self):
        self._fix_schema()
        if self._parquet is not None:
            self._parquet.close()
        elif self._file is None:
            self._csv()
        if self._file is not None:
            self._file.close()
        return self.columns

    def files(self):
        """The files written, in the order of their rows."""
        parts = [{'path': p, 'format': 'parquet'} for p in self._parquet.files] if self._parquet is not None else []
        return parts + ([{'path': self._path, 'format': 'csv'}] if self._file is not None else [])


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
        name: Input(name, i['path'], i['columns'], i.get('format') or 'csv', i.get('nullText') or NULL,
                    i.get('parts'), i.get('rows'))
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
    return {'rows': output.rows, 'columns': columns, 'files': output.files(),
            'environment': _environment(config.get('packages') or []),
            'timings': {k: round(v) for k, v in _SPENT.items()}}
`;
