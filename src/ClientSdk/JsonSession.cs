using System.Text.Json;
using OrleansSessions.Contracts;

namespace OrleansSessions.ClientSdk;

/// <summary>What <see cref="JsonSession.GetMetadataAsync"/> reports.</summary>
public sealed record JsonSessionMetadata(
    string SessionId,
    string UserId,
    long MessageCount,
    long TokenTotal,
    string? CurrentAgent,
    IReadOnlyList<string> AgentsUsed,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ExpiresAt);

/// <summary>
/// A session as redis-openai-agents' JSONSession offers it: messages with per-message agent and token counts,
/// counters kept atomically with each message (one script, not four or five commands), server-side role
/// filtering, and named JSON data with nested updates that two silos can make at once without losing either.
/// </summary>
public sealed class JsonSession : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ISessionsClient _client;
    private bool _closed;

    public JsonSession(ISessionsClient client, string sessionId, string userId, TimeSpan? ttl = null)
    {
        _client = client;
        SessionId = sessionId;
        UserId = userId;
        Ttl = ttl;
    }

    public string SessionId { get; }

    public string UserId { get; }

    public TimeSpan? Ttl { get; }

    /// <summary>Creates the session.</summary>
    /// <exception cref="SessionsConflictException">it exists already.</exception>
    public Task CreateAsync(CancellationToken cancellationToken = default) =>
        Client.CreateSessionAsync(new CreateSessionRequest(UserId, SessionId, TtlSeconds: AgentSession.Seconds(Ttl)), cancellationToken);

    /// <summary>Opens an existing session by id; its owner comes from the store.</summary>
    /// <exception cref="SessionsNotFoundException">no such session.</exception>
    public static async Task<JsonSession> LoadAsync(ISessionsClient client, string sessionId, CancellationToken cancellationToken = default)
    {
        var info = await client.GetSessionAsync(sessionId, cancellationToken);
        var ttl = info.ExpiresAt is { } expires ? expires - info.UpdatedAt : (TimeSpan?)null;
        return new JsonSession(client, sessionId, info.UserId, ttl);
    }

    /// <summary>Appends a message; its agent becomes the current agent and its tokens add to the total, atomically.</summary>
    public Task AddMessageAsync(string role, string content, string? agent = null, long? tokens = null,
        CancellationToken cancellationToken = default)
    {
        var details = new Dictionary<string, object?>();
        if (agent is not null) details["agent"] = agent;
        if (tokens is not null) details["tokens"] = tokens;
        return Client.AppendItemsAsync(SessionId, new AppendItemsCommand(
            [ConversationItems.Message(role, content, details)], ConversationItems.NewOperationId(), agent, UserId, tokens,
            AgentSession.Seconds(Ttl)), cancellationToken);
    }

    /// <summary>The newest <paramref name="limit"/> messages (all when null), oldest first, of <paramref name="role"/>
    /// only when given; filtered by the server.</summary>
    public async Task<IReadOnlyList<JsonElement>> GetMessagesAsync(int? limit = null, string? role = null,
        CancellationToken cancellationToken = default)
    {
        var page = await Client.GetItemsAsync(SessionId, new ItemsQuery(limit, Role: role), cancellationToken);
        return page.Items.Select(i => i.Item).ToList();
    }

    public async Task<JsonSessionMetadata> GetMetadataAsync(CancellationToken cancellationToken = default)
    {
        var info = await Client.GetSessionAsync(SessionId, cancellationToken);
        return new JsonSessionMetadata(info.SessionId, info.UserId, info.ItemCount, info.TokenTotal, info.CurrentAgent,
            info.AgentsUsed, info.CreatedAt, info.UpdatedAt, info.ExpiresAt);
    }

    public Task TrackAgentAsync(string agentName, CancellationToken cancellationToken = default) =>
        Client.TrackAgentAsync(SessionId, agentName, cancellationToken);

    /// <summary>The messages as Agents SDK input items (without the agent and token details).</summary>
    public async Task<IReadOnlyList<JsonElement>> ToAgentInputsAsync(CancellationToken cancellationToken = default)
    {
        var page = await Client.GetItemsAsync(SessionId, new ItemsQuery(SafeStart: true), cancellationToken);
        return page.Items.Select(i => ConversationItems.ToAgentInput(i.Item)).ToList();
    }

    /// <summary>Removes the messages and the agent tracking; the data and counters stay.</summary>
    public Task ClearAsync(CancellationToken cancellationToken = default) =>
        Client.ClearItemsAsync(SessionId, resetAgents: true, cancellationToken);

    public Task DeleteAsync(CancellationToken cancellationToken = default) => Client.DeleteSessionAsync(SessionId, cancellationToken);

    /// <summary>Stores <paramref name="value"/> (any JSON-serializable value) under <paramref name="key"/>.</summary>
    public Task SetAsync<T>(string key, T value, CancellationToken cancellationToken = default) =>
        Client.SetDataAsync(SessionId, key, JsonSerializer.SerializeToElement(value, Json), cancellationToken);

    /// <returns>The value under <paramref name="key"/>, or null when there is none.</returns>
    public Task<JsonElement?> GetAsync(string key, CancellationToken cancellationToken = default) =>
        Client.GetDataAsync(SessionId, key, cancellationToken);

    public async Task<IReadOnlyDictionary<string, JsonElement>> GetAllAsync(CancellationToken cancellationToken = default) =>
        await Client.GetAllDataAsync(SessionId, cancellationToken);

    /// <summary>Sets one nested path inside the value under <paramref name="key"/> (e.g. ["notifications", "email"]);
    /// updates of other paths made meanwhile, on any silo, are kept. Returns the whole new value.</summary>
    public Task<JsonElement> UpdateAsync<T>(string key, IReadOnlyList<string> path, T value, CancellationToken cancellationToken = default) =>
        Client.UpdateDataAsync(SessionId, key, path, JsonSerializer.SerializeToElement(value, Json), cancellationToken);

    /// <summary>Ends this object's use; the session stays stored. The HTTP client belongs to its factory.</summary>
    public ValueTask CloseAsync()
    {
        _closed = true;
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => CloseAsync();

    private ISessionsClient Client => _closed ? throw new ObjectDisposedException(nameof(JsonSession)) : _client;
}
