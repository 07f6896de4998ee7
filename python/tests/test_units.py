"""Pieces that need no server: row → reset fields, tool calls ↔ action strings, URLs, rendering."""

from __future__ import annotations

import unittest

import support  # noqa: F401  (puts python/ on sys.path)

from dialogym.client import Observation, http_url, ws_url
from dialogym.tasks import TaskMismatch, check_first_observation, render_step, reset_params
from dialogym.tools import TOOLSETS, action_of, express, family, tool_names, toolset


def _obs(**kw):
    base = dict(
        env_id="GuessNumber-v0",
        episode_id="e",
        instructions="I",
        new_text="user: hi",
        transcript=[],
        legal_actions=None,
        sample_actions=None,
        invalid_action=None,
        step=0,
        episode_return=0.0,
        terminated=False,
        truncated=False,
        termination_reason=None,
        error=None,
    )
    base.update(kw)
    return Observation(**base)


class ResetParams(unittest.TestCase):
    def test_columns_then_info_then_extra_info(self) -> None:
        row = {"env_id": "A-v0", "seed": 1.0, "info": '{"env_id": "B-v0", "kwargs": {"a": 1}, "split": "dev", "task_index": 4}', "prompt": []}
        self.assertEqual(reset_params(row), {"env_id": "A-v0", "seed": 1, "kwargs": {"a": 1}, "split": "dev", "task_index": 4})
        nested = {"extra_info": {"env_id": "X-v0", "seed": 3, "info": '{"max_episode_steps": 9}'}}
        self.assertEqual(reset_params(nested), {"env_id": "X-v0", "seed": 3, "max_episode_steps": 9})
        self.assertEqual(reset_params({"seed": 5}, default_env_id="Z-v0"), {"seed": 5, "env_id": "Z-v0"})
        with self.assertRaises(ValueError):
            reset_params({"info": "[1, 2]"})

    def test_first_observation_check(self) -> None:
        obs = _obs()
        check_first_observation([{"role": "system", "content": "my own system prompt"}, {"role": "user", "content": "user: hi"}], obs)
        with self.assertRaises(TaskMismatch):
            check_first_observation([{"role": "user", "content": "user: bye"}], obs)
        with self.assertRaises(TaskMismatch):
            check_first_observation([{"role": "user", "content": "user: hi"}], obs, '{"env_id": "Other-v0"}')


class Tools(unittest.TestCase):
    def test_every_toolset_round_trips_its_actions(self) -> None:
        samples = {
            "GuessNumber": ["ASK is it even?", "GUESS 42"],
            "ClarifySearch": ["ASK do you want pictures?", "ANSWER pictures of flame decals"],
            "ClarifyTask": ["ASK could you tell me the color?", 'SUBMIT {"color":"red"}'],
            "Persuasion": ["SAY hello", "CLOSE", "CLOSE please give"],
            "Embodied": ["go to counter 1", "look", "pick up mug 1", "put mug 1 in sink", "put down mug 1", "open fridge", "close fridge",
                         "toggle off stove", "slice tomato 1", "clean plate 1", "fill pot 1", "pour pot 1 into houseplant 1", "say where is it?", "done"],
            "SocialDeduction": ["move north", "do task", "wait", "kill Red", "report Red", 'SURVEY {"Red": 0.5, "Blue": 0.5}', "SAY hi", "VOTE skip"],
        }
        self.assertEqual(set(samples), set(TOOLSETS))
        for fam, actions in samples.items():
            env_id = f"{fam}-v1"
            used = set()
            for a in actions:
                call = express(env_id, a)
                self.assertIsNotNone(call, a)
                name, args = call  # type: ignore[misc]
                used.add(name)
                self.assertEqual(action_of(env_id, name, args), a)
            self.assertEqual(used, set(tool_names(toolset(env_id))), f"every {fam} tool is exercised")
        # A plain Persuasion message is a SAY.
        self.assertEqual(express("Persuasion-v0", "Hi there!"), ("say", {"message": "Hi there!"}))
        self.assertEqual(family("org/Thing-v12"), "org/Thing")
        self.assertEqual(express("Unknown-v0", "whatever"), ("act", {"action": "whatever"}))


class Urls(unittest.TestCase):
    def test_http_and_ws_urls(self) -> None:
        self.assertEqual(ws_url("http://h:8000"), "ws://h:8000/ws")
        self.assertEqual(ws_url("https://h/"), "wss://h/ws")
        self.assertEqual(ws_url("ws://h:1/ws"), "ws://h:1/ws")
        self.assertEqual(http_url("ws://h:1/ws"), "http://h:1")
        self.assertEqual(http_url("h:2"), "http://h:2")


class Rendering(unittest.TestCase):
    def test_render_step(self) -> None:
        self.assertEqual(render_step(_obs(new_text="user: yes")), "user: yes")
        self.assertEqual(render_step(_obs(new_text="x", legal_actions=["wait", "move north"])), "x\nLegal actions now: wait | move north")
        done = _obs(new_text="", terminated=True, termination_reason="correct", episode_return=0.85)
        self.assertEqual(render_step(done, 1.0, True), "[episode over: correct; return 0.85]")


if __name__ == "__main__":
    unittest.main()
