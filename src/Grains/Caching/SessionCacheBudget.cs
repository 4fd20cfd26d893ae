using Microsoft.Extensions.Options;

namespace OrleansSessions.Grains.Caching;

/// <summary>Bounds the memory of all session caches of a silo: it holds every admitted cache, and past the bound the least
/// recently used are marked evicted and let go. Activations hold their caches only weakly between calls, so an evicted
/// cache is freed by the next collection (a call in flight keeps using it; the next call loads the session again).</summary>
public sealed class SessionCacheBudget(IOptions<SessionCacheOptions> options)
{
    private readonly LinkedList<CachedSession> _recency = new();
    private readonly Dictionary<CachedSession, (LinkedListNode<CachedSession> Node, long Bytes)> _entries = [];
    private readonly Lock _lock = new();
    private long _total;

    public long TotalBytes
    {
        get
        {
            lock (_lock) return _total;
        }
    }

    /// <summary>Records <paramref name="cache"/>'s current size and use.</summary>
    internal void Touch(CachedSession cache)
    {
        lock (_lock)
        {
            if (cache.Evicted) return;
            if (_entries.TryGetValue(cache, out var entry))
            {
                _recency.Remove(entry.Node);
                _recency.AddFirst(entry.Node); // the same node moves to the front: no allocation per touch
                _total -= entry.Bytes;
            }
            else
            {
                entry.Node = _recency.AddFirst(cache);
            }
            _entries[cache] = (entry.Node, cache.Bytes);
            _total += cache.Bytes;
            while (_total > options.Value.MaxTotalBytes && _recency.Last!.Value != cache)
            {
                var oldest = _recency.Last.Value;
                oldest.Evicted = true;
                Forget(oldest);
            }
        }
    }

    internal void Release(CachedSession cache)
    {
        lock (_lock) Forget(cache);
    }

    private void Forget(CachedSession cache)
    {
        if (!_entries.Remove(cache, out var entry)) return;
        _recency.Remove(entry.Node);
        _total -= entry.Bytes;
    }
}
