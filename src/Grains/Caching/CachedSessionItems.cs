using Microsoft.Extensions.Options;
using OrleansSessions.Abstractions;
using OrleansSessions.Grains.Storage;

namespace OrleansSessions.Grains.Caching;

/// <summary>
/// How a session activation reads its items: from its cache, made current by one small round trip that returns
/// only the events since the cached version (never the history again), or straight from Redis when caching is
/// off, the session is too large, or the cache was evicted. Used only inside the grain's turns.
/// </summary>
public sealed class CachedSessionItems(
    string sessionId, RedisSessionStore store, SessionCacheBudget budget, IOptions<SessionCacheOptions> options) : IDisposable
{
    private const int EventsPerRead = 500;
    private SessionItemsCache? _cache;
    private bool _tooLarge;

    public async Task<ItemsPage> ReadAsync(ItemsQuery query)
    {
        if (options.Value.Enabled && !_tooLarge && await CurrentCacheAsync(query.RefreshTtl) is { } cache)
        {
            return new ItemsPage(ItemsWindow.Select(cache.Items, query), cache.LastSeq, cache.Version);
        }
        // The store applies the window itself unless the role filter must see every item first.
        var fromStore = query.Role is null ? query : new ItemsQuery(RefreshTtl: query.RefreshTtl);
        var (page, _) = await store.ReadAsync(sessionId, fromStore) ?? throw new SessionNotFoundException(sessionId);
        var rest = query.Role is null ? new ItemsQuery(SafeStart: query.SafeStart) : query;
        return page with { Items = ItemsWindow.Select(page.Items, rest) };
    }

    /// <summary>This activation appended <paramref name="items"/>; keep the cache current without a read if nothing
    /// else changed the session in between.</summary>
    public void Appended(AppendOutcome outcome, IReadOnlyList<System.Text.Json.JsonElement> items)
    {
        if (!IsNext(outcome.Version)) return;
        var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(outcome.AppendedAtMs);
        _cache!.Appended(outcome.Version, items.Select((item, i) => new StoredItem(outcome.FirstSeq + i, createdAt, item)).ToList());
        Admit();
    }

    public void Popped(long version, StoredItem item)
    {
        if (IsNext(version)) _cache!.Popped(version, item.Seq);
    }

    public void Cleared(long version)
    {
        if (IsNext(version)) _cache!.Cleared(version);
    }

    public void Dispose() => Drop();

    private bool IsNext(long version) => _cache is { Evicted: false } cache && cache.Version == version - 1;

    private async Task<SessionItemsCache?> CurrentCacheAsync(bool refreshTtl)
    {
        if (_cache is { Evicted: true }) Drop();
        while (_cache is { } cache)
        {
            var read = await store.ReadEventsAsync(sessionId, cache.Incarnation, cache.Version, EventsPerRead, refreshTtl);
            refreshTtl = false;
            if (read.Status == EventsReadStatus.Missing)
            {
                Drop();
                throw new SessionNotFoundException(sessionId);
            }
            if (read.Status == EventsReadStatus.Reset)
            {
                Drop();
                break;
            }
            var more = read.Events!.Count == EventsPerRead;
            cache.Apply(read.Events, more ? read.Events[^1].Version : read.Version, read.LastSeq);
            if (!more) return Admit();
        }

        var (page, incarnation) = await store.ReadAsync(sessionId, new ItemsQuery(RefreshTtl: refreshTtl))
            ?? throw new SessionNotFoundException(sessionId);
        _cache = new SessionItemsCache(incarnation, page.Version, page.LastSeq, page.Items);
        return Admit();
    }

    private SessionItemsCache? Admit()
    {
        if (_cache!.Bytes > options.Value.MaxSessionBytes)
        {
            _tooLarge = true;
            Drop();
            return null;
        }
        budget.Touch(_cache);
        return _cache;
    }

    private void Drop()
    {
        if (_cache is null) return;
        budget.Release(_cache);
        _cache = null;
    }
}
