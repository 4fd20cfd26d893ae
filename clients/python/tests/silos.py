"""A redis-server and silo processes (the built OrleansSessions.Silo.dll) on free loopback ports, one tenant whose API
key only this test run knows. Every process carries the CI's leftover marker and dies with the test process."""

from __future__ import annotations

import base64
import ctypes
import hashlib
import os
import secrets
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

REPOSITORY = Path(__file__).resolve().parents[3]
MARKER = "OS_TEST_SERVER"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _die_with_parent() -> None:
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


@dataclass
class Server:
    """A process this test run started, its output kept in a temporary file (a pipe nobody reads would stall it)."""

    process: subprocess.Popen[bytes]
    output: IO[bytes]

    @classmethod
    def start(cls, args: list[str], env: dict[str, str] | None = None) -> Server:
        marker = f"{os.environ.get('OS_TEST_RUN_ID', 'local')}/python-{uuid.uuid4().hex}"
        output = tempfile.TemporaryFile()
        process = subprocess.Popen(args, env={**os.environ, **(env or {}), MARKER: marker}, stdout=output,
                                   stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        return cls(process, output)

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def text(self) -> str:
        self.output.seek(0)
        return self.output.read().decode(errors="replace")

    def stop(self) -> None:
        if self.running:
            self.process.kill()
        self.process.wait()


def silo_assembly() -> Path:
    for configuration in ("Debug", "Release"):
        path = REPOSITORY / "src" / "Silo" / "bin" / configuration / "net10.0" / "OrleansSessions.Silo.dll"
        if path.exists():
            return path
    raise RuntimeError("Build the silo first: dotnet build src/Silo")


@dataclass
class Cluster:
    redis_port: int
    api_key: str
    key_prefix: str
    signing_key: str = field(default_factory=lambda: base64.b64encode(secrets.token_bytes(32)).decode())
    silos: list[tuple[str, Server]] = field(default_factory=list)
    redis: Server | None = None

    @property
    def base_url(self) -> str:
        return self.silos[0][0]

    @property
    def base_urls(self) -> list[str]:
        return [url for url, _ in self.silos]

    def start_silo(self) -> str:
        port = free_port()
        env = {
            "Redis__ConnectionString": f"127.0.0.1:{self.redis_port}",
            "Sessions__KeyPrefix": self.key_prefix,
            "Orleans__ClusterId": self.key_prefix,
            "Orleans__SiloName": f"py-{len(self.silos)}",
            "Orleans__SiloPort": "0",
            "Orleans__GatewayPort": "0",
            "Orleans__AdvertisedAddress": "127.0.0.1",
            "Auth__Tenants__py__KeyHashes__0": "sha256:" + hashlib.sha256(self.api_key.encode()).hexdigest(),
            "Auth__TokenSigningKey": self.signing_key,
            "Silo__ShutdownDrainDelay": "00:00:00",
            "Logging__LogLevel__Default": "Warning",
        }
        silo = Server.start(["dotnet", str(silo_assembly()), "--urls", f"http://127.0.0.1:{port}"], env)
        url = f"http://127.0.0.1:{port}"
        self.silos.append((url, silo))
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and silo.running:
            try:
                if httpx.get(url + "/health/ready", timeout=2).status_code == 200:
                    return url
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        silo.stop()
        raise RuntimeError(f"The silo did not become ready:\n{silo.text()}")

    def stop(self) -> None:
        for _, silo in self.silos:
            silo.stop()
        if self.redis is not None:
            self.redis.stop()


def start_cluster(silos: int) -> Cluster:
    """``silos`` silos in one Orleans cluster on one redis-server."""
    redis_port = free_port()
    cluster = Cluster(redis_port, api_key="osk_" + secrets.token_urlsafe(24), key_prefix="py" + uuid.uuid4().hex[:8])
    cluster.redis = Server.start(["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
                           "--appendonly", "no", "--set-proc-title", "no"])
    try:
        for _ in range(silos):
            cluster.start_silo()
    except BaseException:
        cluster.stop()
        raise
    return cluster
