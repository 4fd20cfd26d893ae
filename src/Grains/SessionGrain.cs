using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using OrleansSessions.Abstractions;
using OrleansSessions.Grains.Caching;
using OrleansSessions.Grains.Storage;
using OrleansSessions.Contracts;

namespace OrleansSessions.Grains;

/// <summary>
/// One conversation. Its calls run one at a time in arrival order (<see cref="SessionCallQueue"/>); the grain is
/// reentrant only so that appends arriving meanwhile can join the next script call. Every mutation is a single
/// script, so even two activations of one session (briefly possible while the cluster's membership changes) never
/// lose, repeat or reorder a write. Cross-grain order (invariant 9): the owner's index entry is written before a
/// session is created and removed after it is deleted, so a crash in between leaves only an entry listings prune.
/// </summary>
[Reentrant]
public sealed class SessionGrain : Grain, ISessionGrain
{
    /// <summary>Largest number of appends one script call takes.</summary>
    public const int MaxAppendsPerBatch = 64;

    private readonly SessionCallQueue _calls;
    private readonly string _sessionId;
    private readonly KeyScope _scope;
    private readonly RedisSessionStore _store;
    private readonly RedisUserIndex _userIndex;
    private readonly SessionCache _cache;
    private readonly UserIndexTouches _touches;
    private readonly long _defaultTtlMs;
    private readonly int? _defaultMaxItems;
    private readonly SessionTelemetry _telemetry;

    public SessionGrain(KeyScopes scopes, SessionChangeFeed feed, SiloLease lease, SessionCacheBudget budget, UserIndexTouches touches,
        SessionTelemetry telemetry, IOptions<SessionCacheOptions> cacheOptions, IOptions<SessionStoreOptions> options)
    {
        _touches = touches;
        _telemetry = telemetry;
        var (scope, id) = scopes.Of(this.GetPrimaryKeyString());
        _sessionId = id;
        _scope = scope;
        _calls = new SessionCallQueue(id, options.Value.MaxWaitingCalls);
        _store = scope.Sessions;
        _userIndex = scope.Users;
        _cache = new SessionCache(id, scope.Keys, scope.Sessions, feed, lease, budget, telemetry, cacheOptions);
        _defaultTtlMs = (options.Value.DefaultTtlSeconds ?? 0) * 1000L;
        _defaultMaxItems = options.Value.MaxItems;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        await _cache.DisposeAsync();

    public Task<SessionInfo> CreateAsync(CreateSessionCommand command, CancellationToken cancellationToken) =>
        _calls.RunAsync(async () =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            // Checked first so a refused create leaves every index as it was.
            if (await _store.GetOwnerAsync(_sessionId) is not null) throw new SessionAlreadyExistsException(_sessionId);
            await _userIndex.AddAsync(command.UserId, _sessionId);
            var ttlMs = command.TtlSeconds is { } seconds ? seconds * 1000L : _defaultTtlMs;
            var created = await _store.CreateAsync(_sessionId, command, ttlMs, command.MaxItems ?? _defaultMaxItems)
                ?? throw new SessionAlreadyExistsException(_sessionId);
            _cache.Changed();
            return created;
        });

