using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using OrleansSessions.Contracts;

namespace OrleansSessions.ClientSdk;

/// <summary>Typed client for the silo's HTTP API v1. Errors arrive as <see cref="SessionsApiException"/> subtypes.
/// Beyond <see cref="ISessionsClient"/> it streams live events and mints user tokens, which are HTTP's alone.</summary>
/// <param name="retries">How often a request that is safe to repeat (a read, or a write with an operation id) is sent
/// again after a 429, a 503 or a failed connection (<see cref="SafeRepeats"/>); 0 sends every request once.</param>
public sealed class SessionsClient(HttpClient http, int retries = 3) : ISessionsClient
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new VerbatimJsonElementConverter() } };

    public Task<SessionInfo> CreateSessionAsync(CreateSessionRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<SessionInfo>(HttpMethod.Post, "v1/sessions", request, cancellationToken);

    public Task<SessionInfo> ForkSessionAsync(string sessionId, ForkSessionRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<SessionInfo>(HttpMethod.Post, Session(sessionId) + "/fork", request, cancellationToken);

    public Task<SessionInfo> GetSessionAsync(string sessionId, CancellationToken cancellationToken = default) =>
        SendAsync<SessionInfo>(HttpMethod.Get, Session(sessionId), null, cancellationToken);

    public Task DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default) =>
        SendAsync<object>(HttpMethod.Delete, Session(sessionId), null, cancellationToken);

    /// <summary>Without <paramref name="afterSeq"/>: the newest <paramref name="limit"/> items (all when null), oldest first.
    /// With it: the items after that sequence number, at most <paramref name="limit"/>.</summary>
    public Task<ItemsPage> GetItemsAsync(string sessionId, int? limit = null, long? afterSeq = null, CancellationToken cancellationToken = default) =>
        GetItemsAsync(sessionId, new ItemsQuery(limit, afterSeq), cancellationToken);

    /// <summary>Items as <paramref name="query"/> says: window, role filter, safe start for model input, sliding TTL.</summary>
    public Task<ItemsPage> GetItemsAsync(string sessionId, ItemsQuery query, CancellationToken cancellationToken = default)
    {
        var path = Session(sessionId) + "/items" + Query(
            ("limit", query.Limit?.ToString()), ("afterSeq", query.AfterSeq?.ToString()), ("role", query.Role),
            ("safeStart", query.SafeStart ? "true" : null), ("refreshTtl", query.RefreshTtl ? "true" : null));
        return SendAsync<ItemsPage>(HttpMethod.Get, path, null, cancellationToken);
    }

    /// <summary>Appends a batch; creates the session for <see cref="AppendItemsCommand.UserId"/> if it is missing.</summary>
    public Task<AppendResult> AppendItemsAsync(string sessionId, AppendItemsCommand request, CancellationToken cancellationToken = default) =>
        SendAsync<AppendResult>(HttpMethod.Post, Session(sessionId) + "/items", request, cancellationToken);

    /// <summary>The Agents SDK's history transaction: appends, or replaces the newest items if they still equal the
    /// expected suffix (else <see cref="SessionsConflictException"/> naming <c>expectedSuffix</c>), once per operation id.</summary>
    public Task<AppendResult> ApplyHistoryTransactionAsync(string sessionId, HistoryTransactionRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<AppendResult>(HttpMethod.Post, Session(sessionId) + "/history/transactions", request, cancellationToken);

    /// <summary>Replaces the whole history in one step (compaction); with an operation id, once.</summary>
    public Task<AppendResult> ReplaceItemsAsync(string sessionId, ReplaceItemsRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<AppendResult>(HttpMethod.Put, Session(sessionId) + "/items", request, cancellationToken);

    /// <summary>Removes and returns the newest item, or null when the session has none.</summary>
    public Task<StoredItem?> PopItemAsync(string sessionId, CancellationToken cancellationToken = default) =>
        SendAsync<StoredItem?>(HttpMethod.Post, Session(sessionId) + "/items/pop", null, cancellationToken);

    /// <summary>Removes every item after <paramref name="afterSeq"/> in one step; with an operation id, once (and then
    /// safe to send again).</summary>
    public Task<RewindResult> RewindItemsAsync(string sessionId, long afterSeq, string? operationId = null, CancellationToken cancellationToken = default) =>
        SendAsync<RewindResult>(HttpMethod.Delete,
            Session(sessionId) + "/items" + Query(("afterSeq", afterSeq.ToString(CultureInfo.InvariantCulture)), ("operationId", operationId)), null,
            cancellationToken, safeToRepeat: operationId is not null);

    /// <summary>Removes the items (and with <paramref name="resetAgents"/> the agent tracking); the session stays.</summary>
    public Task ClearItemsAsync(string sessionId, bool resetAgents = false, CancellationToken cancellationToken = default) =>
        SendAsync<object>(HttpMethod.Delete, Session(sessionId) + "/items" + Query(("resetAgents", resetAgents ? "true" : null)), null, cancellationToken);

    /// <summary>Makes <paramref name="agent"/> the session's current agent and adds it to the agents used.</summary>
    public Task<SessionInfo> TrackAgentAsync(string sessionId, string agent, CancellationToken cancellationToken = default) =>
        SendAsync<SessionInfo>(HttpMethod.Put, Session(sessionId) + "/agent", new TrackAgentRequest(agent), cancellationToken);

    /// <summary>Every named JSON value kept with the session.</summary>
    public Task<Dictionary<string, JsonElement>> GetAllDataAsync(string sessionId, CancellationToken cancellationToken = default) =>
        SendAsync<Dictionary<string, JsonElement>>(HttpMethod.Get, Session(sessionId) + "/data", null, cancellationToken);

    /// <returns>The value under <paramref name="key"/>, or null when there is none.</returns>
    public async Task<JsonElement?> GetDataAsync(string sessionId, string key, CancellationToken cancellationToken = default)
    {
        try
        {
            return await SendAsync<JsonElement>(HttpMethod.Get, Data(sessionId, key), null, cancellationToken);
        }
        catch (SessionsNotFoundException error) when (error.Problem?.Field == "key")
        {
            return null;
        }
    }

    public Task SetDataAsync(string sessionId, string key, JsonElement value, CancellationToken cancellationToken = default) =>
        SendAsync<object>(HttpMethod.Put, Data(sessionId, key), value, cancellationToken);

    /// <summary>Sets the value at <paramref name="path"/> inside the value under <paramref name="key"/>, creating
    /// objects on the way; concurrent updates of other paths are not lost. Returns the whole new value.</summary>
    public Task<JsonElement> UpdateDataAsync(string sessionId, string key, IReadOnlyList<string> path, JsonElement value, CancellationToken cancellationToken = default) =>
        SendAsync<JsonElement>(HttpMethod.Patch, Data(sessionId, key), new UpdateDataRequest(path, value), cancellationToken);

    public Task DeleteDataAsync(string sessionId, string key, CancellationToken cancellationToken = default) =>
        SendAsync<object>(HttpMethod.Delete, Data(sessionId, key), null, cancellationToken);

    /// <summary>One page of a user's sessions, most recently active first; pass <see cref="SessionListPage.NextCursor"/> for the next.</summary>
    public Task<SessionListPage> ListSessionsAsync(string userId, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        SendAsync<SessionListPage>(HttpMethod.Get,
            $"v1/users/{Uri.EscapeDataString(userId)}/sessions" + Query(("limit", limit?.ToString()), ("cursor", cursor)), null, cancellationToken);

    /// <summary>
    /// The session's changes as they happen, on any silo: one event per append (with its items), pop and clear, in
    /// order, each once. Pass <paramref name="lastEventId"/> (an event's <see cref="SessionEvent.Id"/>) to resume
    /// after it; without it the stream starts at the next change. A dropped connection is re-opened from the last
    /// event. Ends after a "deleted" event or when <paramref name="cancellationToken"/> fires.
    /// </summary>
    public IAsyncEnumerable<SessionEvent> StreamEventsAsync(string sessionId, string? lastEventId = null, CancellationToken cancellationToken = default) =>
        SessionEventStream.ReadAsync(http, Session(sessionId) + "/events", lastEventId, ErrorAsync, TimeSpan.FromSeconds(1), cancellationToken);

    /// <summary>
    /// The session's items after seq <paramref name="afterSeq"/> (0: all of them) as one "append" event, then its
    /// changes from that moment on as <see cref="StreamEventsAsync"/> sends them: nothing missed, nothing twice, so a
    /// reader started beside a run (or after it) sees the run's items. There is no first event when there are no such
    /// items yet.
    /// </summary>
    public IAsyncEnumerable<SessionEvent> StreamEventsAfterSeqAsync(string sessionId, long afterSeq, CancellationToken cancellationToken = default) =>
        SessionEventStream.ReadAsync(http, Session(sessionId) + "/events" + Query(("afterSeq", afterSeq.ToString())), null,
            ErrorAsync, TimeSpan.FromSeconds(1), cancellationToken);

    /// <summary>The event id of the state <paramref name="info"/> describes: streaming from it delivers every change
    /// made after that read.</summary>
    public static string EventIdOf(SessionInfo info) => $"{info.CreatedAt.ToUnixTimeMilliseconds()}.{info.Version}";

    /// <summary>Deletes every session of the user.</summary>
    public Task DeleteUserAsync(string userId, CancellationToken cancellationToken = default) =>
        SendAsync<object>(HttpMethod.Delete, $"v1/users/{Uri.EscapeDataString(userId)}", null, cancellationToken);

    /// <summary>Mints a token for one user of the caller's tenant (needs the tenant's API key), for a browser to hold:
    /// it reaches only that user's sessions, until it expires.</summary>
    public Task<UserToken> CreateUserTokenAsync(string userId, TimeSpan? lifetime = null, CancellationToken cancellationToken = default) =>
        SendAsync<UserToken>(HttpMethod.Post, "v1/tokens",
            new CreateUserTokenRequest(userId, lifetime is { } l ? (int)Math.Ceiling(l.TotalSeconds) : null), cancellationToken);

    private static string Session(string sessionId) => $"v1/sessions/{Uri.EscapeDataString(sessionId)}";

    private static string Data(string sessionId, string key) => $"{Session(sessionId)}/data/{Uri.EscapeDataString(key)}";

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var present = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return present.Count == 0 ? "" : "?" + string.Join('&', present);
    }

    /// <summary>Sends a request; a read, or a write that says it is safe to repeat (<see cref="IRepeatableRequest"/>,
    /// or <paramref name="safeToRepeat"/> for one without a body), is sent again as <see cref="SafeRepeats"/> says.</summary>
    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken, bool safeToRepeat = false)
    {
        using var response = await SafeRepeats.SendAsync(async token =>
        {
            using var request = new HttpRequestMessage(method, path); // a request is sent once; a repeat is a new one
            if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: Json);
            try
            {
                return await http.SendAsync(request, token);
            }
            catch (SocketException dropped)
            {
                throw DroppedConnectionHandler.AsRequestFailure(dropped, request);
            }
        }, safeToRepeat || method == HttpMethod.Get || body is IRepeatableRequest { SafeToRepeat: true } ? retries : 0, cancellationToken);
        if (!response.IsSuccessStatusCode) throw await ErrorAsync(response, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0) return default!;
        return (await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken))!;
    }

    private static async Task<SessionsApiException> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ApiProblem? problem = null;
        if (response.Content.Headers.ContentType?.MediaType?.EndsWith("json", StringComparison.OrdinalIgnoreCase) == true)
        {
            try
            {
                problem = await response.Content.ReadFromJsonAsync<ApiProblem>(Json, cancellationToken);
            }
            catch (JsonException)
            {
            }
        }
        return SessionsApiException.For(response.StatusCode, problem, response.Headers.RetryAfter?.Delta);
    }
}
