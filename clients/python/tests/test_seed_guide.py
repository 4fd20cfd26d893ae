"""The walk-through of redis-openai-agents' "Session Management" guide (seed 002), as written there, with only the
import and the constructors changed (an ``orleans_sessions`` client where the guide passes ``redis_url``). ``agents``
is tests/sdk_standin (the real SDK cannot be installed here)."""

from __future__ import annotations

from typing import Any

import pytest

from silos import Cluster


@pytest.fixture
def standin_sdk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(__import__("pathlib").Path(__file__).parent / "sdk_standin"))


async def test_the_guide_runs_as_written(cluster: Cluster, standin_sdk: None, capsys: pytest.CaptureFixture[str]) -> None:
    SESSIONS_URL, API_KEY = cluster.base_url, cluster.api_key

    # --- the guide, from "AgentSession" on; changed lines are marked "# changed" ---
    from orleans_sessions import AgentSession, AsyncSessionsClient, SessionsClient  # changed
    client = SessionsClient(SESSIONS_URL, api_key=API_KEY)  # changed: where the guide has REDIS_URL
    # Create a new session
    session = AgentSession.create(
        user_id="user_123",
        client=client,  # changed
        ttl=3600  # Optional: 1 hour TTL
    )
    print(f"Session created: {session.conversation_id}")
    print(f"User ID: {session.user_id}")

    from agents import Agent, Runner
    # Define an agent
    agent = Agent(
        name="assistant",
        instructions="You are a helpful assistant. Remember information the user tells you."
    )
    # Run the agent
    result = await Runner.run(agent, input="My name is Alice and I live in Seattle.")
    print(f"Agent response: {result.final_output}")
    # Store the conversation
    session.store_agent_result(result)
    print(f"Conversation stored with {len(session.get_messages())} messages")

    # Save the conversation ID for later
    conversation_id = session.conversation_id
    # Later: Load the session
    loaded_session = AgentSession.load(
        conversation_id=conversation_id,
        user_id="user_123",
        client=client,  # changed
    )
    print(f"Loaded session: {loaded_session.conversation_id}")
    print(f"Messages: {len(loaded_session.get_messages())}")

    # Get conversation history in SDK format
    history = loaded_session.to_agent_inputs()
    # Continue the conversation
    result = await Runner.run(
        agent,
        input=history + [{"role": "user", "content": "What's my name and where do I live?"}]
    )
    print(f"Agent response: {result.final_output}")
    # Store the new exchange
    loaded_session.store_agent_result(result)

    # List all sessions for a user
    sessions = AgentSession.list_sessions(
        user_id="user_123",
        client=client,  # changed
    )
    print(f"Found {len(sessions)} sessions for user_123")
    for s in sessions:
        print(f" - {s}")

    from orleans_sessions import JSONSession  # changed
    # Create a JSON session
    json_session = JSONSession(
        session_id="complex-session-1-guide",  # changed: the docs' example has complex-session-1 on the same cluster
        user_id="user_123",  # changed: the service keeps every session under its owner
        client=AsyncSessionsClient(SESSIONS_URL, api_key=API_KEY),  # changed
        ttl=3600
    )
    # Store complex nested data
    await json_session.set("user_preferences", {
        "theme": "dark",
        "language": "en",
        "notifications": {
            "email": True,
            "push": False
        }
    })
    # Store conversation with metadata
    await json_session.set("conversation", {
        "messages": [
            {"role": "user", "content": "Hello"},
            {"role": "assistant", "content": "Hi there!"}
        ],
        "metadata": {
            "agent": "support",
            "started_at": "2025-01-29T10:00:00Z"
        }
    })
    # Retrieve data
    preferences = await json_session.get("user_preferences")
    print(f"Theme: {preferences['theme']}")
    print(f"Email notifications: {preferences['notifications']['email']}")
    # Get all session data
    all_data = await json_session.get_all()
    print(f"\nAll session keys: {list(all_data.keys())}")

    stored_before_cleanup: Any = loaded_session.get_messages()
    # Clean up test sessions
    session.clear()
    loaded_session.clear()
    await json_session.clear()
    print("Sessions cleaned up!")
    # --- end of the guide ---

    out = capsys.readouterr().out
    assert f"Session created: {conversation_id}" in out and "User ID: user_123" in out
    assert "Conversation stored with 2 messages" in out
    assert f"Loaded session: {conversation_id}\nMessages: 2" in out
    assert "Agent response: Your name is Alice and you live in Seattle." in out  # the history reached the second run
    assert "Found 1 sessions for user_123" in out
    assert "Theme: dark\nEmail notifications: True" in out
    assert "All session keys: ['user_preferences', 'conversation']" in out or "All session keys: ['conversation', 'user_preferences']" in out
    assert [m.get("role") for m in stored_before_cleanup] == ["user", "assistant", "user", "assistant"]  # stored once each
    assert stored_before_cleanup[2] == {"role": "user", "content": "What's my name and where do I live?"}
    assert session.message_count() == 0 and loaded_session.get_messages() == []
    assert (await json_session.get_all())["user_preferences"]["theme"] == "dark"  # clear() removes messages only
    await json_session.close()
    client.close()
