"""The trainer adapters, each playing real episodes over /ws against the live server.

TRL needs nothing installed (its contract is duck-typed; the discovery below is the one in
trl/trainer/grpo_trainer.py). verl and SkyRL are not installable here: their published base
classes are stubbed in ``sys.modules`` (same module paths, same methods) before the adapters are
imported, and the tests check the adapters subclass them. verifiers' ``OpenEnvEnv`` is exercised
through the ``prompt_renderer`` it calls on the observations the server sends.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import os
import sys
import types
import unittest
from typing import Any, Dict, List, Optional, Tuple, TypedDict

from support import WORK, reference_episodes, run_cli, shared_server

from dialogym import get_json
from dialogym.tasks import TaskMismatch, first_messages
from dialogym.tools import GenericTools, express, tool_names, toolset


def trl_tools(instance: Any) -> Dict[str, Any]:
    """TRL's discovery: every public bound method but reset and get_reward is a tool."""
    return {
        name: member
        for name, member in inspect.getmembers(instance, predicate=inspect.ismethod)
        if name not in ("reset", "get_reward") and not name.startswith("_")
    }


def _install_stub(module_path: str, **attrs: Any) -> types.ModuleType:
    parts = module_path.split(".")
    for i in range(1, len(parts) + 1):
        name = ".".join(parts[:i])
        if name not in sys.modules:
            sys.modules[name] = types.ModuleType(name)
        if i > 1:
            setattr(sys.modules[".".join(parts[: i - 1])], parts[i - 1], sys.modules[name])
    mod = sys.modules[module_path]
    for k, v in attrs.items():
        setattr(mod, k, v)
    return mod


class _ServedEnvs(unittest.TestCase):
    server: Any
    envs: List[str]
    refs: Dict[str, List[Dict[str, Any]]]

    @classmethod
    def setUpClass(cls) -> None:
        cls.server = shared_server()
        cls.envs = [e["id"] for e in get_json(cls.server.url, "/envs")["envs"]]
        cls.refs = reference_episodes(cls.envs)


class TRLEnvironmentFactory(_ServedEnvs):
    def test_tools_follow_trls_rules(self) -> None:
        from dialogym.trl import environment_factory

        for env_id in self.envs:
            with self.subTest(env=env_id):
                env = environment_factory(env_id, url=self.server.url)()
                tools = trl_tools(env)
                self.assertEqual(sorted(tools), tool_names(toolset(env_id)))
                env.reset(env_id=env_id, seed=1)  # state set at reset must not hide a tool either
                self.assertEqual(sorted(trl_tools(env)), tool_names(toolset(env_id)))
                self.assertTrue(callable(getattr(env, "reset")) and callable(getattr(env, "get_reward")))
                for name, fn in tools.items():
                    doc = inspect.getdoc(fn) or ""
                    params = [p for p in inspect.signature(fn).parameters.values()]
                    self.assertTrue(doc, f"{name} has a docstring")
                    for p in params:
                        self.assertIsNot(p.annotation, inspect.Parameter.empty, f"{name}({p.name}) is typed")
                        self.assertIn(f"{p.name}:", doc.split("Args:")[-1], f"{name} documents {p.name}")
                env._close()

    def test_expert_episodes_through_the_tools_give_the_rollout_returns(self) -> None:
        from dialogym.trl import environment_factory

        for env_id in self.envs:
            cls = environment_factory(env_id, url=self.server.url)
            env = cls()
            for rec in self.refs[env_id]:
                with self.subTest(env=env_id, seed=rec["seed"]):
                    first = env.reset(env_id=env_id, seed=rec["seed"])  # a row without a prompt: the text comes back
                    self.assertEqual(first, rec["initialObservation"]["instructions"] + "\n\n" + rec["initialObservation"]["text"])
                    tools = trl_tools(env)
                    for turn in rec["turns"]:
                        call = express(env_id, turn["action"])
                        self.assertIsNotNone(call, f"no tool plays {turn['action']!r}")
                        name, args = call  # type: ignore[misc]
                        text = tools[name](**args)
                        self.assertIsInstance(text, str)
                        self.assertEqual(env.observation.new_text, turn["observation"])
                    self.assertTrue(env.finished)
                    self.assertEqual(env.get_reward(), rec["totals"]["return"])
                    with self.assertRaises(ValueError):  # TRL feeds this back to the model
                        next(iter(tools.values()))(**_dummy_args(next(iter(tools.values()))))
            env._close()

    def test_generic_tools_for_an_env_without_a_toolset(self) -> None:
        from dialogym.trl import environment_factory

        self.assertIs(toolset("Unheard-v3"), GenericTools)
        env = environment_factory("Unheard-v3", url=self.server.url)()
        self.assertEqual(sorted(trl_tools(env)), ["act"])
        env.reset(env_id="GuessNumber-v0", seed=1)
        self.assertIn("user:", env.act("ASK is it even?"))
        env._close()


