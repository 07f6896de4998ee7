"""Clients for ``dialogym serve``: OpenEnv's WebSocket protocol, with dialogym's reset fields.

One client is one WebSocket connection, which is one session on the server holding one env::

    from dialogym import DialogymClient

    with DialogymClient("http://127.0.0.1:8000") as env:
        result = env.reset(env_id="GuessNumber-v0", seed=3)
        while not result.done:
            result = env.step("ASK is it even?")
        print(result.observation.episode_return)

``AsyncDialogymClient`` is the same with ``async``/``await``. Both speak exactly the messages
OpenEnv's ``EnvClient`` sends (``{"type": "reset", "data": {...}}`` ...), so OpenEnv's own
``GenericEnvClient`` works against the same server too (docs/serving.md).

Only the ``websockets`` package is needed (Debian's python3-websockets 10.4 or any later release).
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Awaitable, Dict, List, Optional, TypeVar

try:  # websockets >= 13: the new asyncio implementation
    from websockets.asyncio.client import connect as _ws_connect  # type: ignore

    _HEADERS_KW = "additional_headers"
except ImportError:  # websockets 10-12 (Debian bookworm ships 10.4)
    from websockets.client import connect as _ws_connect  # type: ignore

    _HEADERS_KW = "extra_headers"
from websockets.exceptions import ConnectionClosed

T = TypeVar("T")

DEFAULT_URL = "http://127.0.0.1:8000"


class DialogymError(RuntimeError):
    """An ``error`` reply from the server: ``code`` is OpenEnv's (VALIDATION_ERROR, EXECUTION_ERROR ...)."""

    def __init__(self, code: str, message: str, data: Optional[Dict[str, Any]] = None):
        super().__init__(f"{message} (code: {code})")
        self.code = code
        self.message = message
        self.data = data or {}


@dataclass
class Observation:
    """What a player sees; the server never sends more (no scenario, no simulator state)."""

    env_id: str
    episode_id: str
    instructions: str
    new_text: str
    transcript: List[Dict[str, str]]
    legal_actions: Optional[List[str]]
    sample_actions: Optional[List[str]]
    invalid_action: Optional[str]
    step: int
    episode_return: float
    terminated: bool
    truncated: bool
    termination_reason: Optional[str]
    error: Optional[Dict[str, str]]

    @classmethod
    def from_wire(cls, d: Dict[str, Any]) -> "Observation":
        return cls(
            env_id=d["env_id"],
            episode_id=d["episode_id"],
            instructions=d["instructions"],
            new_text=d["new_text"],
            transcript=list(d["transcript"]),
            legal_actions=d.get("legal_actions"),
            sample_actions=d.get("sample_actions"),
            invalid_action=d.get("invalid_action"),
            step=int(d["step"]),
            episode_return=float(d["episode_return"]),
            terminated=bool(d["terminated"]),
            truncated=bool(d["truncated"]),
            termination_reason=d.get("termination_reason"),
            error=d.get("error"),
        )


@dataclass
class StepResult:
    """As OpenEnv's ``StepResult``: the observation, the step's reward (None at reset) and ``done``."""

    observation: Observation
    reward: Optional[float] = None
    done: bool = False
    raw: Dict[str, Any] = field(default_factory=dict, repr=False)


def ws_url(base_url: str) -> str:
    """``http://host:port`` (or ws://) → ``ws://host:port/ws``."""
    url = base_url.rstrip("/")
    if url.startswith("https://"):
        url = "wss://" + url[len("https://") :]
    elif url.startswith("http://"):
        url = "ws://" + url[len("http://") :]
    elif not url.startswith(("ws://", "wss://")):
        url = "ws://" + url
    return url if url.endswith("/ws") else url + "/ws"


def http_url(base_url: str) -> str:
    url = base_url.rstrip("/")
    if url.endswith("/ws"):
        url = url[:-3]
    if url.startswith("ws://"):
        return "http://" + url[len("ws://") :]
    if url.startswith("wss://"):
        return "https://" + url[len("wss://") :]
    return url if url.startswith(("http://", "https://")) else "http://" + url


