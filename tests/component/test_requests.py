"""Requests and payloads against the real agent (reference §8 checks 12-31, 37-42, 52)."""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest

from snmp_component import (
    Event,
    Kernel,
    Request,
    Response,
    Session,
    SNMPComponent,
    Varbind,
    VarList,
    errors,
)
from snmp_component.testing import SnmpdAgent

from .conftest import only, poll, run_kernel

UPTIME = ".1.3.6.1.2.1.1.3.0"
SYSDESCR = ".1.3.6.1.2.1.1.1.0"
SYSNAME = ".1.3.6.1.2.1.1.5.0"
IFNUMBER = ".1.3.6.1.2.1.2.1"
IFDESCR = ".1.3.6.1.2.1.2.2.1.2"
AUTHEN_TRAPS = ".1.3.6.1.2.1.11.30.0"  # snmpEnableAuthenTraps.0, writable INTEGER


def test_get_numeric_uptime_payload_shapes(v2: dict[str, Any]) -> None:
    answers, snmp = poll([("get", UPTIME)], **v2)
    a = only(answers)
    session, alias, host, cmd, *args = a.request
    assert (session, alias, host, cmd, args) == (snmp, "snmp", "127.0.0.1", "get", [UPTIME])
    assert isinstance(a.request, Request) and isinstance(a.response, Response)
    assert (a.request.session, a.request.alias, a.request.host) == (snmp, "snmp", "127.0.0.1")
    assert a.request.cmd == "get" and a.request.args == (UPTIME,)
    varlist, *cb = a.response
    assert cb == [] and a.error is None
    assert isinstance(varlist, VarList) and len(varlist) == 1
    vb = varlist[0]
    assert isinstance(vb, Varbind) and vb.type == "TICKS" and isinstance(vb.val, int)
    assert (vb.tag, vb.iid) == (vb[0], vb[1])
    assert (a.error_str, a.error_num, a.error_ind) == ("(noError) No Error", 0, 0)
    assert a.sender is not None  # the component's session


def test_use_numeric_tags(v2: dict[str, Any]) -> None:
    answers, _ = poll([("get", UPTIME), ("get", "1.3.6.1.4.1.99999.1.0")], UseNumeric=1, **v2)
    first, second = answers
    assert (first.varlist[0].tag, first.varlist[0].iid) == (".1.3.6.1.2.1.1.3", "0")
    # An OID no MIB knows: the whole numeric OID as tag, empty iid.
    assert (second.varlist[0].tag, second.varlist[0].iid) == (".1.3.6.1.4.1.99999.1.0", "")
    assert second.varlist[0].type == "NOSUCHOBJECT"


def test_get_by_name_and_every_vars_form(v2: dict[str, Any]) -> None:
    forms: list[Any] = [
        ["sysDescr", 0],
        ["sysDescr", "0"],
        "sysDescr.0",
        SYSDESCR,
        SYSDESCR[1:],
        Varbind("sysDescr", 0),
        VarList(["sysDescr", 0], ["sysName", 0], [UPTIME]),
        [["sysDescr", 0], ["sysName", "0"]],
        ["sysDescr.0", "sysName.0"],
        [SYSDESCR, SYSNAME],
    ]
    answers, _ = poll([("get", form) for form in forms], **v2)
    assert len(answers) == len(forms)
    by_args = {id(a.request.args[0]): a for a in answers}
    for form in forms:
        a = by_args[id(form)]
        assert a.request.args[0] is form  # the caller's own object, unmodified
        assert a.varlist[0].tag == "sysDescr" and a.varlist[0].iid == "0"
        assert a.varlist[0].type == "OCTETSTR" and "Linux" in a.varlist[0].val
    # With the MIBs loaded, net-snmp names sysUpTime.0 sysUpTimeInstance (iid "").
    assert [vb.name for vb in by_args[id(forms[6])].varlist] == [
        "sysDescr.0",
        "sysName.0",
        "sysUpTimeInstance",
    ]
    assert by_args[id(forms[6])].varlist[1].val == "anchor-agent"
    assert len(by_args[id(forms[9])].varlist) == 2


