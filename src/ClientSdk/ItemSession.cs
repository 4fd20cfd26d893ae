using System.Text.Json;
using OrleansSessions.Contracts;

namespace OrleansSessions.ClientSdk;

public sealed record ItemSessionOptions
{
    /// <summary>Owner of the session when the first add creates it.</summary>
    public required string UserId { get; init; }

    /// <summary>Namespaces the session id (<c>{KeyPrefix}:{sessionId}</c>), as openai-agents-session's key_prefix does.</summary>
    public string? KeyPrefix { get; init; }

    /// <summary>Sliding TTL: every add restarts it.</summary>
    public TimeSpan? Ttl { get; init; }

    /// <summary>Reads restart the TTL too.</summary>
    public bool RefreshTtlOnRead { get; init; }

    /// <summary>Newest-N reads never start with a tool output whose call was cut off (on by default).</summary>
    public bool SafeStart { get; init; } = true;
}

/// <summary>
/// A session of items in the shape of openai-agents-session's RedisSession and the Agents SDK Session, backed by
/// the silo: every add is one atomic, idempotent batch with the TTL applied in the same step, and pops are
/// claim-once.
/// </summary>
public sealed class ItemSession(ISessionsClient client, string sessionId, ItemSessionOptions options) : IConversationSession
{
    public string SessionId { get; } = options.KeyPrefix is { } prefix ? $"{prefix}:{sessionId}" : sessionId;

    public async Task<IReadOnlyList<JsonElement>> GetItemsAsync(int? limit = null, CancellationToken cancellationToken = default)
    {
        try
        {
            var page = await client.GetItemsAsync(SessionId,
                new ItemsQuery(limit, SafeStart: options.SafeStart, RefreshTtl: options.RefreshTtlOnRead), cancellationToken);
            return page.Items.Select(i => i.Item).ToList();
        }
        catch (SessionsNotFoundException)
        {
            return [];
        }
    }

    public async Task AddItemsAsync(IReadOnlyList<JsonElement> items, CancellationToken cancellationToken = default)
    {
        if (items.Count == 0) return;
        await client.AppendItemsAsync(SessionId, new AppendItemsCommand(items, ConversationItems.NewOperationId(),
            UserId: options.UserId, TtlSeconds: AgentSession.Seconds(options.Ttl)), cancellationToken);
    }

    public async Task<JsonElement?> PopItemAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return (await client.PopItemAsync(SessionId, cancellationToken))?.Item;
        }
        catch (SessionsNotFoundException)
        {
            return null;
        }
    }

    public async Task ClearSessionAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await client.ClearItemsAsync(SessionId, cancellationToken: cancellationToken);
        }
        catch (SessionsNotFoundException)
        {
        }
    }
}
