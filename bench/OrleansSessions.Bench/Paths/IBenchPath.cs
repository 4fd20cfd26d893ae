namespace OrleansSessions.Bench.Paths;

/// <summary>One way of storing sessions, driven by the same workload as the others.</summary>
public interface IBenchPath : IAsyncDisposable
{
    string Name { get; }

    /// <summary>Appends items (JSON texts) to a session, creating it for <paramref name="userId"/> if needed.</summary>
    Task AppendAsync(string userId, string sessionId, IReadOnlyList<string> items);

    /// <summary>Reads the whole history and hands back every item parsed; returns how many.</summary>
    Task<int> ReadAllAsync(string sessionId);

    /// <summary>Reads the newest <paramref name="count"/> items, parsed.</summary>
    Task<int> ReadNewestAsync(string sessionId, int count);

    /// <summary>The first page of a user's conversations, most recent first; null where the path has no user index.</summary>
    Task<int?> ListFirstPageAsync(string userId, int pageSize);
}
