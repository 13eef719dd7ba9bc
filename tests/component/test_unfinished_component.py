"""A script that never calls ``finish()``: no ResourceWarning at exit (``python -X dev``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import asyncio
from snmp_component import Kernel, SNMPComponent
from snmp_component.testing import DemoAgent

async def main():
    async with DemoAgent() as agent:
        snmp = SNMPComponent.create(Kernel(), DestHost="127.0.0.1", RemotePort=agent.port,
                                    Version=2, Retries=0)
        print((await snmp.get("sysName.0"))[0].val)  # and no snmp.finish()

asyncio.run(main())
"""


def test_an_unfinished_component_leaves_no_resource_warning(tmp_path: Path) -> None:
    script = tmp_path / "unfinished.py"
    script.write_text(SCRIPT)
    done = subprocess.run([sys.executable, "-X", "dev", str(script)], capture_output=True,
                          text=True, timeout=60, check=False)  # fmt: skip
    assert done.returncode == 0 and done.stdout.strip() == "demo-agent", done.stderr
    assert "ResourceWarning" not in done.stderr, done.stderr
