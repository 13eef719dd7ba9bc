"""User MIB modules: names.add_mibs compiles them (pysmi, lazily) into a cache directory the
caller chooses and merges their names into the process-wide index."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from snmp_component import names
from snmp_component._core.sprint import oid_name

pytest.importorskip("pysmi", reason="user MIBs are compiled with pysmi")

ACME_MIB = """\
ACME-MIB DEFINITIONS ::= BEGIN

IMPORTS
    MODULE-IDENTITY, OBJECT-TYPE, Integer32, enterprises FROM SNMPv2-SMI
    DisplayString, TruthValue                            FROM SNMPv2-TC;

acmeMIB MODULE-IDENTITY
    LAST-UPDATED "202401010000Z"
    ORGANIZATION "Acme"
    CONTACT-INFO "nobody"
    DESCRIPTION  "A test MIB."
    ::= { enterprises 99999 }

acmeWidgets OBJECT-TYPE
    SYNTAX      Integer32 (0..100)
    UNITS       "widgets"
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "Widgets in stock."
    ::= { acmeMIB 1 }

acmeLabel OBJECT-TYPE
    SYNTAX      DisplayString
    MAX-ACCESS  read-write
    STATUS      current
    DESCRIPTION "A label."
    ::= { acmeMIB 2 }

acmeEnabled OBJECT-TYPE
    SYNTAX      TruthValue
    MAX-ACCESS  read-write
    STATUS      current
    DESCRIPTION "On or off."
    ::= { acmeMIB 3 }

END
"""

OLD_MIB = """\
OLD-STYLE-MIB DEFINITIONS ::= BEGIN
IMPORTS enterprises, Counter FROM RFC1155-SMI
        OBJECT-TYPE FROM RFC-1212;
oldCo OBJECT IDENTIFIER ::= { enterprises 99998 }
oldPackets OBJECT-TYPE SYNTAX Counter ACCESS read-only STATUS mandatory
    DESCRIPTION "Packets." ::= { oldCo 1 }
END
"""

BROKEN_MIB = """\
BROKEN-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, enterprises FROM SNMPv2-SMI
        SomethingElse FROM NOWHERE-MIB;
brokenThing OBJECT-TYPE SYNTAX SomethingElse MAX-ACCESS read-only STATUS current
    DESCRIPTION "Of a type nobody defines." ::= { enterprises 99996 }
END
"""


@pytest.fixture(autouse=True)
def shipped_mibs_only() -> Iterator[None]:
    names.reset_mibs()
    yield
    names.reset_mibs()


@pytest.fixture
def mib_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "mibs"
    folder.mkdir()
    (folder / "acme.my").write_text(ACME_MIB)  # any file name: the module name is read
    (folder / "OLD-STYLE-MIB.txt").write_text(OLD_MIB)
    return folder


def test_a_user_mib_resolves_by_name(mib_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="acmeWidgets"):
        names.resolve("acmeWidgets.0")
    cache = tmp_path / "cache"
    added = names.add_mibs([mib_dir], ["ACME-MIB"], cache_dir=cache)
    assert added == ["ACME-MIB"] and names.user_modules() == ["ACME-MIB"]
    assert names.resolve("acmeWidgets.0") == (1, 3, 6, 1, 4, 1, 99999, 1, 0)
    assert names.resolve("ACME-MIB::acmeLabel") == (1, 3, 6, 1, 4, 1, 99999, 2)
    assert names.describe((1, 3, 6, 1, 4, 1, 99999, 1, 0), False) == ("acmeWidgets", "0",
                                                                       "INTEGER32")  # fmt: skip
    label = names.mib_index().resolve_name("acmeLabel")
    assert (label.type, label.tc, label.hint, label.access) == (
        "OCTETSTR",
        "DisplayString",
        "255a",
        "read-write",
    )
    assert dict(names.mib_index().resolve_name("acmeEnabled").enums or {}) == {
        "true": 1, "false": 2
    }  # fmt: skip
    assert names.mib_index().resolve_name("acmeWidgets").units == "widgets"
    index = names.mib_index()
    assert oid_name(names.resolve("acmeWidgets.0"), index, "full") == (
        ".iso.org.dod.internet.private.enterprises.acmeMIB.acmeWidgets.0"
    )
    # the shipped names are all still there
    assert names.resolve("ifDescr.1") == (1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 1)
    assert list(cache.glob("user-mibs-*.json.gz"))
    names.reset_mibs()
    with pytest.raises(Exception, match="acmeWidgets"):
        names.resolve("acmeWidgets.0")


def test_every_module_of_a_directory_and_smiv1(mib_dir: Path) -> None:
    added = names.add_mibs([mib_dir])
    assert sorted(added) == ["ACME-MIB", "OLD-STYLE-MIB"]
    packets = names.mib_index().resolve_name("oldPackets")
    assert (packets.type, packets.access) == ("COUNTER", "read-only")


def test_the_cache_is_used_without_pysmi(mib_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    names.add_mibs([mib_dir], ["ACME-MIB"], cache_dir=cache)
    [cached] = cache.glob("user-mibs-*.json.gz")
    script = textwrap.dedent(
        f"""
        import sys
        from snmp_component import names
        assert names.add_mibs([{str(mib_dir)!r}], ["ACME-MIB"], cache_dir={str(cache)!r}) == [
            "ACME-MIB"
        ]
        assert names.resolve("acmeWidgets.0")[-3:] == (99999, 1, 0)
        assert "pysmi" not in sys.modules, "pysmi imported although the cache was there"
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert list(cache.glob("user-mibs-*.json.gz")) == [cached]  # nothing recompiled/rewritten
    # a changed text is compiled again (new cache entry)
    (mib_dir / "acme.my").write_text(ACME_MIB.replace("acmeWidgets", "acmeGadgets"))
    names.add_mibs([mib_dir], ["ACME-MIB"], cache_dir=cache)
    assert len(list(cache.glob("user-mibs-*.json.gz"))) == 2
    assert names.resolve("acmeGadgets.0")[-3:] == (99999, 1, 0)