def test_two_flat_vars_request_both(v2: dict[str, Any]) -> None:
    answers, _ = poll([("get", "sysName.0", "sysLocation.0")], **v2)
    assert [vb.val for vb in only(answers).varlist] == ["anchor-agent", "Anchor Lab"]


def test_getnext_and_end_of_mib_view(v2: dict[str, Any]) -> None:
    answers, _ = poll([("getnext", SYSDESCR), ("getnext", ".1.3.6.1.6.3.999999")], **v2)
    nxt, end = answers
    vb = nxt.varlist[0]
    assert (vb.tag, vb.iid, vb.type, vb.val) == (
        "sysObjectID",
        "0",
        "OBJECTID",
        ".1.3.6.1.4.1.8072.3.2.10",
    )
    assert end.varlist[0].type == "ENDOFMIBVIEW" and end.varlist[0].val == "ENDOFMIBVIEW"
    assert end.error is None and end.error_num == 0


def test_v2c_nosuch_exceptions_alongside_values(v2: dict[str, Any]) -> None:
    answers, _ = poll([("get", [SYSDESCR, ".1.3.6.1.2.1.1.9.1.2.99", ".1.3.6.1.2.1.1.99.0"])], **v2)
    a = only(answers)
    assert [vb.type for vb in a.varlist] == ["OCTETSTR", "NOSUCHINSTANCE", "NOSUCHOBJECT"]
    assert a.varlist[1].val == "NOSUCHINSTANCE" and a.error_num == 0


def test_v1_nosuchname_is_a_typed_error(v1: dict[str, Any]) -> None:
    answers, _ = poll([("get", [SYSDESCR, ".1.3.6.1.2.1.1.99.0"])], **v1)
    a = only(answers)
    assert a.varlist is None and isinstance(a.error, errors.NoSuchName)
    assert (a.error.status, a.error.index, a.error.oid) == (2, 2, ".1.3.6.1.2.1.1.99.0")
    assert a.error_str == "(noSuchName) There is no such variable name in this MIB."
    assert (a.error_num, a.error_ind) == (2, 2)
    # What the agent sent back stays readable, as net-snmp shows it.
    assert [vb.type for vb in a.error.varlist] == ["NULL", "NULL"]


def test_getbulk_flat_varlist_in_agent_order(v2: dict[str, Any]) -> None:
    answers, _ = poll([("getbulk", 1, 8, [IFNUMBER, IFDESCR, ".1.3.6.1.2.1.1"])], **v2)
    varlist = only(answers).varlist
    assert len(varlist) == 1 + 8 * 2
    # ifNumber.0: by name once IF-MIB is loaded, else the whole numeric OID as the tag.
    assert varlist[0].name in ("ifNumber.0", ".1.3.6.1.2.1.2.1.0")
    assert isinstance(varlist[0].val, int)
    assert varlist[1].val != varlist[2].val  # ifDescr / system interleaved per repetition


def test_bulkwalk_nonrepeaters_and_columns(v2: dict[str, Any]) -> None:
    answers, _ = poll([("bulkwalk", 1, 8, [IFNUMBER, IFDESCR])], **v2)
    a = only(answers)
    numbers, descrs = a.varlist
    assert isinstance(numbers, VarList) and isinstance(descrs, VarList)
    assert len(numbers) == 1 and numbers[0].val == len(descrs) > 0
    assert (a.error_str, a.error_num) == ("", 0)


def test_bulkwalk_whole_subtree_over_many_pdus(v2: dict[str, Any]) -> None:
    answers, _ = poll([("bulkwalk", 0, 4, [["system"]])], **v2)
    (varlist,) = only(answers).varlist
    tags = [vb.tag for vb in varlist]
    assert tags[:6] == ["sysDescr", "sysObjectID", "sysUpTimeInstance", "sysContact",
                        "sysName", "sysLocation"]  # fmt: skip
    assert len(varlist) > 8  # needed several PDUs of 4


