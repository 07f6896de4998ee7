"""Python side of ``dialogym serve``: a client for OpenEnv's protocol and adapters for trainers.

- ``dialogym.client``: ``DialogymClient`` (sync) and ``AsyncDialogymClient``.
- ``dialogym.trl``: ``environment_factory(env_id, url)`` for TRL's ``GRPOTrainer``.
- ``dialogym.verl``: ``DialogymInteraction``, a verl ``BaseInteraction``.
- ``dialogym.skyrl``: ``DialogymTextEnv``, a SkyRL ``BaseTextEnv``.
- ``dialogym.verifiers``: the ``prompt_renderer`` verifiers' ``OpenEnvEnv`` needs.
- ``dialogym.tasks``: rows of ``dialogym export --format tasks`` ↔ episodes.

The only dependency is ``websockets``; the trainer integrations import their trainer lazily.
See docs/serving.md in the dialogym repository.
"""

from .client import AsyncDialogymClient, DialogymClient, DialogymError, Observation, StepResult, get_json
from .tasks import TaskMismatch, reset_params

__all__ = [
    "AsyncDialogymClient",
    "DialogymClient",
    "DialogymError",
    "Observation",
    "StepResult",
    "TaskMismatch",
    "get_json",
    "reset_params",
]
__version__ = "0.1.0"