def test_nothing_is_written_without_a_cache_dir(
    mib_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    before = sorted(p.name for p in mib_dir.iterdir())
    names.add_mibs([mib_dir], ["ACME-MIB"])
    assert list(home.iterdir()) == []
    assert sorted(p.name for p in mib_dir.iterdir()) == before


def test_a_named_module_replaces_the_shipped_one(tmp_path: Path) -> None:
    folder = tmp_path / "newer"
    folder.mkdir()
    (folder / "UCD-DEMO-MIB.txt").write_text(
        ACME_MIB.replace("ACME-MIB", "UCD-DEMO-MIB")
        .replace("acme", "ucdDemoNew")
        .replace("99999", "99997")
    )
    assert names.resolve("UCD-DEMO-MIB::ucdDemoPublic")
    names.add_mibs([folder], ["UCD-DEMO-MIB"])
    assert names.resolve("UCD-DEMO-MIB::ucdDemoNewWidgets")[-2:] == (99997, 1)
    with pytest.raises(Exception, match="ucdDemoPublic"):
        names.resolve("UCD-DEMO-MIB::ucdDemoPublic")
    # a shipped module only imported by a user module is never replaced
    assert names.resolve("sysDescr") == (1, 3, 6, 1, 2, 1, 1, 1)


@pytest.mark.parametrize(
    ("modules", "text"),
    [
        (["NO-SUCH-MIB"], "NO-SUCH-MIB not found in"),
        (["BROKEN-MIB"], "BROKEN-MIB"),
        ([""], "module names"),
    ],
)
def test_errors_name_the_module(mib_dir: Path, modules: list[str], text: str) -> None:
    (mib_dir / "BROKEN-MIB.txt").write_text(BROKEN_MIB)
    with pytest.raises(names.MibCompileError, match=text) as info:
        names.add_mibs([mib_dir], modules)
    if modules == ["BROKEN-MIB"]:
        assert "failed to compile" in str(info.value)
    assert names.user_modules() == []


def test_a_missing_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(names.MibCompileError, match="does not exist"):
        names.add_mibs([tmp_path / "nowhere"])


def test_broken_modules_are_skipped_when_compiling_a_whole_directory(
    mib_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (mib_dir / "BROKEN-MIB.txt").write_text(BROKEN_MIB)
    added = names.add_mibs([mib_dir])
    assert "BROKEN-MIB" not in added and "ACME-MIB" in added
    assert "BROKEN-MIB" in caplog.text


def test_importing_the_package_does_not_import_pysmi() -> None:
    done = subprocess.run(
        [sys.executable, "-c",
         "import sys, snmp_component, snmp_component.names; from snmp_component import names;"
         "names.resolve('sysDescr.0');"
         "assert 'pysmi' not in sys.modules and 'snmp_component._pysmi_compile' not in "
         "sys.modules"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