def test_walk_works_on_v1_and_on_a_leaf_instance(v1: dict[str, Any]) -> None:
    answers, _ = poll([("walk", "system"), ("walk", UPTIME), ("walk", ".1.3.6.1.6.3.99999")], **v1)
    by_root = {a.request.args[0]: a for a in answers}  # walks finish in any order
    system, leaf, empty = (by_root[k] for k in ("system", UPTIME, ".1.3.6.1.6.3.99999"))
    assert len(system.varlist[0]) > 8 and system.error is None
    assert [vb.tag for vb in leaf.varlist[0]] == ["sysUpTimeInstance"]
    assert empty.varlist == [VarList()]


def test_set_read_only_community_is_no_access(v2: dict[str, Any]) -> None:
    answers, _ = poll([("set", ["sysContact", 0, "x@y", "OCTETSTR"])], **v2)
    a = only(answers)
    assert isinstance(a.error, errors.NoAccess) and a.varlist is None
    assert (a.error_str, a.error_num, a.error_ind) == ("noAccess", 6, 1)
    assert a.error.varlist[0].val == "x@y"


def test_set_read_write(v2: dict[str, Any]) -> None:
    rw = dict(v2, Community="private")
    current, _ = poll([("get", AUTHEN_TRAPS)], **rw)
    value = only(current).varlist[0].val
    answers, _ = poll(
        [
            ("set", [AUTHEN_TRAPS, "", value, "INTEGER"]),
            ("set", [AUTHEN_TRAPS, "", 3, "INTEGER"]),
            ("set", "sysContact.0", "support@example.invalid"),  # flat form: type from MIB
            ("set", [[AUTHEN_TRAPS, "", value, "INTEGER"], ["sysContact", 0, "a", "OCTETSTR"]]),
        ],
        **rw,
    )
    ok, wrong, flat, second = answers
    assert ok.error is None and ok.varlist[0].val == value and ok.error_num == 0
    assert isinstance(wrong.error, errors.WrongValue) and wrong.error_num == 10
    assert wrong.error_str == "wrongValue (The set value is illegal or unsupported in some way)"
    assert isinstance(flat.error, errors.NotWritable) and flat.error_num == 17
    assert flat.error_str == "notWritable (That object does not support modification)"
    assert isinstance(second.error, errors.NotWritable) and second.error_ind == 2


def test_client_side_failures_answer_once_with_typed_errors(
    v2: dict[str, Any], v1: dict[str, Any]
) -> None:
    answers, _ = poll(
        [
            ("get", "Srivathsan.0"),
            ("get",),
            ("get", 3.5),
            ("set", [".1.3.6.1.4.1.99999.1.0", "", "x"]),
            ("set", [AUTHEN_TRAPS, "", 2**40, "INTEGER"]),
            ("set", [AUTHEN_TRAPS, "", 1, "NOTATYPE"]),
            ("bulkwalk", 0, 8, []),
            ("bulkwalk", 3, 8, [SYSDESCR]),
            ("getbulk", -1, 8, [SYSDESCR]),
        ],
        **v2,
    )
    kinds = [(type(a.error).__name__, a.error_num) for a in answers]
    assert kinds == [
        ("UnknownObjectError", -58),
        ("ConfigurationError", -1),
        ("ConfigurationError", -1),
        ("BadTypeError", -61),
        ("BadTypeError", -61),
        ("BadTypeError", -61),
        ("ConfigurationError", -1),
        ("ConfigurationError", -1),
        ("ConfigurationError", -1),
    ]
    assert all(a.varlist is None for a in answers)
    assert "Srivathsan" in answers[0].error_str and "Unknown Object Identifier" in str(
        answers[0].error
    )
    assert answers[6].error_str == "cannot bulkwalk() empty variable list"
    assert answers[7].error_str == "bulkwalk() needs at least 2 varbinds"
    bulk_v1, _ = poll(
        [
            ("getbulk", 0, 8, [SYSDESCR]),
            ("bulkwalk", 0, 8, [SYSDESCR]),
            ("set", [AUTHEN_TRAPS, "", 1, "COUNTER64"]),
        ],
        **v1,
    )
    assert [(type(a.error).__name__, a.error_num) for a in bulk_v1] == [
        ("VersionMismatchError", -7),
        ("VersionMismatchError", -7),
        ("BadTypeError", -61),
    ]
    assert bulk_v1[0].error_str == "Cannot send V2 PDU on V1 session (getbulk)"
    assert "COUNTER64" in bulk_v1[2].error_str


