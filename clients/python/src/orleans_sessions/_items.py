"""Message items as the Agents SDK reads them, and the items of a Runner result."""

from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

from ._models import TurnUsage

Item = dict[str, Any]


def message(role: str, content: str, metadata: Mapping[str, Any] | None = None) -> Item:
    """An Agents SDK input message; details a model must not see go under "metadata"."""
    item: Item = {"role": role, "content": content}
    if metadata:
        item["metadata"] = dict(metadata)
    return item


def agent_input(item: Mapping[str, Any]) -> Item:
    """The item as a model accepts it: a message loses the "metadata" kept with it."""
    return {key: value for key, value in item.items() if not (key == "metadata" and "role" in item)}


def as_dict(item: Any) -> Item:
    """A run item as plain JSON: the SDK's items are dicts already, pydantic models are dumped."""
    if isinstance(item, Mapping):
        return dict(item)
    dump = getattr(item, "model_dump", None)
    if callable(dump):
        return dump(exclude_unset=True)
    raise TypeError(f"A run item must be a dict or a pydantic model, not {type(item).__name__}.")


def result_items(result: Any, read_history: Callable[[], Sequence[Mapping[str, Any]]]) -> list[Item]:
    """The items a Runner result adds to the stored history: all of ``to_input_list()`` less the run's input when
    that input began with the whole history (a run given ``history + [new message]``)."""
    items = [as_dict(item) for item in result.to_input_list()]
    run_input = getattr(result, "input", None)
    if not isinstance(run_input, list):
        return items
    history = read_history()
    if history and len(run_input) >= len(history):
        given = [agent_input(as_dict(item)) for item in run_input[: len(history)]]
        if given == [agent_input(item) for item in history]:
            return items[len(history):]
    return items


def run_usage(result: Any, model: str | None = None) -> TurnUsage | None:
    """A Runner result's usage (``context_wrapper.usage``: every model call of the run added up), or None when it has
    none or made no request."""
    usage = getattr(getattr(result, "context_wrapper", None), "usage", None)
    if usage is None or not (getattr(usage, "requests", 0) or getattr(usage, "total_tokens", 0)):
        return None
    return TurnUsage(
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        total_tokens=getattr(usage, "total_tokens", None),
        cached_tokens=getattr(getattr(usage, "input_tokens_details", None), "cached_tokens", None),
        reasoning_tokens=getattr(getattr(usage, "output_tokens_details", None), "reasoning_tokens", None),
        model=model,
        requests=getattr(usage, "requests", None),
    )


def last_agent_name(result: Any) -> str | None:
    """``last_agent`` of a RunResult (``current_agent`` of a streamed one); None when the SDK released it."""
    for attribute in ("last_agent", "current_agent"):
        try:
            name = getattr(getattr(result, attribute, None), "name", None)
        except Exception:  # noqa: BLE001 - the SDK raises AgentsException for a released agent reference
            continue
        if isinstance(name, str):
            return name
    return None
