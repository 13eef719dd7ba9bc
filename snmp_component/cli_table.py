"""``snmpc table``: snmptable's options and layout (net-snmp 5.9's ``apps/snmptable.c``).

:func:`table_options` takes snmptable's ``-C`` letters out of a command line the way its
``optProc`` reads them -- ``c``, ``f``, ``r`` and ``w`` take the *next* argument
(``-Cf ,``, ``-Cr 5``); ``b``, ``B``, ``h``, ``H``, ``i`` and ``l`` are flags -- and
:func:`layout` prints a table as its ``print_table`` does: a title, a header line, right-
(``-Cl``: left-) aligned columns one space apart, or ``-Cf``-separated fields, the index
first with ``-Ci``, fixed ``-Cc`` column widths (values cut to fit), ``-Cw`` parts;
widths count octets, as printf's. :func:`print_table` finds the columns as its
``get_field_names`` does (``Was that a table?``), reads the rows (GETBULK: one walk;
GETNEXT: ``-Cr`` rows a batch) and prints the values as snmptable, quick-printed unless
``-Oq`` toggles that off.
"""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import TextIO

from . import errors, names
from ._core import ber
from ._core.oid import format_oid, parse_oid
from ._core.pdu import Oid, RawVarbind
from .cli_usage import UsageError, request_oid, stale_detail
from .cli_values import atoi
from .toolformat import OutputOptions, ToolFormat
from .varformat import tool_names

__all__ = ["TableError", "TableOptions", "layout", "print_table", "table_options"]

TableWalk = Callable[[bool, str], Awaitable[list[list[RawVarbind]]]]
"""``walk(getbulk, root)``: the rows of a walk of ``root`` (GETBULK or GETNEXT), as raw
varbinds in one list per walked root."""

TableGetNext = Callable[..., Awaitable[list[RawVarbind]]]
"""``getnext(*oids)``: one GETNEXT request's raw varbinds (SNMPv1's noSuchName raised as
:class:`~snmp_component.errors.NoSuchName`)."""


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
                raise TableError("snmptable: option requires an argument -- 'C'")
            letters, k = words[k], k + 1
        for letter in letters:
            if letter in "cfrw":
                if k >= len(words):
                    raise TableError(f"Bad -C{letter} option: no argument given")
                value, k = words[k], k + 1
                if letter == "f":
                    found["separator"] = value
                    continue
                number = atoi(value)
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


def brief_labels(labels: list[str]) -> list[str]:
    """``-Cb``: the labels without the prefix every neighbouring pair shares, computed as
    snmptable does: over the columns in its MIB tree's order (the last one first), where a
    label that is all of its neighbour's start shares one character less."""
    if len(labels) < 2:
        return labels
    common = len(labels[-1])
    for after, before in itertools.pairwise(labels):  # (f2, f1): the tree lists them backwards
        shared = 0
        while shared < len(before) and shared < len(after) and before[shared] == after[shared]:
            shared += 1
        common = min(common, shared - 1 if shared == len(before) else shared)
    return [label[common:] for label in labels]


def _size(text: str) -> int:
    """The octets ``text`` prints as (snmptable measures and pads its cells in octets)."""
    return len(text.encode("utf-8", "surrogateescape"))


