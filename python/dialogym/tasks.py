"""Dataset rows ↔ episodes, and the text a model reads.

A row of ``dialogym export --format tasks`` has ``prompt`` (system: the env's instructions, user:
its first observation), ``env_id``, ``seed``, ``split``, ``task_index`` and ``info`` (a JSON string
with the env version, kwargs, simulator and step limit). ``reset_params`` turns such a row (or any
dict with at least ``env_id``, or ``seed`` for a server started with ``--env``) into the fields of a
reset, and ``check_first_observation`` makes sure the server started the episode the row describes.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping, Optional

from .client import Observation

RESET_FIELDS = ("env_id", "seed", "split", "task_index", "kwargs", "sim", "max_episode_steps", "episode_id")


class TaskMismatch(RuntimeError):
    """The server's first observation is not the one in the dataset row (another env version, kwargs or server)."""


def parse_info(info: Any) -> Dict[str, Any]:
    if info is None or info == "":
        return {}
    if isinstance(info, str):
        value = json.loads(info)
        if not isinstance(value, dict):
            raise ValueError("info must be a JSON object")
        return value
    if isinstance(info, Mapping):
        return dict(info)
    raise ValueError(f"info must be a JSON string or a dict, got {type(info).__name__}")


def reset_params(row: Mapping[str, Any], default_env_id: Optional[str] = None) -> Dict[str, Any]:
    """The reset fields of a row: its own columns first, then ``info``'s, then those under an
    ``extra_info`` mapping (where verl- and SkyRL-style datasets keep per-row fields), then
    ``default_env_id``."""
    extra = row.get("extra_info")
    extra = extra if isinstance(extra, Mapping) else {}
    sources = [row, parse_info(row.get("info")), extra, parse_info(extra.get("info"))]
    out: Dict[str, Any] = {}
    for k in RESET_FIELDS:
        for src in sources:
            v = src.get(k)
            if v is not None:
                out[k] = v
                break
    if "env_id" not in out and default_env_id is not None:
        out["env_id"] = default_env_id
    # Numbers may come back from dataframes as floats or numpy scalars.
    for k in ("seed", "task_index", "max_episode_steps"):
        if k in out:
            out[k] = int(out[k])
    if out.get("kwargs") == {}:
        del out["kwargs"]
    return out


def _content(message: Any) -> str:
    content = message.get("content") if isinstance(message, Mapping) else getattr(message, "content", None)
    if isinstance(content, list):  # content parts
        return "".join(p.get("text", "") for p in content if isinstance(p, Mapping))
    return "" if content is None else str(content)


def _role(message: Any) -> str:
    return str(message.get("role") if isinstance(message, Mapping) else getattr(message, "role", ""))


def check_first_observation(prompt: Any, observation: Observation, info: Any = None) -> None:
    """Raises ``TaskMismatch`` unless the prompt's last user message is the server's first observation.

    Only the episode-specific part is compared (the first observation), so a custom system prompt
    is fine; with ``info`` the env version is compared too.
    """
    meta = parse_info(info)
    if prompt:
        users = [m for m in prompt if _role(m) == "user"]
        if users and _content(users[-1]) != observation.new_text:
            raise TaskMismatch(
                f"the row's prompt does not start the episode the server started ({observation.env_id}): "
                f"row {_content(users[-1])[:80]!r} vs server {observation.new_text[:80]!r}. "
                "Was the dataset exported from another dialogym version, kwargs or simulator?"
            )
    if meta.get("env_id") and meta["env_id"] != observation.env_id:
        raise TaskMismatch(f"row is for {meta['env_id']}, the server reset {observation.env_id}")


def first_messages(observation: Observation) -> List[Dict[str, str]]:
    """The prompt of an episode, as ``export --format tasks`` writes it."""
    return [
        {"role": "system", "content": observation.instructions},
        {"role": "user", "content": observation.new_text},
    ]


def render_step(observation: Observation, reward: Optional[float] = None, done: bool = False) -> str:
    """What the model reads after an action: the new text, the legal actions, and the end of the episode."""
    parts = [observation.new_text] if observation.new_text else []
    if observation.legal_actions and not done:
        parts.append("Legal actions now: " + " | ".join(observation.legal_actions))
    if done:
        reason = observation.termination_reason or ("time limit" if observation.truncated else "done")
        parts.append(f"[episode over: {reason}; return {observation.episode_return:g}]")
    return "\n".join(parts) if parts else "(no reply)"
