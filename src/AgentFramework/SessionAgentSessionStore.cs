using System.Diagnostics.CodeAnalysis;
using Microsoft.Agents.AI;
using OrleansSessions.ClientSdk;
using AgentSession = Microsoft.Agents.AI.AgentSession; // not the client's AgentSession, the Python AgentSession's counterpart
using OrleansSessions.Contracts;

namespace OrleansSessions.AgentFramework;

/// <summary>
/// The Agent Framework's <see cref="AgentSessionStore"/> over conversations: a key's <see cref="AgentSessionStoreKey.SessionId"/>
/// is the conversation's id, its "user" partition the conversation's owner (required to save, which another user's
/// conversation refuses; when given to read, a conversation of another user is not found), and the tenant is the one the client's key belongs to. The serialized
/// agent session is kept in the conversation's data (under <see cref="DataKey"/>); an agent whose history is a
/// <see cref="SessionChatHistoryProvider"/> keeps that history in the same conversation, so one id names both.
/// Deleting deletes the conversation.
/// </summary>
[Experimental("MAAI001")]
public sealed class SessionAgentSessionStore(ISessionsClient client, TimeSpan? ttl = null) : AgentSessionStore
{
    public const string DataKey = "agentFramework.session";
    public const string UserPartition = "user";

    public override async ValueTask SaveSessionAsync(AIAgent agent, AgentSessionStoreKey key, AgentSession session, CancellationToken cancellationToken = default)
    {
        var user = User(key) ?? throw new ArgumentException($"Saving needs the key's \"{UserPartition}\" partition: the conversation's owner.", nameof(key));
        try
        {
            if ((await client.GetSessionAsync(key.SessionId, cancellationToken)).UserId != user)
            {
                throw new InvalidOperationException($"Conversation {key.SessionId} belongs to another user than the key's.");
            }
        }
        catch (SessionsNotFoundException)
        {
            try
            {
                await client.CreateSessionAsync(new CreateSessionRequest(user, key.SessionId, TtlSeconds: ttl is { } t ? (int)Math.Ceiling(t.TotalSeconds) : null), cancellationToken);
            }
            catch (SessionsConflictException)
            {
                // Another backend made it meanwhile (the next read checks whose it is).
            }
        }
        agent.GetService<SessionChatHistoryProvider>()?.UseConversation(session, key.SessionId);
        var serialized = await agent.SerializeSessionAsync(session, cancellationToken: cancellationToken);
        await client.SetDataAsync(key.SessionId, DataKey, serialized, cancellationToken);
    }

    public override async ValueTask<AgentSession?> GetSessionAsync(AIAgent agent, AgentSessionStoreKey key, CancellationToken cancellationToken = default)
    {
        try
        {
            if (User(key) is { } user && (await client.GetSessionAsync(key.SessionId, cancellationToken)).UserId != user) return null;
            return await client.GetDataAsync(key.SessionId, DataKey, cancellationToken) is { } saved
                ? await agent.DeserializeSessionAsync(saved, cancellationToken: cancellationToken)
                : null;
        }
        catch (SessionsNotFoundException)
        {
            return null;
        }
    }

    /// <summary>A saved agent session, or a new one whose history (with a <see cref="SessionChatHistoryProvider"/>)
    /// goes to the key's conversation.</summary>
    public override async ValueTask<AgentSession> GetOrCreateSessionAsync(AIAgent agent, AgentSessionStoreKey key, CancellationToken cancellationToken = default)
    {
        if (await GetSessionAsync(agent, key, cancellationToken) is { } saved) return saved;
        var session = await agent.CreateSessionAsync(cancellationToken);
        agent.GetService<SessionChatHistoryProvider>()?.UseConversation(session, key.SessionId);
        return session;
    }

    public override async ValueTask DeleteSessionAsync(AIAgent agent, AgentSessionStoreKey key, CancellationToken cancellationToken = default)
    {
        try
        {
            if (User(key) is { } user && (await client.GetSessionAsync(key.SessionId, cancellationToken)).UserId != user) return;
            await client.DeleteSessionAsync(key.SessionId, cancellationToken);
        }
        catch (SessionsNotFoundException)
        {
            // Nothing to delete.
        }
    }

    private static string? User(AgentSessionStoreKey key) => key.Partitions?.GetValueOrDefault(UserPartition);
}
