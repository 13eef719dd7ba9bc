"""The ``snmpd`` fixture / :class:`SnmpdAgent` really run a usable net-snmp agent.

The independent client is the net-snmp command line (``snmpget``/``snmpset``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from snmp_component.testing import V3_USERS, SnmpdAgent, V3User
from snmp_component.testing import snmpd as snmpd_module
from snmp_component.testing.snmpd import (
    AUTH_PASS,
    PRIV_PASS,
    SYS_CONTACT,
    SYS_LOCATION,
    SYS_NAME,
    SYS_NAME_OID,
)

SNMP_ENABLE_AUTHEN_TRAPS = "1.3.6.1.2.1.11.30.0"
SYS_CONTACT_OID = "1.3.6.1.2.1.1.4.0"
SYS_LOCATION_OID = "1.3.6.1.2.1.1.6.0"


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for net-snmp CLI tools: no host config, persistent state in a temp dir."""
    state = tmp_path_factory.mktemp("snmp-cli")
    return {
        **os.environ,
        "SNMP_PERSISTENT_DIR": str(state),
        "SNMPCONFPATH": str(state),
        "MIBS": "",
        "MIBDIRS": "/dev/null",
    }


def target(agent: SnmpdAgent) -> str:
    """net-snmp transport address of the agent."""
    if ":" in agent.host:
        return f"udp6:[{agent.host}]:{agent.port}"
    return f"udp:{agent.host}:{agent.port}"


def snmp(
    env: dict[str, str],
    tool: str,
    agent: SnmpdAgent | str,
    security: list[str],
    *oids_and_values: str,
    timeout: float = 2.0,
) -> subprocess.CompletedProcess[str]:
    """Run a net-snmp tool: ``tool [security options] AGENT oid [type value]...``."""
    dest = agent if isinstance(agent, str) else target(agent)
    command = [tool, "-On", "-M", "/dev/null", "-m", "", "-r", "0", "-t", str(timeout)]
    return subprocess.run(
        [*command, *security, dest, *oids_and_values],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout + 10,
        check=False,
    )


def assert_sys_name(result: subprocess.CompletedProcess[str]) -> None:
    """The tool printed sysName.0 = anchor-agent."""
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f'.{SYS_NAME_OID} = STRING: "{SYS_NAME}"', result.stdout


