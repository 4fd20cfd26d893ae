using System.Runtime.InteropServices;
using OrleansSessions.Abstractions;

namespace OrleansSessions.Grains.Caching;

/// <summary>
/// One activation's copy of its session's items, at a known version of a known incarnation. Touched only inside
/// the grain's turns; <see cref="Evicted"/> is set from outside by the budget and honoured at the next turn.
/// </summary>
public sealed class SessionItemsCache
{
    private readonly List<StoredItem> _items;

    public SessionItemsCache(long incarnation, long version, long lastSeq, IEnumerable<StoredItem> items)
    {
        _items = [.. items];
        Incarnation = incarnation;
        Version = version;
        LastSeq = lastSeq;
        Bytes = _items.Sum(Size);
    }

    public long Incarnation { get; }

    public long Version { get; private set; }

    public long LastSeq { get; private set; }

    public long Bytes { get; private set; }

    public volatile bool Evicted;

    public IReadOnlyList<StoredItem> Items => _items;

    /// <summary>Items appended by this activation's own write, at the version that write produced.</summary>
    public void Appended(long version, IReadOnlyList<StoredItem> items)
    {
        foreach (var item in items) Add(item);
        Version = version;
    }

    public void Popped(long version, long seq)
    {
        Remove(seq);
        Version = version;
    }

    public void Cleared(long version)
    {
        _items.Clear();
        Bytes = 0;
        Version = version;
    }

    /// <summary>Applies events read from the store, in version order, then moves to the store's version.</summary>
    public void Apply(IReadOnlyList<SessionEvent> events, long version, long lastSeq)
    {
        foreach (var change in events)
        {
            switch (change.Type)
            {
                case "append":
                    foreach (var item in change.Items) Add(item);
                    break;
                case "pop":
                    Remove(change.FirstSeq);
                    break;
                case "clear":
                    _items.Clear();
                    Bytes = 0;
                    break;
            }
        }
        Version = version;
        LastSeq = lastSeq;
    }

    private void Add(StoredItem item)
    {
        if (_items.Count > 0 && item.Seq <= _items[^1].Seq) return; // already here
        _items.Add(item);
        Bytes += Size(item);
        LastSeq = Math.Max(LastSeq, item.Seq);
    }

    private void Remove(long seq)
    {
        var at = _items.BinarySearch(new StoredItem(seq, default, default), BySeq.Instance);
        if (at < 0) return;
        Bytes -= Size(_items[at]);
        _items.RemoveAt(at);
    }

    /// <summary>What an item costs in memory: its JSON text and the parsed form's bookkeeping, roughly (measured
    /// without copying the text out).</summary>
    private static long Size(StoredItem item) => JsonMarshal.GetRawUtf8Value(item.Item).Length * 2L + 64;

    private sealed class BySeq : IComparer<StoredItem>
    {
        public static readonly BySeq Instance = new();

        public int Compare(StoredItem? x, StoredItem? y) => x!.Seq.CompareTo(y!.Seq);
    }
}