    public Task<SessionInfo> GetInfoAsync(CancellationToken cancellationToken)
    {
        var owner = SessionAccess.RequiredOwner;
        return _calls.RunAsync(async () =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            return SessionAccess.Check(await _cache.InfoAsync(), owner);
        });
    }

    public Task<AppendResult> AppendAsync(AppendItemsCommand command, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return _calls.AppendAsync(command, MaxAppendsPerBatch, AppendBatchAsync);
    }

    /// <summary>Group commit: the appends queued behind the last call go to Redis in one script, each keeping its own
    /// operation id, contiguous seqs and result: one round trip. The owner's listing learns of the activity later, in
    /// the silo's next flush of <see cref="UserIndexTouches"/>.</summary>
    private async Task AppendBatchAsync(IReadOnlyList<PendingCall<AppendItemsCommand, AppendResult>> appends)
    {
        _cache.BeginOwnWrite();
        try
        {
            await AppendBatchToStoreAsync(appends);
        }
        catch
        {
            _cache.Changed(); // it may or may not have been written
            throw;
        }
    }

    private async Task AppendBatchToStoreAsync(IReadOnlyList<PendingCall<AppendItemsCommand, AppendResult>> appends)
    {
        var commands = appends.Select(a => a.Request).ToList();
        // Each item's JSON as it was sent, once: for Redis and for the memory.
        var json = commands.Select(c => (IReadOnlyList<byte[]>)[.. c.Items.Select(i => JsonMarshal.GetRawUtf8Value(i).ToArray())]).ToList();
        using var span = SessionTelemetry.Source.StartActivity("append script");
        span?.SetTag("orleans_sessions.group_commit.size", commands.Count);
        var started = Stopwatch.GetTimestamp();
        var outcomes = await _store.AppendAsync(_sessionId, commands, json);
        if (outcomes is null)
        {
            // No such session: the first append that names a user creates it for them, after their index entry.
            if (commands.FirstOrDefault(c => c.UserId is not null) is not { UserId: { } creatorId } creator)
            {
                foreach (var append in appends) append.Fail(new SessionNotFoundException(_sessionId));
                _cache.Changed();
                return;
            }
            await _userIndex.AddAsync(creatorId, _sessionId);
            outcomes = await _store.AppendAsync(_sessionId, commands, json, creatorId, creator.TtlSeconds * 1000L ?? _defaultTtlMs, _defaultMaxItems)
                ?? throw new InvalidOperationException("The append script did not create the session it was allowed to.");
        }
        List<(AppendOutcome, AppendItemsCommand, IReadOnlyList<byte[]>)> stored = [.. Enumerable.Range(0, appends.Count)
            .Where(i => outcomes[i].Status == AppendStatus.Appended).Select(i => (outcomes[i], commands[i], json[i]))];
        _telemetry.Appended(stored.Count, stored.Sum(s => s.Item3.Count), Stopwatch.GetElapsedTime(started));
        _cache.Appended(stored);
        if (outcomes.LastOrDefault(o => o.Status == AppendStatus.Appended) is { Owner: { } owner } newest)
        {
            _touches.Touch(_userIndex, owner, _sessionId, newest.AppendedAtMs * 1000);
        }
        for (var i = 0; i < appends.Count; i++)
        {
            switch (outcomes[i].Status)
            {
                case AppendStatus.NotOwner:
                    appends[i].Fail(new SessionNotFoundException(_sessionId));
                    break;
                case AppendStatus.Conflict:
                    appends[i].Fail(new OperationIdConflictException(appends[i].Request.OperationId!));
                    break;
                case AppendStatus.OverCap:
                    var cap = outcomes[i].LastSeq;
                    appends[i].Fail(new InvalidSessionRequestException("items",
                        $"items holds more than the session's maxItems ({cap}): a batch is never split, so nothing was written.", cap));
                    break;
                default:
                    var (first, last) = (outcomes[i].FirstSeq, outcomes[i].LastSeq);
                    appends[i].Complete(new AppendResult(first, last, (int)(last - first + 1)));
                    break;
            }
        }
    }

    /// <summary>For a suffix precondition, the newest items are compared here (structurally) and the script then
    /// replaces them only if the session's version is still the one they were read at; a change made elsewhere in
    /// between makes it read and compare again.</summary>
    public Task<AppendResult> ChangeHistoryAsync(HistoryChangeCommand command, CancellationToken cancellationToken) =>
        OwnedAsync(async () =>
        {
            var texts = command.Items.Select(i => i.GetRawText()).ToList();
            var expected = command.ExpectedSuffix ?? [];
            var kind = command.ReplaceAll ? "replace_all" : command.ExpectedSuffix is null ? "append_items" : $"replace_suffix:{expected.Count}";
            List<string> fingerprintTexts = command.OperationId is null ? [] : [.. expected.Concat(command.Items).Select(CanonicalJson.Write)];
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                long? expectedVersion = null;
                if (command.ExpectedSuffix is not null)
                {
                    var newest = await _cache.ReadAsync(new ItemsQuery(Limit: expected.Count));
                    var matches = newest.Items.Count == expected.Count
                        && newest.Items.Select(i => i.Item).Zip(expected).All(pair => JsonElement.DeepEquals(pair.First, pair.Second));
                    expectedVersion = matches ? newest.Version : -1;
                }
                var remove = command.ReplaceAll ? -1 : expected.Count;
                var outcome = await _store.ReplaceAsync(_sessionId, command.OperationId, kind, fingerprintTexts, expectedVersion, remove, texts);
                if (outcome.Status == ReplaceStatus.Replaced) _cache.Changed();
                switch (outcome.Status)
                {
                    case ReplaceStatus.Stale:
                        continue;
                    case ReplaceStatus.Missing:
                        throw new SessionNotFoundException(_sessionId);
                    case ReplaceStatus.Conflict:
                        throw new OperationIdConflictException(command.OperationId!);
                    case ReplaceStatus.Mismatch:
                        throw new HistoryPreconditionFailedException(_sessionId);
                    case ReplaceStatus.Replaced:
                        _touches.Touch(_userIndex, outcome.Owner!, _sessionId, outcome.ReplacedAtMs * 1000);
                        break;
                }
                return new AppendResult(outcome.FirstSeq, outcome.LastSeq, (int)(outcome.LastSeq - outcome.FirstSeq + 1));
            }
        }, cancellationToken);

    public Task<SessionItems> ReadAsync(ItemsQuery query, CancellationToken cancellationToken) =>
        OwnedAsync(() => _cache.ReadAsync(query), cancellationToken);

    public Task<StoredItem?> PopAsync(CancellationToken cancellationToken) =>
        OwnedAsync(async () =>
        {
            var (found, item, _) = await _store.PopAsync(_sessionId);
            if (!found) throw new SessionNotFoundException(_sessionId);
            if (item is not null) _cache.Changed();
            return item;
        }, cancellationToken);

    public Task<RewindResult> RewindAsync(RewindCommand command, CancellationToken cancellationToken) =>
        OwnedAsync(async () =>
        {
            var outcome = await _store.RewindAsync(_sessionId, command);
            switch (outcome.Status)
            {
                case RewindStatus.Missing:
                    throw new SessionNotFoundException(_sessionId);
                case RewindStatus.Conflict:
                    throw new OperationIdConflictException(command.OperationId!);
                case RewindStatus.Beyond:
                    throw new InvalidSessionRequestException("afterSeq",
                        $"afterSeq must be from 0 to the session's lastSeq ({outcome.LastSeq}).", outcome.LastSeq);
                case RewindStatus.Rewound:
                    _cache.Changed();
                    break;
            }
            return new RewindResult(command.AfterSeq, outcome.RemovedCount, outcome.LastSeq);
        }, cancellationToken);

    public Task ClearAsync(bool resetAgents, CancellationToken cancellationToken) =>
        OwnedAsync(async () =>
        {
            _ = await _store.ClearAsync(_sessionId, resetAgents) ?? throw new SessionNotFoundException(_sessionId);
            _cache.Changed();
            return true;
        }, cancellationToken);

    public Task<SessionInfo> TrackAgentAsync(string agent, CancellationToken cancellationToken) =>
        OwnedAsync(async () =>
        {
            var info = await _store.TrackAgentAsync(_sessionId, agent) ?? throw new SessionNotFoundException(_sessionId);
            _cache.Changed();
            return info;
        }, cancellationToken);

    public Task<IReadOnlyDictionary<string, JsonElement>> GetAllDataAsync(CancellationToken cancellationToken) =>
        OwnedAsync(async () =>
        {
            var values = await _store.GetDataAsync(_sessionId, key: null) ?? throw new SessionNotFoundException(_sessionId);
            return (IReadOnlyDictionary<string, JsonElement>)values.ToDictionary(v => v.Key, v => Parse(v.Value.Json));
        }, cancellationToken);

    public Task<JsonElement?> GetDataAsync(string key, CancellationToken cancellationToken) =>
        OwnedAsync(async () =>
        {
            var values = await _store.GetDataAsync(_sessionId, key) ?? throw new SessionNotFoundException(_sessionId);
            return values.TryGetValue(key, out var value) ? Parse(value.Json) : (JsonElement?)null;
        }, cancellationToken);

    public Task SetDataAsync(string key, JsonElement? value, CancellationToken cancellationToken) =>
        OwnedAsync(async () =>
        {
            if (await _store.SetDataAsync(_sessionId, key, expectedVersion: null, value?.GetRawText()) == DataWriteStatus.Missing)
            {
                throw new SessionNotFoundException(_sessionId);
            }
            _cache.Changed();
            return true;
        }, cancellationToken);

    /// <summary>Read, change in memory, then write only if nobody wrote the value meanwhile; else again.</summary>
    public Task<JsonElement> UpdateDataAsync(string key, IReadOnlyList<string> path, JsonElement value, CancellationToken cancellationToken) =>
        OwnedAsync(async () =>
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var values = await _store.GetDataAsync(_sessionId, key) ?? throw new SessionNotFoundException(_sessionId);
                var (version, current) = values.TryGetValue(key, out var found) ? found : (0, "{}");
                var updated = JsonPathUpdate.Apply(current, path, value);
                switch (await _store.SetDataAsync(_sessionId, key, version, updated))
                {
                    case DataWriteStatus.Written:
                        _cache.Changed();
                        return Parse(updated);
                    case DataWriteStatus.Missing:
                        throw new SessionNotFoundException(_sessionId);
                }
            }
        }, cancellationToken);

    /// <summary>One call to the source's grain answers a snapshot of one version; the scripts then run on this session's
    /// keys only (the source's are another hash tag). As in <see cref="CreateAsync"/>, the owner's index entry is
    /// written before the session, which appears whole in the last script.</summary>
    public Task<SessionInfo> ForkAsync(ForkSessionCommand command, CancellationToken cancellationToken)
    {
        var owner = SessionAccess.RequiredOwner;
        return _calls.RunAsync(async () =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            // This grain would wait on itself: its own call holds the queue the source's call would join.
            if (command.SourceSessionId == _sessionId) throw new InvalidSessionRequestException("sessionId", "sessionId must name a new session, not the source.");
            var fingerprint = command.OperationId is null ? null : _store.ForkFingerprint(_sessionId, [
                command.SourceSessionId, command.UserId ?? "", $"{command.ThroughSeq}", command.Title ?? "",
                command.Metadata?.GetRawText() ?? "", $"{command.TtlSeconds}"]);
            // Checked first so a refused or repeated fork leaves every index as it was.
            if (await _store.GetOwnerAsync(_sessionId) is not null) return await ExistingForkAsync(command.OperationId, fingerprint, owner);
            var source = GrainFactory.GetGrain<ISessionGrain>(_scope.GrainKey(command.SourceSessionId));
            var snapshot = await source.SnapshotAsync(command.ThroughSeq, owner, cancellationToken);
            var userId = command.UserId ?? snapshot.UserId;
            await _userIndex.AddAsync(userId, _sessionId);
            var forked = await _store.ForkAsync(_sessionId, command.SourceSessionId, snapshot, userId, command.Title ?? snapshot.Title,
                command.TtlSeconds is { } seconds ? seconds * 1000L : snapshot.TtlMs, command.Metadata?.GetRawText() ?? snapshot.Metadata,
                command.OperationId, fingerprint);
            _cache.Changed();
            return forked ?? await ExistingForkAsync(command.OperationId, fingerprint, owner);
        });
    }

    /// <summary>The session is there already: the fork this operation id made before, or a conflict.</summary>
    private async Task<SessionInfo> ExistingForkAsync(string? operationId, string? fingerprint, string? owner)
    {
        var recorded = operationId is null ? null : await _store.OperationFingerprintAsync(_sessionId, operationId);
        if (recorded is null) throw new SessionAlreadyExistsException(_sessionId);
        if (recorded != fingerprint) throw new OperationIdConflictException(operationId!);
        return SessionAccess.Check(await _cache.InfoAsync(), owner);
    }

    /// <summary>Items, description and data as of one version: the items and description from the activation's memory
    /// (or one read when it is not current), the data and TTL in one script that also says the version they are of;
    /// should a write made elsewhere come between, it reads again.</summary>
    public Task<ForkSnapshot> SnapshotAsync(long? throughSeq, string? requiredOwner, CancellationToken cancellationToken)
    {
        var owner = requiredOwner ?? SessionAccess.RequiredOwner;
        return _calls.RunAsync(async () =>
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var info = SessionAccess.Check(await _cache.InfoAsync(), owner);
                if (throughSeq > info.LastSeq)
                {
                    throw new InvalidSessionRequestException("throughSeq", $"throughSeq must be at most the source's lastSeq ({info.LastSeq}).", info.LastSeq);
                }
                var items = await _cache.ReadAsync(new ItemsQuery());
                var state = await _store.SnapshotStateAsync(_sessionId) ?? throw new SessionNotFoundException(_sessionId);
                if (items.Version != info.Version || state.Version != info.Version)
                {
                    _cache.Changed();
                    continue;
                }
                var through = throughSeq ?? info.LastSeq;
                return new ForkSnapshot(through, [.. items.Items.TakeWhile(i => i.Seq <= through)], info.UserId, info.Title,
                    info.Metadata?.GetRawText(), state.TtlMs, info.CurrentAgent, info.AgentsUsed, state.Data);
            }
        });
    }

    public Task<bool> DeleteAsync(string? requiredOwner, CancellationToken cancellationToken) =>
        _calls.RunAsync(async () =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            var owner = await _store.DeleteAsync(_sessionId, requiredOwner);
            if (owner is null) return false;
            _cache.Changed();
            await _userIndex.RemoveAsync(owner, _sessionId);
            return true;
        });

    /// <summary>Runs <paramref name="operation"/> in its turn, after checking (in that turn) that the session belongs to
    /// the user the call is limited to, if any.</summary>
    private Task<T> OwnedAsync<T>(Func<Task<T>> operation, CancellationToken cancellationToken)
    {
        var owner = SessionAccess.RequiredOwner;
        return _calls.RunAsync(async () =>
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (owner is not null) SessionAccess.Check(await _cache.InfoAsync(), owner);
            return await operation();
        });
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