def test_client_side_failure_answers_before_earlier_network_replies(v2: dict[str, Any]) -> None:
    answers, _ = poll([("get", SYSDESCR), ("get", "nonsense.0")], **v2)
    assert [a.error is None for a in answers] == [False, True]


def test_timeouts_are_microseconds_and_retries_are_extra_attempts(silent_port: int) -> None:
    base: dict[str, Any] = {"DestHost": "127.0.0.1", "RemotePort": silent_port, "Version": 2}
    answers, _ = poll([("get", UPTIME)], Timeout=300_000, Retries=0, **base)
    a = only(answers)
    assert isinstance(a.error, errors.SNMPTimeoutError) and a.varlist is None
    assert (a.error_str, a.error_num) == ("Timeout", -24)
    assert 0.25 < a.elapsed < 1.0
    answers, _ = poll([("get", UPTIME)], Timeout=150_000, Retries=2, **base)
    a = only(answers)
    assert a.error.attempts == 3 and 0.4 < a.elapsed < 1.2


def test_callback_args_are_appended_also_on_timeout(v2: dict[str, Any], silent_port: int) -> None:
    posts: list[Any] = [
        (("get", UPTIME), {"callback_args": [1, 2, 3]}),
        (("get", UPTIME), {"callback_args": ("A", "B", "C")}),
        (("get", UPTIME), {"callback_args": [""]}),
        (("get", UPTIME), {"callback_args": [0]}),
        (("get", UPTIME), {"callback_args": []}),
        ("get", UPTIME, "-callback_args", ["x"]),
        ("get", "-Callback_Args", ["y"], UPTIME),
        (("get", UPTIME), {"callback_args": 1}),
        (("get", UPTIME), {"bogus": 1}),
    ]
    answers, _ = poll(posts, **v2)
    assert len(answers) == len(posts)
    got = sorted(((a.callback_args, a.error is None) for a in answers), key=repr)
    assert got == sorted(
        [
            ((1, 2, 3), True),
            (("A", "B", "C"), True),
            (("",), True),
            ((0,), True),
            ((), True),
            (("x",), True),
            (("y",), True),
            ((), False),
            ((), False),
        ],
        key=repr,
    )
    bad = [a for a in answers if a.error is not None]
    assert all(isinstance(a.error, errors.ConfigurationError) for a in bad)
    assert any("callback_args must be a list or tuple, not int" in a.error_str for a in bad)
    assert any("'bogus'" in a.error_str for a in bad)
    assert all(UPTIME in a.request.args and "-callback_args" not in a.request.args for a in answers)
    slow, _ = poll(
        [(("get", UPTIME), {"callback_args": ["slow"]})],
        DestHost="127.0.0.1",
        RemotePort=silent_port,
        Version=2,
        Timeout=100_000,
        Retries=0,
    )
    assert tuple(only(slow).response) == (None, "slow")


