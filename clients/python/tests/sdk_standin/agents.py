"""A stand-in for the OpenAI Agents SDK's ``agents`` package (openai-agents 0.22 cannot be installed here: no package
index). Its ``Runner.run`` drives a session with the calls the SDK's Runner makes, in its order and with its
arguments (src/agents/run.py, run_internal/session_persistence.py at 0.22.0): ``get_items()`` — or
``get_items(limit=N)`` when the session's settings name a limit — then ``add_items`` of the new input before the model
is called, one ``add_items`` per turn (a tool call and its output), and ``add_items`` of the final answer; the
``wrapper`` keyword goes to all four methods only when all four declare it. Its model is scripted: it calls the
agent's tools when the input asks for weather, and otherwise answers from what the conversation says; each of its
calls uses 10 input tokens (4 cached) and 5 output tokens (2 reasoning), added up in the result's
``context_wrapper.usage`` as the SDK's ``Usage`` does."""

from __future__ import annotations

import inspect
import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable

_ids = itertools.count(1)


@dataclass
class Agent:
    name: str
    instructions: str = ""
    tools: list[Callable[..., str]] = field(default_factory=list)


@dataclass
class InputTokensDetails:
    cached_tokens: int = 0


@dataclass
class OutputTokensDetails:
    reasoning_tokens: int = 0


@dataclass
class Usage:
    requests: int = 0
    input_tokens: int = 0
    input_tokens_details: InputTokensDetails = field(default_factory=InputTokensDetails)
    output_tokens: int = 0
    output_tokens_details: OutputTokensDetails = field(default_factory=OutputTokensDetails)
    total_tokens: int = 0

    def add_model_call(self) -> None:
        self.requests += 1
        self.input_tokens += 10
        self.input_tokens_details.cached_tokens += 4
        self.output_tokens += 5
        self.output_tokens_details.reasoning_tokens += 2
        self.total_tokens += 15


@dataclass
class RunContextWrapper:
    context: Any = None
    usage: Usage = field(default_factory=Usage)


@dataclass
class _Item:
    raw: dict[str, Any]

    def to_input_item(self) -> dict[str, Any]:
        return dict(self.raw)


@dataclass
class RunResult:
    input: str | list[dict[str, Any]]
    new_items: list[_Item]
    final_output: str
    last_agent: Agent
    context_wrapper: RunContextWrapper = field(default_factory=RunContextWrapper)

    def to_input_list(self) -> list[dict[str, Any]]:
        given = [{"content": self.input, "role": "user"}] if isinstance(self.input, str) else [dict(i) for i in self.input]
        return given + [item.to_input_item() for item in self.new_items]


def _accepts_wrapper(session: Any) -> bool:
    def declares(method: Any) -> bool:
        try:
            parameter = inspect.signature(method).parameters.get("wrapper")
        except (TypeError, ValueError):
            return False
        return parameter is not None and parameter.kind in (parameter.POSITIONAL_OR_KEYWORD, parameter.KEYWORD_ONLY)

    return all(declares(getattr(session, name, None)) for name in ("get_items", "add_items", "pop_item", "clear_session"))


def _text(item: dict[str, Any]) -> str:
    content = item.get("content")
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content if isinstance(content, str) else ""


def _answer(conversation: list[dict[str, Any]]) -> str:
    said = " ".join(_text(item) for item in conversation if item.get("role") == "user")
    name = re.search(r"[Mm]y name is (\w+)", said)
    place = re.search(r"live in (\w+)", said)
    if name and place:
        return f"Your name is {name.group(1)} and you live in {place.group(1)}."
    return "Nice to meet you!"


def _message(text: str) -> dict[str, Any]:
    return {"id": f"msg_{next(_ids)}", "type": "message", "role": "assistant", "status": "completed",
            "content": [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}]}


class Runner:
    calls: list[tuple[str, Any]] = []
    """Every session call the last runs made, as (method, argument)."""

    @classmethod
    async def run(cls, agent: Agent, input: str | list[dict[str, Any]], *, session: Any = None,
                  context: Any = None) -> RunResult:
        wrapper = RunContextWrapper(context)
        extra = {"wrapper": wrapper} if session is not None and _accepts_wrapper(session) else {}
        new_input = [{"content": input, "role": "user"}] if isinstance(input, str) else [dict(i) for i in input]
        history: list[dict[str, Any]] = []
        if session is not None:
            limit = getattr(getattr(session, "session_settings", None), "limit", None)
            history = await (session.get_items(limit=limit, **extra) if limit is not None else session.get_items(**extra))
            cls.calls.append(("get_items", limit))
            await session.add_items(new_input, **extra)
            cls.calls.append(("add_items", new_input))
        conversation = history + new_input
        new_items: list[_Item] = []
        city = re.search(r"weather in (\w+)", _text(new_input[-1]))
        wrapper.usage.add_model_call()
        if city and agent.tools:
            call_id = f"call_{next(_ids)}"
            arguments = json.dumps({"city": city.group(1)})
            call = {"id": f"fc_{next(_ids)}", "call_id": call_id, "type": "function_call", "name": agent.tools[0].__name__,
                    "arguments": arguments, "status": "completed"}
            output = {"call_id": call_id, "output": agent.tools[0](**json.loads(arguments)), "type": "function_call_output"}
            turn = [call, output]
            new_items += [_Item(call), _Item(output)]
            if session is not None:
                await session.add_items(turn, **extra)
                cls.calls.append(("add_items", turn))
            wrapper.usage.add_model_call()
            answer = _message(f"The weather in {city.group(1)} is {output['output']}.")
        else:
            answer = _message(_answer(conversation))
        new_items.append(_Item(answer))
        if session is not None:
            await session.add_items([answer], **extra)
            cls.calls.append(("add_items", [answer]))
        final = answer["content"][0]["text"]
        return RunResult(input if session is None else history + new_input, new_items, final, agent, wrapper)
