"""A small Parquet reader and writer on numpy, for the columnar path of Python code (no pyarrow here).

It carries what DuckDB hands to code and takes back: flat columns of INT32/INT64, DOUBLE, BOOLEAN and
UTF-8 BYTE_ARRAY, optional (nullable), uncompressed, PLAIN or dictionary encoded. Reading decodes
whole pages with np.frombuffer; writing stores numbers PLAIN (`arr.tobytes()`) and text as a
dictionary of its few distinct values plus their codes, so no value is turned into text one by one.
Anything else (compression, nested columns, other physical types) raises Unsupported: the caller
then uses CSV.
"""
import mmap
import os
import struct
import time

import numpy as np

MAGIC = b"PAR1"
# Physical types, encodings and page types of the Parquet format (parquet.thrift).
BOOLEAN, INT32, INT64, FLOAT, DOUBLE, BYTE_ARRAY = 0, 1, 2, 4, 5, 6
PLAIN, PLAIN_DICTIONARY, RLE, RLE_DICTIONARY = 0, 2, 3, 8
DATA_PAGE, DICTIONARY_PAGE, DATA_PAGE_V2 = 0, 2, 3
UTF8 = 0
OPTIONAL = 1
# Rows of each output part (a row group): the server adopts a part while the code writes the next,
# so what is left once the code is done is about one part's work; much smaller parts cost more per
# row in numpy (a 64 k part's calls and files cost a third more than 1 M rows at once).
PART_ROWS = 1 << 17


class Unsupported(Exception):
    """A Parquet feature or a value this module does not carry."""


# --- Thrift compact protocol -------------------------------------------------------------------
# Compact type ids: 1/2 boolean true/false, 3 byte, 4 i16, 5 i32, 6 i64, 7 double, 8 binary,
# 9 list, 10 set, 11 map, 12 struct.


def _varint(buf, pos):
    shift = result = 0
    while True:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def _zigzag(n):
    return (n >> 1) ^ -(n & 1)


def _read_value(buf, pos, kind):
    if kind in (1, 2):
        return kind == 1, pos
    if kind == 3:
        return buf[pos], pos + 1
    if kind in (4, 5, 6):
        n, pos = _varint(buf, pos)
        return _zigzag(n), pos
    if kind == 7:
        return struct.unpack_from("<d", buf, pos)[0], pos + 8
    if kind == 8:
        n, pos = _varint(buf, pos)
        return bytes(buf[pos:pos + n]), pos + n
    if kind in (9, 10):
        head = buf[pos]
        pos += 1
        size, elem = head >> 4, head & 0x0F
        if size == 15:
            size, pos = _varint(buf, pos)
        items = []
        for _ in range(size):
            if elem in (1, 2):  # booleans in a list are one byte each
                items.append(buf[pos] == 1)
                pos += 1
            else:
                value, pos = _read_value(buf, pos, elem)
                items.append(value)
        return items, pos
    if kind == 11:
        size, pos = _varint(buf, pos)
        if size == 0:
            return {}, pos
        types = buf[pos]
        pos += 1
        out = {}
        for _ in range(size):
            k, pos = _read_value(buf, pos, types >> 4)
            out[k], pos = _read_value(buf, pos, types & 0x0F)
        return out, pos
    if kind == 12:
        return _read_struct(buf, pos)
    raise Unsupported(f"thrift type {kind}")


def _read_struct(buf, pos):
    """A struct as {field id: value}; nested structs are dicts too."""
    fields = {}
    last = 0
    while True:
        head = buf[pos]
        pos += 1
        if head == 0:
            return fields, pos
        delta, kind = head >> 4, head & 0x0F
        if delta:
            fid = last + delta
        else:
            n, pos = _varint(buf, pos)
            fid = _zigzag(n)
        fields[fid], pos = _read_value(buf, pos, kind)
        last = fid


def _put_varint(out, n):
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def _write_struct(out, fields):
    """Writes [(field id, compact type, value)]: value is an int, bytes, a nested field list
    (type 12) or (element type, items) (type 9)."""
    last = 0
    for fid, kind, value in fields:
        if value is None:
            continue
        if 0 < fid - last <= 15:
            out.append(((fid - last) << 4) | kind)
        else:
            out.append(kind)
            _put_varint(out, (fid << 1) ^ (fid >> 63))
        last = fid
        _write_value(out, kind, value)
    out.append(0)


