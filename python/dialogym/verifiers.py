"""Prime Intellect's verifiers: what ``vf.OpenEnvEnv`` needs to run a dialogym env.

``OpenEnvEnv`` (verifiers/envs/integrations/openenv_env.py) drives any OpenEnv server with
OpenEnv's ``GenericEnvClient``: it resets with ``seed`` only, maps the assistant's text to the one
string field of the ``/schema`` action (``message`` here) and sums the step rewards. It needs

- a server that knows which env to reset when no ``env_id`` is sent: start it with ``--env``;
- a ``prompt_renderer`` turning an observation (a dict) into chat messages: ``prompt_renderer``
  below;
- an OpenEnv project directory with a ``.build.json`` naming the image to run in Prime's
  sandboxes (``vf-build`` writes it; ``write_build_manifest`` writes the same for the Dockerfile
  at the root of this repository).

verifiers is not installable here; ``prompt_renderer`` is tested on the observations the server
sends, the rest follows the published source.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, List, Mapping

from .client import Observation
from .tasks import render_step


def _as_observation(obs: Any) -> Observation:
    if isinstance(obs, Observation):
        return obs
    if hasattr(obs, "model_dump"):
        obs = obs.model_dump()
    if not isinstance(obs, Mapping):
        raise TypeError(f"expected a dialogym observation dict, got {type(obs).__name__}")
    return Observation.from_wire(dict(obs))


def prompt_renderer(observation: Any, context: str = "step", **_: Any) -> List[Dict[str, str]]:
    """Observation → chat messages: at reset the instructions (system) and first text (user); after a step the new text."""
    obs = _as_observation(observation)
    if context == "reset":
        return [
            {"role": "system", "content": obs.instructions},
            {"role": "user", "content": obs.new_text},
        ]
    done = obs.terminated or obs.truncated
    return [{"role": "user", "content": render_step(obs, None, done)}]


def write_build_manifest(project_dir: str, image: str, env_id: str, port: int = 8000) -> str:
    """Writes ``.build.json`` for an OpenEnv project that runs ``dialogym serve --env env_id`` in ``image``."""
    os.makedirs(project_dir, exist_ok=True)
    manifest = {
        "image": image,
        "port": port,
        "start_command": f"dialogym serve --host 0.0.0.0 --port {port} --env {env_id}",
        "contract": "gym",
    }
    path = os.path.join(project_dir, ".build.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=2)
        f.write("\n")
    return path


def load_environment(openenv_project: str, num_train_examples: int = 1000, num_eval_examples: int = 100, seed: int = 0, **kwargs: Any) -> Any:
    """``vf.OpenEnvEnv`` over a dialogym server (needs ``verifiers[openenv]`` and Prime sandboxes)."""
    import verifiers as vf  # type: ignore

    return vf.OpenEnvEnv(
        openenv_project=openenv_project,
        num_train_examples=num_train_examples,
        num_eval_examples=num_eval_examples,
        seed=seed,
        prompt_renderer=prompt_renderer,
        **kwargs,
    )
