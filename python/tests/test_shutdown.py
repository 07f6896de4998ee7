"""A killed client and SIGTERM leave the server serving and its records file valid."""

from __future__ import annotations

import asyncio
import json
import time
import unittest

from support import Server

from dialogym import AsyncDialogymClient, DialogymClient, DialogymError, get_json


class KilledClientAndSigterm(unittest.TestCase):
    def test_killed_client_then_sigterm(self) -> None:
        server = Server()
        try:
            # A client that dies mid-episode (TCP abort, no close frame).
            async def die() -> None:
                c = AsyncDialogymClient(server.url)
                await c.reset(env_id="GuessNumber-v0", seed=4, episode_id="killed")
                await c.step("ASK is it even?")
                c._ws.transport.abort()

            asyncio.run(die())
            # The server keeps serving: a full episode, recorded.
            with DialogymClient(server.url) as env:
                env.reset(env_id="GuessNumber-v0", seed=4, episode_id="finished")
                self.assertTrue(env.step("GUESS 42").done)
            status = get_json(server.url, "/status")
            self.assertEqual(status["episodes_finished"], 1)
            # An episode still open when SIGTERM arrives: the session is closed, the client is told.
            open_client = DialogymClient(server.url)
            open_client.reset(env_id="GuessNumber-v0", seed=5, episode_id="open")
            self.assertEqual(server.stop(), 0)
            with self.assertRaises(DialogymError) as e:
                open_client.step("ASK is it even?")
            self.assertEqual(e.exception.code, "SESSION_ERROR")
            open_client.close()
            out = "".join(server.stdout_lines)
            self.assertRegex(out, r"1 episode\(s\) finished, 2 abandoned unfinished, 1 record\(s\) written")
            with open(server.record_path, encoding="utf-8") as f:
                text = f.read()
            self.assertTrue(text.endswith("\n"))
            records = [json.loads(line) for line in text.splitlines()]
            self.assertEqual([r["key"] for r in records], ["GuessNumber-v0/served/finished"])
        finally:
            server.stop()


class Capacity(unittest.TestCase):
    def test_capacity_reached_then_a_freed_slot(self) -> None:
        server = Server("--max-sessions", "1", record=False)
        try:
            first = DialogymClient(server.url)
            first.reset(env_id="GuessNumber-v0", seed=1)
            second = DialogymClient(server.url)
            with self.assertRaises(DialogymError) as e:
                second.reset(env_id="GuessNumber-v0", seed=2)
            self.assertEqual(e.exception.code, "CAPACITY_REACHED")
            self.assertEqual((e.exception.data["active_sessions"], e.exception.data["max_sessions"]), (1, 1))
            first.close()
            for _ in range(100):  # the server frees the slot once it has seen the close
                if get_json(server.url, "/status")["active_sessions"] == 0:
                    break
                time.sleep(0.05)
            self.assertFalse(second.reset(env_id="GuessNumber-v0", seed=2).done)
            second.close()
        finally:
            server.stop()


if __name__ == "__main__":
    unittest.main()
