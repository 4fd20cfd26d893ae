using System.Text.Json;
using OrleansSessions.Contracts;

namespace OrleansSessions.ClientSdk;

/// <summary>
/// The sessions, as a backend calls them: over HTTP (<see cref="SessionsClient"/>) or, inside the cluster network,
/// through an Orleans client (OrleansSessions.ClusterClient). Both check input by the same rules and fail with the
/// same <see cref="SessionsApiException"/> subtypes, so <see cref="AgentSession"/>, <see cref="JsonSession"/>,
/// <see cref="ItemSession"/> and the Agent Framework provider work over either.
/// </summary>
public interface ISessionsClient
{
    /// <exception cref="SessionsConflictException">the id is taken.</exception>
    Task<SessionInfo> CreateSessionAsync(CreateSessionRequest request, CancellationToken cancellationToken = default);

    /// <summary>A new session holding <paramref name="sessionId"/>'s items through <see cref="ForkSessionRequest.ThroughSeq"/>
    /// (all when null), with their seqs, and its data values, as of one moment; the source is unchanged. With an operation
    /// id, a repeat returns the same session (its id, when none is named, derived from the source and the operation id).</summary>
    /// <exception cref="SessionsNotFoundException">no such source session.</exception>
    /// <exception cref="SessionsConflictException">the new id is taken, or the operation id made another fork.</exception>
    /// <exception cref="SessionsRequestRejectedException">a field is out of range (throughSeq past the source's lastSeq…).</exception>
    Task<SessionInfo> ForkSessionAsync(string sessionId, ForkSessionRequest request, CancellationToken cancellationToken = default);

    /// <exception cref="SessionsNotFoundException">no such session.</exception>
    Task<SessionInfo> GetSessionAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Deletes the session and drops it from its owner's listing.</summary>
    /// <exception cref="SessionsNotFoundException">no such session.</exception>
    Task DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Without <paramref name="afterSeq"/>: the newest <paramref name="limit"/> items (all when null), oldest first.
    /// With it: the items after that sequence number, at most <paramref name="limit"/>.</summary>
    Task<ItemsPage> GetItemsAsync(string sessionId, int? limit = null, long? afterSeq = null, CancellationToken cancellationToken = default);

    /// <summary>Items as <paramref name="query"/> says: window, role filter, safe start for model input, sliding TTL.</summary>
    Task<ItemsPage> GetItemsAsync(string sessionId, ItemsQuery query, CancellationToken cancellationToken = default);

    /// <summary>Appends a batch; creates the session for <see cref="AppendItemsCommand.UserId"/> if it is missing.
    /// With an operation id, a repeat is stored once.</summary>
    Task<AppendResult> AppendItemsAsync(string sessionId, AppendItemsCommand request, CancellationToken cancellationToken = default);

    /// <summary>The Agents SDK's history transaction: appends, or replaces the newest items if they still equal the
    /// expected suffix (else <see cref="SessionsConflictException"/> naming <c>expectedSuffix</c>), once per operation id.</summary>
    Task<AppendResult> ApplyHistoryTransactionAsync(string sessionId, HistoryTransactionRequest request, CancellationToken cancellationToken = default);

    /// <summary>Replaces the whole history in one step (compaction); with an operation id, once.</summary>
    Task<AppendResult> ReplaceItemsAsync(string sessionId, ReplaceItemsRequest request, CancellationToken cancellationToken = default);

    /// <summary>Removes and returns the newest item, or null when the session has none.</summary>
    Task<StoredItem?> PopItemAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <summary>Removes every item after <paramref name="afterSeq"/> in one step ("edit and regenerate"); the session's
    /// last seq stays (seqs are never reused). With an operation id, a repeat answers as the first time and removes
    /// nothing more. An <paramref name="afterSeq"/> beyond the last seq is refused (<see cref="SessionsRequestRejectedException"/>).</summary>
    Task<RewindResult> RewindItemsAsync(string sessionId, long afterSeq, string? operationId = null, CancellationToken cancellationToken = default);

    /// <summary>Removes the items (and with <paramref name="resetAgents"/> the agent tracking); the session stays.</summary>
    Task ClearItemsAsync(string sessionId, bool resetAgents = false, CancellationToken cancellationToken = default);

    /// <summary>Makes <paramref name="agent"/> the session's current agent and adds it to the agents used.</summary>
    Task<SessionInfo> TrackAgentAsync(string sessionId, string agent, CancellationToken cancellationToken = default);

    /// <summary>Every named JSON value kept with the session.</summary>
    Task<Dictionary<string, JsonElement>> GetAllDataAsync(string sessionId, CancellationToken cancellationToken = default);

    /// <returns>The value under <paramref name="key"/>, or null when there is none.</returns>
    Task<JsonElement?> GetDataAsync(string sessionId, string key, CancellationToken cancellationToken = default);

    Task SetDataAsync(string sessionId, string key, JsonElement value, CancellationToken cancellationToken = default);

    /// <summary>Sets the value at <paramref name="path"/> inside the value under <paramref name="key"/>, creating
    /// objects on the way; concurrent updates of other paths are not lost. Returns the whole new value.</summary>
    Task<JsonElement> UpdateDataAsync(string sessionId, string key, IReadOnlyList<string> path, JsonElement value, CancellationToken cancellationToken = default);

    Task DeleteDataAsync(string sessionId, string key, CancellationToken cancellationToken = default);

    /// <summary>One page of a user's sessions, most recently active first; pass <see cref="SessionListPage.NextCursor"/> for the next.</summary>
    Task<SessionListPage> ListSessionsAsync(string userId, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default);

    /// <summary>Deletes every session of the user.</summary>
    Task DeleteUserAsync(string userId, CancellationToken cancellationToken = default);
}
