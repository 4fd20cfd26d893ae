using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansSessions.Abstractions;

namespace OrleansSessions.ClientSdk;

/// <summary>Typed client for the silo's HTTP API v1. Errors arrive as <see cref="SessionsApiException"/> subtypes.</summary>
public sealed class SessionsClient(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<SessionInfo> CreateSessionAsync(CreateSessionRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<SessionInfo>(HttpMethod.Post, "v1/sessions", request, cancellationToken);

    public Task<SessionInfo> GetSessionAsync(string sessionId, CancellationToken cancellationToken = default) =>
        SendAsync<SessionInfo>(HttpMethod.Get, Session(sessionId), null, cancellationToken);

    public Task DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default) =>
        SendAsync<object>(HttpMethod.Delete, Session(sessionId), null, cancellationToken);

    /// <summary>Without <paramref name="afterSeq"/>: the newest <paramref name="limit"/> items (all when null), oldest first.
    /// With it: the items after that sequence number, at most <paramref name="limit"/>.</summary>
    public Task<ItemsPage> GetItemsAsync(string sessionId, int? limit = null, long? afterSeq = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (limit is { } l) query.Add($"limit={l}");
        if (afterSeq is { } a) query.Add($"afterSeq={a}");
        var path = Session(sessionId) + "/items" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        return SendAsync<ItemsPage>(HttpMethod.Get, path, null, cancellationToken);
    }

    /// <summary>Appends a batch; creates the session for <see cref="AppendItemsRequest.UserId"/> if it is missing.</summary>
    public Task<AppendResult> AppendItemsAsync(string sessionId, AppendItemsRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<AppendResult>(HttpMethod.Post, Session(sessionId) + "/items", request, cancellationToken);

    /// <summary>Removes and returns the newest item, or null when the session has none.</summary>
    public Task<StoredItem?> PopItemAsync(string sessionId, CancellationToken cancellationToken = default) =>
        SendAsync<StoredItem?>(HttpMethod.Post, Session(sessionId) + "/items/pop", null, cancellationToken);

    public Task ClearItemsAsync(string sessionId, CancellationToken cancellationToken = default) =>
        SendAsync<object>(HttpMethod.Delete, Session(sessionId) + "/items", null, cancellationToken);

    /// <summary>One page of a user's sessions, most recently active first; pass <see cref="SessionListPage.NextCursor"/> for the next.</summary>
    public Task<SessionListPage> ListSessionsAsync(string userId, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (limit is { } l) query.Add($"limit={l}");
        if (cursor is not null) query.Add($"cursor={Uri.EscapeDataString(cursor)}");
        var path = $"v1/users/{Uri.EscapeDataString(userId)}/sessions" + (query.Count > 0 ? "?" + string.Join('&', query) : "");
        return SendAsync<SessionListPage>(HttpMethod.Get, path, null, cancellationToken);
    }

    /// <summary>Deletes every session of the user.</summary>
    public Task DeleteUserAsync(string userId, CancellationToken cancellationToken = default) =>
        SendAsync<object>(HttpMethod.Delete, $"v1/users/{Uri.EscapeDataString(userId)}", null, cancellationToken);

    private static string Session(string sessionId) => $"v1/sessions/{Uri.EscapeDataString(sessionId)}";

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        using var response = await http.SendAsync(request, cancellationToken);
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
        return response.StatusCode switch
        {
            HttpStatusCode.NotFound => new SessionsNotFoundException(problem),
            HttpStatusCode.Conflict => new SessionsConflictException(problem),
            HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnsupportedMediaType =>
                new SessionsRequestRejectedException(response.StatusCode, problem),
            HttpStatusCode.ServiceUnavailable => new SessionsUnavailableException(problem, response.Headers.RetryAfter?.Delta),
            _ => new SessionsApiException(response.StatusCode, problem),
        };
    }
}
