"""``snmpc table``: snmptable's options and layout (net-snmp 5.9's ``apps/snmptable.c``).

:func:`table_options` takes snmptable's ``-C`` letters out of a command line the way its
``optProc`` reads them -- ``c``, ``f``, ``r`` and ``w`` take the *next* argument
(``-Cf ,``, ``-Cr 5``); ``b``, ``B``, ``h``, ``H``, ``i`` and ``l`` are flags -- and
:func:`layout` prints a table as its ``print_table`` does: a title, a header line, right-
(``-Cl``: left-) aligned columns one space apart, or ``-Cf``-separated fields, the index
first with ``-Ci``, fixed ``-Cc`` column widths (values cut to fit), ``-Cw`` parts.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import TextIO

from . import names
from ._core.oid import format_oid
from ._core.pdu import Oid, RawVarbind
from .toolformat import ToolFormat

__all__ = ["TableError", "TableOptions", "layout", "print_table", "table_options"]

TableWalk = Callable[[bool, str], Awaitable[list[list[RawVarbind]]]]
"""``walk(getbulk, root)``: the rows of a walk of ``root`` (GETBULK or GETNEXT), as raw
varbinds in one list per walked root."""


class TableError(Exception):
    """A bad ``-C`` option, in snmptable's words."""


@dataclass(frozen=True, slots=True)
class TableOptions:
    """snmptable's ``-C`` options."""

    brief: bool = False  # b: column labels without their common prefix
    getbulk: bool = True  # B turns GETBULK off (GETNEXT walk)
    column_width: int = 0  # c N: every column N characters wide (0: as wide as needed)
    separator: str | None = None  # f SEP: fields separated by SEP, no alignment
    headers_only: bool = False  # h
    no_headers: bool = False  # H
    show_index: bool = False  # i
    left: bool = False  # l
    max_repetitions: int = 10  # r N
    max_width: int = 0  # w N: parts of at most N characters


def table_options(argv: Sequence[str]) -> tuple[list[str], TableOptions]:
    """``argv`` without its ``-C`` options (and their values), and those options.

    Raises:
        TableError: an unknown letter, or a bad value (snmptable's messages).
    """
    rest: list[str] = []
    found: dict[str, object] = {}
    words = list(argv)
    k = 0
    while k < len(words):
        word = words[k]
        k += 1
        if not word.startswith("-C"):
            rest.append(word)
            continue
        letters = word[2:]
        if not letters:
            if k >= len(words):
                raise TableError("-C needs application options")
            letters, k = words[k], k + 1
        for letter in letters:
            if letter in "cfrw":
                if k >= len(words):
                    raise TableError(f"Bad -C{letter} option: no argument given")
                value, k = words[k], k + 1
                if letter == "f":
                    found["separator"] = value
                    continue
                number = _atoi(value)
                if letter == "c":
                    if number <= 2:
                        raise TableError(f"Bad -Cc option: {value}")
                    found["column_width"] = number - 1  # (one for the space at its end)
                elif number == 0:
                    raise TableError(f"Bad -C{letter} option: {value}")
                else:
                    found["max_repetitions" if letter == "r" else "max_width"] = number
            elif letter in _FLAGS:
                found[_FLAGS[letter][0]] = _FLAGS[letter][1]
            else:
                raise TableError(f"Bad option after -C: {letter}")
    return rest, TableOptions(**found)  # type: ignore[arg-type]


_FLAGS = {
    "b": ("brief", True),
    "B": ("getbulk", False),
    "h": ("headers_only", True),
    "H": ("no_headers", True),
    "i": ("show_index", True),
    "l": ("left", True),
}


def _atoi(text: str) -> int:
    """C's ``atoi``: the leading digits (0 when none)."""
    digits = text.lstrip()[: len(text.lstrip()) - len(text.lstrip().lstrip("+-0123456789"))]
    try:
        return int(digits)
    except ValueError:
        return 0


def brief_labels(labels: list[str]) -> list[str]:
    """``-Cb``: the labels without the prefix every neighbouring pair shares (as snmptable
    computes it)."""
    if len(labels) < 2:
        return labels
    common = len(labels[0])
    for before, after in itertools.pairwise(labels):
        shared = 0
        while shared < min(len(before), len(after)) and before[shared] == after[shared]:
            shared += 1
        common = min(common, shared)
    return [label[common:] for label in labels]


def _fmt(text: str, width: int, left: bool, precision: int | None = None) -> str:
    """C's ``%[-]W[.P]s``."""
    if precision is not None:
        text = text[:precision]
    return f"{text:<{width}}" if left else f"{text:>{width}}"


