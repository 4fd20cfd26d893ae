using System.Globalization;
using OrleansSessions.Abstractions;
using OrleansSessions.Grains.Storage.Scripts;
using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage;

/// <summary>Session state in Redis. Every method is one script (or one command) on the session's hash tag.</summary>
public sealed class RedisSessionStore(IConnectionMultiplexer redis, RedisKeys keys, ItemCipher cipher)
{
    private IDatabase Db => redis.GetDatabase();

    /// <summary>The cipher of a session's stored values, bound to its key space and id.</summary>
    private ItemCipher.SessionCipher Cipher(string sessionId) => cipher.ForSession($"{keys.Prefix}/{sessionId}");

    /// <returns>The new session, or null when the id is taken.</returns>
    public async Task<SessionInfo?> CreateAsync(string sessionId, CreateSessionCommand command, long ttlMs)
    {
        var sealer = Cipher(sessionId);
        var reply = await RunAsync(SessionScripts.Create, sessionId,
            command.UserId, Protect(sealer, command.Title), ttlMs, Protect(sealer, command.Metadata?.GetRawText()));
        return Status(reply) == "created" ? Describe(sessionId, reply[1]) : null;
    }

    public async Task<SessionInfo?> GetInfoAsync(string sessionId)
    {
        var reply = await RunAsync(SessionScripts.Describe, sessionId);
        return Status(reply) == "ok" ? Describe(sessionId, reply[1]) : null;
    }

    private static AppendOutcome Outcome(RedisResult[] reply) =>
        Status(reply) switch
        {
            "not-owner" => new AppendOutcome(AppendStatus.NotOwner),
            "conflict" => new AppendOutcome(AppendStatus.Conflict),
            "replayed" => new AppendOutcome(AppendStatus.Replayed, (long)reply[1], (long)reply[2], (string?)reply[3]),
            _ => new AppendOutcome(AppendStatus.Appended, (long)reply[1], (long)reply[2], (string?)reply[3], (long)reply[4], (long)reply[5], (long)reply[6]),
        };

    /// <summary>Appends in one round trip, in order. When the session is missing and <paramref name="createOwner"/> is
    /// set, the script creates it for that user with <paramref name="createTtlMs"/>; when it is not set, the result is
    /// null.</summary>
    public async Task<IReadOnlyList<AppendOutcome>?> AppendAsync(string sessionId, IReadOnlyList<AppendItemsCommand> commands,
        IReadOnlyList<IReadOnlyList<byte[]>> itemJson, string? createOwner = null, long createTtlMs = 0)
    {
        var sealer = Cipher(sessionId);
        var fingerprintKey = sealer.FingerprintKey();
        var args = new List<RedisValue>(3 + commands.Sum(c => 7 + c.Items.Count)) { createOwner ?? "", createTtlMs, commands.Count };
        for (var i = 0; i < commands.Count; i++)
        {
            var command = commands[i];
            args.Add(command.OperationId ?? "");
            args.Add(command.OperationId is null ? "" : ItemFingerprint.Compute(command.Agent, command.Tokens, itemJson[i], fingerprintKey));
            args.Add(command.UserId ?? "");
            args.Add(command.Agent ?? "");
            args.Add(command.Tokens?.ToString(CultureInfo.InvariantCulture) ?? "");
            args.Add(command.TtlSeconds is { } ttl ? (ttl * 1000L).ToString(CultureInfo.InvariantCulture) : "");
            args.Add(itemJson[i].Count);
            foreach (var json in itemJson[i]) args.Add(sealer.Protect(json));
        }
        var reply = await RunAsync(SessionScripts.Append, sessionId, [.. args]);
        if (Status(reply) == "missing") return null;
        return ((RedisResult[])reply[1]!).Select(result => Outcome((RedisResult[])result!)).ToList();
    }

    /// <returns>The items <paramref name="query"/> asks for (its window, not its role filter or safe start), or null
    /// when the session is missing.</returns>
    public async Task<SessionItems?> ReadAsync(string sessionId, ItemsQuery query)
    {
        var reply = await RunAsync(SessionScripts.Read, sessionId, query.AfterSeq ?? -1, query.Limit ?? -1, query.RefreshTtl ? "1" : "0", "0");
        return Status(reply) == "ok" ? new SessionItems(JsonEntries(sessionId, reply[3]), (long)reply[1], (long)reply[2]) : null;
    }