def _write_value(out, kind, value):
    if kind in (4, 5, 6):
        _put_varint(out, (value << 1) ^ (value >> 63))
    elif kind == 8:
        data = value.encode() if isinstance(value, str) else value
        _put_varint(out, len(data))
        out += data
    elif kind == 9:
        elem, items = value
        if len(items) < 15:
            out.append((len(items) << 4) | elem)
        else:
            out.append(0xF0 | elem)
            _put_varint(out, len(items))
        for item in items:
            _write_value(out, elem, item)
    elif kind == 12:
        _write_struct(out, value)
    else:
        raise Unsupported(f"thrift type {kind}")


# --- Reading -----------------------------------------------------------------------------------


def _unpack(data, bit_width):
    """Little-endian bit-packed values of `bit_width` bits (whole groups of 8) as int32."""
    chunk = np.frombuffer(data, np.uint8)
    if bit_width == 1:
        return np.unpackbits(chunk, bitorder="little").astype(np.int32)
    if bit_width == 8:
        return chunk.astype(np.int32)
    if bit_width == 16:
        return chunk.view("<u2").astype(np.int32)
    if bit_width == 32:
        return chunk.view("<i4")
    if bit_width == 0:
        return np.zeros(len(chunk) * 8, np.int32)
    # Value k of each group of 8 starts at bit k * bit_width of the group's bytes: 8 vector passes.
    groups = chunk.reshape(-1, bit_width)
    out = np.empty((len(groups), 8), np.int32)
    for k in range(8):
        first, shift = divmod(k * bit_width, 8)
        word = groups[:, first].astype(np.uint64)
        for j in range(1, (shift + bit_width + 7) // 8):
            word |= groups[:, first + j].astype(np.uint64) << np.uint64(8 * j)
        out[:, k] = (word >> np.uint64(shift)) & np.uint64((1 << bit_width) - 1)
    return out.ravel()


class _Runs:
    """The runs of an RLE / bit-packed hybrid stream: the loop only finds them (DuckDB writes tens of
    thousands per column); their values are then spread with a few whole-array numpy calls."""

    def __init__(self, buf, pos, end, bit_width, count):
        mv = memoryview(buf)
        # The bit-packed runs' bytes and places among the runs.
        self.packed, self.packed_runs = [], []
        # Every run's value and length in order; a bit-packed run's value is 0 (its values are put over it).
        self.values, self.counts = [], []
        have = 0
        byte_width = (bit_width + 7) // 8
        while have < count and pos < end:
            header = buf[pos]
            if header < 0x80:  # most headers are one byte: no call
                pos += 1
            else:
                header, pos = _varint(buf, pos)
            if header & 1:  # bit-packed: groups of 8 values, least significant bit first
                groups = header >> 1
                self.packed.append(mv[pos:pos + groups * bit_width])
                pos += groups * bit_width
                n = groups * 8
                self.packed_runs.append(len(self.counts))
                self.values.append(0)
            else:  # a run of one repeated value
                n = header >> 1
                self.values.append(buf[pos] if byte_width == 1 else int.from_bytes(buf[pos:pos + byte_width], "little"))
                pos += byte_width
            self.counts.append(n)
            have += n

    def spread(self, unpacked, dtype):
        """All runs' values in order (`unpacked`: the bit-packed runs' values, as `dtype`)."""
        if not self.packed:
            return np.repeat(np.array(self.values, dtype), self.counts)
        if len(self.packed) == len(self.counts):
            return unpacked
        counts = np.array(self.counts, np.int64)
        out = np.repeat(np.array(self.values, dtype), counts)
        # The bit-packed runs' rows, marked by a boolean mask (no row numbers computed), take their values in order.
        packed = np.zeros(len(counts), bool)
        packed[self.packed_runs] = True
        out[np.repeat(packed, counts)] = unpacked
        return out


def _hybrid(buf, pos, end, bit_width, count):
    """Decodes `count` values of the RLE / bit-packed hybrid encoding in buf[pos:end] (numpy int32)."""
    if bit_width == 0:  # a dictionary of one value: its runs hold no bytes
        return np.zeros(count, np.int32)
    runs = _Runs(buf, pos, end, bit_width, count)
    unpacked = _unpack(b"".join(runs.packed), bit_width) if runs.packed else None
    return runs.spread(unpacked, np.int32)[:count]


def _defined(buf, pos, end, count):
    """Definition levels of a flat optional column (bit width 1) as a bool array: False for NULL.
    All True, then False put at the NULL rows (the zero bits of bit-packed runs, the runs of
    zeros): they are few, where spreading every run over every row is passes over all of them."""
    runs = _Runs(buf, pos, end, 1, count)
    defined = np.ones(count, bool)
    counts = np.array(runs.counts, np.int64)
    starts = np.cumsum(counts) - counts
    packed = np.zeros(len(counts), bool)
    packed[runs.packed_runs] = True
    zero_runs = ~packed & (np.array(runs.values, np.int64) == 0)
    rows = [_ranges(starts[zero_runs], counts[zero_runs])]
    if runs.packed:
        bits = np.unpackbits(np.frombuffer(b"".join(runs.packed), np.uint8), bitorder="little")
        zeros = np.flatnonzero(bits == 0)
        # Each zero's place among the bit-packed values, turned into its row: the start of its run
        # plus its place in the run.
        packed_counts = counts[packed]
        before = np.cumsum(packed_counts) - packed_counts
        run = np.searchsorted(before, zeros, "right") - 1
        rows.append(starts[packed][run] + (zeros - before[run]))
    for r in rows:
        defined[r[r < count]] = False
    return defined


def _ranges(starts, lengths):
    """The indexes of the ranges [start, start + length), in order (numpy arrays of int64)."""
    offsets = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    return offsets + np.arange(len(offsets))


def _plain(buf, pos, end, physical, count):
    if physical == INT64:
        return np.frombuffer(buf, "<i8", count, pos)
    if physical == INT32:
        return np.frombuffer(buf, "<i4", count, pos)
    if physical == DOUBLE:
        return np.frombuffer(buf, "<f8", count, pos)
    if physical == FLOAT:
        return np.frombuffer(buf, "<f4", count, pos)
    if physical == BOOLEAN:
        return np.unpackbits(np.frombuffer(buf, np.uint8, (count + 7) // 8, pos), bitorder="little")[:count].astype(bool)
    if physical == BYTE_ARRAY:
        values = np.empty(count, object)
        mv = memoryview(buf)
        for i in range(count):  # only dictionaries and text of many distinct values come here
            n = int.from_bytes(mv[pos:pos + 4], "little")
            values[i] = str(mv[pos + 4:pos + 4 + n], "utf-8")
            pos += 4 + n
        return values
    raise Unsupported(f"physical type {physical}")


_DTYPES = {BOOLEAN: bool, INT32: "<i4", INT64: "<i8", FLOAT: "<f4", DOUBLE: "<f8", BYTE_ARRAY: object}


def _read_chunk(buf, meta, optional, out, valid, text=None):
    """Decodes one column chunk into `out` (its rows' slice of the column; NULL rows keep what
    was there) and `valid` (False for NULL rows). For text, `text` is a _Text and `out` gets
    indexes into its table: the strings are picked once for the whole column (see _Text)."""
    if meta.get(4, 0) != 0:
        raise Unsupported("compressed column chunk")
    physical = meta[1]
    pos = meta[9] if meta.get(11) is None else min(meta[11], meta[9])
    dictionary = None
    row = 0
    while row < len(out):
        header, pos = _read_struct(buf, pos)
        start, end = pos, pos + header[3]
        pos = end
        kind = header[1]
        if kind == DICTIONARY_PAGE:
            dictionary = _plain(buf, start, end, physical, header[7][1])
            if text is not None:
                base = text.add(dictionary, dictionary=True)
            continue
        mask = None
        if kind == DATA_PAGE:
            count, encoding = header[5][1], header[5][2]
            if optional:
                length = int.from_bytes(buf[start:start + 4], "little")
                mask = _defined(buf, start + 4, start + 4 + length, count)
                start += 4 + length
        elif kind == DATA_PAGE_V2:
            page = header[8]
            count, encoding = page[1], page[4]
            if optional:
                mask = _defined(buf, start + page[6], start + page[6] + page[5], count)
            start += page[6] + page[5]
        else:
            continue
        present = count if mask is None else int(mask.sum())
        if encoding in (PLAIN_DICTIONARY, RLE_DICTIONARY):
            if dictionary is None:
                raise Unsupported("dictionary codes without a dictionary page")
            codes = _hybrid(buf, start + 1, end, buf[start], present)
            values = dictionary.take(codes) if text is None else codes + base
        elif encoding == PLAIN:
            values = _plain(buf, start, end, physical, present)
            if text is not None:
                first = text.add(values)
                values = np.arange(first, first + present, dtype=np.int32)
        else:
            raise Unsupported(f"encoding {encoding}")
        if mask is None or present == count:
            out[row:row + count] = values
        else:
            out[row:row + count][mask] = values
            valid[row:row + count] = mask
        row += count


def _open(path):
    """The file's bytes (mapped), its columns [(name, physical type, optional)] and row groups."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
    if buf[:4] != MAGIC or buf[-4:] != MAGIC:
        raise Unsupported("not a Parquet file")
    length = int.from_bytes(buf[-8:-4], "little")
    meta, _ = _read_struct(buf, len(buf) - 8 - length)
    leaves = meta[2][1:]
    if any(e.get(5) for e in leaves):
        raise Unsupported("nested columns")
    if any(e.get(1) not in _DTYPES for e in leaves):
        raise Unsupported("physical type")
    return buf, [(e[4].decode(), e[1], e.get(3, 0) == OPTIONAL) for e in leaves], meta.get(4, []), meta[3]


# Distinct texts of a column read from dictionary pages that share their string objects (see _Text).
SHARED_TEXTS = 2048


class _Text:
    """The distinct strings of a text column's pages (dictionaries, PLAIN values) in one table,
    with None last: the column is table.take(indexes), NULL rows keeping index -1. Each row's
    string object is then copied once, not once per page and again into the column.

    A text met in an earlier page's dictionary is that page's string object, not a new one: the
    rows of the column share one object per distinct text, as the writer's numbering of text
    columns by object expects (see _factorize_text). Only while the texts seen are few (the
    writer numbers by object only those columns): the texts of large dictionaries (up to a
    megabyte each) would otherwise be held in a set the size of the column's distinct texts."""

    def __init__(self):
        self.parts = []
        self.size = 0
        self.seen = {}

    def add(self, strings, dictionary=False):
        """Adds strings to the table (those of a dictionary page: `dictionary`); answers the index of the first."""
        if dictionary and len(self.seen) + len(strings) <= SHARED_TEXTS:
            seen = self.seen
            strings[:] = [seen.setdefault(text, text) for text in strings]
        self.parts.append(strings)
        self.size += len(strings)
        return self.size - len(strings)

    def column(self, indexes):
        table = np.empty(self.size + 1, object)
        np.concatenate(self.parts + [np.array([None], object)], out=table)
        # Indexing, not take(): for objects a third less time (numpy 1.24), the same answer (-1: None).
        return table[indexes]


class _Column:
    """One column's values over `rows` rows, read chunk by chunk (`read`) at their first row."""

    def __init__(self, leaf, rows):
        self.name, physical, self.optional = leaf
        self.valid = np.ones(rows, bool)
        if physical == BYTE_ARRAY:
            self.text, self.values = _Text(), np.full(rows, -1, np.int32)
        else:
            self.text, self.values = None, np.zeros(rows, _DTYPES[physical])

    def read(self, buf, meta, first, n):
        out, valid = self.values[first:first + n], self.valid[first:first + n]
        if len(out) != n:
            raise Unsupported("more rows than the input holds")
        if self.text is None:
            _read_chunk(buf, meta, self.optional, out, valid)
        else:
            _read_chunk(buf, meta, self.optional, out, valid, self.text)

    def result(self):
        values = self.values if self.text is None else self.text.column(self.values)
        return values, None if self.valid.all() else self.valid


def _wait(path):
    """Waits until the server has written `path`, a part of an input it copies while the code runs
    (it renames each part into place once complete; see uncompressedParquetParts in the server)."""
    while not os.path.exists(path):
        time.sleep(0.001)


def _files(path):
    """An input's files in row order, each opened once written: its file, or its parts in turn."""
    for one in [path] if isinstance(path, str) else path:
        _wait(one)
        yield _open(one)


def read_columns(path, rows=None):
    """The file's columns as {name: (values, valid)}: values of every row (0, NaN, False or None
    where NULL), valid a bool array (False for NULL) or None when no value is NULL. `path` may be
    a list of part files of `rows` rows in all, read as they appear. Raises Unsupported for what
    this module does not read."""
    columns, first = None, 0
    for buf, leaves, groups, file_rows in _files(path):
        if columns is None:
            columns = [_Column(leaf, file_rows if rows is None else rows) for leaf in leaves]
        for g in groups:
            for i, column in enumerate(columns):
                column.read(buf, g[1][i][3], first, g[3])
            first += g[3]
    if columns is None:
        raise Unsupported("no input file")
    if columns and first != len(columns[0].valid):
        raise Unsupported("fewer rows than the input holds")
    return {c.name: c.result() for c in columns}


def iter_groups(path):
    """The columns of each row group in turn, as read_columns answers them for the whole file."""
    for buf, leaves, groups, _ in _files(path):
        for group in groups:
            n = group[3]
            columns = [_Column(leaf, n) for leaf in leaves]
            for i, column in enumerate(columns):
                column.read(buf, group[1][i][3], 0, n)
            yield n, {c.name: c.result() for c in columns}


# --- Writing -----------------------------------------------------------------------------------


def _bit_packed(values, bit_width):
    """The hybrid encoding of int codes as one bit-packed run (bit width 1, 8, 16 or 32)."""
    groups = (len(values) + 7) // 8
    padded = np.zeros(groups * 8, values.dtype)
    padded[: len(values)] = values
    if bit_width == 1:
        data = np.packbits(padded.astype(np.uint8), bitorder="little").tobytes()
    else:
        data = padded.astype({8: "<u1", 16: "<u2", 32: "<i4"}[bit_width]).tobytes()
    head = bytearray()
    _put_varint(head, (groups << 1) | 1)
    return bytes(head) + data


def _page_header(kind, size, sub_id, sub):
    out = bytearray()
    _write_struct(out, [(1, 5, kind), (2, 5, size), (3, 5, size), (sub_id, 12, sub)])
    return bytes(out)


class Column:
    """One output column of a frame: its physical type, non-null values and mask."""

    def __init__(self, name, physical, values, mask, uniques=None):
        self.name, self.physical, self.values, self.mask, self.uniques = name, physical, values, mask, uniques


def _factorize_text(values):
    """pd.factorize of an object array (codes -1 for None, NaN, NA; uniques in first-seen order).
    Hashing each row's string object is most of a frame's write: rows of a column read from Parquet
    (or mapped from a few values) share a few objects, so the objects are numbered first by their
    address, with int64 hashing, and only those few are compared as text. The answer is the same."""
    import pandas as pd

    values = np.ascontiguousarray(values)
    # The array's object pointers, read as integers (no reference is taken; `values` keeps them alive).
    pointers = np.frombuffer(values, dtype=np.intp)
    # A string object per row (text built row by row): straight to comparing text, as a sample shows.
    if np.unique(pointers[:4096]).size > 2048:
        return pd.factorize(values, sort=False)
    by_object, firsts = pd.factorize(pointers, sort=False)
    if len(firsts) > len(values) // 2:
        return pd.factorize(values, sort=False)
    codes, uniques = pd.factorize(values[_first_rows(by_object, len(firsts))], sort=False)
    return codes[by_object], uniques


def _first_rows(codes, count):
    """The row where each of the `count` codes (0 to count - 1) first appears. The few objects of a
    column mostly all appear in its first rows: those are searched first, then the next rows, 4
    times more each time, for the codes still missing."""
    first_row = np.full(count, -1, np.intp)
    start, end = 0, 4096
    while True:
        part = codes[start:end]
        found = np.full(count, -1, np.intp)
        # Written backwards, the first row of each code is written last.
        found[part[::-1]] = np.arange(start + len(part) - 1, start - 1, -1)
        first_row = np.where(first_row >= 0, first_row, found)
        if end >= len(codes) or first_row.min() >= 0:
            return first_row
        start, end = end, end * 4


def text_column(name, series):
    """A column of str values (None, NaN or NA for NULL) as dictionary codes; Unsupported if it holds
    anything else than text."""
    codes, uniques = _factorize_text(series.to_numpy(dtype=object))
    uniques = np.asarray(uniques, dtype=object)
    if not all(isinstance(u, str) for u in uniques):
        raise Unsupported(f"column {name} holds values that are not text")
    mask = codes >= 0
    return Column(name, BYTE_ARRAY, codes[mask] if not mask.all() else codes, None if mask.all() else mask, uniques)


class Writer:
    """Writes row groups of Columns (same names and physical types each time) to `path`."""

    def __init__(self, path):
        self._file = open(path, "wb")
        self._file.write(MAGIC)
        self._offset = 4
        self._groups = []
        self._schema = None
        self.rows = 0

    def write_group(self, columns, rows):
        schema = [(c.name, c.physical) for c in columns]
        if self._schema is None:
            self._schema = schema
        elif schema != self._schema:
            raise Unsupported("row groups of different schemas")
        chunks = []
        start = self._offset
        for c in columns:
            chunks.append(self._write_chunk(c, rows))
        self._groups.append(((1, 9, (12, chunks)), self._offset - start, rows))
        self.rows += rows

    def _write_chunk(self, c, rows):
        begin = self._offset
        dictionary_offset = None
        if c.uniques is not None:
            dictionary_offset = self._offset
            encoded = [u.encode("utf-8") for u in c.uniques]
            body = b"".join(struct.pack("<I", len(e)) + e for e in encoded)
            self._page(DICTIONARY_PAGE, [body], 7, [(1, 5, len(encoded)), (2, 5, PLAIN)])
            width = 8 if len(encoded) <= 256 else 16 if len(encoded) <= 65536 else 32
            values = bytes([width]) + _bit_packed(c.values, width)
            encoding = RLE_DICTIONARY
        elif c.physical == BOOLEAN:
            values = np.packbits(c.values.astype(np.uint8), bitorder="little").tobytes()
            encoding = PLAIN
        else:
            # The array's own bytes (no copy): the page is written in pieces.
            values = memoryview(np.ascontiguousarray(c.values)).cast("B")
            encoding = PLAIN
        levels = _bit_packed(np.ones(rows, np.uint8) if c.mask is None else c.mask.astype(np.uint8), 1)
        data_offset = self._offset
        self._page(DATA_PAGE, [struct.pack("<I", len(levels)), levels, values], 5,
                   [(1, 5, rows), (2, 5, encoding), (3, 5, RLE), (4, 5, RLE)])
        meta = [(1, 5, c.physical), (2, 9, (5, [encoding, RLE] if c.uniques is None else [PLAIN, RLE, RLE_DICTIONARY])),
                (3, 9, (8, [c.name])), (4, 5, 0), (5, 6, rows), (6, 6, self._offset - begin),
                (7, 6, self._offset - begin), (9, 6, data_offset), (11, 6, dictionary_offset)]
        return [(2, 6, begin), (3, 12, meta)]

    def _page(self, kind, pieces, sub_id, sub):
        """Writes a page whose body is `pieces` (bytes-like) in turn: not joined, a copy of every value less."""
        size = sum(len(p) for p in pieces)
        header = _page_header(kind, size, sub_id, sub)
        self._file.write(header)
        for p in pieces:
            self._file.write(p)
        self._offset += len(header) + size

    def close(self):
        schema = [[(4, 8, "schema"), (5, 5, len(self._schema or []))]]
        for name, physical in self._schema or []:
            schema.append([(1, 5, physical), (3, 5, OPTIONAL), (4, 8, name)] + ([(6, 5, UTF8)] if physical == BYTE_ARRAY else []))
        groups = [[columns, (2, 6, size), (3, 6, rows)] for columns, size, rows in self._groups]
        meta = bytearray()
        _write_struct(meta, [(1, 5, 1), (2, 9, (12, schema)), (3, 6, self.rows), (4, 9, (12, groups)),
                             (6, 8, "llano")])
        self._file.write(meta)
        self._file.write(struct.pack("<I", len(meta)) + MAGIC)
        self._file.close()


class Parts:
    """Row groups of frames as part files `<path>.part<k>`, each a Parquet file of one row group
    written as `.partial` and renamed into place once complete: the server checks and compresses
    each part while the code encodes the next (adopt-parquet-output.ts in the server), so that
    little is left once the code is done. A part's name is never used twice (the server may have
    read a part this writer then took back)."""

    def __init__(self, path):
        self._path = path
        self._next = 0
        self.files = []
        self.schema = None

    def write_frame(self, frame, kinds):
        """Writes the frame (its columns of `kinds`, in order) a row group at a time, each as soon as
        it is encoded; Unsupported, keeping none of the frame's parts, when a column cannot go as it
        is or its physical types differ from those written before (the caller then writes text)."""
        first, schema_before = len(self.files), self.schema
        try:
            for start in range(0, max(len(frame), 1), PART_ROWS):
                columns = frame_columns(frame.iloc[start:start + PART_ROWS], kinds)
                schema = [(c.name, c.physical) for c in columns]
                if self.schema is not None and [p for _, p in schema] != [p for _, p in self.schema]:
                    raise Unsupported("the columns differ from those written before")
                self.schema = self.schema or schema
                rows = min(PART_ROWS, len(frame) - start)
                if rows:
                    self._part(lambda w: w.write_group(columns, rows))
        except Unsupported:
            for f in self.files[first:]:
                os.remove(f)
            del self.files[first:]
            self.schema = schema_before
            raise

    def _part(self, write):
        part = f"{self._path}.part{self._next}"
        self._next += 1
        writer = Writer(part + ".partial")
        writer._schema = self.schema
        write(writer)
        writer.close()
        os.rename(part + ".partial", part)
        self.files.append(part)

    def close(self):
        """Writes a part without rows when none was written: the file still tells the columns."""
        if not self.files:
            self._part(lambda w: None)


# --- pandas and rows ---------------------------------------------------------------------------
# `kinds` maps each column to how code sees it: 'int', 'float', 'bool' or 'str' (a Python value of
# that kind, None for NULL; in pandas int64 or Int64 when NULLs exist, float64 with NaN, boolean, object).


def to_frame(columns, kinds):
    """A DataFrame of read_columns' answer."""
    import pandas as pd

    data = {}
    for name, (values, valid) in columns.items():
        kind = kinds[name]
        if kind == "int":
            values = values.astype(np.int64, copy=False)
            data[name] = values if valid is None else pd.arrays.IntegerArray(values, ~valid)
        elif kind == "float":
            values = values.astype(np.float64, copy=False)
            if valid is not None:
                values[~valid] = np.nan
            data[name] = values
        elif kind == "bool":
            data[name] = pd.arrays.BooleanArray(values, np.zeros(len(values), bool) if valid is None else ~valid)
        else:
            data[name] = values
    # copy=False: no consolidation of same-typed columns into one block (a copy of every value).
    return pd.DataFrame(data, copy=False)


def iter_rows(path, kinds, batch=65536):
    """Each row of the file as a dict of Python values (None for NULL), a batch of rows at a time."""
    for rows, columns in iter_groups(path):
        names = list(columns)
        for start in range(0, rows, batch):
            lists = []
            for name in names:
                values, valid = columns[name]
                part = values[start:start + batch]
                if kinds[name] == "int":
                    part = part.astype(np.int64, copy=False)
                items = part.tolist()
                if valid is not None:
                    for i in np.flatnonzero(~valid[start:start + batch]).tolist():
                        items[i] = None
                lists.append(items)
            for values in zip(*lists):
                yield dict(zip(names, values))


def frame_columns(frame, kinds):
    """The frame's columns (those of `kinds`, in order) as Columns of a row group; Unsupported when a
    column's values are not plainly of its kind (the caller then writes text)."""
    columns = []
    for name, kind in kinds.items():
        col = frame[name]
        dtype = col.dtype
        # numpy dtypes by kind; pandas' nullable ones (Int64, boolean…) by name.
        code = dtype.kind if isinstance(dtype, np.dtype) else "X"
        dname = str(dtype)
        if kind == "str":
            if code != "O" and dname != "string":
                raise Unsupported(f"column {name} is {dname}, not text")
            columns.append(text_column(name, col))
            continue
        if kind == "int":
            if code in "iu" and dname != "uint64":
                values, valid = col.to_numpy(np.int64), None
            elif dname in ("Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32"):
                valid = col.notna().to_numpy()
                values = col.to_numpy(np.int64, na_value=0)
            else:
                raise Unsupported(f"column {name} is {dname}, not integers")
            physical = INT64
        elif kind == "float":
            if code in "fiu" and dname != "uint64":
                values = col.to_numpy(np.float64)
            elif dname in ("Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "Float32", "Float64"):
                values = col.to_numpy(np.float64, na_value=np.nan)
            else:
                raise Unsupported(f"column {name} is {dname}, not numbers")
            valid = ~np.isnan(values)
            physical = DOUBLE
        elif kind == "bool":
            if dname == "bool":
                values, valid = col.to_numpy(), None
            elif dname == "boolean":
                valid = col.notna().to_numpy()
                values = col.to_numpy(bool, na_value=False)
            else:
                raise Unsupported(f"column {name} is {dname}, not booleans")
            physical = BOOLEAN
        else:
            raise Unsupported(f"kind {kind}")
        if valid is not None and valid.all():
            valid = None
        columns.append(Column(name, physical, values if valid is None else values[valid], valid))
    return columns