def test_tiny_timeout_warns_and_times_out(snmpd: SnmpdAgent, caplog: Any) -> None:
    caplog.set_level(logging.WARNING)
    answers, _ = poll(
        [("get", UPTIME)] * 3,
        DestHost="127.0.0.1",
        RemotePort=snmpd.port,
        Version=2,
        Timeout=5,
        Retries=0,
    )
    assert "microseconds" in caplog.text
    assert len(answers) == 3 and all(a.elapsed < 0.5 for a in answers)
    # A 5 microsecond timeout may still win against loopback; never both.
    assert all((a.error is None) != (a.varlist is None) for a in answers)


def test_unknown_requests_answer_with_an_error(v2: dict[str, Any], caplog: Any) -> None:
    answers, _ = poll([("gettable", "ifTable"), ("trap",), ("fget", SYSDESCR)], **v2)
    assert [a.cmd for a in answers] == ["gettable", "trap", "fget"]
    for a in answers:
        assert isinstance(a.error, errors.ConfigurationError) and a.varlist is None
        assert "unknown request" in a.error_str and "bulkwalk" in a.error_str
    # Without a callback state there is nobody to answer: a warning, no exception.
    kernel = Kernel()
    SNMPComponent.create(kernel, **v2)
    caplog.set_level(logging.WARNING)
    Session.create(
        kernel,
        inline_states={
            "_start": lambda ev: (ev.kernel.post("snmp", "bogus"), ev.kernel.post("snmp", "finish"))
        },
    )
    run_kernel(kernel)
    assert "unknown request 'bogus'" in caplog.text


def test_missing_callback_state_drops_only_that_request(v2: dict[str, Any], caplog: Any) -> None:
    kernel = Kernel()
    SNMPComponent.create(kernel, **v2)
    got: list[str] = []

    def start(ev: Event) -> None:
        ev.kernel.post("snmp", "get", "no_such_state", SYSDESCR)
        ev.kernel.post("snmp", "get", "on_resp", SYSNAME)

    def on_resp(ev: Event) -> None:
        got.append(ev.arg1.varlist[0].val)
        ev.kernel.post("snmp", "finish")

    Session.create(kernel, inline_states={"_start": start, "on_resp": on_resp})
    run_kernel(kernel)
    assert got == ["anchor-agent"]
    assert "'no_such_state'" in caplog.text


def test_requests_are_concurrent_and_answer_in_post_order(v2: dict[str, Any]) -> None:
    answers, _ = poll([("get", SYSDESCR), ("get", SYSNAME), ("getnext", SYSDESCR),
                       ("get", UPTIME), ("getbulk", 0, 3, ["system"])], **v2)  # fmt: skip
    assert [a.cmd for a in answers] == ["get", "get", "getnext", "get", "getbulk"]
    assert answers[-1].elapsed < 0.5


def test_components_are_independent(v2: dict[str, Any], silent_port: int) -> None:
    kernel = Kernel()
    SNMPComponent.create(kernel, Alias="fast", **v2)
    SNMPComponent.create(
        kernel, Alias="slow", DestHost="127.0.0.1", RemotePort=silent_port, Version=2,
        Timeout=400_000, Retries=0,
    )  # fmt: skip
    got: list[tuple[str, float, bool]] = []
    t0 = time.monotonic()

    def start(ev: Event) -> None:
        ev.kernel.post("slow", "get", "on_resp", UPTIME)
        for _ in range(5):
            ev.kernel.post("fast", "get", "on_resp", UPTIME)

    def on_resp(ev: Event) -> None:
        got.append((ev.arg0.alias, time.monotonic() - t0, ev.arg1.error is None))
        if len(got) == 6:
            ev.kernel.post("fast", "finish")
            ev.kernel.post("slow", "finish")

    Session.create(kernel, inline_states={"_start": start, "on_resp": on_resp})
    run_kernel(kernel)
    fast = [g for g in got if g[0] == "fast"]
    assert len(fast) == 5 and all(ok and t < 0.3 for _, t, ok in fast)
    assert got[-1][0] == "slow" and not got[-1][2] and got[-1][1] >= 0.35