    /// <returns>The whole session, or null when it is missing.</returns>
    public async Task<SessionSnapshot?> LoadAsync(string sessionId, bool refreshTtl)
    {
        var reply = await RunAsync(SessionScripts.Read, sessionId, -1, -1, refreshTtl ? "1" : "0", "1");
        if (Status(reply) != "ok") return null;
        return new SessionSnapshot(Describe(sessionId, reply[5]), (long)reply[4], JsonEntries(sessionId, reply[3]));
    }

    /// <summary>The item events after <paramref name="afterVersion"/> of the incarnation <paramref name="incarnation"/>,
    /// and with <paramref name="describe"/> the session's description as of the same moment.</summary>
    public async Task<EventsRead> ReadEventsAsync(string sessionId, long incarnation, long afterVersion, int maxEvents, bool refreshTtl, bool describe = false)
    {
        var reply = await RunAsync(SessionScripts.ReadEvents, sessionId, incarnation, afterVersion, maxEvents, refreshTtl ? "1" : "0", describe ? "1" : "0");
        switch (Status(reply))
        {
            case "missing":
                return new EventsRead(EventsReadStatus.Missing);
            case "reset":
                return new EventsRead(EventsReadStatus.Reset, (long)reply[1], (long)reply[2], (long)reply[3]);
        }
        var current = (long)reply[2];
        var events = ((RedisResult[])reply[4]!).Select(raw =>
        {
            var e = (RedisResult[])raw!;
            var version = (long)e[0];
            return new SessionEvent(EventsRead.EventId(current, version), version, (string)e[1]!, (long)e[2], (long)e[3], Entries(sessionId, e[4]));
        }).ToList();
        return new EventsRead(EventsReadStatus.Ok, (long)reply[1], current, (long)reply[3], events, describe ? Describe(sessionId, reply[5]) : null);
    }

    /// <returns>found = false when the session is missing; item = null when it has no items; the version after the pop.</returns>
    public async Task<(bool Found, StoredItem? Item, long Version)> PopAsync(string sessionId)
    {
        var reply = await RunAsync(SessionScripts.Pop, sessionId);
        return Status(reply) switch
        {
            "missing" => (false, null, 0),
            "empty" => (true, null, 0),
            _ => (true, StoredEntry.Parse((RedisValue)reply[1], Cipher(sessionId)), (long)reply[2]),
        };
    }

    /// <param name="expectedVersion">The version the session must still have; null for any; -1 when the caller
    /// found the precondition false (only a replay of the operation id may then succeed).</param>
    /// <param name="remove">How many of the newest items go; -1 for all.</param>
    /// <param name="fingerprintTexts">What the operation id is bound to (canonical JSON of the whole change).</param>
    public async Task<ReplaceOutcome> ReplaceAsync(string sessionId, string? operationId, string kind,
        IReadOnlyList<string> fingerprintTexts, long? expectedVersion, int remove, IReadOnlyList<string> itemTexts)
    {
        var sealer = Cipher(sessionId);
        var args = new List<RedisValue>(5 + itemTexts.Count)
        {
            operationId ?? "",
            operationId is null ? "" : ItemFingerprint.Compute(kind, null, fingerprintTexts, sealer.FingerprintKey()),
            expectedVersion switch { null => "", -1 => "x", { } v => v.ToString(CultureInfo.InvariantCulture) },
            remove,
            itemTexts.Count,
        };
        foreach (var text in itemTexts) args.Add(sealer.Protect(text));
        var reply = await RunAsync(SessionScripts.Replace, sessionId, [.. args]);
        return Status(reply) switch
        {
            "missing" => new ReplaceOutcome(ReplaceStatus.Missing),
            "conflict" => new ReplaceOutcome(ReplaceStatus.Conflict),
            "stale" => new ReplaceOutcome(ReplaceStatus.Stale),
            "mismatch" => new ReplaceOutcome(ReplaceStatus.Mismatch),
            "replayed" => new ReplaceOutcome(ReplaceStatus.Replayed, (long)reply[1], (long)reply[2]),
            _ => new ReplaceOutcome(ReplaceStatus.Replaced, (long)reply[1], (long)reply[2], (string)reply[4]!, (long)reply[5]),
        };
    }