def _token(token: Optional[str]) -> Optional[str]:
    return token if token is not None else (os.environ.get("DIALOGYM_SERVER_TOKEN") or None)


def get_json(base_url: str, path: str, token: Optional[str] = None, timeout: float = 30.0) -> Any:
    """GET one of the server's HTTP routes (/health, /metadata, /schema, /envs, /status) as JSON."""
    req = urllib.request.Request(http_url(base_url) + path)
    tok = _token(token)
    if tok:
        req.add_header("Authorization", f"Bearer {tok}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.loads(r.read().decode("utf-8"))
    except urllib.error.HTTPError as e:
        body = e.read().decode("utf-8", "replace")
        raise DialogymError(f"HTTP_{e.code}", body) from None


def _reset_data(kwargs: Dict[str, Any]) -> Dict[str, Any]:
    """Reset fields as sent: None values are dropped (the server then uses its defaults)."""
    return {k: v for k, v in kwargs.items() if v is not None}


class AsyncDialogymClient:
    """One WebSocket session. ``reset`` reconnects by itself if the server closed an idle session."""

    def __init__(
        self,
        base_url: str = DEFAULT_URL,
        token: Optional[str] = None,
        connect_timeout_s: float = 10.0,
        message_timeout_s: float = 600.0,
        max_message_size_mb: float = 100.0,
    ):
        self.base_url = base_url
        self.url = ws_url(base_url)
        self._token = _token(token)
        self._connect_timeout = connect_timeout_s
        self._message_timeout = message_timeout_s
        self._max_size = int(max_message_size_mb * 1024 * 1024)
        self._ws: Any = None
        self._had_session = False

    async def connect(self) -> "AsyncDialogymClient":
        if self._ws is not None and not _is_closed(self._ws):
            return self
        headers = {"Authorization": f"Bearer {self._token}"} if self._token else {}
        kwargs: Dict[str, Any] = {"open_timeout": self._connect_timeout, "max_size": self._max_size, _HEADERS_KW: headers}
        try:
            self._ws = await _ws_connect(self.url, **kwargs)
        except Exception as e:  # handshake refused (401, capacity ...), unreachable host
            raise ConnectionError(f"cannot connect to {self.url}: {e}") from e
        return self

    async def _request(self, message: Dict[str, Any], reconnect: bool = False) -> Dict[str, Any]:
        if self._ws is not None and _is_closed(self._ws) and not reconnect:
            # The session (and its episode) is gone; only a reset may start a new one.
            self._ws = None
        if self._ws is None and self._had_session and not reconnect:
            raise DialogymError("SESSION_ERROR", "the server closed the session; reset to start a new one")
        await self.connect()
        self._had_session = True
        try:
            await self._ws.send(json.dumps(message))
        except ConnectionClosed:
            pass  # the server may have said why before closing (CAPACITY_REACHED, idle timeout): read it below
        try:
            raw = await asyncio.wait_for(self._ws.recv(), timeout=self._message_timeout)
        except ConnectionClosed as e:
            self._ws = None
            reason = getattr(e, "reason", "") or getattr(getattr(e, "rcvd", None), "reason", "")
            raise DialogymError("SESSION_ERROR", f"the server closed the session ({reason or 'connection closed'})") from e
        reply = json.loads(raw)
        if reply.get("type") == "error":
            data = reply.get("data") or {}
            raise DialogymError(str(data.get("code", "UNKNOWN")), str(data.get("message", "server error")), data)
        return reply

    async def reset(
        self,
        env_id: Optional[str] = None,
        seed: Optional[int] = None,
        episode_id: Optional[str] = None,
        split: Optional[str] = None,
        task_index: Optional[int] = None,
        kwargs: Optional[Dict[str, Any]] = None,
        sim: Optional[str] = None,
        max_episode_steps: Optional[int] = None,
    ) -> StepResult:
        """Starts an episode. ``split`` + ``task_index`` pick an evaluation task; ``seed`` alone any episode."""
        data = _reset_data(
            dict(
                env_id=env_id,
                seed=seed,
                episode_id=episode_id,
                split=split,
                task_index=task_index,
                kwargs=kwargs,
                sim=sim,
                max_episode_steps=max_episode_steps,
            )
        )
        try:
            reply = await self._request({"type": "reset", "data": data}, reconnect=True)
        except DialogymError as e:
            if e.code != "SESSION_ERROR":
                raise
            # The server closed the session (idle timeout, restart): a reset is safe to retry on a new one.
            reply = await self._request({"type": "reset", "data": data}, reconnect=True)
        return _parse(reply)

    async def step(self, message: str) -> StepResult:
        """Plays one action (an utterance or command in the env's grammar)."""
        if not isinstance(message, str):
            raise TypeError(f"an action is a string, got {type(message).__name__}")
        return _parse(await self._request({"type": "step", "data": {"message": message}}))

    async def state(self) -> Dict[str, Any]:
        """The session's public episode bookkeeping (episode_id, step_count, seed, split ...)."""
        return (await self._request({"type": "state"}))["data"]

    async def close(self) -> None:
        """Sends ``close`` and closes the connection. Idempotent."""
        ws, self._ws = self._ws, None
        if ws is None:
            return
        try:
            if not _is_closed(ws):
                await ws.send(json.dumps({"type": "close"}))
        except Exception:
            pass
        try:
            await ws.close()
        except Exception:
            pass

    async def __aenter__(self) -> "AsyncDialogymClient":
        return await self.connect()

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()


def _is_closed(ws: Any) -> bool:
    closed = getattr(ws, "closed", None)  # websockets < 13
    if isinstance(closed, bool):
        return closed
    state = getattr(ws, "state", None)  # websockets >= 13
    return state is not None and getattr(state, "name", "") in ("CLOSING", "CLOSED")


def _parse(reply: Dict[str, Any]) -> StepResult:
    data = reply.get("data") or {}
    reward = data.get("reward")
    return StepResult(
        observation=Observation.from_wire(data["observation"]),
        reward=None if reward is None else float(reward),
        done=bool(data.get("done", False)),
        raw=data,
    )


class _Loop:
    """One event loop in a daemon thread, shared by every sync client of the process."""

    _lock = threading.Lock()
    _loop: Optional[asyncio.AbstractEventLoop] = None

    @classmethod
    def run(cls, coro: Awaitable[T]) -> T:
        with cls._lock:
            if cls._loop is None:
                loop = asyncio.new_event_loop()
                threading.Thread(target=loop.run_forever, name="dialogym-client", daemon=True).start()
                cls._loop = loop
        return asyncio.run_coroutine_threadsafe(coro, cls._loop).result()  # type: ignore[arg-type]


class DialogymClient:
    """The synchronous client: the same methods as ``AsyncDialogymClient``, blocking.

    Safe to use from code that already runs an event loop (a trainer's rollout loop): the
    connection lives on a separate loop in a background thread.
    """

    def __init__(self, base_url: str = DEFAULT_URL, token: Optional[str] = None, **options: Any):
        self._async = AsyncDialogymClient(base_url, token=token, **options)

    @property
    def base_url(self) -> str:
        return self._async.base_url

    def connect(self) -> "DialogymClient":
        _Loop.run(self._async.connect())
        return self

    def reset(self, **kwargs: Any) -> StepResult:
        return _Loop.run(self._async.reset(**kwargs))

    def step(self, message: str) -> StepResult:
        return _Loop.run(self._async.step(message))

    def state(self) -> Dict[str, Any]:
        return _Loop.run(self._async.state())

    def close(self) -> None:
        _Loop.run(self._async.close())

    def __enter__(self) -> "DialogymClient":
        return self.connect()

    def __exit__(self, *exc: Any) -> None:
        self.close()
