using Microsoft.Extensions.Options;
using OrleansSessions.Abstractions;
using OrleansSessions.Grains.Storage;
using StackExchange.Redis;
using OrleansSessions.Contracts;

namespace OrleansSessions.Grains.Caching;

/// <summary>
/// How a session activation answers reads. From memory, with no Redis call, while that is current: the silo's lease is
/// fresh (<see cref="SiloLease"/>), its change feed has not dropped since the last sync, and the session's channel has
/// announced no version this activation did not make. Otherwise one round trip first brings the memory up to date
/// (the events since its version and the session's description); so does a read from a second before the session's
/// expiry, which nothing announces. Straight from Redis when caching is off, the
/// session is larger than <see cref="SessionCacheOptions.MaxSessionBytes"/>, or a read restarts the TTL.
/// Used only inside the grain's calls, one at a time; the feed's callback only raises <c>_changedElsewhere</c>.
/// </summary>
internal sealed class SessionCache(
    string sessionId, RedisKeys keys, RedisSessionStore store, SessionChangeFeed feed, SiloLease lease, SessionCacheBudget budget,
    SessionTelemetry telemetry, IOptions<SessionCacheOptions> options) : IAsyncDisposable
{
    private const int EventsPerRead = 500;

    private readonly Lock _lock = new();
    // The budget holds the admitted caches; between calls the activation holds its own only weakly, so a cache the
    // budget evicts is freed at the next collection, not when its activation is next called (maybe never, if idle).
    private readonly WeakReference<CachedSession?> _cache = new(null);
    private IAsyncDisposable? _watch;
    private bool _tooLarge;
    private long _syncedEpoch;
    private long _loadedOnConnection = -1;

    // Shared with the feed's callback, under _lock: what the memory holds, and whether the feed announced more.
    private long _knownIncarnation;
    private long _knownVersion = -1;
    private bool _changedElsewhere = true;
    private List<(long Incarnation, long Version)>? _heldDuringOwnWrite;

    private bool Caching => options.Value.Enabled && !_tooLarge;

    /// <summary>The items <paramref name="query"/> asks for.</summary>
    public async Task<SessionItems> ReadAsync(ItemsQuery query)
    {
        if (Caching && !query.RefreshTtl && await CurrentAsync() is ({ } cache, var fromMemory))
        {
            telemetry.Read(fromMemory);
            var items = query.Role is null
                ? ItemsWindow.Select(cache.Window(query.AfterSeq, query.Limit), new ItemsQuery(SafeStart: query.SafeStart))
                : ItemsWindow.Select(cache.Window(query.AfterSeq, limit: null), query); // the limit counts the role's items
            return new SessionItems(items, cache.Info.LastSeq, cache.Version);
        }
        telemetry.Read(fromMemory: false);
        // The store applies the window itself unless the role filter must see every item first.
        var fromStore = query.Role is null ? query : new ItemsQuery(RefreshTtl: query.RefreshTtl);
        var page = await store.ReadAsync(sessionId, fromStore) ?? throw new SessionNotFoundException(sessionId);
        var rest = query.Role is null ? new ItemsQuery(SafeStart: query.SafeStart) : query;
        if (query.RefreshTtl) Changed();
        return page with { Items = ItemsWindow.Select(page.Items, rest) };
    }

    public async Task<SessionInfo> InfoAsync()
    {
        if (Caching && await CurrentAsync() is ({ } cache, _)) return cache.Info;
        return await store.GetInfoAsync(sessionId) ?? throw new SessionNotFoundException(sessionId);
    }

    /// <summary>This activation is about to write: announcements that arrive meanwhile are judged when it knows which
    /// versions were its own.</summary>
    public void BeginOwnWrite()
    {
        lock (_lock) _heldDuringOwnWrite = [];
    }

    /// <summary>This activation appended; keep the memory current without a read if nothing else changed the session in
    /// between.</summary>
    /// <param name="appends">Each append's outcome, command, and its items' JSON as stored.</param>
    public void Appended(IReadOnlyList<(AppendOutcome Outcome, AppendItemsCommand Command, IReadOnlyList<byte[]> Json)> appends)
    {
        var own = new HashSet<long>(appends.Select(a => a.Outcome.Version));
        own.UnionWith(appends.Where(a => a.Outcome.TrimmedCount > 0).Select(a => a.Outcome.Version + 1)); // its trim's version
        if (Cache is { Evicted: false } cache)
        {
            if (appends.Count > 0 && appends[0].Outcome.Version <= cache.Version)
            {
                // The store's history went back past the memory: a failover to a replica that lacked the newest writes.
                // Those the memory holds are lost, and the versions it knows them by are being given to other writes.
                Drop();
                Changed();
                return;
            }
            foreach (var (outcome, command, json) in appends)
            {
                if (cache.Version != outcome.Version - 1) break; // someone else wrote in between: the next read syncs
                cache.Appended(outcome, command, json);
            }
            Admit(cache);
        }
        EndOwnWrite(own);
    }

    /// <summary>This activation changed the session otherwise (a pop, a clear, a history change, data, an agent): the
    /// next read brings the memory up to date.</summary>
    public void Changed()
    {
        lock (_lock)
        {
            _changedElsewhere = true;
            _heldDuringOwnWrite = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Drop();
        if (Interlocked.Exchange(ref _watch, null) is { } watch) await watch.DisposeAsync();
    }

    private CachedSession? Cache => _cache.TryGetTarget(out var cache) ? cache : null;

    /// <summary>The memory, brought up to date if it was not current (null when it may not be kept), and whether it
    /// was current already, so no Redis call was made.</summary>
    private async Task<(CachedSession? Cache, bool FromMemory)> CurrentAsync()
    {
        var held = Cache;
        if (held is { Evicted: true })
        {
            Drop();
            held = null;
        }
        if (held is not null && IsCurrent(held)) return (held, true);
        _watch ??= await feed.WatchAsync(keys, sessionId, OnAnnounced); // before reading, so no change goes unheard
        var epoch = feed.Epoch;
        var connection = epoch;
        // Right after the connection returns, the channel may not be subscribed again yet: what is read now answers
        // this call but is not trusted for the next, which could come after an unheard announcement.
        if (!feed.IsListening(keys, sessionId)) epoch = SessionChangeFeed.NotListening;
        lock (_lock) _changedElsewhere = false;
        if (held is not null && connection != _loadedOnConnection)
        {
            // The connection dropped since the memory was checked against the store: Redis may have failed over to a
            // replica that lacked the newest writes, whose versions the next writes then reuse. Only a whole load can
            // tell; events after the memory's version could not.
            Drop();
            held = null;
        }
        if (held is { } cache)
        {
            var read = await store.ReadEventsAsync(sessionId, cache.Incarnation, cache.Version, EventsPerRead, refreshTtl: false, describe: true);
            if (read.Status == EventsReadStatus.Missing)
            {
                Drop();
                throw new SessionNotFoundException(sessionId);
            }
            if (read.Status == EventsReadStatus.Ok && read.Events!.Count < EventsPerRead)
            {
                cache.Apply(read.Events, read.Info!);
                return (Synced(cache, epoch), false);
            }
            Drop(); // too far behind, or another incarnation: load it whole
        }
        var snapshot = await store.LoadAsync(sessionId, refreshTtl: false) ?? throw new SessionNotFoundException(sessionId);
        var loaded = new CachedSession(snapshot);
        _cache.SetTarget(loaded);
        _loadedOnConnection = connection;
        return (Synced(loaded, epoch), false);
    }

    private bool IsCurrent(CachedSession cache)
    {
        if (_syncedEpoch != feed.Epoch || !lease.IsFresh || ExpiresSoon(cache.Info)) return false;
        lock (_lock) return !_changedElsewhere;
    }

    /// <summary>Nothing announces an expiry: from a second before it (by this silo's clock), Redis is asked.</summary>
    private static bool ExpiresSoon(SessionInfo info) => info.ExpiresAt is { } expires && DateTimeOffset.UtcNow >= expires - TimeSpan.FromSeconds(1);

    private CachedSession? Synced(CachedSession cache, long epoch)
    {
        _syncedEpoch = epoch;
        Remember();
        return Admit(cache) ? cache : null;
    }

    private void EndOwnWrite(IReadOnlySet<long> ownVersions)
    {
        Remember();
        lock (_lock)
        {
            foreach (var (incarnation, version) in _heldDuringOwnWrite ?? [])
            {
                if (incarnation != _knownIncarnation || !ownVersions.Contains(version) && version > _knownVersion) _changedElsewhere = true;
            }
            _heldDuringOwnWrite = null;
        }
    }

    /// <summary>Tells the feed's callback what the memory now holds.</summary>
    private void Remember()
    {
        lock (_lock)
        {
            var cache = Cache;
            _knownIncarnation = cache?.Incarnation ?? 0;
            _knownVersion = cache?.Version ?? -1;
        }
    }

    /// <summary>The feed's callback (on a Redis thread): "createdAt.version", or "deleted".</summary>
    private void OnAnnounced(RedisValue message)
    {
        var text = (string?)message ?? "";
        var dot = text.IndexOf('.');
        long incarnation = 0, version = 0;
        var parsed = dot > 0 && long.TryParse(text.AsSpan(0, dot), out incarnation) && long.TryParse(text.AsSpan(dot + 1), out version);
        lock (_lock)
        {
            if (!parsed) _changedElsewhere = true;
            else if (incarnation == _knownIncarnation && version <= _knownVersion) return; // already in memory
            else if (_heldDuringOwnWrite is { } held) held.Add((incarnation, version));
            else _changedElsewhere = true;
        }
    }

    private bool Admit(CachedSession cache)
    {
        if (cache.Bytes > options.Value.MaxSessionBytes)
        {
            _tooLarge = true;
            Drop();
            return false;
        }
        budget.Touch(cache);
        return true;
    }

    private void Drop()
    {
        if (Cache is not { } cache) return;
        budget.Release(cache);
        _cache.SetTarget(null);
        Remember();
    }
}
