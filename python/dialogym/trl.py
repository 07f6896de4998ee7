"""TRL: an ``environment_factory`` class for ``GRPOTrainer`` (and ``AsyncGRPOTrainer``).

TRL's contract (trl/trainer/grpo_trainer.py): the trainer builds instances with no arguments,
calls ``reset(**row)`` with the dataset row at the start of each episode (a returned string is
appended to the last user message), exposes every public method but ``reset`` and ``get_reward``
as a tool (docstrings with ``Args:`` give the schema), and, when the class has ``get_reward()``,
uses it as a reward source. So::

    from dialogym.trl import environment_factory

    trainer = GRPOTrainer(
        model=...,
        train_dataset=load_dataset("json", data_files="tasks.jsonl", split="train"),
        environment_factory=environment_factory("ClarifySearch-v0", url="http://127.0.0.1:8000"),
        args=GRPOConfig(max_completion_length=2048, ...),
    )

Each instance holds one WebSocket session and reuses it across episodes (TRL pools instances);
the tools are the env's grammar (``ask``, ``answer``, ``say``, ``close`` ... see ``tools.py``).
"""

from __future__ import annotations

import os
from typing import Any, Dict, Optional, Type

from .client import DEFAULT_URL, DialogymClient, Observation
from .tasks import check_first_observation, first_messages, render_step, reset_params
from .tools import family, toolset


class DialogymToolEnv:
    """The part every TRL environment class shares; the tool methods come from a ``tools.py`` mixin.

    Public attributes (not methods, so not tools): ``reward`` (the episode return so far),
    ``finished``, ``observation`` (the last ``Observation``), ``episode`` (the reset fields).
    No attribute may share a tool's name (an instance attribute would hide the method: Embodied
    has a ``done`` tool).
    """

    _url: Optional[str] = None
    _env_id: Optional[str] = None
    _token: Optional[str] = None
    _check_prompt: bool = True

    def __init__(self) -> None:
        self._client = DialogymClient(self._url or os.environ.get("DIALOGYM_URL", DEFAULT_URL), token=self._token)
        self.reward = 0.0
        self.finished = False
        self.observation: Optional[Observation] = None
        self.episode: Dict[str, Any] = {}

    def reset(self, **row: Any) -> Optional[str]:
        """Starts the episode the dataset row describes (``env_id``, ``seed``, ``split``, ``task_index``, ``info``).

        Returns None when the row's prompt already holds the first observation (rows of
        ``export --format tasks``, checked against the server), else the first observation's text.
        """
        self.episode = reset_params(row, default_env_id=self._env_id)
        result = self._client.reset(**self.episode)
        self.observation = result.observation
        self.reward = result.observation.episode_return
        self.finished = result.done
        prompt = row.get("prompt")
        if prompt and row.get("info") is not None:
            if self._check_prompt:
                check_first_observation(prompt, result.observation, row.get("info"))
            return None
        if prompt:
            return result.observation.new_text
        return "\n\n".join(m["content"] for m in first_messages(result.observation))

    def get_reward(self) -> float:
        """The episode's return: the sum of the rewards paid so far (all of them once it is over)."""
        return float(self.reward)

    def _act(self, action: str) -> str:
        if self.finished:
            # TRL feeds the exception text back to the model as the tool's reply.
            raise ValueError("The episode is over. Do not call any more tools.")
        if self.observation is None:
            raise ValueError("reset() was not called")
        result = self._client.step(action)
        self.observation = result.observation
        self.reward = result.observation.episode_return
        self.finished = result.done
        return render_step(result.observation, result.reward, result.done)

    def _close(self) -> None:
        self._client.close()


def environment_factory(
    env_id: Optional[str] = None,
    url: Optional[str] = None,
    token: Optional[str] = None,
    check_prompt: bool = True,
) -> Type[DialogymToolEnv]:
    """A TRL environment class for ``env_id``'s family, talking to the server at ``url``.

    ``env_id`` picks the tools and is the env of rows that name none; ``url`` defaults to
    ``$DIALOGYM_URL`` or http://127.0.0.1:8000; ``token`` to ``$DIALOGYM_SERVER_TOKEN``. For a
    dataset mixing envs, pass TRL a dict ``{env_id: environment_factory(env_id, url)}`` and give
    each row an ``environment`` column equal to its ``env_id``.
    """
    tools = toolset(env_id)
    name = "Dialogym" + (family(env_id).replace("/", "_").replace("-", "_") if env_id else "") + "Env"
    attrs: Dict[str, Any] = {"_url": url, "_env_id": env_id, "_token": token, "_check_prompt": check_prompt, "__module__": __name__}
    return type(name, (DialogymToolEnv, tools), attrs)