def _fmt(text: str, width: int, left: bool, precision: int | None = None) -> str:
    """C's ``%[-]W[.P]s``: widths and precision count octets, as printf's do."""
    octets = text.encode("utf-8", "surrogateescape")
    if precision is not None and len(octets) > precision:
        octets = octets[:precision]  # (as printf: even in the middle of a character)
        text = octets.decode("utf-8", "surrogateescape")
    pad = " " * max(0, width - len(octets))
    return text + pad if left else pad + text


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
    grow from batch to batch: ``seen`` is every row (and index) printed so far and now.
    ``labels`` are the column labels as they print (``-Cb`` already applied)."""
    out: list[str] = []
    fields = len(labels)
    all_rows, all_indices = seen if seen is not None else (rows, indices)
    widths = [
        max([_size(labels[f])] + [_size(row[f] or "") for row in all_rows if row[f] is not None])
        for f in range(fields)
    ]
    index_width = max([len("index ")] + [_size(index) for index in all_indices])
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


@dataclass(frozen=True, slots=True)
class _Columns:
    """What snmptable's ``get_field_names`` finds: the title, the entry walked, and the
    columns (sub-identifier, label)."""

    title: str
    entry: Oid
    columns: list[tuple[int, str]]


def _field_names(root: Oid, fmt: ToolFormat) -> _Columns | str:
    """snmptable's ``get_field_names``: the node the MIBs know at ``root`` (or its longest
    known prefix) and the first node below it (a table's entry); that entry's children,
    but those not-accessible, are the columns, labelled with the last part of their
    printed names -- up to one that ends in a number (every one with ``-On``: snmptable
    then asks ``Was that a table?``, as it does for an OID below which the MIBs know no
    such columns). Returns the columns, or that question."""
    tools = tool_names()
    node = tools.node(root)
    if node is None:  # not even under iso: snmptable names the table after root's parent
        return f"Was that a table? {fmt.name(root[:-1])}"
    question = f"Was that a table? {fmt.name(root)}"
    below = _children(node.oid)
    # (net-snmp takes the first of its tree's list of children, in an order of its own;
    # where there is more than one -- never for a table -- this asks the question instead)
    if node.oid != root or len(below) != 1:
        return question
    entry = below[0]
    columns: list[tuple[int, str]] = []
    for oid in _children(entry):
        column = tools.node_at(oid)
        if column is not None and column.access == "not-accessible":
            continue
        name = fmt.name(oid)
        label = name[(name.rfind(".") if "." in name else name.rfind(":")) + 1 :]
        if label[:1].isdigit():
            break
        columns.append((oid[-1], label))
    if not columns:
        return question
    return _Columns(fmt.name(root), entry, columns)


def _children(parent: Oid) -> list[Oid]:
    """The OIDs the MIBs name just below ``parent``, in the order snmptable lists them:
    as the module defines them -- in the order of their OIDs, but where
    :data:`_DEFINITION_ORDER` says otherwise."""
    found = {node.oid for node in names.mib_index().nodes if node.oid[:-1] == parent}
    first = _DEFINITION_ORDER.get(parent, ())
    return sorted(
        found, key=lambda oid: (first.index(oid[-1]) if oid[-1] in first else len(first), oid)
    )


_DEFINITION_ORDER: dict[Oid, tuple[int, ...]] = {
    # MTA-MIB defines mtaGroupLastOutboundAssociationAttempt (34) after column 18
    (1, 3, 6, 1, 2, 1, 28, 2, 1): (*range(1, 19), 34),
}
"""Where a shipped module defines the columns of a row out of their OIDs' order (their
leading columns, as defined): net-snmp's MIB tree keeps the definition order, and so do
snmptable's columns."""


def _index_of(name: str, title: str, options: OutputOptions) -> str | None:
    """snmptable's index of a cell: what follows the column's label in its printed
    ``name`` -- found after the ``::`` (``-OS``, the default), from the start (``-Os``),
    or after the table's printed name (``title``) and the entry's label (``-Of``, ``-Ou``);
    with ``-OX`` from the first ``[`` on; ``None`` when nothing follows (snmptable then
    stops reading the table)."""
    oid_format = options.oid_format
    if options.extended_index:
        bracket = name.find("[")
        return None if bracket < 0 else name[bracket:]
    if oid_format == "module":
        rest = name[name.find(":") + 1 :]
    elif oid_format == "suffix":
        rest = name
    else:
        rest = name[len(title) + 1 :]
        rest = rest[rest.find(".") + 1 :]
    dot = rest.find(".")
    return None if dot < 0 else rest[dot + 1 :]


async def print_table(
    walk: TableWalk,
    words: Sequence[str],
    opts: TableOptions,
    fmt: ToolFormat,
    version: str,
    out: TextIO,
    err: TextIO,
    getnext: TableGetNext | None = None,
) -> int:
    """``snmptable``: walk the table named in ``words`` and print it as ``opts`` say, the
    names and values as ``fmt`` prints them; the exit code.

    With GETBULK (``version`` 2c or 3, no ``-CB``) one ``walk`` of the entry reads every
    row, as snmptable's GETBULKs do. Without, snmptable asks for a row at a time, one
    GETNEXT for all columns, and prints ``-Cr`` rows at a time (all at once for ``-Cw``):
    given ``getnext``, this does the same (:func:`_getnext_rows`: its ``End of MIB`` on
    SNMPv1 included); else a GETNEXT ``walk`` of the entry stands in for those requests."""
    if len(words) != 1:
        print("Must have exactly one table name", file=err)
        return 1
    try:
        root = parse_oid(request_oid(words[0]))
    except UsageError as exc:
        print(str(exc), file=err)
        return 1
    found = _field_names(root, fmt)
    if isinstance(found, str):
        print(found, file=err)
        return 1
    title, subids = found.title, [subid for subid, _ in found.columns]
    labels = [label for _, label in found.columns]
    labels = brief_labels(labels) if opts.brief else labels
    if opts.headers_only:
        _print_lines(layout(title, labels, [], [], opts), out)
        print(f"{title}: No entries", file=out)
        return 0
    bulk = opts.getbulk and version != "1"  # GETNEXT on SNMPv1, as snmptable
    entry = found.entry
    every = bulk or bool(opts.max_width and not opts.column_width)  # rows read at once
    if bulk and opts.max_repetitions < 0:
        print(f"snmptable: Bad value for max-repetitions{stale_detail(words[:1])}", file=err)
        return 1
    # snmptable quick-prints the values: -Oq (and -OQ) toggle that off, as snmpget's on
    quick = ToolFormat(replace(fmt.options, quick=not fmt.options.quick))
    if not bulk and getnext is not None:
        table = _Table(title, labels, entry, subids, fmt, quick, opts)
        return await _getnext_rows(getnext, table, out)
    if not every and opts.max_repetitions < 0:  # GETNEXT reads no row at all
        walked: list[list[RawVarbind]] = []
    else:
        walked = await walk(bulk, format_oid(entry))
    column_of = {subid: k for k, subid in enumerate(subids)}
    rows: dict[str, list[str | None]] = {}  # by index, as snmptable finds its rows
    extra = False
    for raw in (raw for varlist in walked for raw in varlist):
        oid = raw[0]
        if len(oid) <= len(entry) or (not bulk and oid[len(entry)] < subids[0]):
            continue  # (its GETNEXTs start at the first column; its GETBULKs at ENTRY.0)
        column = column_of.get(oid[len(entry)])
        if column is None:
            extra = True  # (an agent's column the MIB does not have)
            continue
        name = quick.name(oid)  # (quick-print shows in -OX's hinted indexes too)
        index = _index_of(name, title, fmt.options)
        if index is None:
            break
        row = rows.setdefault(index, [None] * len(subids))
        if row[column] is not None:
            print(f"OID not increasing: {name}", file=err)
            return 2
        row[column] = quick.text(raw).replace("\n", " ")
    cells, shown = list(rows.values()), list(rows)
    # GETNEXT reads (and prints) -Cr rows at a time, all of them at once for -Cw parts
    batch = max(len(cells), 1) if every else opts.max_repetitions
    for start in range(0, len(cells), batch):
        end = start + batch
        _print_lines(
            layout(title, labels, cells[start:end], shown[start:end], opts,
                   first_pass=start == 0, seen=(cells[:end], shown[:end])),
            out,
        )  # fmt: skip
    if not cells:
        print(f"{title}: No entries", file=out)
    if extra and bulk:
        print(f"{title}: WARNING: More columns on agent than in MIB", file=out)
    return 0


