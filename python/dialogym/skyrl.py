"""SkyRL: a ``BaseTextEnv`` (skyrl_gym/envs/base_text_env.py).

SkyRL's contract: the env is built per trajectory as ``Env(env_config, extras)`` where ``extras``
holds the dataset row's other columns, ``init(prompt)`` returns the prompt to generate from and
metadata, ``step(action)`` takes the model's text and returns ``BaseTextEnvStepOutput``
(``observations`` as chat messages, ``reward``, ``done``, ``metadata``), ``close()`` frees it.
Register it once::

    from skyrl_gym.envs import register
    register(id="dialogym", entry_point="dialogym.skyrl:DialogymTextEnv")

and give the dataset rows (``export --format tasks``) an ``env_class`` column equal to "dialogym".
The server URL comes from the env config (``url``), else ``$DIALOGYM_URL``.

SkyRL is not installable here: this class subclasses SkyRL's ``BaseTextEnv`` when skyrl_gym is
importable and a stand-in with the same interface otherwise; tests run it against a stub.
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Tuple

from .client import DEFAULT_URL, DialogymClient
from .tasks import check_first_observation, first_messages, render_step, reset_params

try:
    from skyrl_gym.envs.base_text_env import BaseTextEnv, BaseTextEnvStepOutput  # type: ignore
except ImportError:  # SkyRL not installed: the same interface

    class BaseTextEnv:  # type: ignore[no-redef]
        def __init__(self) -> None:
            self.turns = 0
            self.max_turns = 1

    def BaseTextEnvStepOutput(**kwargs: Any) -> Dict[str, Any]:  # type: ignore[no-redef]  # noqa: N802 - a TypedDict in SkyRL
        return dict(kwargs)


def _get(config: Any, key: str) -> Any:
    """A key of a dict or an OmegaConf DictConfig (both have ``get``), else an attribute."""
    if config is None:
        return None
    getter = getattr(config, "get", None)
    return getter(key) if callable(getter) else getattr(config, key, None)


class DialogymTextEnv(BaseTextEnv):
    """One dialogym episode per SkyRL trajectory; each model turn is one action."""

    def __init__(self, env_config: Any = None, extras: Optional[Dict[str, Any]] = None):
        super().__init__()
        extras = dict(extras or {})
        url = _get(env_config, "url") or os.environ.get("DIALOGYM_URL", DEFAULT_URL)
        self._client = DialogymClient(url, token=_get(env_config, "token"))
        self._params = reset_params(extras, default_env_id=_get(env_config, "env_id"))
        self._info = extras.get("info")
        # The env's own step limit ends the episode; SkyRL's turn cap is only a safety net.
        self.max_turns = int(extras.get("max_turns") or _get(env_config, "max_turns") or 1000)
        self.episode_return = 0.0

    def init(self, prompt: List[Dict[str, str]]) -> Tuple[List[Dict[str, str]], Dict[str, Any]]:
        result = self._client.reset(**self._params)
        if prompt:
            check_first_observation(prompt, result.observation, self._info)
        else:
            prompt = first_messages(result.observation)
        return prompt, {"env_id": result.observation.env_id, "episode_id": result.observation.episode_id}

    def step(self, action: str) -> Any:
        self.turns += 1
        result = self._client.step(action.strip())
        obs = result.observation
        self.episode_return = obs.episode_return
        done = result.done or self.turns >= self.max_turns
        text = render_step(obs, result.reward, result.done)
        return BaseTextEnvStepOutput(
            observations=[] if done else [{"role": "user", "content": text}],
            reward=float(result.reward or 0.0),
            done=done,
            metadata={
                "episode_return": obs.episode_return,
                "invalid_action": obs.invalid_action,
                "termination_reason": obs.termination_reason,
                "final_text": text if done else None,
            },
            postprocessed_action=action.strip(),
        )

    def close(self) -> None:
        self._client.close()
