"""Test support: a live ``dialogym serve`` on loopback, the CLI, and reference episodes from ``dialogym rollout``.

The tests only talk to the server through its URL, as a trainer would; the server and the
reference rollouts run from this checkout (``node --import tsx cli/main.ts``), so ``npm install``
must have run.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Optional

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "python"))

NODE = shutil.which("node") or "node"
MAIN = os.path.join(ROOT, "cli", "main.ts")
WORK = tempfile.mkdtemp(prefix="dialogym-py-")
atexit.register(lambda: shutil.rmtree(WORK, ignore_errors=True))


def cli_args(*args: str) -> List[str]:
    return [NODE, "--import", "tsx", MAIN, *args]


def run_cli(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(cli_args(*args), cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=env)


class Server:
    """``dialogym serve --port 0`` in a child process; ``url`` once it listens."""

    def __init__(self, *extra: str, record: bool = True, env: Optional[Dict[str, str]] = None):
        self.record_path = os.path.join(WORK, f"served-{id(self)}.jsonl") if record else None
        args = ["serve", "--port", "0", *extra]
        if self.record_path:
            args += ["--record", self.record_path]
        self.proc = subprocess.Popen(
            cli_args(*args),
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "NO_COLOR": "1", **(env or {})},
        )
        self.stdout_lines: List[str] = []
        self.stderr_lines: List[str] = []
        ready = threading.Event()
        self.url = ""

        def read_stdout() -> None:
            assert self.proc.stdout is not None
            for line in self.proc.stdout:
                self.stdout_lines.append(line)
                m = re.search(r"listening on (http://\S+)", line)
                if m:
                    self.url = m.group(1)
                    ready.set()
            ready.set()

        def read_stderr() -> None:
            assert self.proc.stderr is not None
            for line in self.proc.stderr:
                self.stderr_lines.append(line)

        threading.Thread(target=read_stdout, daemon=True).start()
        threading.Thread(target=read_stderr, daemon=True).start()
        ready.wait(timeout=180)
        if not self.url:
            self.proc.kill()
            raise RuntimeError(f"dialogym serve did not start: {''.join(self.stderr_lines)}")

    def records(self) -> List[Dict[str, Any]]:
        if not self.record_path or not os.path.exists(self.record_path):
            return []
        with open(self.record_path, encoding="utf-8") as f:
            return [json.loads(line) for line in f if line.strip()]

    def stop(self, timeout: float = 120) -> int:
        """SIGTERM, then the exit code (the server drains first)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return -9


_shared: Optional[Server] = None
_shared_lock = threading.Lock()


def shared_server() -> Server:
    """One server for the tests that only need a server (stopped when the interpreter exits)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Server()
            atexit.register(_shared.stop)
        return _shared


_references: Dict[str, List[Dict[str, Any]]] = {}
_ref_lock = threading.Lock()


def _rollout(env_id: str, seed: int, episodes: int) -> List[Dict[str, Any]]:
    out = os.path.join(WORK, f"ref-{env_id.replace('/', '_')}-{seed}.jsonl")
    for agent in ("expert", "random"):
        if os.path.exists(out):
            os.remove(out)
        r = run_cli("rollout", "--env", env_id, "--agent", agent, "--episodes", str(episodes), "--seed", str(seed), "--out", out)
        if r.returncode == 0:
            with open(out, encoding="utf-8") as f:
                return [json.loads(line) for line in f if line.strip()]
        if r.returncode != 2:  # 2: this env has no such agent; anything else is a failure
            raise RuntimeError(f"rollout {env_id} {agent} failed: {r.stderr}")
    raise RuntimeError(f"rollout {env_id}: neither expert nor random ran")


def reference_episodes(env_ids: List[str], seed: int = 100, episodes: int = 2) -> Dict[str, List[Dict[str, Any]]]:
    """``dialogym rollout --agent expert`` records per env (computed once per test run)."""
    with _ref_lock:
        missing = [e for e in env_ids if e not in _references]
        with ThreadPoolExecutor(max_workers=2) as pool:
            for env_id, recs in zip(missing, pool.map(lambda e: _rollout(e, seed, episodes), missing)):
                _references[env_id] = recs
        return {e: _references[e] for e in env_ids}


def comparable(record: Dict[str, Any]) -> Dict[str, Any]:
    """A record without what names who ran it and when."""
    return {k: v for k, v in record.items() if k not in ("timings", "key", "agent", "source")}