@dataclass(frozen=True, slots=True)
class _Table:
    """A table as :func:`_getnext_rows` reads and prints it."""

    title: str
    labels: list[str]
    entry: Oid
    subids: list[int]
    fmt: ToolFormat  # names
    quick: ToolFormat  # values
    opts: TableOptions


async def _getnext_rows(getnext: TableGetNext, table: _Table, out: TextIO) -> int:
    """snmptable's ``get_table_entries`` loop: a GETNEXT of every column after the last
    row's index; ``-Cr`` rows a batch, each printed as read (all in one with ``-Cw`` and
    no ``-Cc``); SNMPv1's noSuchName ends the table with ``End of MIB``. The exit code.

    The next row is the lowest index the columns answer with, its cells those of that
    index. (snmptable takes the first column's instead: a row an earlier column lacks
    hides the later columns' cells of every row before it -- of a sparse table it can
    print one row of 26. On a table whose columns have the same rows, the same rows.)"""
    opts, entry, subids = table.opts, table.entry, table.subids
    depth = len(entry)
    every = bool(opts.max_width and not opts.column_width)
    after: Oid = ()  # the last row's index
    seen: list[list[str | None]] = []
    seen_indices: list[str] = []
    end = True  # (snmptable's end_of_table, where no request is made at all)
    while True:
        rows: list[list[str | None]] = []
        indices: list[str] = []
        while every or len(rows) < opts.max_repetitions:
            try:
                varbinds = await getnext(*(format_oid((*entry, sub, *after)) for sub in subids))
            except errors.NoSuchName:
                print("End of MIB", file=out)
                end = True
                break
            found = [
                (raw[0][depth + 1 :], column, raw)
                for column, (raw, subid) in enumerate(zip(varbinds, subids, strict=False))
                if raw[0][: depth + 1] == (*entry, subid) and raw[1] != ber.END_OF_MIB_VIEW
            ]  # (the varbinds still in their columns)
            lowest = min((index for index, _, _ in found), default=None)
            end = lowest is None or (bool(seen or rows) and lowest <= after)  # (or goes back)
            if end or lowest is None:
                break
            after = lowest
            row: list[str | None] = [None] * len(subids)
            for index, column, raw in found:
                if index == after:
                    row[column] = table.quick.text(raw).replace("\n", " ")
            shown = ""
            if opts.show_index:
                printed = table.quick.name((*entry, subids[0], *after))
                shown = _index_of(printed, table.title, table.fmt.options) or ""
            rows.append(row)
            indices.append(shown)
        seen += rows
        seen_indices += indices
        if rows:
            first = len(seen) == len(rows)
            lines = layout(
                table.title, table.labels, rows, indices, opts, first, (seen, seen_indices)
            )
            _print_lines(lines, out)
        if end:
            break
    if not seen:
        print(f"{table.title}: No entries", file=out)
    return 0


def _print_lines(lines: list[str], out: TextIO) -> None:
    for line in lines:
        print(line, file=out)
