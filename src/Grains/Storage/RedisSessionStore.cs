using OrleansSessions.Abstractions;
using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage;

/// <summary>Session state in Redis. Every method is one script (or one command) on the session's hash tag.</summary>
public sealed class RedisSessionStore(IConnectionMultiplexer redis, RedisKeys keys)
{
    private IDatabase Db => redis.GetDatabase();

    /// <returns>The new session, or null when the id is taken.</returns>
    public async Task<SessionInfo?> CreateAsync(string sessionId, CreateSessionCommand command, long ttlMs)
    {
        var reply = await RunAsync(SessionScripts.Create, sessionId,
            command.UserId, command.Title ?? "", ttlMs, command.Metadata?.GetRawText() ?? "");
        return Status(reply) == "created" ? SessionDescription.Parse(sessionId, reply[1]) : null;
    }

    public async Task<SessionInfo?> GetInfoAsync(string sessionId)
    {
        var reply = await RunAsync(SessionScripts.Describe, sessionId);
        return Status(reply) == "ok" ? SessionDescription.Parse(sessionId, reply[1]) : null;
    }

    /// <param name="createOwner">When set and the session is missing, the append creates it for this user.</param>
    public async Task<AppendOutcome> AppendAsync(
        string sessionId, AppendItemsCommand command, IReadOnlyList<string> itemTexts, string? createOwner, long createTtlMs)
    {
        var args = new RedisValue[6 + itemTexts.Count];
        args[0] = command.OperationId ?? "";
        args[1] = command.OperationId is null ? "" : ItemFingerprint.Compute(command.Agent, itemTexts);
        args[2] = createOwner ?? "";
        args[3] = createTtlMs;
        args[4] = command.UserId ?? "";
        args[5] = command.Agent ?? "";
        for (var i = 0; i < itemTexts.Count; i++) args[6 + i] = itemTexts[i];

        var reply = await RunAsync(SessionScripts.Append, sessionId, args);
        return Status(reply) switch
        {
            "missing" => new AppendOutcome(AppendStatus.Missing),
            "not-owner" => new AppendOutcome(AppendStatus.NotOwner),
            "conflict" => new AppendOutcome(AppendStatus.Conflict),
            var status => new AppendOutcome(
                status == "replayed" ? AppendStatus.Replayed : AppendStatus.Appended,
                (long)reply[1], (long)reply[2], (string?)reply[3], (long)reply[4]),
        };
    }

    public async Task<ItemsPage?> ReadAsync(string sessionId, ItemsQuery query)
    {
        var reply = await RunAsync(SessionScripts.Read, sessionId, query.AfterSeq ?? -1, query.Limit ?? -1);
        if (Status(reply) != "ok") return null;
        var entries = (string[])reply[3]!;
        var items = new StoredItem[entries.Length];
        for (var i = 0; i < entries.Length; i++) items[i] = StoredEntry.Parse(entries[i]);
        return new ItemsPage(items, (long)reply[1], (long)reply[2]);
    }

    /// <returns>found = false when the session is missing; item = null when it has no items.</returns>
    public async Task<(bool Found, StoredItem? Item)> PopAsync(string sessionId)
    {
        var reply = await RunAsync(SessionScripts.Pop, sessionId);
        return Status(reply) switch
        {
            "missing" => (false, null),
            "empty" => (true, null),
            _ => (true, StoredEntry.Parse((string)reply[1]!)),
        };
    }

    /// <returns>false when the session is missing.</returns>
    public async Task<bool> ClearAsync(string sessionId) =>
        Status(await RunAsync(SessionScripts.Clear, sessionId)) == "cleared";

    /// <returns>The deleted session's owner, or null when there was nothing (of <paramref name="requiredOwner"/>'s) to delete.</returns>
    public async Task<string?> DeleteAsync(string sessionId, string? requiredOwner)
    {
        var reply = await RunAsync(SessionScripts.Delete, sessionId, requiredOwner ?? "");
        return Status(reply) == "deleted" ? (string?)reply[1] : null;
    }

    public async Task<string?> GetOwnerAsync(string sessionId) =>
        await Db.HashGetAsync(keys.SessionMeta(sessionId), "userId");

    public Task PingAsync() => Db.PingAsync();

    private async Task<RedisResult[]> RunAsync(string script, string sessionId, params RedisValue[] args) =>
        (RedisResult[])(await Db.ScriptEvaluateAsync(script, keys.Session(sessionId), args))!;

    private static string Status(RedisResult[] reply) => (string)reply[0]!;
}
