"""Reading an interactions table (CSV or TSV): one (user, item[, time]) event per row.

The file is streamed row by row through the stdlib csv reader (quotes, embedded delimiters
and newlines inside quotes); each row becomes three numbers appended to compact arrays: the
user's code, the item's code (both numbered in order of first appearance) and the time. So
memory grows with the number of rows at 16 bytes a row plus one string per distinct user and
item, never with the text. Bad rows are counted by reason and skipped, never a crash: too few
fields, an empty user or item ID, a time that is neither a number nor an ISO 8601 date, a row
the csv reader cannot parse. The hostile cases that make the whole file unusable (binary,
empty, no such column) are refused with one line.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
from array import array
from dataclasses import dataclass, field
from datetime import datetime, timezone

import numpy as np

from ..errors import CorpusError
from ..util.progress import log, progress_bar
from .inputs import check_not_binary, open_input, read_failure

SNIFF_BYTES = 1 << 16          # the head read to check for binary data and pick the delimiter
HEADER_SAMPLE_ROWS = 50        # rows after the first one that header detection compares it with
FIELD_LIMIT = 1 << 20          # longest field accepted; a longer one (an unclosed quote) is a bad row
DELIMITERS = "\t,;|"           # the first of these found in the first line separates fields
# words that mark a first row as column names when the columns are given by number
HEADER_WORDS = ("user", "item", "id", "time", "date", "product", "customer", "session", "client",
                "visitor", "movie", "song", "track", "artist", "article", "sku", "basket", "order",
                "event", "timestamp", "name", "title")
_WHITESPACE = re.compile(r"\s+")
_UTC = timezone.utc


@dataclass
class TableRows:
    """What a table holds, as codes: row r is (users[user_codes[r]], items[item_codes[r]], times[r])."""

    users: list[str]                 # user IDs in order of first appearance
    items: list[str]                 # item IDs in order of first appearance
    user_codes: np.ndarray           # int32 [R]
    item_codes: np.ndarray           # int32 [R]
    times: np.ndarray | None         # float64 [R] (seconds for dates), None without a time column
    header: list[str] | None         # the column names, when the first row was a header
    delimiter: str
    skipped: dict = field(default_factory=dict)   # reason -> rows skipped
    renamed: int = 0                 # distinct IDs whose inner whitespace became "_"


def column_index(spec: str | int, header: list[str] | None, first_row: list[str], path: str, what: str) -> int:
    """0-based index of a column given by name (found in the header) or by 1-based number."""
    text = str(spec).strip()
    if text.isdigit():
        number = int(text)
        if number < 1:
            raise CorpusError(f"{path}: {what} column numbers start at 1, not {number}")
        if number > len(first_row):
            raise CorpusError(f"{path}: there is no column {number} for {what}: the first row has "
                              f"{len(first_row)} field(s)")
        return number - 1
    if header is None:
        raise CorpusError(f"{path}: {what} column {text!r} is a name, but the table has no header row "
                          "(give column numbers, 1 = first)")
    names = [h.strip() for h in header]
    for candidates in (names, [n.lower() for n in names]):
        key = text if candidates is names else text.lower()
        if key in candidates:
            return candidates.index(key)
    shown = ", ".join(repr(n) for n in names[:12]) + (", ..." if len(names) > 12 else "")
    raise CorpusError(f"{path}: no column {text!r} for {what}; the header has {shown}")


def parse_time(text: str) -> float | None:
    """Seconds from a number or an ISO 8601 date/time (naive times are taken as UTC); None if neither."""
    try:
        value = float(text)
    except ValueError:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=_UTC)
        return moment.timestamp()
    return value if value == value else None   # NaN orders nothing


def _pick_delimiter(first_line: str, path: str) -> str:
    for delimiter in DELIMITERS:
        if delimiter in first_line:
            return delimiter
    raise CorpusError(f"{path}: the first line has no tab, comma, semicolon or '|': not a CSV or TSV table "
                      "(for one sequence of item IDs per line, leave out --user-col and --item-col)")


def _is_column_name(value: str) -> bool:
    """Text such as 'user_id', 'UserID', 'Item', 'timestamp': no digits, and its letter runs are
    usual column words (or two of them run together)."""
    if any(c.isdigit() for c in value):
        return False
    words = re.findall(r"[a-z]+", value.lower())
    joined = {a + b for a in HEADER_WORDS for b in HEADER_WORDS}
    return bool(words) and any(w in HEADER_WORDS or w in joined for w in words)


def _looks_like_header(first: list[str], sample: list[list[str]], columns: list[int]) -> bool:
    """Whether the first row names the columns, judged on the columns in use.

    IDs repeat and names do not: a first-row value found again below it means data. Otherwise
    the row is a header when one of its values is a usual column name (user, item_id,
    timestamp...) or is text above a column of numbers or dates.
    """
    evidence = False
    for j in columns:
        value = first[j].strip()
        below = [row[j].strip() for row in sample if len(row) > j]
        if value in below:
            return False
        if _is_column_name(value):
            evidence = True
        elif below and parse_time(value) is None and \
                sum(parse_time(v) is not None for v in below) >= 0.9 * len(below):
            evidence = True
    return evidence


def _clean_names(raw: list[str], normalize=None) -> tuple[list[str], np.ndarray, int]:
    """IDs with inner whitespace (which no vectors format can store) get '_' instead; IDs that
    become equal merge. `normalize` (the tokenizer's, from bytes to words) is applied first, its
    words joined by '_' (an ID it reduces to nothing stays as it was). Returns (names, code ->
    new code, how many IDs had whitespace)."""
    changed = 0
    names: list[str] = []
    index: dict[str, int] = {}
    remap = np.empty(len(raw), dtype=np.int32)
    for code, name in enumerate(raw):
        if normalize is not None:
            name = "_".join(normalize(name.encode("utf-8", "surrogatepass"))) or name
        if _WHITESPACE.search(name):
            name = _WHITESPACE.sub("_", name)
            changed += 1
        remap[code] = index.setdefault(name, len(names))
        if remap[code] == len(names):
            names.append(name)
    return names, remap, changed


def read_table(path: str, user_col: str | int, item_col: str | int, time_col: str | int | None = None,
               header: bool | None = None, normalize=None) -> TableRows:
    """Stream the table at `path` (plain or gzip/bzip2/xz; CSV or TSV, sniffed from the first line).

    header: True/False says whether the first row holds column names; None detects it
    (always True when a column is given by name). normalize: applied to each distinct item ID
    (see _clean_names).
    """
    try:
        opened = open_input(path)
    except CorpusError:
        raise
    except Exception as exc:  # noqa: BLE001 - a corrupt compressed header fails while sniffing
        raise read_failure(path, exc) from exc
    try:
        head = opened.stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]
        check_not_binary(opened.name, head)
        if not head.strip():
            raise CorpusError(f"{opened.name}: the table is empty")
        text = io.TextIOWrapper(opened.stream, encoding="utf-8", errors="replace", newline="")
        first_line = head.split(b"\n", 1)[0].decode("utf-8", "replace")
        delimiter = _pick_delimiter(first_line, opened.name)
        return _read_rows(opened, text, delimiter, (user_col, item_col, time_col), header, normalize)
    except CorpusError:
        raise
    except (EOFError, OSError) as exc:
        raise read_failure(opened.name, exc) from exc
    finally:
        opened.close()


def _read_rows(opened, text, delimiter: str, columns: tuple, header, normalize) -> TableRows:
    name = opened.name
    user_col, item_col, time_col = columns
    old_limit = csv.field_size_limit()
    csv.field_size_limit(FIELD_LIMIT)
    try:
        reader = csv.reader(text, delimiter=delimiter, skipinitialspace=True)
        skipped = {"missing fields": 0, "empty IDs": 0, "unreadable times": 0, "unparsable rows": 0}
        rows_iter = _rows(reader, skipped)
        first = next(rows_iter, None)
        if first is None:
            raise CorpusError(f"{name}: the table is empty")
        sample = [row for _, row in zip(range(HEADER_SAMPLE_ROWS), rows_iter)]
        by_name = any(not str(c).strip().isdigit() for c in (user_col, item_col, time_col) if c is not None)
        names_row = first if (header or (header is None and by_name)) else None
        u = column_index(user_col, names_row, first, name, "--user-col")
        i = column_index(item_col, names_row, first, name, "--item-col")
        t = column_index(time_col, names_row, first, name, "--time-col") if time_col is not None else None
        if len({u, i, t} - {None}) < (3 if t is not None else 2):
            raise CorpusError(f"{name}: --user-col, --item-col and --time-col must name different columns")
        used = [u, i] + ([t] if t is not None else [])
        if header is None and names_row is None and _looks_like_header(first, sample, used):
            names_row = first
            log.info(f"{name}: first row taken as column names ({', '.join(first[:6])}); --no-header reads it as data")
        rows = sample if names_row is not None else [first] + sample
        table = _collect(opened, rows, rows_iter, (u, i, t), names_row, delimiter, skipped)
        if normalize is not None:
            items, remap, _ = _clean_names(table.items, normalize)
            table.items, table.item_codes = items, remap[table.item_codes]
        return table
    finally:
        csv.field_size_limit(old_limit)


def _rows(reader, skipped: dict):
    """Non-blank rows of the csv reader; rows it cannot parse are counted and skipped."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error:
            skipped["unparsable rows"] += 1
            continue
        if row and (len(row) > 1 or row[0].strip()):
            yield row


def _collect(opened, head_rows, rows_iter, columns: tuple, names_row, delimiter, skipped) -> TableRows:
    """The row loop: IDs to codes (dicts of distinct IDs), times to float64, all in compact arrays."""
    u, i, t = columns
    users: dict[str, int] = {}
    items: dict[str, int] = {}
    user_codes, item_codes, times = array("i"), array("i"), array("d")
    needed = max(u, i, t if t is not None else 0) + 1
    time_cache: dict[str, float] = {}
    size = os.path.getsize(opened.name) if opened.raw is not None else None
    seen = 0
    with progress_bar(total=size, desc="reading table", unit="B", unit_scale=True) as bar:
        for n, row in enumerate(itertools.chain(head_rows, rows_iter)):
            if len(row) < needed:
                skipped["missing fields"] += 1
                continue
            user, item = row[u].strip(), row[i].strip()
            if not user or not item:
                skipped["empty IDs"] += 1
                continue
            if t is not None:
                raw_time = row[t].strip()
                when = time_cache.get(raw_time)
                if when is None:
                    when = parse_time(raw_time)
                    if when is None:
                        skipped["unreadable times"] += 1
                        continue
                    if len(time_cache) < 100_000:
                        time_cache[raw_time] = when
                times.append(when)
            user_codes.append(users.setdefault(user, len(users)))
            item_codes.append(items.setdefault(item, len(items)))
            if n % 65536 == 65535:
                now = opened.position() if size is not None else 0
                bar.update(now - seen)
                seen = now
    user_names, user_remap, renamed_users = _clean_names(list(users))
    item_names, item_remap, renamed_items = _clean_names(list(items))
    del users, items
    return TableRows(
        users=user_names, items=item_names,
        user_codes=user_remap[np.frombuffer(user_codes, dtype=np.int32)] if len(user_codes) else np.empty(0, np.int32),
        item_codes=item_remap[np.frombuffer(item_codes, dtype=np.int32)] if len(item_codes) else np.empty(0, np.int32),
        times=np.frombuffer(times, dtype=np.float64).copy() if t is not None else None,
        header=[h.strip() for h in names_row] if names_row is not None else None,
        delimiter=delimiter, skipped={k: v for k, v in skipped.items() if v},
        renamed=renamed_users + renamed_items)
