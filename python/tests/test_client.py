"""A Python program that only knows the URL plays every served env over /ws and gets what
``dialogym rollout`` got with the same seeds and actions: the same rewards, texts and returns, and
the server's episode records equal the rollout's records."""

from __future__ import annotations

import asyncio
import json
import os
import unittest

from support import WORK, comparable, reference_episodes, run_cli, shared_server

from dialogym import AsyncDialogymClient, DialogymClient, DialogymError, get_json


class EveryEnvOverTheWire(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        cls.server = shared_server()
        cls.envs = [e["id"] for e in get_json(cls.server.url, "/envs")["envs"]]
        cls.refs = reference_episodes(cls.envs)

    def test_registry_is_served(self) -> None:
        self.assertIn("GuessNumber-v0", self.envs)
        self.assertEqual(get_json(self.server.url, "/health"), {"status": "healthy"})

    def test_same_returns_and_records_as_rollout_for_every_env(self) -> None:
        for env_id in self.envs:
            for rec in self.refs[env_id]:
                with self.subTest(env=env_id, seed=rec["seed"]):
                    episode_id = f"py-{env_id}-{rec['seed']}"
                    with DialogymClient(self.server.url) as env:
                        first = env.reset(env_id=env_id, seed=rec["seed"], episode_id=episode_id)
                        self.assertIsNone(first.reward)
                        self.assertEqual(first.observation.instructions, rec["initialObservation"]["instructions"])
                        self.assertEqual(first.observation.new_text, rec["initialObservation"]["text"])
                        ret = 0.0
                        result = first
                        for i, turn in enumerate(rec["turns"]):
                            result = env.step(turn["action"])
                            ret += result.reward
                            self.assertEqual(result.reward, turn["reward"])
                            self.assertEqual(result.observation.new_text, turn["observation"])
                            self.assertEqual(result.done, i == len(rec["turns"]) - 1)
                        self.assertEqual(ret, rec["totals"]["return"])
                        self.assertEqual(result.observation.episode_return, rec["totals"]["return"])
                        self.assertEqual(result.observation.termination_reason, rec["termination"]["reason"])
                        state = env.state()
                        self.assertEqual((state["episode_id"], state["seed"], state["done"]), (episode_id, rec["seed"], True))
                    served = [r for r in self.server.records() if r["key"] == f"{env_id}/served/{episode_id}"]
                    self.assertEqual(len(served), 1, "exactly one record of the finished episode")
                    self.assertEqual(comparable(served[0]), comparable(rec))

    def test_served_records_replay_with_dialogym_replay(self) -> None:
        """A served episode's record is an ordinary record: ``dialogym replay`` re-runs it identically."""
        keys = []
        for env_id in self.envs:
            rec = self.refs[env_id][0]
            episode_id = f"replay-{env_id}"
            with DialogymClient(self.server.url) as env:
                env.reset(env_id=env_id, seed=rec["seed"], episode_id=episode_id)
                for turn in rec["turns"]:
                    env.step(turn["action"])
            keys.append(f"{env_id}/served/{episode_id}")
        served = {r["key"]: r for r in self.server.records() if r["key"] in keys}
        self.assertEqual(sorted(served), sorted(keys))
        src = os.path.join(WORK, "served-for-replay.jsonl")
        out = os.path.join(WORK, "replayed.jsonl")
        with open(src, "w", encoding="utf-8") as f:
            for k in keys:
                f.write(json.dumps(served[k]) + "\n")
        r = run_cli("replay", "--in", src, "--out", out)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(out, encoding="utf-8") as f:
            replayed = {x["key"]: x for x in (json.loads(line) for line in f if line.strip())}
        for k in keys:
            # replay names its source (`replayOf`); everything the episode is made of is the same.
            self.assertEqual(comparable(replayed[k]), comparable(served[k]), k)
            self.assertEqual(replayed[k]["source"]["replayOf"], k)

    def test_async_sessions_are_independent(self) -> None:
        rec = self.refs["GuessNumber-v0"][0]

        async def play(i: int) -> float:
            async with AsyncDialogymClient(self.server.url) as env:
                await env.reset(env_id="GuessNumber-v0", seed=rec["seed"], episode_id=f"async-{i}")
                result = None
                for turn in rec["turns"]:
                    result = await env.step(turn["action"])
                return result.observation.episode_return if result else 0.0

        async def main() -> list:
            return await asyncio.gather(*(play(i) for i in range(32)))

        returns = asyncio.run(main())
        self.assertEqual(returns, [rec["totals"]["return"]] * 32)

    def test_errors_carry_openenv_codes_and_the_session_survives(self) -> None:
        with DialogymClient(self.server.url) as env:
            with self.assertRaises(DialogymError) as e:
                env.step("ASK anything?")
            self.assertEqual(e.exception.code, "EXECUTION_ERROR")
            with self.assertRaises(DialogymError) as e:
                env.reset(env_id="NoSuchEnv-v0")
            self.assertEqual(e.exception.code, "VALIDATION_ERROR")
            with self.assertRaises(DialogymError) as e:
                env.reset(env_id="GuessNumber-v0", seed=-3)
            self.assertEqual(e.exception.code, "VALIDATION_ERROR")
            ok = env.reset(env_id="GuessNumber-v0", split="dev", task_index=2)
            self.assertFalse(ok.done)
            self.assertEqual(env.state()["task_index"], 2)


class OpenEnvGenericClientMessages(unittest.TestCase):
    """The exact frames OpenEnv's EnvClient/GenericEnvClient sends (env_client.py), parsed as it parses them."""

    def test_generic_client_protocol(self) -> None:
        from dialogym.client import _ws_connect as connect  # websockets' own connect, whichever API this release has
        from dialogym.client import ws_url

        server = shared_server()

        async def main() -> None:
            async with connect(ws_url(server.url)) as ws:
                # GenericEnvClient.reset(**kwargs) → {"type": "reset", "data": kwargs}
                await ws.send(json.dumps({"type": "reset", "data": {"env_id": "GuessNumber-v0", "seed": 5}}))
                reply = json.loads(await ws.recv())
                self.assertEqual(reply["type"], "observation")
                # GenericEnvClient._parse_result: observation, reward, done
                self.assertEqual(set(reply["data"]), {"observation", "reward", "done"})
                self.assertIn("instructions", reply["data"]["observation"])
                # GenericEnvClient.step(dict) → {"type": "step", "data": action}
                await ws.send(json.dumps({"type": "step", "data": {"message": "GUESS 50"}}))
                reply = json.loads(await ws.recv())
                self.assertIs(reply["data"]["done"], True)
                self.assertIsInstance(reply["data"]["reward"], (int, float))
                await ws.send(json.dumps({"type": "state"}))
                state = json.loads(await ws.recv())
                self.assertEqual(state["type"], "state")
                self.assertEqual(state["data"]["step_count"], 1)
                await ws.send(json.dumps({"type": "step", "data": {"code": "print(1)"}}))
                err = json.loads(await ws.recv())
                self.assertEqual((err["type"], err["data"]["code"]), ("error", "VALIDATION_ERROR"))
                await ws.send(json.dumps({"type": "close"}))
                await ws.wait_closed()

        asyncio.run(main())

    def test_schema_action_is_one_string_field(self) -> None:
        schema = get_json(shared_server().url, "/schema")
        self.assertEqual(schema["action"]["required"], ["message"])
        self.assertEqual(schema["action"]["properties"]["message"]["type"], "string")
        self.assertEqual(set(schema), {"action", "observation", "state"})


if __name__ == "__main__":
    unittest.main()
