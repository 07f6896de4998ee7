"""Per-env tool methods: the env's action grammar as functions a tool-calling model can call.

TRL's ``environment_factory`` exposes every public method of the environment object as a tool, and
recommends one method per action with typed, documented arguments (``ask(question)``,
``answer(statement)``) over a generic ``step(action)``. Each env family (the env id without its
``-vN``) has a mixin here whose methods build the action string of the env's grammar and play it
through ``self._act``; an env with no mixin gets ``act(action)`` (the raw grammar).

``express(family, action)`` goes the other way: which tool call produces a given action string.
The test suite uses it to check, for every served env, that every action of its expert is
reachable through the tools (so a grammar change in a new env version cannot silently leave the
tools behind), and it converts recorded trajectories into tool calls.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Optional, Tuple, Type


class _ToolHost:
    """Base of the mixins. The class they are mixed into provides ``_act(action) -> str``: it plays
    one action and returns the text the model reads (no default here, so that it can never shadow
    the adapter's in the method resolution order)."""

    _act: Callable[[str], str]


class GuessNumberTools(_ToolHost):
    def ask(self, question: str) -> str:
        """
        Ask the user a yes/no question about the hidden number (each question costs a little).

        Args:
            question: A yes/no question, e.g. "is it greater than 50?"

        Returns:
            The user's answer.
        """
        return self._act(f"ASK {question}")

    def guess(self, number: int) -> str:
        """
        Guess the hidden number. This ends the episode.

        Args:
            number: Your guess, an integer from 1 to 100.

        Returns:
            Whether the guess was right.
        """
        return self._act(f"GUESS {int(number)}")


class ClarifySearchTools(_ToolHost):
    def ask(self, question: str) -> str:
        """
        Ask the user a clarifying question about their search request (each question costs 0.1).

        Args:
            question: The clarifying question, e.g. "are you looking for pictures of it?"

        Returns:
            The user's answer.
        """
        return self._act(f"ASK {question}")

    def answer(self, statement: str) -> str:
        """
        State what the user wants. This ends the episode.

        Args:
            statement: A specific statement of the user's information need, e.g. "remedies for a lump in the throat".

        Returns:
            The outcome of the episode.
        """
        return self._act(f"ANSWER {statement}")


class ClarifyTaskTools(_ToolHost):
    def ask(self, question: str) -> str:
        """
        Ask the user for a detail their request left out (each question costs a little).

        Args:
            question: The question, e.g. "could you tell me the color?"

        Returns:
            The user's answer.
        """
        return self._act(f"ASK {question}")

    def submit(self, request: str) -> str:
        """
        Submit the completed request as JSON matching the schema in the instructions. This ends the episode.

        Args:
            request: The request as a JSON object, e.g. {"product": "desk lamp", "color": "red", "quantity": 2, "delivery": "standard delivery"}

        Returns:
            The outcome of the episode.
        """
        return self._act(f"SUBMIT {request}")


class PersuasionTools(_ToolHost):
    def say(self, message: str) -> str:
        """
        Send a chat message to your partner.

        Args:
            message: Your message (at most 2000 characters).

        Returns:
            Your partner's reply.
        """
        return self._act(f"SAY {message}")

    def close(self, message: str = "") -> str:
        """
        Send your last message and ask for their decision; they answer with what they donate and the chat ends.

        Args:
            message: Your closing message (may be empty).

        Returns:
            Their decision and the outcome.
        """
        return self._act(f"CLOSE {message}".rstrip())


class EmbodiedTools(_ToolHost):
    def go_to(self, place: str) -> str:
        """
        Walk to a place in the house.

        Args:
            place: A place, e.g. "counter 1", "fridge", "sink".

        Returns:
            What you see there.
        """
        return self._act(f"go to {place}")

    def look(self) -> str:
        """
        Look around where you are.

        Returns:
            What you see.
        """
        return self._act("look")

    def pick_up(self, obj: str) -> str:
        """
        Pick up an object (you hold at most one).

        Args:
            obj: The object, by name ("mug 1") or type ("mug").

        Returns:
            What happened.
        """
        return self._act(f"pick up {obj}")

    def put(self, obj: str, target: str, preposition: str = "on") -> str:
        """
        Put the object you hold in or on a place or container.

        Args:
            obj: The object you hold, e.g. "tomato slice 1".
            target: The place or container, e.g. "plate 1", "toaster".
            preposition: "on" or "in".

        Returns:
            What happened.
        """
        return self._act(f"put {obj} {preposition} {target}")

    def put_down(self, obj: str) -> str:
        """
        Put down the object you hold where you are.

        Args:
            obj: The object you hold.

        Returns:
            What happened.
        """
        return self._act(f"put down {obj}")

    def open(self, place: str) -> str:
        """
        Open a place (fridge, cabinet, drawer, microwave).

        Args:
            place: The place to open, e.g. "fridge".

        Returns:
            What you see inside.
        """
        return self._act(f"open {place}")

    def close(self, place: str) -> str:
        """
        Close a place.

        Args:
            place: The place to close, e.g. "fridge".

        Returns:
            What happened.
        """
        return self._act(f"close {place}")

    def toggle(self, appliance: str, state: str = "on") -> str:
        """
        Switch an appliance on or off.

        Args:
            appliance: The appliance, e.g. "toaster", "stove".
            state: "on" or "off".

        Returns:
            What happened.
        """
        return self._act(f"toggle {state} {appliance}")

    def slice(self, obj: str) -> str:
        """
        Slice an object (you must hold a knife).

        Args:
            obj: The object to slice, e.g. "tomato 1".

        Returns:
            What happened.
        """
        return self._act(f"slice {obj}")

    def clean(self, obj: str) -> str:
        """
        Clean an object (at the sink).

        Args:
            obj: The object to clean, e.g. "plate 1".

        Returns:
            What happened.
        """
        return self._act(f"clean {obj}")

    def fill(self, container: str) -> str:
        """
        Fill a container with water (at the sink).

        Args:
            container: The container, e.g. "pot 1".

        Returns:
            What happened.
        """
        return self._act(f"fill {container}")

    def pour(self, container: str, target: str) -> str:
        """
        Pour a container into a plant, another container or the sink.

        Args:
            container: The container you hold, e.g. "bowl 1".
            target: Where to pour, e.g. "houseplant 1".

        Returns:
            What happened.
        """
        return self._act(f"pour {container} into {target}")

    def say(self, text: str) -> str:
        """
        Talk to the commander, who knows the goal and the house.

        Args:
            text: What you say, e.g. "where is the knife?"

        Returns:
            The commander's reply.
        """
        return self._act(f"say {text}")

    def done(self) -> str:
        """
        Declare the task finished. This ends the episode.

        Returns:
            The outcome of the episode.
        """
        return self._act("done")


class SocialDeductionTools(_ToolHost):
    def move(self, direction: str) -> str:
        """
        Move to the neighbouring room (action phase).

        Args:
            direction: "north", "south", "east" or "west".

        Returns:
            What you see in the new room.
        """
        return self._act(f"move {direction}")

    def do_task(self) -> str:
        """
        Work on your task in this room (action phase; a task takes 3 ticks).

        Returns:
            What happened.
        """
        return self._act("do task")

    def wait(self) -> str:
        """
        Do nothing this tick (action phase).

        Returns:
            What happened.
        """
        return self._act("wait")

    def kill(self, player: str) -> str:
        """
        Kill a player in your room (imposters only, action phase).

        Args:
            player: The player's colour, e.g. "Red".

        Returns:
            What happened.
        """
        return self._act(f"kill {player}")

    def report(self, player: str) -> str:
        """
        Report a body in your room, which calls a meeting (action phase).

        Args:
            player: The colour of the dead player.

        Returns:
            The start of the meeting.
        """
        return self._act(f"report {player}")

    def survey(self, answer: str) -> str:
        """
        Answer the private survey: which player are you most suspicious of?

        Args:
            answer: A colour ("Red"), "uniform", or a JSON distribution such as {"Red": 0.7, "Green": 0.3}.

        Returns:
            What happens next.
        """
        return self._act(f"SURVEY {answer}")

    def say(self, message: str) -> str:
        """
        Speak in the meeting.

        Args:
            message: What you say to the other players.

        Returns:
            What the others say.
        """
        return self._act(f"SAY {message}")

    def vote(self, player: str) -> str:
        """
        Vote at the end of the meeting.

        Args:
            player: The colour you vote to eject, or "skip".

        Returns:
            The result of the vote.
        """
        return self._act(f"VOTE {player}")


class GenericTools(_ToolHost):
    def act(self, action: str) -> str:
        """
        Play one action, written in the action grammar given in the instructions.

        Args:
            action: The action, exactly as the instructions describe it.

        Returns:
            What happened.
        """
        return self._act(action)


TOOLSETS: Dict[str, Type[_ToolHost]] = {
    "GuessNumber": GuessNumberTools,
    "ClarifySearch": ClarifySearchTools,
    "ClarifyTask": ClarifyTaskTools,
    "Persuasion": PersuasionTools,
    "Embodied": EmbodiedTools,
    "SocialDeduction": SocialDeductionTools,
}


def family(env_id: str) -> str:
    """``Persuasion-v1`` → ``Persuasion`` (a namespace such as ``org/`` is kept)."""
    return re.sub(r"-v\d+$", "", env_id)


def toolset(env_id: Optional[str]) -> Type[_ToolHost]:
    """The tool mixin of an env (``GenericTools`` when its family has none)."""
    return TOOLSETS.get(family(env_id), GenericTools) if env_id else GenericTools


def tool_names(cls: Type[_ToolHost]) -> List[str]:
    return sorted(n for n, v in vars(cls).items() if callable(v) and not n.startswith("_"))


# Which tool call gives an action string: (pattern, tool, arguments from the match), first match wins.
_Parser = Tuple["re.Pattern[str]", str, Callable[["re.Match[str]"], Dict[str, Any]]]


def _p(pattern: str, tool: str, args: Callable[["re.Match[str]"], Dict[str, Any]] = lambda m: {}) -> _Parser:
    return (re.compile(pattern, re.IGNORECASE | re.DOTALL), tool, args)


_PARSERS: Dict[str, List[_Parser]] = {
    "GuessNumber": [
        _p(r"^ASK (.+)$", "ask", lambda m: {"question": m[1]}),
        _p(r"^GUESS (\d+)$", "guess", lambda m: {"number": int(m[1])}),
    ],
    "ClarifySearch": [
        _p(r"^ASK (.+)$", "ask", lambda m: {"question": m[1]}),
        _p(r"^ANSWER (.+)$", "answer", lambda m: {"statement": m[1]}),
    ],
    "ClarifyTask": [
        _p(r"^ASK (.+)$", "ask", lambda m: {"question": m[1]}),
        _p(r"^SUBMIT (.+)$", "submit", lambda m: {"request": m[1]}),
    ],
    "Persuasion": [
        _p(r"^CLOSE$", "close", lambda m: {}),
        _p(r"^CLOSE (.+)$", "close", lambda m: {"message": m[1]}),
        _p(r"^SAY (.+)$", "say", lambda m: {"message": m[1]}),
        # A plain message is a SAY in this env's grammar.
        _p(r"^(?!SAY |CLOSE\b)(.+)$", "say", lambda m: {"message": m[1]}),
    ],
    "Embodied": [
        _p(r"^go to (.+)$", "go_to", lambda m: {"place": m[1]}),
        _p(r"^look$", "look"),
        _p(r"^pick up (.+)$", "pick_up", lambda m: {"obj": m[1]}),
        _p(r"^put down (.+)$", "put_down", lambda m: {"obj": m[1]}),
        _p(r"^put (.+?) (in|on) (.+)$", "put", lambda m: {"obj": m[1], "preposition": m[2], "target": m[3]}),
        _p(r"^open (.+)$", "open", lambda m: {"place": m[1]}),
        _p(r"^close (.+)$", "close", lambda m: {"place": m[1]}),
        _p(r"^toggle (on|off) (.+)$", "toggle", lambda m: {"state": m[1], "appliance": m[2]}),
        _p(r"^slice (.+)$", "slice", lambda m: {"obj": m[1]}),
        _p(r"^clean (.+)$", "clean", lambda m: {"obj": m[1]}),
        _p(r"^fill (.+)$", "fill", lambda m: {"container": m[1]}),
        _p(r"^pour (.+?) into (.+)$", "pour", lambda m: {"container": m[1], "target": m[2]}),
        _p(r"^say (.+)$", "say", lambda m: {"text": m[1]}),
        _p(r"^done$", "done"),
    ],
    "SocialDeduction": [
        _p(r"^move (\w+)$", "move", lambda m: {"direction": m[1]}),
        _p(r"^do task$", "do_task"),
        _p(r"^wait$", "wait"),
        _p(r"^kill (\w+)$", "kill", lambda m: {"player": m[1]}),
        _p(r"^report (\w+)$", "report", lambda m: {"player": m[1]}),
        _p(r"^SURVEY (.+)$", "survey", lambda m: {"answer": m[1]}),
        _p(r"^SAY (.+)$", "say", lambda m: {"message": m[1]}),
        _p(r"^VOTE (\w+)$", "vote", lambda m: {"player": m[1]}),
    ],
}


def express(env_id: str, action: str) -> Optional[Tuple[str, Dict[str, Any]]]:
    """The tool call (name, arguments) that plays ``action`` in ``env_id``, or None when no tool does."""
    fam = family(env_id)
    if fam not in TOOLSETS:
        return ("act", {"action": action})
    for pattern, tool, args in _PARSERS.get(fam, []):
        m = pattern.match(action)
        if m:
            return (tool, args(m))
    return None


def action_of(env_id: str, tool: str, arguments: Dict[str, Any]) -> str:
    """The action string a tool call plays (without playing it)."""
    played: List[str] = []

    class _Capture(toolset(env_id)):  # type: ignore[misc, valid-type]
        def _act(self, action: str) -> str:
            played.append(action)
            return ""

    getattr(_Capture(), tool)(**arguments)
    return played[0]
