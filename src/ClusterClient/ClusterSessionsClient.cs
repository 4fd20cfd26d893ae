using System.Text.Json;
using Microsoft.Extensions.Options;
using OrleansSessions.Abstractions;
using OrleansSessions.ClientSdk;
using OrleansSessions.Contracts;
using OrleansSessions.Rules;

namespace OrleansSessions.ClusterClient;

/// <summary>
/// The sessions through an Orleans client, for backends inside the cluster network: each call goes straight to the
/// session's grain over the gateway, with no HTTP in between. Input is checked by the silos' rules first, calls a
/// silo's departure caught are repeated when safe (reads, writes with an operation id) as the HTTP API does, and
/// failures arrive as the <see cref="SessionsApiException"/> subtypes the HTTP client throws.
/// </summary>
public sealed class ClusterSessionsClient(
    IGrainFactory grains, RequestRules rules, GrainCallRetry retry, IOptions<ClusterSessionsOptions> options) : ISessionsClient
{
    private readonly string? _keyPrefix = options.Value.KeyPrefix;

    public Task<SessionInfo> CreateSessionAsync(CreateSessionRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(() =>
        {
            var userId = rules.Id("userId", request.UserId);
            var sessionId = rules.OptionalId("sessionId", request.SessionId) ?? Guid.NewGuid().ToString("N");
            var title = request.Title is { } t ? rules.Text("title", t, rules.Limits.MaxTitleLength) : null;
            var command = new CreateSessionCommand(userId, title, rules.TtlSeconds("ttlSeconds", request.TtlSeconds),
                rules.Metadata("metadata", request.Metadata));
            return Session(sessionId).CreateAsync(command, cancellationToken);
        }, safeToRepeat: false, cancellationToken);

    public Task<SessionInfo> GetSessionAsync(string sessionId, CancellationToken cancellationToken = default) =>
        CallAsync(() => Session(sessionId).GetInfoAsync(cancellationToken), safeToRepeat: true, cancellationToken);

    public Task DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default) =>
        CallAsync(async () =>
        {
            if (!await Session(sessionId).DeleteAsync(null, cancellationToken)) throw new SessionNotFoundException(sessionId);
            return true;
        }, safeToRepeat: false, cancellationToken);

    public Task<ItemsPage> GetItemsAsync(string sessionId, int? limit = null, long? afterSeq = null, CancellationToken cancellationToken = default) =>
        GetItemsAsync(sessionId, new ItemsQuery(limit, afterSeq), cancellationToken);

    public Task<ItemsPage> GetItemsAsync(string sessionId, ItemsQuery query, CancellationToken cancellationToken = default) =>
        CallAsync(async () =>
        {
            var checkedQuery = query with
            {
                Limit = (int?)rules.Number("limit", query.Limit, 1, int.MaxValue),
                AfterSeq = rules.Number("afterSeq", query.AfterSeq, 0, long.MaxValue / 2),
                Role = rules.OptionalName("role", query.Role),
            };
            return ItemsPages.From(await Session(sessionId).ReadAsync(checkedQuery, cancellationToken));
        }, safeToRepeat: true, cancellationToken);

    public Task<AppendResult> AppendItemsAsync(string sessionId, AppendItemsCommand request, CancellationToken cancellationToken = default) =>
        CallAsync(() =>
        {
            var command = new AppendItemsCommand(
                rules.Items("items", request.Items, minimum: 1),
                rules.OptionalId("operationId", request.OperationId),
                rules.OptionalName("agent", request.Agent),
                rules.OptionalId("userId", request.UserId),
                rules.Number("tokens", request.Tokens, 0, RequestRules.MaxTokens),
                rules.TtlSeconds("ttlSeconds", request.TtlSeconds));
            return Session(sessionId).AppendAsync(command, cancellationToken);
        }, safeToRepeat: request.OperationId is not null, cancellationToken);

    public Task<AppendResult> ApplyHistoryTransactionAsync(string sessionId, HistoryTransactionRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(() => Session(sessionId).ChangeHistoryAsync(HistoryChange(request), cancellationToken), safeToRepeat: true, cancellationToken);

    public Task<AppendResult> ReplaceItemsAsync(string sessionId, ReplaceItemsRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(() =>
        {
            var command = new HistoryChangeCommand(rules.Items("items", request.Items, minimum: 0),
                rules.OptionalId("operationId", request.OperationId), ReplaceAll: true);
            return Session(sessionId).ChangeHistoryAsync(command, cancellationToken);
        }, safeToRepeat: request.OperationId is not null, cancellationToken);

    public Task<StoredItem?> PopItemAsync(string sessionId, CancellationToken cancellationToken = default) =>
        CallAsync(() => Session(sessionId).PopAsync(cancellationToken), safeToRepeat: false, cancellationToken);

    public Task ClearItemsAsync(string sessionId, bool resetAgents = false, CancellationToken cancellationToken = default) =>
        CallAsync(async () =>
        {
            await Session(sessionId).ClearAsync(resetAgents, cancellationToken);
            return true;
        }, safeToRepeat: false, cancellationToken);

    public Task<SessionInfo> TrackAgentAsync(string sessionId, string agent, CancellationToken cancellationToken = default) =>
        CallAsync(() => Session(sessionId).TrackAgentAsync(rules.Text("agent", agent ?? "", rules.Limits.MaxNameLength), cancellationToken),
            safeToRepeat: false, cancellationToken);

    public Task<Dictionary<string, JsonElement>> GetAllDataAsync(string sessionId, CancellationToken cancellationToken = default) =>
        CallAsync(async () => new Dictionary<string, JsonElement>(await Session(sessionId).GetAllDataAsync(cancellationToken)),
            safeToRepeat: true, cancellationToken);

    public Task<JsonElement?> GetDataAsync(string sessionId, string key, CancellationToken cancellationToken = default) =>
        CallAsync(() => Session(sessionId).GetDataAsync(rules.Id("key", key), cancellationToken), safeToRepeat: true, cancellationToken);

    public Task SetDataAsync(string sessionId, string key, JsonElement value, CancellationToken cancellationToken = default) =>
        CallAsync(async () =>
        {
            await Session(sessionId).SetDataAsync(rules.Id("key", key), rules.DataValue("value", value), cancellationToken);
            return true;
        }, safeToRepeat: false, cancellationToken);

    public Task<JsonElement> UpdateDataAsync(string sessionId, string key, IReadOnlyList<string> path, JsonElement value,
        CancellationToken cancellationToken = default) =>
        CallAsync(() => Session(sessionId).UpdateDataAsync(rules.Id("key", key), rules.DataPath("path", path),
            rules.DataValue("value", value), cancellationToken), safeToRepeat: false, cancellationToken);

    public Task DeleteDataAsync(string sessionId, string key, CancellationToken cancellationToken = default) =>
        CallAsync(async () =>
        {
            await Session(sessionId).SetDataAsync(rules.Id("key", key), null, cancellationToken);
            return true;
        }, safeToRepeat: false, cancellationToken);

    public Task<SessionListPage> ListSessionsAsync(string userId, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        CallAsync(() => User(userId).ListSessionsAsync(rules.PageSize("limit", limit), rules.Cursor("cursor", cursor), cancellationToken),
            safeToRepeat: true, cancellationToken);

    public Task DeleteUserAsync(string userId, CancellationToken cancellationToken = default) =>
        CallAsync(async () => await User(userId).EraseAsync(cancellationToken), safeToRepeat: true, cancellationToken); // erasing twice erases the same

    /// <summary>The Agents SDK's transaction as the HTTP API reads it: only the fields its type defines.</summary>
    private HistoryChangeCommand HistoryChange(HistoryTransactionRequest request)
    {
        var operationId = rules.Id("operationId", request.OperationId);
        var transaction = request.Transaction ?? throw new InvalidSessionRequestException("transaction", "transaction is required.");
        switch (transaction.Type)
        {
            case "append_items":
                NotPartOf(transaction.ExpectedSuffix, "expectedSuffix");
                NotPartOf(transaction.Replacement, "replacement");
                return new HistoryChangeCommand(rules.Items("items", transaction.Items, minimum: 0), operationId);
            case "replace_suffix":
                NotPartOf(transaction.Items, "items");
                return new HistoryChangeCommand(rules.Items("replacement", transaction.Replacement, minimum: 0), operationId,
                    rules.Items("expectedSuffix", transaction.ExpectedSuffix, minimum: 0));
            default:
                throw new InvalidSessionRequestException("transaction.type", "transaction.type must be append_items or replace_suffix.");
        }

        void NotPartOf(object? value, string field)
        {
            if (value is not null)
            {
                throw new InvalidSessionRequestException("transaction." + field, $"transaction.{field} is not a field of a {transaction.Type} transaction.");
            }
        }
    }

    private ISessionGrain Session(string sessionId) => grains.GetGrainByKey<ISessionGrain>(GrainKeys.Scoped(_keyPrefix, rules.Id("sessionId", sessionId)));

    private IUserGrain User(string userId) => grains.GetGrainByKey<IUserGrain>(GrainKeys.Scoped(_keyPrefix, rules.Id("userId", userId)));

    private async Task<T> CallAsync<T>(Func<Task<T>> call, bool safeToRepeat, CancellationToken cancellationToken)
    {
        try
        {
            return safeToRepeat ? await retry.RunAsync(call, cancellationToken) : await call();
        }
        catch (Exception error) when (GrainCallErrors.Translate(error) is { } translated)
        {
            throw translated;
        }
    }
}
