using System.Text.Json;
using OrleansSessions.Contracts;

namespace OrleansSessions.ClientSdk;

/// <summary>What <see cref="AgentSession.GetMetadataAsync"/> reports.</summary>
public sealed record AgentSessionMetadata(
    string UserId,
    string ConversationId,
    string? CurrentAgent,
    IReadOnlyList<string> AgentsUsed,
    long MessageCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? ExpiresAt);

/// <summary>
/// One user's conversation, as redis-openai-agents' AgentSession offers it — without its gaps: loading needs only
/// the conversation id, listing is real and paged, every item of a run is kept (not just text), reads are not
/// capped, agent tracking is stored with the session (and with the items that changed it), and clearing touches
/// this conversation only.
/// </summary>
public sealed class AgentSession
{
    private readonly ISessionsClient _client;

    private AgentSession(ISessionsClient client, SessionInfo info, bool safeStart)
    {
        _client = client;
        UserId = info.UserId;
        ConversationId = info.SessionId;
        SafeStart = safeStart;
        Remember(info.CurrentAgent, info.AgentsUsed);
    }

    public string UserId { get; }

    public string ConversationId { get; }

    /// <summary>When on (the default), newest-N reads never start with a tool output whose call was cut off.</summary>
    public bool SafeStart { get; }

    /// <summary>The agent last tracked, as of this object's last call.</summary>
    public string? CurrentAgent { get; private set; }

    public IReadOnlyList<string> AgentsUsed { get; private set; } = [];

    /// <summary>Creates a conversation for <paramref name="userId"/> with a generated id (or the one given).</summary>
    public static async Task<AgentSession> CreateAsync(
        ISessionsClient client, string userId, TimeSpan? ttl = null, string? conversationId = null, bool safeStart = true,
        CancellationToken cancellationToken = default)
    {
        var info = await client.CreateSessionAsync(
            new CreateSessionRequest(userId, conversationId ?? Guid.NewGuid().ToString("N")[..16], TtlSeconds: Seconds(ttl)), cancellationToken);
        return new AgentSession(client, info, safeStart);
    }

    /// <summary>Loads a conversation by its id alone; its owner and agent tracking come from the store.</summary>
    /// <exception cref="SessionsNotFoundException">no such conversation.</exception>
    public static async Task<AgentSession> LoadAsync(
        ISessionsClient client, string conversationId, bool safeStart = true, CancellationToken cancellationToken = default) =>
        new(client, await client.GetSessionAsync(conversationId, cancellationToken), safeStart);