def is_alive(pid: int) -> bool:
    """True if a process with this pid exists."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


# ------------------------------------------------------------------ the fixture itself


def test_fixture_is_a_started_agent(snmpd: SnmpdAgent) -> None:
    assert snmpd.running
    assert snmpd.pid is not None and is_alive(snmpd.pid)
    assert snmpd.address == ("127.0.0.1", snmpd.port)
    assert snmpd.workdir.is_dir()
    config = snmpd.config_path.read_text()
    assert f"sysName {SYS_NAME}" in config
    assert all(f"createUser {user.name}" in config for user in V3_USERS)
    assert snmpd.startup_seconds is not None and snmpd.startup_seconds < 10


def test_config_is_accepted_without_errors(snmpd: SnmpdAgent) -> None:
    # e.g. an unsupported protocol in a createUser line would log "Error: unknown privProtocol"
    log = snmpd.log_path.read_text()
    assert "NET-SNMP version" in log
    # Only what snmpd logged while starting: later tests provoke auth failures on purpose.
    startup = log.split("NET-SNMP version")[0].lower()
    assert "error" not in startup, log
    assert "warning" not in startup, log


# ------------------------------------------------------------------ v1 / v2c communities


def test_v2c_public_reads_sys_name(snmpd: SnmpdAgent, cli_env: dict[str, str]) -> None:
    assert_sys_name(snmp(cli_env, "snmpget", snmpd, ["-v2c", "-c", "public"], SYS_NAME_OID))


def test_v1_public_reads_sys_name(snmpd: SnmpdAgent, cli_env: dict[str, str]) -> None:
    assert_sys_name(snmp(cli_env, "snmpget", snmpd, ["-v1", "-c", "public"], SYS_NAME_OID))


def test_system_group_values(snmpd: SnmpdAgent, cli_env: dict[str, str]) -> None:
    result = snmp(
        cli_env, "snmpget", snmpd, ["-v2c", "-c", "public"], SYS_CONTACT_OID, SYS_LOCATION_OID
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f'.{SYS_CONTACT_OID} = STRING: "{SYS_CONTACT}"',
        f'.{SYS_LOCATION_OID} = STRING: "{SYS_LOCATION}"',
    ]


def test_wrong_community_times_out(snmpd: SnmpdAgent, cli_env: dict[str, str]) -> None:
    result = snmp(cli_env, "snmpget", snmpd, ["-v2c", "-c", "wrong"], SYS_NAME_OID, timeout=0.5)
    assert result.returncode != 0
    assert "Timeout" in result.stderr, result.stderr


def current_authen_traps(snmpd: SnmpdAgent, env: dict[str, str]) -> str:
    """Current value of snmpEnableAuthenTraps.0 ("1" or "2")."""
    result = snmp(env, "snmpget", snmpd, ["-v2c", "-c", "public"], SNMP_ENABLE_AUTHEN_TRAPS)
    assert result.returncode == 0, result.stderr
    value = result.stdout.strip().rsplit(" ", 1)[-1]
    assert value in {"1", "2"}, result.stdout
    return value


def test_private_community_can_set(snmpd: SnmpdAgent, cli_env: dict[str, str]) -> None:
    value = current_authen_traps(snmpd, cli_env)
    result = snmp(
        cli_env,
        "snmpset",
        snmpd,
        ["-v2c", "-c", "private"],
        SNMP_ENABLE_AUTHEN_TRAPS,
        "i",
        value,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f".{SNMP_ENABLE_AUTHEN_TRAPS} = INTEGER: {value}"


def test_public_community_cannot_set(snmpd: SnmpdAgent, cli_env: dict[str, str]) -> None:
    value = current_authen_traps(snmpd, cli_env)
    result = snmp(
        cli_env, "snmpset", snmpd, ["-v2c", "-c", "public"], SNMP_ENABLE_AUTHEN_TRAPS, "i", value
    )
    assert result.returncode != 0
    assert "noAccess" in result.stderr, result.stderr


def test_sys_contact_is_not_writable(snmpd: SnmpdAgent, cli_env: dict[str, str]) -> None:
    result = snmp(cli_env, "snmpset", snmpd, ["-v2c", "-c", "private"], SYS_CONTACT_OID, "s", "x")
    assert result.returncode != 0
    assert "notWritable" in result.stderr, result.stderr


# ------------------------------------------------------------------ SNMPv3 users


@pytest.mark.parametrize("user", V3_USERS, ids=[user.name for user in V3_USERS])
def test_v3_user_reads_sys_name(snmpd: SnmpdAgent, cli_env: dict[str, str], user: V3User) -> None:
    assert_sys_name(snmp(cli_env, "snmpget", snmpd, user.net_snmp_args(), SYS_NAME_OID))


def test_v3_users_cover_every_protocol() -> None:
    auths = {user.auth_proto for user in V3_USERS}
    privs = {user.priv_proto for user in V3_USERS}
    assert auths == {None, "MD5", "SHA", "SHA-224", "SHA-256", "SHA-384", "SHA-512"}
    assert privs == {None, "DES", "AES", "AES-192", "AES-256", "AES-192-C", "AES-256-C"}
    assert {u.level for u in V3_USERS} == {"noAuthNoPriv", "authNoPriv", "authPriv"}
    names = [user.name for user in V3_USERS]
    assert len(names) == len(set(names))
    by_name = {user.name: user for user in V3_USERS}
    for name, auth, priv in [
        ("authMD5User", "MD5", None),
        ("authSHAUser", "SHA", None),
        ("privDESUser", "SHA", "DES"),
        ("privAESUser", "SHA", "AES"),
        ("sha256User", "SHA-256", "AES"),
    ]:
        assert (by_name[name].auth_proto, by_name[name].priv_proto) == (auth, priv)
    for user in V3_USERS:
        assert user.auth_pass == (AUTH_PASS if user.auth_proto else None)
        assert user.priv_pass == (PRIV_PASS if user.priv_proto else None)


def test_v3_read_only_user_cannot_set(snmpd: SnmpdAgent, cli_env: dict[str, str]) -> None:
    user = next(u for u in V3_USERS if u.name == "authSHAUser")
    assert not user.read_write
    value = current_authen_traps(snmpd, cli_env)
    result = snmp(
        cli_env, "snmpset", snmpd, user.net_snmp_args(), SNMP_ENABLE_AUTHEN_TRAPS, "i", value
    )
    assert result.returncode != 0
    assert "noAccess" in result.stderr, result.stderr


def test_v3_read_write_user_can_set(snmpd: SnmpdAgent, cli_env: dict[str, str]) -> None:
    user = next(u for u in V3_USERS if u.name == "privAESUser")
    assert user.read_write
    value = current_authen_traps(snmpd, cli_env)
    result = snmp(
        cli_env, "snmpset", snmpd, user.net_snmp_args(), SNMP_ENABLE_AUTHEN_TRAPS, "i", value
    )
    assert result.returncode == 0, result.stderr


# ------------------------------------------------------------------ more agents, life cycle


def test_second_agent_runs_alongside_and_stops(snmpd: SnmpdAgent, cli_env: dict[str, str]) -> None:
    with SnmpdAgent() as other:
        assert other.port != snmpd.port
        pid = other.pid
        workdir = other.workdir
        assert pid is not None and pid != snmpd.pid
        assert_sys_name(snmp(cli_env, "snmpget", other, ["-v2c", "-c", "public"], SYS_NAME_OID))
        assert_sys_name(snmp(cli_env, "snmpget", snmpd, ["-v2c", "-c", "public"], SYS_NAME_OID))
    assert not other.running
    assert other.pid is None
    assert not is_alive(pid)
    assert not workdir.exists()
    other.stop()  # idempotent
    assert_sys_name(snmp(cli_env, "snmpget", snmpd, ["-v2c", "-c", "public"], SYS_NAME_OID))


def test_ipv4_and_ipv6_listeners(cli_env: dict[str, str]) -> None:
    with SnmpdAgent(listen=["udp:127.0.0.1:{port}", "udp6:[::1]:{port}"]) as agent:
        assert agent.listen == [f"udp:127.0.0.1:{agent.port}", f"udp6:[::1]:{agent.port}"]
        v2c = ["-v2c", "-c", "public"]
        assert_sys_name(snmp(cli_env, "snmpget", f"udp:127.0.0.1:{agent.port}", v2c, SYS_NAME_OID))
        assert_sys_name(snmp(cli_env, "snmpget", f"udp6:[::1]:{agent.port}", v2c, SYS_NAME_OID))


def test_extra_config_is_appended(cli_env: dict[str, str]) -> None:
    extra = "rocommunity extra 127.0.0.1"
    with SnmpdAgent(extra_config=extra) as agent:
        assert agent.config_path.read_text().endswith(extra + "\n")
        assert_sys_name(snmp(cli_env, "snmpget", agent, ["-v2c", "-c", "extra"], SYS_NAME_OID))


def test_auto_port_is_retried_when_taken(cli_env: dict[str, str]) -> None:
    agent = SnmpdAgent()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as blocker:
        blocker.bind(("127.0.0.1", 0))
        taken = blocker.getsockname()[1]
        agent.port = taken  # simulate losing the race for the free port
        with agent:
            assert agent.port != taken
            assert_sys_name(snmp(cli_env, "snmpget", agent, ["-v2c", "-c", "public"], SYS_NAME_OID))


def test_auto_port_gives_up_after_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as blocker:
        blocker.bind(("127.0.0.1", 0))
        taken: int = blocker.getsockname()[1]
        calls: list[str] = []

        def always_taken(host: str) -> int:
            calls.append(host)
            return taken

        monkeypatch.setattr(snmpd_module, "_free_udp_port", always_taken)
        agent = SnmpdAgent()
        with pytest.raises(RuntimeError, match="Error opening specified endpoint"):
            agent.start()
    assert len(calls) == 5  # __init__ + 4 retries
    assert not agent.running


def test_explicit_port_taken_raises_with_command_and_log() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as blocker:
        blocker.bind(("127.0.0.1", 0))
        agent = SnmpdAgent(port=blocker.getsockname()[1])
        with pytest.raises(RuntimeError) as info:
            agent.start()
    message = str(info.value)
    assert "snmpd exited" in message
    assert "-f -C -c" in message  # the command line
    assert "Error opening specified endpoint" in message  # the log tail
    assert not agent.running
    assert not agent.workdir.exists()


def test_missing_snmpd_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(snmpd_module, "_find_snmpd", lambda: None)
    with pytest.raises(RuntimeError, match=r"snmpd \(net-snmp agent\) not found"):
        SnmpdAgent().start()
    with pytest.raises(RuntimeError, match="cannot execute snmpd"):
        SnmpdAgent(executable="/nonexistent/snmpd").start()


def test_atexit_stops_a_forgotten_agent() -> None:
    script = textwrap.dedent(
        """
        from snmp_component.testing import SnmpdAgent
        agent = SnmpdAgent()
        agent.start()
        print(agent.pid, agent.workdir, flush=True)
        # no stop(): the atexit hook must do it
        """
    )
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    pid_text, workdir = result.stdout.split()
    assert not is_alive(int(pid_text))
    assert not Path(workdir).exists()
