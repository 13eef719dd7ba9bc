"""Names and OIDs for the component: the MIB index, loaded once per process, on demand.

Numeric OIDs never touch the MIB index. Names, response tags and set types do; the
index is loaded from the package's precompiled MIB data the first time one of them is
needed (about 25 ms, once per process), then every lookup is a dict hit.

How a name resolves (:func:`resolve`): a numeric OID (``.1.3.6...`` or ``1.3.6...``)
as is; otherwise through the index, in every form ``SNMP::Session`` takes: ``sysDescr``,
``ifDescr.3``, ``IF-MIB::ifDescr``, ``iso.org.dod.internet.mgmt.mib-2.system.sysDescr.0``,
and with a table instance as net-snmp's tools print it, read by the row's INDEX:
``vacmAccessContextMatch."grp"."".0.noAuthNoPriv``, ``ipAddressIfIndex.ipv4."127.0.0.1"``.
An index outside its INDEX object's range or SIZE does not resolve (``ifType.0``: ifIndex
is 1..2147483647), as in net-snmp's tools.
Where two modules define the same name, the SMIv2 one wins (IF-MIB's ``ifIndex`` over
RFC1213-MIB's); ``MODULE::name`` picks a definition explicitly.

The user's own MIB modules join the index with :func:`add_mibs` (compiled once with pysmi
into a cache directory the caller chooses; pysmi is imported only then).

Results are memoised in byte-bounded caches (``names.resolve``, ``names.describe``,
``names.oid_text.*`` in :mod:`snmp_component._core.cache`), so replies full of new, long
OIDs cannot grow them past their budgets; an OID has at most 128 sub-identifiers.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ._core.cache import ByteCache, oid_size, text_size, tuple_size
from ._core.mibdata import default_index, load_index
from ._core.mibindex import MibIndex, MibNode, parse_name, split_oid, unknown_detail
from ._core.oid import MAX_OID_LENGTH, MAX_SUBID, format_oid, parse_oid
from ._core.pdu import Oid
from ._core.sprint import OidStyle, oid_name
from .errors import ConfigurationError, UnknownObjectError

__all__ = [
    "MibCompileError",
    "add_mibs",
    "describe",
    "mib_index",
    "node_of",
    "object_of",
    "oid_text",
    "reset_mibs",
    "resolve",
    "resolve_strict",
    "type_of",
    "unknown_detail",
    "user_modules",
]

log = logging.getLogger("snmp_component")

_index: MibIndex | None = None
_lock = threading.RLock()


def mib_index() -> MibIndex:
    """The process-wide MIB index (loaded on first use, ~25 ms), user MIBs included."""
    global _index
    index = _index
    if index is None:
        with _lock:
            if _index is None:
                _index = default_index()
            index = _index
    return index


_resolved: ByteCache[str, Oid] = ByteCache(
    "names.resolve", lambda text, oid: text_size(text) + oid_size(oid)
)
_resolved_get = _resolved.get


def resolve(text: str) -> Oid:
    """The OID of a name or numeric OID string, in any SNMP.pm form (memoised). A numeric
    OID is taken as it is (no MIBs loaded). An instance is read as net-snmp reads it
    (quoted strings, enum labels...); numbers after a name are taken as they are, as
    SNMP.pm takes them, even where the row's INDEX would refuse them (``ifDescr.0``).

    Raises:
        UnknownObjectError: it does not parse, names nothing the MIBs know, or comes to
            more than 128 sub-identifiers; :func:`unknown_detail` gives what net-snmp's
            tools would say about it.
    """
    found = _resolved_get(text)
    if found is None:
        found = _resolved.put(text, _resolve(text))
    return found


def resolve_strict(text: str) -> Oid:
    """:func:`resolve` as net-snmp's tools resolve: an index its row's INDEX refuses
    (``ifType.0``: ifIndex is 1..2147483647) is unknown, also in a numeric OID
    (``.1.3.6.1.2.1.2.2.1.3.0``; this loads the MIBs). Not memoised. Raises as
    :func:`resolve` does."""
    return _resolve(text, strict=True)


_NUMBERS_AFTER = re.compile(r"(.*?[^.\d].*?)((?:\.\d+)+)")
"""A name followed by numbers only: ``IF-MIB::ifDescr.0`` -> ``IF-MIB::ifDescr``, ``.0``."""


def _resolve(text: str, strict: bool = False) -> Oid:
    stripped = text.strip()
    numeric = stripped[:1].isdigit() or stripped[:1] == "."
    if numeric and not strict:
        try:
            return parse_oid(stripped)
        except ValueError:
            pass
    try:
        return parse_name(stripped, mib_index(), full=strict)
    except UnknownObjectError as exc:
        plain = None if strict else _NUMBERS_AFTER.fullmatch(stripped)
        if plain is None:
            raise
        try:  # as SNMP.pm: the name's OID, then the numbers
            oid = (*parse_name(plain[1], mib_index()), *map(int, plain[2][1:].split(".")))
        except (UnknownObjectError, ValueError):
            raise exc from None
        if len(oid) > MAX_OID_LENGTH or max(oid) > MAX_SUBID:
            raise  # (too long, or a number too big: the parser's error says so)
        return oid
    except ValueError as exc:
        raise UnknownObjectError(f"Unknown Object Identifier {text!r}: {exc}") from None


_DESCRIBED_BASE = 2 * tuple_size(3)
_EMPTY_TEXT = text_size("")


def _described_size(key: tuple[Oid, bool, bool], found: tuple[str, str, str | None]) -> int:
    # Runs for every OID described for the first time (a walk: every varbind). The texts
    # are weighed as one (their characters, plus a str header each): the same sum when
    # all are ASCII, more (4 bytes a character) when one is not -- never less.
    tag, iid, mib_type = found
    if mib_type is None:
        return _DESCRIBED_BASE + oid_size(key[0]) + text_size(tag + iid) + _EMPTY_TEXT
    return _DESCRIBED_BASE + oid_size(key[0]) + text_size(tag + iid + mib_type) + 2 * _EMPTY_TEXT


_described: ByteCache[tuple[Oid, bool, bool], tuple[str, str, str | None]] = ByteCache(
    "names.describe", _described_size
)
_described_get = _described.get


def describe(oid: Oid, numeric: bool, long_names: bool = False) -> tuple[str, str, str | None]:
    """``(tag, iid, mib_type)`` of a received OID, net-snmp style (memoised: polls repeat).

    ``numeric``: SNMP.pm's ``UseNumeric`` (tag ``.1.3.6.1.2.1.1.1``, iid ``0``);
    ``long_names``: its ``UseLongNames`` (tag
    ``.iso.org.dod.internet.mgmt.mib-2.system.sysDescr``, iid ``0``). An OID no loaded MIB
    knows is always the whole numeric OID with iid ``""``.
    """
    key = (oid, numeric, long_names)
    found = _described_get(key)
    if found is None:
        index = mib_index()
        tag, iid = split_oid(oid, index, numeric=numeric, cached=False)  # cached here
        if long_names and not numeric and not tag.startswith("."):
            arcs = len(iid.split(".")) if iid else 0
            tag = oid_name(oid[: len(oid) - arcs], index, "full")
        found = _described.put(key, (tag, iid, index.type_of(oid)))
    return found


def type_of(oid: Oid) -> str | None:
    """The net-snmp type name the MIBs give the object at ``oid`` (for ``set``)."""
    return mib_index().type_of(oid)


def object_of(oid: Oid) -> MibNode | None:
    """The scalar or column ``oid`` is an instance of (for ``set``: type and enums)."""
    return mib_index().object_of(oid)


def node_of(oid: Oid) -> MibNode | None:
    """The node net-snmp formats a value with: the longest known prefix of ``oid``."""
    return mib_index().longest_prefix(oid)


_oid_texts: dict[str, Callable[[Oid], str]] = {}
# one byte-bounded cache per style, kept across _forget() (cleared there instead)
_oid_text_caches: dict[str, ByteCache[Oid, str]] = {}


def _oid_text_size(oid: Oid, text: str) -> int:
    return oid_size(oid) + text_size(text)


def oid_text(style: OidStyle) -> Callable[[Oid], str]:
    """A memoised OID-value namer for one net-snmp output format (see
    :func:`~snmp_component._core.sprint.oid_name`)."""
    found = _oid_texts.get(style)
    if found is None:
        if style == "numeric":
            found = format_oid
        else:
            with _lock:
                cache = _oid_text_caches.get(style)
                if cache is None:
                    cache = _oid_text_caches[style] = ByteCache(
                        f"names.oid_text.{style}", _oid_text_size
                    )
            get, put = cache.get, cache.put
            seen: list[MibIndex | None] = [None]

            def name(oid: Oid) -> str:
                index = mib_index()
                if index is not seen[0]:  # user MIBs were added since: forget old names
                    cache.clear()
                    seen[0] = index
                text = get(oid)
                if text is None:
                    text = put(oid, oid_name(oid, index, style))
                return text

            found = name
        _oid_texts[style] = found
    return found


def _forget() -> None:
    """Drop everything memoised from the previous index."""
    _resolved.clear()
    _described.clear()
    _oid_texts.clear()
    for cache in _oid_text_caches.values():
        cache.clear()


# -- user MIBs ------------------------------------------------------------------------------------


class MibCompileError(ConfigurationError):
    """User MIB modules could not be found or compiled; the message says which and why.

    Attributes:
        missing: the modules named that are in none of the directories (else empty).
    """

    def __init__(self, message: str, missing: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.missing = tuple(missing)


_MODULE_HEADER = re.compile(
    rb"^[ \t]*([A-Za-z][A-Za-z0-9-]*)\s+DEFINITIONS\s*(?:IMPLICIT\s+TAGS\s*)?::=\s*BEGIN", re.M
)
_MAX_TEXT = 16 * 1024 * 1024
_CACHE_VERSION = 1
# module -> its nodes, for the modules add_mibs added; ordered as added
_user: dict[str, tuple[MibNode, ...]] = {}
_replacing: set[str] = set()  # user modules that replace a shipped module of that name


def user_modules() -> list[str]:
    """Names of the MIB modules :func:`add_mibs` added to the index, in the order added."""
    return list(_user)


def reset_mibs() -> None:
    """Forget every module :func:`add_mibs` added: back to the shipped MIBs only."""
    global _index
    with _lock:
        _user.clear()
        _replacing.clear()
        _index = None
        _forget()


def add_mibs(
    dirs: Iterable[str | os.PathLike[str]],
    modules: Iterable[str] | None = None,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
) -> list[str]:
    """Compile MIB modules from ``dirs`` and add their names to the process-wide index.

    Args:
        dirs: directories holding MIB texts (any file name; a file's module is read from
            its ``NAME DEFINITIONS ::= BEGIN`` line). Modules a text IMPORTS are looked up
            in the same directories, in order; the SMI base modules (SNMPv2-SMI, SNMPv2-TC,
            SNMPv2-CONF, RFC1155-SMI, RFC-1212, RFC-1215) fall back to built-in minimal
            texts when no directory has them. Any other imported module (IF-MIB, say) must
            be in one of ``dirs``.
        modules: the module names to compile, with every module they import; ``None``
            compiles every module of ``dirs`` that the package does not ship.
            A module named here that the package ships (a newer IF-MIB, say) replaces the
            shipped one; modules that were only imported never do.
        cache_dir: a directory for the compiled result (created if missing). The next call
            with the same texts (same files, sizes and mtimes) and modules loads it from
            there without importing pysmi, also where pysmi is not installed (where another
            pysmi version is, it compiles again). ``None``: compile in memory, write nothing.
            Nothing is ever written anywhere else (in particular not to ``$HOME``).

    Returns:
        The names of the modules added to (or replaced in) the index.

    Raises:
        MibCompileError: a directory does not exist, a named module is in none of them,
            pysmi is missing, or a named module failed to compile (the message carries
            pysmi's reason, e.g. an IMPORTS of a module found nowhere). With
            ``modules=None``, modules that fail are logged and skipped instead.

    Compiling needs pysmi (``pip install pysmi``) and takes from a fraction of a second to
    seconds; do it at start-up, not inside a running event loop's callbacks. Thread-safe.
    """
    folders = [Path(d) for d in dirs]
    for folder in folders:
        if not folder.is_dir():
            raise MibCompileError(f"MIB directory {str(folder)!r} does not exist")
    wanted = None if modules is None else list(dict.fromkeys(modules))
    if wanted is not None and not all(isinstance(m, str) and m for m in wanted):
        raise MibCompileError(f"modules must be MIB module names, not {modules!r}")
    files = _mib_files(folders)
    cache = None if cache_dir is None else Path(cache_dir)
    with _lock:
        blob = data = None
        if cache is not None:
            path = cache / f"user-mibs-{_cache_key(files, wanted)}.json.gz"
            if path.is_file():
                blob = path.read_bytes()
                data = json.loads(gzip.decompress(blob))
                installed = _pysmi_version()
                if installed is not None and installed != data.get("pysmi"):
                    blob = data = None  # compiled by another pysmi: compile again
                else:
                    log.debug("user MIBs loaded from %s", path)
        if blob is None:
            blob = _compile(files, wanted)
            if cache is not None:
                _write_atomically(path, blob)
        if data is None:
            data = json.loads(gzip.decompress(blob))
        added = _merge(load_index(blob).nodes, data.get("requested") or [], data)
    return added


def _mib_files(folders: list[Path]) -> list[Path]:
    files: list[Path] = []
    for folder in folders:
        for path in sorted(folder.iterdir()):
            if path.name.startswith(".") or not path.is_file():
                continue
            files.append(path)
    return files


def _pysmi_version() -> str | None:
    """The installed pysmi's version (None: not installed), without importing it."""
    from importlib import metadata

    try:
        return metadata.version("pysmi")
    except metadata.PackageNotFoundError:
        return None


def _cache_key(files: list[Path], wanted: list[str] | None) -> str:
    """The cache file's name for these texts and modules. Not the pysmi version: a cache
    must load where pysmi is not installed (the compiled data records the version, and
    :func:`add_mibs` compiles again when another pysmi is installed)."""
    from ._pysmi_compile import FORMAT, STUB_TEXTS

    stat = [(str(p.resolve()), p.stat().st_size, p.stat().st_mtime_ns) for p in files]
    key = {
        "v": _CACHE_VERSION,
        "format": FORMAT,
        "modules": None if wanted is None else sorted(wanted),
        "files": stat,
        "stubs": hashlib.sha256(json.dumps(STUB_TEXTS, sort_keys=True).encode()).hexdigest(),
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:24]


def _write_atomically(path: Path, blob: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(blob)
    os.replace(tmp, path)


def _module_sources(files: list[Path]) -> dict[str, Path]:
    """Module name -> the first file (in directory order) that defines it."""
    sources: dict[str, Path] = {}
    for path in files:
        try:
            if path.stat().st_size > _MAX_TEXT:
                continue
            head = path.read_bytes()
        except OSError:
            continue
        for match in _MODULE_HEADER.finditer(head):
            sources.setdefault(match.group(1).decode("ascii"), path)
    return sources


def _compile(files: list[Path], wanted: list[str] | None) -> bytes:
    from ._pysmi_compile import STUB_TEXTS, CompileError, build_data, compile_modules, encode

    try:
        from importlib import metadata

        import pysmi  # noqa: F401  (only to fail early with a clear message)

        version = metadata.version("pysmi")
    except ImportError:
        raise MibCompileError(
            "compiling MIB texts needs pysmi: pip install pysmi (2.0 or later)"
        ) from None
    sources = _module_sources(files)
    shipped = default_index().modules
    if wanted is None:
        requested = [m for m in sources if m not in shipped]
    else:
        missing = [m for m in wanted if m not in sources]
        if missing:
            where = ", ".join(sorted({str(p.parent) for p in files})) or "(no files)"
            raise MibCompileError(
                f"MIB module(s) {', '.join(missing)} not found in {where} "
                f"(modules there: {', '.join(sorted(sources)) or 'none'})",
                missing,
            )
        requested = wanted
    if not requested:
        compiled: dict[str, dict[str, Any]] = {}
        problems: dict[str, str] = {}
        smiv1: set[str] = set()
    else:
        try:
            compiled, problems, smiv1 = compile_modules(
                sources, [*requested, "SNMPv2-TC"], fallback=STUB_TEXTS, strict_fixes=False
            )
        except CompileError as exc:
            raise MibCompileError(f"cannot compile MIBs: {exc}") from None
    while True:  # a module whose definitions cannot be reduced is dropped like a failed one
        try:
            data = build_data(compiled, smiv1, version)
            break
        except CompileError as exc:
            culprit = str(exc).partition("::")[0]
            if culprit not in compiled:
                raise MibCompileError(f"cannot use the compiled MIBs: {exc}") from None
            del compiled[culprit]
            problems[culprit] = str(exc)
    failed = {m: problems.get(m, "not compiled") for m in requested if m not in compiled}
    if failed:
        detail = "; ".join(f"{m}: {why}" for m, why in failed.items())
        others = {m: why for m, why in problems.items() if m not in failed}
        if others:
            detail += " (imported modules: " + "; ".join(f"{m}: {w}" for m, w in others.items())
            detail += ")"
        if wanted is not None:
            raise MibCompileError(f"MIB module(s) failed to compile: {detail}")
        log.warning("user MIB modules skipped: %s", detail)
    data["requested"] = sorted(m for m in requested if m in compiled)
    return encode(data)


def _merge(nodes: Iterable[MibNode], requested: list[str], data: Mapping[str, Any]) -> list[str]:
    """Put the compiled ``nodes`` into the process-wide index (see :func:`add_mibs`)."""
    global _index
    shipped = default_index()
    by_module: dict[str, list[MibNode]] = {}
    for node in nodes:
        by_module.setdefault(node.module, []).append(node)
    added: list[str] = []
    for module in data.get("modules") or by_module:
        group = tuple(by_module.get(module, ()))
        if module in requested:
            _user.pop(module, None)
            _user[module] = group
            if module in shipped.modules:
                _replacing.add(module)
            added.append(module)
        elif group and module not in shipped.modules and module not in _user:
            _user[module] = group  # an imported module the package does not ship
            added.append(module)
    merged: list[MibNode] = []
    put_back: set[str] = set()
    for node in shipped.nodes:
        if node.module not in _replacing:
            merged.append(node)
        elif node.module not in put_back:  # a replaced module keeps its rank
            put_back.add(node.module)
            merged.extend(_user[node.module])
    for module, group in _user.items():
        if module not in _replacing:
            merged.extend(group)
    _index = MibIndex(merged)
    _forget()
    return added