def test_call_returns_request_id_none_or_zero(v2: dict[str, Any]) -> None:
    kernel = Kernel()
    SNMPComponent.create(kernel, **v2)
    returned: list[Any] = []
    answers: list[Any] = []

    def start(ev: Event) -> None:
        returned.append(ev.kernel.call("snmp", "get", "on_resp", SYSDESCR))
        returned.append(ev.kernel.call("snmp", "get", "on_resp", "nonsense.0"))
        returned.append(ev.kernel.call("snmp", "get", "on_resp", SYSDESCR, callback_args=5))

    def on_resp(ev: Event) -> None:
        answers.append(ev.arg1)
        if len(answers) == 3:
            ev.kernel.post("snmp", "finish")

    Session.create(kernel, inline_states={"_start": start, "on_resp": on_resp})
    run_kernel(kernel)
    assert isinstance(returned[0], int) and returned[0] > 0
    assert returned[1:] == [None, 0]
    assert len(answers) == 3


def test_a_callback_that_raises_does_not_corrupt_bookkeeping(v2: dict[str, Any]) -> None:
    kernel = Kernel()
    snmp = SNMPComponent.create(kernel, **v2)
    seen: list[int] = []

    def on_resp(ev: Event) -> None:
        seen.append(1)
        if len(seen) == 3:
            ev.kernel.post("snmp", "finish")
        raise RuntimeError("user bug")

    Session.create(
        kernel,
        inline_states={
            "_start": lambda ev: [ev.kernel.post("snmp", "get", "on_resp", UPTIME) for _ in "abc"],
            "on_resp": on_resp,
        },
    )
    run_kernel(kernel)
    assert seen == [1, 1, 1] and snmp.pending == 0 and snmp.in_flight == 0


def test_requests_before_run_by_post_and_call(v2: dict[str, Any]) -> None:
    kernel = Kernel()
    SNMPComponent.create(kernel, **v2)
    got: list[Any] = []

    def start(ev: Event) -> None:
        ev.kernel.post("snmp", "get", "on_resp", SYSNAME)
        ev.kernel.call("snmp", "get", "on_resp", SYSNAME)

    def on_resp(ev: Event) -> None:
        got.append(ev.arg1.varlist[0].val)
        if len(got) == 2:
            ev.kernel.post("snmp", "finish")

    Session.create(kernel, inline_states={"_start": start, "on_resp": on_resp})
    run_kernel(kernel)
    assert got == ["anchor-agent", "anchor-agent"]


@pytest.mark.parametrize("in_flight", [1, 10, 100])
def test_two_thousand_concurrent_requests_come_back_exactly_once(
    v2: dict[str, Any], in_flight: int
) -> None:
    n = 2000
    posts = [(("get", UPTIME), {"callback_args": [i]}) for i in range(n)]
    answers, snmp = poll(posts, MaxInFlight=in_flight, **v2)
    assert sorted(a.callback_args[0] for a in answers) == list(range(n))
    assert all(a.error is None for a in answers)
    assert snmp.pending == 0


def test_two_hundred_components_one_request_each(snmpd: SnmpdAgent) -> None:
    kernel = Kernel()
    n = 200
    for i in range(n):
        SNMPComponent.create(
            kernel, Alias=f"c{i}", DestHost="127.0.0.1", RemotePort=snmpd.port, Version=2
        )
    got: dict[str, int] = {}

    def start(ev: Event) -> None:
        for i in range(n):
            assert ev.kernel.post(f"c{i}", "get", "on_resp", [SYSNAME, UPTIME, SYSDESCR, IFNUMBER])

    def on_resp(ev: Event) -> None:
        alias = ev.arg0.alias
        got[alias] = got.get(alias, 0) + 1
        assert ev.arg1.error is None and len(ev.arg1.varlist) == 4
        ev.kernel.post(alias, "finish")

    Session.create(kernel, inline_states={"_start": start, "on_resp": on_resp})
    run_kernel(kernel)
    assert got == {f"c{i}": 1 for i in range(n)}