def layout(
    title: str,
    labels: list[str],
    rows: list[list[str | None]],
    indices: list[str],
    opts: TableOptions,
    first_pass: bool = True,
    seen: tuple[list[list[str | None]], list[str]] | None = None,
) -> list[str]:
    """The lines snmptable's ``print_table`` prints for ``rows`` (with their
    ``indices``); ``first_pass``: the first call (title and headers), as snmptable calls
    it once per batch of ``-Cr`` rows when it walks with GETNEXT. Column widths only
    grow from batch to batch: ``seen`` is every row (and index) printed so far and now."""
    out: list[str] = []
    labels = brief_labels(labels) if opts.brief else labels
    fields = len(labels)
    all_rows, all_indices = seen if seen is not None else (rows, indices)
    widths = [
        max([len(labels[f])] + [len(row[f] or "") for row in all_rows if row[f] is not None])
        for f in range(fields)
    ]
    index_width = max([len("index ")] + [len(index) for index in all_indices])
    sep, cw, left = opts.separator, opts.column_width, opts.left

    def field(f: int, text: str) -> str:
        if cw:
            return _fmt(text, cw + 1, left, cw)
        if sep is None:
            return _fmt(text, widths[f] + 1, left)
        return text if f == 0 and not opts.show_index else sep + text

    def index_text(text: str) -> str:
        if cw:
            return f"\nindex: {text}\n"
        if sep is None:
            return _fmt(text, index_width, left)
        return text

    headers = not opts.no_headers and first_pass
    if headers and not opts.headers_only:
        out += [f"SNMP table: {title}", ""]
    last = part = 0
    line = ""
    while last != fields:
        part += 1
        if part != 1 and not opts.no_headers:
            out += ["", f"SNMP table {title}, part {part}", ""]
        first = last
        if opts.show_index and headers and not cw:
            width, line = index_width, index_text("index")
        else:
            width, line = 0, ""
        f = first
        while f < fields:
            if opts.max_width:
                if cw:
                    if headers:
                        width += cw + 1
                        if f != first and width > opts.max_width:
                            out.append(line)
                            line, width = "", cw + 1
                else:
                    width += widths[f] + 1
                    if f != first and width > opts.max_width:
                        break
            if headers:
                line += field(f, labels[f])
            f += 1
        last = f
        if headers:
            out.append(line)
        for entry, row in enumerate(rows):
            width, line = 0, ""
            if opts.show_index:
                width = 0 if cw else index_width
                line += index_text(indices[entry])
            for g in range(first, last):
                if cw and opts.max_width:
                    width += cw + 1
                    if g != first and width > opts.max_width:
                        out.append(line)
                        line, width = "", cw + 1
                cell = row[g]
                line += field(g, "?" if cell is None else cell)
            out.append(line)
    return out


async def print_table(
    walk: TableWalk,
    words: Sequence[str],
    opts: TableOptions,
    fmt: ToolFormat,
    version: str,
    out: TextIO,
    err: TextIO,
) -> int:
    """``snmptable``: walk the table named in ``words`` and print it as ``opts`` say, the
    names and values as ``fmt`` prints them; the exit code."""
    if len(words) != 1:
        print("table takes one table name", file=err)
        return 1
    index = names.mib_index()
    table_oid = names.resolve(words[0])
    entry = next((n for n in index.nodes if n.kind == "row" and n.oid[:-1] == table_oid), None)
    if entry is None:
        print(f"{words[0]}: Not a table", file=err)
        return 1
    columns: dict[int, str] = {}
    for node in index.nodes:
        if node.oid[:-1] == entry.oid and node.access not in (None, "not-accessible"):
            columns.setdefault(node.oid[-1], node.name)
    order = sorted(columns)
    labels = [columns[c] for c in order]
    title = fmt.name(table_oid)
    if opts.headers_only:
        _print_lines(layout(title, labels, [], [], opts), out)
        print(f"{title}: No entries", file=out)
        return 0
    bulk = opts.getbulk and version != "1"  # GETNEXT on SNMPv1, as snmptable
    walked = await walk(bulk, format_oid(entry.oid))
    # as snmptable: values quick-printed on one line, the index as the names print it
    quick = ToolFormat(replace(fmt.options, quick=True))
    cells: dict[Oid, dict[int, str]] = {}
    indices: dict[Oid, str] = {}
    for raw in (raw for varlist in walked for raw in varlist):
        oid = raw[0]
        column, instance = oid[len(entry.oid)], oid[len(entry.oid) + 1 :]
        if column in columns:
            cells.setdefault(instance, {})[column] = quick.text(raw).replace("\n", " ")
            indices.setdefault(instance, _index_of(fmt.name(oid)))
    if not cells:
        print(f"{title}: No entries", file=out)
        return 0
    rows = [[row.get(c) for c in order] for row in cells.values()]
    shown = list(indices.values())
    batch = len(rows) if bulk else opts.max_repetitions  # snmptable prints each batch
    for start in range(0, len(rows), batch):
        end = start + batch
        _print_lines(
            layout(title, labels, rows[start:end], shown[start:end], opts,
                   first_pass=start == 0, seen=(rows[:end], shown[:end])),
            out,
        )  # fmt: skip
    return 0


def _print_lines(lines: list[str], out: TextIO) -> None:
    for line in lines:
        print(line, file=out)


def _index_of(name: str) -> str:
    """snmptable's index column: what follows the object's label in its printed name."""
    label = name.split("::", 1)[1] if "::" in name else name.lstrip(".")
    return label.split(".", 1)[1] if "." in label else ""