def _dummy_args(fn: Any) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for p in inspect.signature(fn).parameters.values():
        if p.default is inspect.Parameter.empty:
            out[p.name] = 1 if p.annotation in (int, "int") else "x"
    return out


class TasksRowsToEpisodes(_ServedEnvs):
    """Rows of ``dialogym export --format tasks`` become the same episodes in every adapter."""

    @classmethod
    def setUpClass(cls) -> None:
        super().setUpClass()
        cls.tasks_path = os.path.join(WORK, "tasks.jsonl")
        r = run_cli("export", "--format", "tasks", "--env", "all", "--split", "dev", "--tasks", "3", "--out", cls.tasks_path, "--no-progress")
        if r.returncode != 0:
            raise RuntimeError(r.stderr)
        with open(cls.tasks_path, encoding="utf-8") as f:
            cls.rows = [json.loads(line) for line in f if line.strip()]

    def test_rows_load_with_one_type_per_column(self) -> None:
        self.assertGreater(len(self.rows), 0)
        keys = {tuple(sorted(r)) for r in self.rows}
        self.assertEqual(keys, {("env_id", "info", "prompt", "seed", "split", "task_index")})
        for col in ("env_id", "info", "seed", "split", "task_index"):
            self.assertEqual(len({type(r[col]) for r in self.rows}), 1, col)
        for r in self.rows:
            self.assertEqual([m["role"] for m in r["prompt"]], ["system", "user"])
            self.assertIsInstance(json.loads(r["info"]), dict)

    def test_trl_reset_checks_the_row_against_the_server(self) -> None:
        from dialogym.trl import environment_factory

        for row in self.rows:
            with self.subTest(env=row["env_id"], task=row["task_index"]):
                env = environment_factory(row["env_id"], url=self.server.url)()
                self.assertIsNone(env.reset(**row))  # the prompt already holds the first observation
                self.assertEqual(env.episode["seed"], row["seed"])
                state = env._client.state()
                self.assertEqual((state["seed"], state["split"], state["task_index"]), (row["seed"], "dev", row["task_index"]))
                tampered = {**row, "prompt": [row["prompt"][0], {"role": "user", "content": "something else"}]}
                with self.assertRaises(TaskMismatch):
                    env.reset(**tampered)
                env._close()

    def test_verl_and_skyrl_start_the_rows_episodes(self) -> None:
        verl = _verl_module()
        skyrl = _skyrl_module()
        interaction = verl.DialogymInteraction({"name": "dialogym", "url": self.server.url})
        for i, row in enumerate(self.rows):
            with self.subTest(env=row["env_id"], task=row["task_index"]):
                vrow = verl.verl_row(row, index=i)
                self.assertEqual(vrow["prompt"], row["prompt"])
                kwargs = vrow["extra_info"]["interaction_kwargs"]
                self.assertEqual(kwargs["name"], "dialogym")
                iid = asyncio.run(interaction.start_interaction(None, **kwargs))
                asyncio.run(interaction.finalize_interaction(iid))
                env = skyrl.DialogymTextEnv({"url": self.server.url}, extras=dict(row))
                prompt, meta = env.init(row["prompt"])
                self.assertEqual(prompt, row["prompt"])
                self.assertEqual(meta["env_id"], row["env_id"])
                env.close()
        bad = verl.verl_row({**self.rows[0], "prompt": [self.rows[0]["prompt"][0], {"role": "user", "content": "nope"}]})
        with self.assertRaises(TaskMismatch):
            asyncio.run(interaction.start_interaction(None, **bad["extra_info"]["interaction_kwargs"]))


# ------------------------------------------------------------------------------------ verl, SkyRL


class StubBaseInteraction:
    """verl/interactions/base.py's BaseInteraction, as published."""

    def __init__(self, config: Dict[str, Any]):
        self.config = config
        self.name: str = config.get("name", "interaction_agent")

    async def start_interaction(self, instance_id: Optional[str] = None, **kwargs: Any) -> str:
        raise NotImplementedError

    async def generate_response(self, instance_id: str, messages: List[Dict[str, Any]], **kwargs: Any) -> Tuple[bool, str, float, Dict[str, Any]]:
        raise NotImplementedError

    async def calculate_score(self) -> float:
        raise NotImplementedError

    async def finalize_interaction(self) -> None:
        raise NotImplementedError


class StubBaseTextEnvStepOutput(TypedDict):
    observations: List[Dict[str, str]]
    reward: float
    done: bool
    metadata: Dict[str, Any]
    postprocessed_action: Optional[str]


class StubBaseTextEnv:
    """skyrl_gym/envs/base_text_env.py's BaseTextEnv, as published."""

    def __init__(self) -> None:
        self.turns = 0
        self.max_turns = 1
        self.tool_groups: List[Any] = []
        self.tool_to_toolgroup: Dict[str, Any] = {}

    def step(self, action: str) -> StubBaseTextEnvStepOutput:
        raise NotImplementedError

    def init(self, prompt: List[Dict[str, str]]) -> Tuple[List[Dict[str, str]], Dict[str, Any]]:
        return prompt, {}

    def close(self) -> None:
        pass


