using System.Text.Json;
using Microsoft.Extensions.Options;
using OrleansSessions.Abstractions;
using OrleansSessions.ClientSdk;
using OrleansSessions.Contracts;
using OrleansSessions.Rules;

namespace OrleansSessions.ClusterClient;

/// <summary>
/// The sessions through an Orleans client, for backends inside the cluster network: each call goes straight to the
/// session's grain over the gateway, with no HTTP in between. Requests become commands through the silos' own
/// <see cref="SessionCommands"/>, calls a silo's departure caught are repeated when safe (<see cref="GrainCallRetryFilter"/>,
/// as in the silos), and failures arrive as the <see cref="SessionsApiException"/> subtypes the HTTP client throws.
/// </summary>
public sealed class ClusterSessionsClient(
    IGrainFactory grains, RequestRules rules, SessionCommands commands, IOptions<ClusterSessionsOptions> options) : ISessionsClient
{
    private readonly string? _keyPrefix = options.Value.KeyPrefix;

    public Task<SessionInfo> CreateSessionAsync(CreateSessionRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(() =>
        {
            var (sessionId, command) = commands.Create(request);
            return Session(sessionId).CreateAsync(command, cancellationToken);
        });

    public Task<SessionInfo> ForkSessionAsync(string sessionId, ForkSessionRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(() =>
        {
            var (forkId, command) = commands.Fork(sessionId, request);
            return Session(forkId).ForkAsync(command, cancellationToken);
        });

    public Task<SessionInfo> GetSessionAsync(string sessionId, CancellationToken cancellationToken = default) =>
        CallAsync(() => Session(sessionId).GetInfoAsync(cancellationToken));

    public Task DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default) =>
        CallAsync(async () =>
        {
            if (!await Session(sessionId).DeleteAsync(null, cancellationToken)) throw new SessionNotFoundException(sessionId);
            return true;
        });

    public Task<ItemsPage> GetItemsAsync(string sessionId, int? limit = null, long? afterSeq = null, CancellationToken cancellationToken = default) =>
        GetItemsAsync(sessionId, new ItemsQuery(limit, afterSeq), cancellationToken);

    public Task<ItemsPage> GetItemsAsync(string sessionId, ItemsQuery query, CancellationToken cancellationToken = default) =>
        CallAsync(async () => ItemsPages.From(await Session(sessionId).ReadAsync(commands.Query(query), cancellationToken)));

    public Task<AppendResult> AppendItemsAsync(string sessionId, AppendItemsCommand request, CancellationToken cancellationToken = default) =>
        CallAsync(() => Session(sessionId).AppendAsync(commands.Append(request), cancellationToken));

    public Task<AppendResult> ApplyHistoryTransactionAsync(string sessionId, HistoryTransactionRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(() => Session(sessionId).ChangeHistoryAsync(commands.HistoryChange(request), cancellationToken));

    public Task<AppendResult> ReplaceItemsAsync(string sessionId, ReplaceItemsRequest request, CancellationToken cancellationToken = default) =>
        CallAsync(() => Session(sessionId).ChangeHistoryAsync(commands.Replace(request), cancellationToken));

    public Task<StoredItem?> PopItemAsync(string sessionId, CancellationToken cancellationToken = default) =>
        CallAsync(() => Session(sessionId).PopAsync(cancellationToken));

    public Task<RewindResult> RewindItemsAsync(string sessionId, long afterSeq, string? operationId = null, CancellationToken cancellationToken = default) =>
        CallAsync(() => Session(sessionId).RewindAsync(commands.Rewind(afterSeq, operationId), cancellationToken));

    public Task ClearItemsAsync(string sessionId, bool resetAgents = false, CancellationToken cancellationToken = default) =>
        CallAsync(async () =>
        {
            await Session(sessionId).ClearAsync(resetAgents, cancellationToken);
            return true;
        });

    public Task<SessionInfo> TrackAgentAsync(string sessionId, string agent, CancellationToken cancellationToken = default) =>
        CallAsync(() => Session(sessionId).TrackAgentAsync(commands.Agent(agent), cancellationToken));

    public Task<Dictionary<string, JsonElement>> GetAllDataAsync(string sessionId, CancellationToken cancellationToken = default) =>
        CallAsync(async () => new Dictionary<string, JsonElement>(await Session(sessionId).GetAllDataAsync(cancellationToken)));

    public Task<JsonElement?> GetDataAsync(string sessionId, string key, CancellationToken cancellationToken = default) =>
        CallAsync(() => Session(sessionId).GetDataAsync(rules.Id("key", key), cancellationToken));

    public Task SetDataAsync(string sessionId, string key, JsonElement value, CancellationToken cancellationToken = default) =>
        CallAsync(async () =>
        {
            await Session(sessionId).SetDataAsync(rules.Id("key", key), rules.DataValue("value", value), cancellationToken);
            return true;
        });

    public Task<JsonElement> UpdateDataAsync(string sessionId, string key, IReadOnlyList<string> path, JsonElement value,
        CancellationToken cancellationToken = default) =>
        CallAsync(() =>
        {
            var (checkedKey, checkedPath, checkedValue) = commands.DataUpdate(key, new UpdateDataRequest(path, value));
            return Session(sessionId).UpdateDataAsync(checkedKey, checkedPath, checkedValue, cancellationToken);
        });

    public Task DeleteDataAsync(string sessionId, string key, CancellationToken cancellationToken = default) =>
        CallAsync(async () =>
        {
            await Session(sessionId).SetDataAsync(rules.Id("key", key), null, cancellationToken);
            return true;
        });

    public Task<SessionListPage> ListSessionsAsync(string userId, int? limit = null, string? cursor = null, CancellationToken cancellationToken = default) =>
        CallAsync(() => User(userId).ListSessionsAsync(rules.PageSize("limit", limit), rules.Cursor("cursor", cursor), cancellationToken));

    public Task DeleteUserAsync(string userId, CancellationToken cancellationToken = default) =>
        CallAsync(async () => await User(userId).EraseAsync(cancellationToken)); // erasing twice erases the same

    private ISessionGrain Session(string sessionId) => grains.GetGrainByKey<ISessionGrain>(GrainKeys.Scoped(_keyPrefix, rules.Id("sessionId", sessionId)));

    private IUserGrain User(string userId) => grains.GetGrainByKey<IUserGrain>(GrainKeys.Scoped(_keyPrefix, rules.Id("userId", userId)));

    private static async Task<T> CallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception error) when (GrainCallErrors.Translate(error) is { } translated)
        {
            throw translated;
        }
    }
}