    /// <summary>One page of the user's conversations, most recently active first.</summary>
    public static Task<SessionListPage> ListConversationsAsync(
        ISessionsClient client, string userId, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        client.ListSessionsAsync(userId, limit, cursor, cancellationToken);

    public Task AddMessageAsync(string role, string content, IReadOnlyDictionary<string, object?>? metadata = null,
        CancellationToken cancellationToken = default) =>
        AppendAsync([ConversationItems.Message(role, content, metadata)], agent: null, cancellationToken);

    /// <summary>Stores a user message and the assistant's answer as one batch, with the agent that answered.</summary>
    public Task StoreExchangeAsync(string userMessage, string assistantResponse, string? agentName = null,
        CancellationToken cancellationToken = default) =>
        AppendAsync([ConversationItems.Message("user", userMessage), ConversationItems.Message("assistant", assistantResponse)],
            agentName, cancellationToken);

    /// <summary>Stores every item a run produced — messages, tool calls and outputs, reasoning, handoffs — as one batch,
    /// recording <paramref name="lastAgent"/> as the current agent in the same step.</summary>
    public Task<AppendResult?> StoreAgentResultAsync(IEnumerable<JsonElement> runItems, string? lastAgent,
        CancellationToken cancellationToken) =>
        StoreAgentResultAsync(runItems, lastAgent, usage: null, cancellationToken);

    /// <summary>Stores every item a run produced as one batch, with <paramref name="lastAgent"/> as the current agent and
    /// the run's <paramref name="usage"/> (when it has one) added to the conversation's usage totals, by model and agent,
    /// in the same step. A run that produced no items stores nothing, so its usage is not counted.</summary>
    public async Task<AppendResult?> StoreAgentResultAsync(IEnumerable<JsonElement> runItems, string? lastAgent = null,
        TurnUsage? usage = null, CancellationToken cancellationToken = default)
    {
        var items = runItems.ToList();
        if (items.Count > 0) return await AppendAsync(items, lastAgent, cancellationToken, usage);
        if (lastAgent is not null) await TrackAgentAsync(lastAgent, cancellationToken);
        return null;
    }

    /// <summary>The newest <paramref name="topK"/> items (all when null), oldest first. No hidden cap.</summary>
    public async Task<IReadOnlyList<JsonElement>> GetMessagesAsync(int? topK = null, CancellationToken cancellationToken = default)
    {
        var page = await _client.GetItemsAsync(ConversationId, new ItemsQuery(topK, SafeStart: SafeStart), cancellationToken);
        return page.Items.Select(i => i.Item).ToList();
    }

    /// <summary>The whole history as Agents SDK input items.</summary>
    public async Task<IReadOnlyList<JsonElement>> ToAgentInputsAsync(CancellationToken cancellationToken = default) =>
        (await GetMessagesAsync(null, cancellationToken)).Select(ConversationItems.ToAgentInput).ToList();

    public async Task<long> MessageCountAsync(CancellationToken cancellationToken = default) =>
        (await _client.GetSessionAsync(ConversationId, cancellationToken)).ItemCount;

    /// <summary>Records <paramref name="agentName"/> as the current agent, stored with the conversation.</summary>
    public async Task TrackAgentAsync(string agentName, CancellationToken cancellationToken = default)
    {
        var info = await _client.TrackAgentAsync(ConversationId, agentName, cancellationToken);
        Remember(info.CurrentAgent, info.AgentsUsed);
    }

    public async Task<AgentSessionMetadata> GetMetadataAsync(CancellationToken cancellationToken = default)
    {
        var info = await _client.GetSessionAsync(ConversationId, cancellationToken);
        Remember(info.CurrentAgent, info.AgentsUsed);
        return new AgentSessionMetadata(info.UserId, info.SessionId, info.CurrentAgent, info.AgentsUsed, info.ItemCount,
            info.CreatedAt, info.UpdatedAt, info.ExpiresAt);
    }

    /// <summary>Removes this conversation's messages and agent tracking; other conversations are untouched.</summary>
    public async Task ClearAsync(CancellationToken cancellationToken = default)
    {
        await _client.ClearItemsAsync(ConversationId, resetAgents: true, cancellationToken);
        Remember(null, []);
    }

    /// <summary>Deletes the conversation and removes it from its owner's listing.</summary>
    public Task DeleteAsync(CancellationToken cancellationToken = default) => _client.DeleteSessionAsync(ConversationId, cancellationToken);

    private async Task<AppendResult> AppendAsync(IReadOnlyList<JsonElement> items, string? agent, CancellationToken cancellationToken,
        TurnUsage? usage = null)
    {
        var result = await _client.AppendItemsAsync(ConversationId,
            new AppendItemsCommand(items, ConversationItems.NewOperationId(), agent, UserId, Usage: usage), cancellationToken);
        if (agent is not null) Remember(agent, AgentsUsed.Contains(agent) ? AgentsUsed : [.. AgentsUsed, agent]);
        return result;
    }

    private void Remember(string? currentAgent, IReadOnlyList<string> agentsUsed)
    {
        CurrentAgent = currentAgent;
        AgentsUsed = agentsUsed;
    }

    internal static int? Seconds(TimeSpan? ttl) => ttl is { } t ? (int)Math.Ceiling(t.TotalSeconds) : null;
}