def _verl_module() -> Any:
    _install_stub("verl.interactions.base", BaseInteraction=StubBaseInteraction)
    import dialogym.verl as mod

    return importlib.reload(mod)


def _skyrl_module() -> Any:
    _install_stub("skyrl_gym.envs.base_text_env", BaseTextEnv=StubBaseTextEnv, BaseTextEnvStepOutput=StubBaseTextEnvStepOutput)
    import dialogym.skyrl as mod

    return importlib.reload(mod)


class VerlInteraction(_ServedEnvs):
    def test_subclasses_verls_base_and_plays_expert_episodes(self) -> None:
        verl = _verl_module()
        self.assertTrue(issubclass(verl.DialogymInteraction, StubBaseInteraction))
        interaction = verl.DialogymInteraction({"name": "dialogym", "url": self.server.url})
        self.assertEqual(interaction.name, "dialogym")

        async def play(env_id: str, rec: Dict[str, Any]) -> None:
            iid = await interaction.start_interaction(None, name="dialogym", env_id=env_id, seed=rec["seed"])
            messages: List[Dict[str, Any]] = [{"role": "user", "content": rec["initialObservation"]["text"]}]
            total = 0.0
            for i, turn in enumerate(rec["turns"]):
                messages.append({"role": "assistant", "content": turn["action"]})
                done, response, score, extra = await interaction.generate_response(iid, messages)
                total += score
                messages.append({"role": "user", "content": response})
                self.assertEqual(score, turn["reward"])
                self.assertEqual(done, i == len(rec["turns"]) - 1)
                self.assertIn("episode_return", extra)
            self.assertEqual(total, rec["totals"]["return"])
            self.assertEqual(await interaction.calculate_score(iid), rec["totals"]["return"])
            await interaction.finalize_interaction(iid)

        for env_id in self.envs:
            for rec in self.refs[env_id]:
                with self.subTest(env=env_id, seed=rec["seed"]):
                    asyncio.run(play(env_id, rec))


class SkyRLTextEnv(_ServedEnvs):
    def test_subclasses_skyrls_base_and_plays_expert_episodes(self) -> None:
        skyrl = _skyrl_module()
        self.assertTrue(issubclass(skyrl.DialogymTextEnv, StubBaseTextEnv))
        for env_id in self.envs:
            for rec in self.refs[env_id]:
                with self.subTest(env=env_id, seed=rec["seed"]):
                    env = skyrl.DialogymTextEnv({"url": self.server.url}, extras={"env_id": env_id, "seed": rec["seed"]})
                    prompt, _ = env.init([])
                    self.assertEqual(prompt[-1]["content"], rec["initialObservation"]["text"])
                    total = 0.0
                    out: Dict[str, Any] = {}
                    for turn in rec["turns"]:
                        out = env.step(turn["action"])
                        self.assertEqual(set(out), {"observations", "reward", "done", "metadata", "postprocessed_action"})
                        total += out["reward"]
                        if not out["done"]:
                            self.assertEqual(out["observations"][0]["role"], "user")
                    self.assertTrue(out["done"])
                    self.assertEqual(out["observations"], [])
                    self.assertEqual(total, rec["totals"]["return"])
                    self.assertEqual(env.episode_return, rec["totals"]["return"])
                    env.close()


class VerifiersRenderer(_ServedEnvs):
    def test_prompt_renderer_on_served_observations(self) -> None:
        from dialogym.client import DialogymClient
        from dialogym.verifiers import prompt_renderer, write_build_manifest

        rec = self.refs["GuessNumber-v0"][0]
        with DialogymClient(self.server.url) as env:
            first = env.reset(env_id="GuessNumber-v0", seed=rec["seed"])
            # OpenEnvEnv hands the renderer GenericEnvClient's observation: the raw dict.
            msgs = prompt_renderer(first.raw["observation"], context="reset", seed=rec["seed"], action_schema=None)
            self.assertEqual(msgs, first_messages(first.observation))
            step = env.step(rec["turns"][0]["action"])
            msgs = prompt_renderer(step.raw["observation"], context="step")
            self.assertEqual(msgs[0]["role"], "user")
            self.assertTrue(msgs[0]["content"].startswith(rec["turns"][0]["observation"]))
        path = write_build_manifest(os.path.join(WORK, "vf-project"), "registry.example/dialogym:0.1.0", "ClarifySearch-v0")
        with open(path, encoding="utf-8") as f:
            manifest = json.load(f)
        self.assertEqual(manifest["contract"], "gym")
        self.assertIn("--env ClarifySearch-v0", manifest["start_command"])


if __name__ == "__main__":
    unittest.main()
