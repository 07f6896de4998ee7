"""verl: a ``BaseInteraction`` for multi-turn rollouts (verl/interactions/base.py).

verl's contract: the interaction is built once from its YAML config, ``start_interaction(instance_id,
**interaction_kwargs)`` is called per rollout with the row's ``extra_info.interaction_kwargs``,
``generate_response(instance_id, messages)`` returns ``(should_terminate, response, turn_score,
extra)`` after each assistant turn, ``calculate_score(instance_id)`` the rollout's score and
``finalize_interaction(instance_id)`` frees it. Here each rollout is one WebSocket session.

Interaction config (``interaction_config.yaml``)::

    interaction:
      - name: dialogym
        class_name: dialogym.verl.DialogymInteraction
        config:
          url: http://127.0.0.1:8000

Dataset rows (parquet): ``verl_row(task_row)`` turns a row of ``export --format tasks`` into
verl's columns (``prompt``, ``data_source``, ``extra_info.interaction_kwargs`` ...).

verl is not installable here: this class subclasses verl's ``BaseInteraction`` when verl is
importable and a stand-in with the same methods otherwise; tests run it against a stub of the
published interface.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple
from uuid import uuid4

from .client import DEFAULT_URL, AsyncDialogymClient, Observation
from .tasks import check_first_observation, parse_info, render_step, reset_params

try:
    from verl.interactions.base import BaseInteraction  # type: ignore
except ImportError:  # verl not installed: the same interface, so the class stays importable and testable

    class BaseInteraction:  # type: ignore[no-redef]
        def __init__(self, config: Dict[str, Any]):
            self.config = config
            self.name: str = config.get("name", "interaction_agent")


class _Rollout:
    def __init__(self, client: AsyncDialogymClient, observation: Observation, done: bool):
        self.client = client
        self.observation = observation
        self.done = done


def _last_assistant(messages: List[Dict[str, Any]]) -> str:
    for m in reversed(messages):
        if m.get("role") == "assistant":
            content = m.get("content")
            if isinstance(content, list):
                return "".join(p.get("text", "") for p in content if isinstance(p, dict))
            return "" if content is None else str(content)
    return ""


class DialogymInteraction(BaseInteraction):
    """One dialogym episode per verl rollout; the assistant's last message is the action."""

    def __init__(self, config: Dict[str, Any]):
        super().__init__(config)
        self.url: str = config.get("url") or DEFAULT_URL
        self.token: Optional[str] = config.get("token")
        self.default_env_id: Optional[str] = config.get("env_id")
        self._rollouts: Dict[str, _Rollout] = {}

    async def start_interaction(self, instance_id: Optional[str] = None, **kwargs: Any) -> str:
        """Resets the episode named by ``kwargs`` (``env_id``, ``seed``, ``split``, ``task_index``, ``info``)."""
        instance_id = instance_id or str(uuid4())
        client = AsyncDialogymClient(self.url, token=self.token)
        result = await client.reset(**reset_params(kwargs, default_env_id=self.default_env_id))
        expected = kwargs.get("first_observation")
        if expected is not None:
            check_first_observation([{"role": "user", "content": expected}], result.observation, kwargs.get("info"))
        self._rollouts[instance_id] = _Rollout(client, result.observation, result.done)
        return instance_id

    async def generate_response(self, instance_id: str, messages: List[Dict[str, Any]], **kwargs: Any) -> Tuple[bool, str, float, Dict[str, Any]]:
        r = self._rollouts[instance_id]
        if r.done:
            return True, "The episode is over.", 0.0, {"episode_return": r.observation.episode_return}
        result = await r.client.step(_last_assistant(messages).strip())
        r.observation, r.done = result.observation, result.done
        extra = {
            "episode_return": result.observation.episode_return,
            "invalid_action": result.observation.invalid_action,
            "termination_reason": result.observation.termination_reason,
        }
        return result.done, render_step(result.observation, result.reward, result.done), float(result.reward or 0.0), extra

    async def calculate_score(self, instance_id: str, **kwargs: Any) -> float:
        """The episode's return so far (the whole return once it is over)."""
        return float(self._rollouts[instance_id].observation.episode_return)

    async def finalize_interaction(self, instance_id: str, **kwargs: Any) -> None:
        r = self._rollouts.pop(instance_id, None)
        if r is not None:
            await r.client.close()


def verl_row(task: Dict[str, Any], index: int = 0, name: str = "dialogym") -> Dict[str, Any]:
    """A row of ``export --format tasks`` in verl's dataset layout (write a list of them to parquet)."""
    info = parse_info(task.get("info"))
    prompt = list(task["prompt"])
    kwargs = {k: v for k, v in reset_params(task).items()}
    kwargs.update({"name": name, "info": json.dumps(info), "first_observation": prompt[-1]["content"]})
    return {
        "data_source": f"dialogym/{task['env_id']}",
        "prompt": prompt,
        "ability": "dialogue",
        "reward_model": {"style": "rule", "ground_truth": ""},
        "extra_info": {"index": index, "split": task.get("split"), "interaction_kwargs": kwargs},
    }