    /// <returns>The version after the clear, or null when the session is missing.</returns>
    public async Task<long?> ClearAsync(string sessionId, bool resetAgents)
    {
        var reply = await RunAsync(SessionScripts.Clear, sessionId, resetAgents ? "1" : "0");
        return Status(reply) == "cleared" ? (long)reply[1] : null;
    }

    public async Task<SessionInfo?> TrackAgentAsync(string sessionId, string agent)
    {
        var reply = await RunAsync(SessionScripts.TrackAgent, sessionId, agent);
        return Status(reply) == "ok" ? Describe(sessionId, reply[1]) : null;
    }

    /// <param name="key">One key, or null for all of them.</param>
    /// <returns>null when the session is missing; else each key with its value's version and JSON text.</returns>
    public async Task<IReadOnlyDictionary<string, (long Version, string Json)>?> GetDataAsync(string sessionId, string? key)
    {
        var reply = await RunAsync(SessionScripts.GetData, sessionId, key ?? "");
        if (Status(reply) != "ok") return null;
        var flat = (string[])reply[1]!;
        var sealer = Cipher(sessionId);
        var values = new Dictionary<string, (long, string)>(flat.Length / 2);
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            var bar = flat[i + 1].IndexOf('|');
            values[flat[i]] = (long.Parse(flat[i + 1].AsSpan(0, bar), CultureInfo.InvariantCulture), sealer.Unprotect(flat[i + 1][(bar + 1)..]));
        }
        return values;
    }

    /// <param name="expectedVersion">Write only if the value is still at this version (0 = absent); null writes regardless.</param>
    /// <param name="json">The new value, or null to remove it.</param>
    public async Task<DataWriteStatus> SetDataAsync(string sessionId, string key, long? expectedVersion, string? json)
    {
        var reply = await RunAsync(SessionScripts.SetData, sessionId,
            key, expectedVersion?.ToString(CultureInfo.InvariantCulture) ?? "", Protect(Cipher(sessionId), json));
        return Status(reply) switch
        {
            "missing" => DataWriteStatus.Missing,
            "stale" => DataWriteStatus.Stale,
            _ => DataWriteStatus.Written,
        };
    }

    /// <returns>The deleted session's owner, or null when there was nothing (of <paramref name="requiredOwner"/>'s) to delete.</returns>
    public async Task<string?> DeleteAsync(string sessionId, string? requiredOwner)
    {
        var reply = await RunAsync(SessionScripts.Delete, sessionId, requiredOwner ?? "");
        return Status(reply) == "deleted" ? (string?)reply[1] : null;
    }

    public async Task<string?> GetOwnerAsync(string sessionId) =>
        await Db.HashGetAsync(keys.SessionMeta(sessionId), "userId");

    public Task PingAsync() => Db.PingAsync();

    private async Task<RedisResult[]> RunAsync(RedisScript script, string sessionId, params RedisValue[] args) =>
        (RedisResult[])(await script.EvaluateAsync(Db, keys.Session(sessionId), args))!;

    private static string Status(RedisResult[] reply) => (string)reply[0]!;

    private StoredItem[] Entries(string sessionId, RedisResult entries)
    {
        var raw = (RedisValue[])entries!;
        var sealer = Cipher(sessionId);
        return Array.ConvertAll(raw, entry => StoredEntry.Parse(entry, sealer));
    }

    private SessionItem[] JsonEntries(string sessionId, RedisResult entries)
    {
        var raw = (RedisValue[])entries!;
        var sealer = Cipher(sessionId);
        return Array.ConvertAll(raw, entry => StoredEntry.ParseJson(entry, sealer));
    }

    private SessionInfo Describe(string sessionId, RedisResult description) =>
        SessionDescription.Parse(sessionId, description, Cipher(sessionId).Unprotect);

    /// <returns>The text as stored: encrypted when encryption is on; "" for none.</returns>
    private static string Protect(ItemCipher.SessionCipher sealer, string? text) => text is null or "" ? "" : sealer.Protect(text);
}
