using OrleansSessions.Abstractions;
using OrleansSessions.Grains.Storage;
using OrleansSessions.Contracts;

namespace OrleansSessions.Grains.Caching;

/// <summary>
/// One activation's copy of its session — its description and its items, each item's JSON kept as the UTF-8 text it
/// was sent as — at a known version of a known incarnation. Touched only inside the grain's calls;
/// <see cref="Evicted"/> is set from outside by the budget and honoured at the next call.
/// </summary>
internal sealed class CachedSession
{
    private const int ItemOverhead = 64; // the record, its seq, time and array header, and the list's slot

    private readonly List<SessionItem> _items;

    public CachedSession(SessionSnapshot snapshot)
    {
        _items = [.. snapshot.Items];
        Incarnation = snapshot.Incarnation;
        Info = snapshot.Info;
        Bytes = _items.Sum(Size);
    }

    public long Incarnation { get; }

    public SessionInfo Info { get; private set; }

    public long Version => Info.Version;

    public long Bytes { get; private set; }

    public volatile bool Evicted;

    public IReadOnlyList<SessionItem> Items => _items;

    /// <summary>An append this activation made, at the version it produced (the one after <see cref="Version"/>), and
    /// the trim of the oldest items that followed it when it went past the session's cap.</summary>
    public void Appended(AppendOutcome outcome, AppendItemsCommand command, IReadOnlyList<byte[]> json)
    {
        var createdAt = DateTimeOffset.FromUnixTimeMilliseconds(outcome.AppendedAtMs);
        for (var i = 0; i < json.Count; i++) Add(new SessionItem(outcome.FirstSeq + i, createdAt, json[i]));
        var agents = command.Agent is { } agent && !Info.AgentsUsed.Contains(agent) ? [.. Info.AgentsUsed, agent] : Info.AgentsUsed;
        Info = Info with
        {
            UpdatedAt = createdAt,
            ItemCount = _items.Count,
            LastSeq = outcome.LastSeq,
            Version = outcome.Version,
            CurrentAgent = command.Agent ?? Info.CurrentAgent,
            AgentsUsed = agents,
            TokenTotal = Info.TokenTotal + (command.Tokens ?? 0),
            Usage = command.Usage is { } usage ? StoredUsage.Add(Info.Usage, usage, command.Agent) : Info.Usage,
            ExpiresAt = outcome.ExpiresAtMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(outcome.ExpiresAtMs) : Info.ExpiresAt,
            MaxItems = command.MaxItems ?? Info.MaxItems,
        };
        if (outcome.TrimmedCount > 0)
        {
            RemoveThrough(outcome.TrimmedThroughSeq);
            Info = Info with { ItemCount = _items.Count, Version = outcome.Version + 1, TrimmedItems = Info.TrimmedItems + outcome.TrimmedCount };
        }
    }

    /// <summary>Applies changes read from the store, in version order, and takes the store's description of the
    /// session as of the same moment.</summary>
    public void Apply(IReadOnlyList<SessionEvent> events, SessionInfo info)
    {
        foreach (var change in events)
        {
            switch (change.Type)
            {
                case "append":
                    foreach (var item in change.Items) Add(new SessionItem(item.Seq, item.CreatedAt, System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(item.Item).ToArray()));
                    break;
                case "pop":
                    Remove(change.FirstSeq);
                    break;
                case "clear":
                    _items.Clear();
                    Bytes = 0;
                    break;
                case "rewind":
                    RemoveAfter(change.FirstSeq - 1);
                    break;
                case "trim":
                    RemoveThrough(change.LastSeq);
                    break;
            }
        }
        Info = info;
    }

    /// <summary>The first <paramref name="limit"/> items after <paramref name="afterSeq"/>, or without it the newest
    /// <paramref name="limit"/>; copied out (the cache keeps changing after it answered).</summary>
    public IReadOnlyList<SessionItem> Window(long? afterSeq, int? limit)
    {
        var start = afterSeq is { } after ? FirstAfter(after) : 0;
        var count = _items.Count - start;
        if (limit is { } n && n < count)
        {
            if (afterSeq is null) start = _items.Count - n;
            count = n;
        }
        return _items.GetRange(start, count);
    }

    private int FirstAfter(long seq)
    {
        int low = 0, high = _items.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_items[middle].Seq <= seq) low = middle + 1;
            else high = middle;
        }
        return low;
    }

    private void Add(SessionItem item)
    {
        if (_items.Count > 0 && item.Seq <= _items[^1].Seq) return; // already here
        _items.Add(item);
        Bytes += Size(item);
    }

    private void Remove(long seq)
    {
        var at = FirstAfter(seq - 1);
        if (at >= _items.Count || _items[at].Seq != seq) return;
        Bytes -= Size(_items[at]);
        _items.RemoveAt(at);
    }

    /// <summary>Removes the items after <paramref name="seq"/> (a rewind).</summary>
    private void RemoveAfter(long seq)
    {
        var at = FirstAfter(seq);
        for (var i = at; i < _items.Count; i++) Bytes -= Size(_items[i]);
        _items.RemoveRange(at, _items.Count - at);
    }

    /// <summary>Removes the items up to <paramref name="seq"/> (a trim of the oldest).</summary>
    private void RemoveThrough(long seq)
    {
        var count = FirstAfter(seq);
        for (var i = 0; i < count; i++) Bytes -= Size(_items[i]);
        _items.RemoveRange(0, count);
    }

    private static long Size(SessionItem item) => item.Json.Length + ItemOverhead;
}
