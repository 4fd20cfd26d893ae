using System.Text;
using OrleansSessions.Abstractions;
using OrleansSessions.Grains.Storage.Scripts;
using StackExchange.Redis;
using OrleansSessions.Contracts;

namespace OrleansSessions.Grains.Storage;

/// <summary>Session state in Redis. Every method is one script (or one command) on the session's hash tag; every one
/// that writes then waits for the replicas <see cref="ReplicatedAcknowledgement"/> asks for.</summary>
internal sealed class RedisSessionStore(IConnectionMultiplexer redis, RedisKeys keys, ItemCipher cipher, ReplicatedAcknowledgement acknowledgement)
{
    /// <summary>Most items, and item bytes, a fork writes in one script; beyond them it stages chunks first.</summary>
    public const int ForkItemsPerScript = 2_000;
    public const long ForkBytesPerScript = 4 << 20;

    /// <summary>How long a fork's staged chunks wait for its last script (renewed by each chunk).</summary>
    private static readonly TimeSpan ForkStagingExpiry = TimeSpan.FromMinutes(5);

    private IDatabase Db => redis.GetDatabase();

    /// <summary>The cipher of a session's stored values, bound to its key space and id.</summary>
    private ItemCipher.SessionCipher Cipher(string sessionId) => cipher.ForSession($"{keys.Prefix}/{sessionId}");

    /// <returns>The new session, or null when the id is taken.</returns>
    /// <param name="maxItems">The session's item cap; null for none.</param>
    public async Task<SessionInfo?> CreateAsync(string sessionId, CreateSessionCommand command, long ttlMs, int? maxItems)
    {
        var sealer = Cipher(sessionId);
        var created = await Acknowledged(sessionId, CreateScript.RunAsync(Db, keys.Session(sessionId),
            command.UserId, Protect(sealer, command.Title), ttlMs, Protect(sealer, command.Metadata?.GetRawText()), maxItems));
        return created is null ? null : Describe(sessionId, created);
    }

    public async Task<SessionInfo?> GetInfoAsync(string sessionId) =>
        await DescribeScript.RunAsync(Db, keys.Session(sessionId)) is { } description ? Describe(sessionId, description) : null;

    /// <summary>Appends in one round trip, in order. When the session is missing and <paramref name="createOwner"/> is
    /// set, the script creates it for that user with <paramref name="createTtlMs"/> and <paramref name="createMaxItems"/>;
    /// when it is not set, the result is null.</summary>
    public async Task<IReadOnlyList<AppendOutcome>?> AppendAsync(string sessionId, IReadOnlyList<AppendItemsCommand> commands,
        IReadOnlyList<IReadOnlyList<byte[]>> itemJson, string? createOwner = null, long createTtlMs = 0, int? createMaxItems = null)
    {
        var sealer = Cipher(sessionId);
        var fingerprintKey = sealer.FingerprintKey();
        var operations = new AppendScript.Operation[commands.Count];
        for (var i = 0; i < commands.Count; i++)
        {
            var command = commands[i];
            var usage = StoredUsage.Encode(command.Usage);
            operations[i] = new AppendScript.Operation(
                command.OperationId,
                command.OperationId is null ? null : ItemFingerprint.Compute(command.Agent, command.Tokens, itemJson[i], fingerprintKey, usage),
                command.UserId,
                command.Agent,
                command.Tokens,
                command.TtlSeconds * 1000L,
                usage,
                [.. itemJson[i].Select(sealer.Protect)],
                command.MaxItems);
        }
        return await Acknowledged(sessionId, AppendScript.RunAsync(Db, keys.Session(sessionId), createOwner, createTtlMs, createMaxItems, operations));
    }

    /// <returns>The items <paramref name="query"/> asks for (its window, not its role filter or safe start), or null
    /// when the session is missing.</returns>
    public async Task<SessionItems?> ReadAsync(string sessionId, ItemsQuery query)
    {
        var read = await Acknowledged(sessionId, ReadScript.RunAsync(Db, keys.Session(sessionId), query.AfterSeq, query.Limit, query.RefreshTtl, describe: false),
            wrote: query.RefreshTtl);
        return read is null ? null : new SessionItems(JsonEntries(sessionId, read.Entries), read.LastSeq, read.Version);
    }

    /// <returns>The whole session, or null when it is missing.</returns>
    public async Task<SessionSnapshot?> LoadAsync(string sessionId, bool refreshTtl)
    {
        var read = await Acknowledged(sessionId, ReadScript.RunAsync(Db, keys.Session(sessionId), afterSeq: null, limit: null, refreshTtl, describe: true),
            wrote: refreshTtl);
        return read is null ? null : new SessionSnapshot(Describe(sessionId, read.Description!), read.Incarnation, JsonEntries(sessionId, read.Entries));
    }

    /// <summary>The item events after <paramref name="afterVersion"/> of the incarnation <paramref name="incarnation"/>,
    /// and with <paramref name="describe"/> the session's description as of the same moment.</summary>
    public async Task<EventsRead> ReadEventsAsync(string sessionId, long incarnation, long afterVersion, int maxEvents, bool refreshTtl, bool describe = false)
    {
        var read = await Acknowledged(sessionId, ReadEventsScript.RunAsync(Db, keys.Session(sessionId), incarnation, afterVersion, maxEvents, refreshTtl, describe),
            wrote: refreshTtl);
        if (read.Events is null) return new EventsRead(read.Status, read.Version, read.Incarnation, read.LastSeq);
        var events = read.Events.Select(e =>
            new SessionEvent(EventsRead.EventId(read.Incarnation, e.Version), e.Version, e.Kind, e.FirstSeq, e.LastSeq, Entries(sessionId, e.Entries))).ToList();
        return new EventsRead(read.Status, read.Version, read.Incarnation, read.LastSeq, events,
            read.Description is { } description ? Describe(sessionId, description) : null);
    }

    /// <summary>The stored items after <paramref name="afterSeq"/> as one "append" event, read in the same script as the
    /// session's version and incarnation, so a live stream that goes on after that version misses nothing and repeats
    /// nothing. No event when there are no such items.</summary>
    public async Task<EventsRead> ReadItemsAsEventAsync(string sessionId, long afterSeq)
    {
        var read = await ReadScript.RunAsync(Db, keys.Session(sessionId), afterSeq, limit: null, refreshTtl: false, describe: false);
        if (read is null) return new EventsRead(EventsReadStatus.Missing);
        var items = Entries(sessionId, read.Entries);
        SessionEvent[] events = items.Length == 0 ? []
            : [new SessionEvent(EventsRead.EventId(read.Incarnation, read.Version), read.Version, "append", items[0].Seq, items[^1].Seq, items)];
        return new EventsRead(EventsReadStatus.Ok, read.Version, read.Incarnation, read.LastSeq, events);
    }

    /// <returns>found = false when the session is missing; item = null when it has no items; the version after the pop.</returns>
    public async Task<(bool Found, StoredItem? Item, long Version)> PopAsync(string sessionId)
    {
        var (found, entry, version) = await Acknowledged(sessionId, PopScript.RunAsync(Db, keys.Session(sessionId)));
        return (found, entry is { } popped ? StoredEntry.Parse(popped, Cipher(sessionId)) : null, version);
    }

    /// <param name="expectedVersion">The version the session must still have; null for any; -1 when the caller
    /// found the precondition false (only a replay of the operation id may then succeed).</param>
    /// <param name="remove">How many of the newest items go; -1 for all.</param>
    /// <param name="fingerprintTexts">What the operation id is bound to (canonical JSON of the whole change).</param>
    public async Task<ReplaceOutcome> ReplaceAsync(string sessionId, string? operationId, string kind,
        IReadOnlyList<string> fingerprintTexts, long? expectedVersion, int remove, IReadOnlyList<string> itemTexts)
    {
        var sealer = Cipher(sessionId);
        var fingerprint = operationId is null ? null : ItemFingerprint.Compute(kind, null, fingerprintTexts, sealer.FingerprintKey());
        return await Acknowledged(sessionId, ReplaceScript.RunAsync(Db, keys.Session(sessionId), operationId, fingerprint, expectedVersion, remove,
            [.. itemTexts.Select(sealer.Protect)]));
    }

    /// <summary>Removes every item after <see cref="RewindCommand.AfterSeq"/>, once per operation id.</summary>
    public async Task<RewindOutcome> RewindAsync(string sessionId, RewindCommand command)
    {
        var fingerprint = command.OperationId is null ? null
            : ItemFingerprint.Compute("rewind", command.AfterSeq, Array.Empty<byte[]>(), Cipher(sessionId).FingerprintKey());
        return await Acknowledged(sessionId, RewindScript.RunAsync(Db, keys.Session(sessionId), command.AfterSeq, command.OperationId, fingerprint));
    }

    /// <returns>The version after the clear, or null when the session is missing.</returns>
    public async Task<long?> ClearAsync(string sessionId, bool resetAgents) =>
        await Acknowledged(sessionId, ClearScript.RunAsync(Db, keys.Session(sessionId), resetAgents));

    public async Task<SessionInfo?> TrackAgentAsync(string sessionId, string agent) =>
        await Acknowledged(sessionId, TrackAgentScript.RunAsync(Db, keys.Session(sessionId), agent)) is { } description ? Describe(sessionId, description) : null;

    /// <param name="key">One key, or null for all of them.</param>
    /// <returns>null when the session is missing; else each key with its value's version and JSON text.</returns>
    public async Task<IReadOnlyDictionary<string, (long Version, string Json)>?> GetDataAsync(string sessionId, string? key)
    {
        var stored = await GetDataScript.RunAsync(Db, keys.Session(sessionId), key);
        if (stored is null) return null;
        var sealer = Cipher(sessionId);
        var values = new Dictionary<string, (long, string)>(stored.Count);
        foreach (var (name, version, json) in stored) values[name] = (version, sealer.Unprotect(json));
        return values;
    }

    /// <param name="expectedVersion">Write only if the value is still at this version (0 = absent); null writes regardless.</param>
    /// <param name="json">The new value, or null to remove it.</param>
    public async Task<DataWriteStatus> SetDataAsync(string sessionId, string key, long? expectedVersion, string? json) =>
        await Acknowledged(sessionId, SetDataScript.RunAsync(Db, keys.Session(sessionId), key, expectedVersion, Protect(Cipher(sessionId), json)));

    /// <returns>The deleted session's owner, or null when there was nothing (of <paramref name="requiredOwner"/>'s) to delete.</returns>
    public async Task<string?> DeleteAsync(string sessionId, string? requiredOwner) =>
        await Acknowledged(sessionId, DeleteScript.RunAsync(Db, keys.Session(sessionId), requiredOwner));

    /// <returns>The session's version, TTL and data values (key → JSON) as of one moment, or null when it is missing.</returns>
    public async Task<(long Version, long TtlMs, IReadOnlyDictionary<string, string> Data)?> SnapshotStateAsync(string sessionId)
    {
        if (await SnapshotStateScript.RunAsync(Db, keys.Session(sessionId)) is not { } state) return null;
        var sealer = Cipher(sessionId);
        var data = state.Data.ToDictionary(d => d.Key, d => sealer.Unprotect(d.Value[(d.Value.IndexOf('|') + 1)..]));
        return (state.Version, state.TtlMs, data);
    }

    /// <summary>Creates <paramref name="sessionId"/> as a fork holding <paramref name="snapshot"/>'s items and data.
    /// Items beyond one script's share are staged first (<see cref="ForkStageScript"/>); the last script makes the
    /// session appear whole, or not at all. One acknowledgement wait, after it, covers the staged chunks too.</summary>
    /// <param name="fingerprint">What the operation id is bound to (<see cref="ForkFingerprint"/>).</param>
    /// <returns>The new session, or null when the id is taken.</returns>
    /// <exception cref="SessionStoreUnavailableException">the staged chunks expired before the last script ran.</exception>
    public async Task<SessionInfo?> ForkAsync(string sessionId, string sourceSessionId, ForkSnapshot snapshot, string userId, string? title,
        long ttlMs, string? metadata, string? operationId, string? fingerprint)
    {
        var sealer = Cipher(sessionId);
        var staging = keys.ForkStaging(sessionId);
        var entries = new List<RedisValue>();
        long staged = 0, bytes = 0;
        foreach (var item in snapshot.Items)
        {
            if (entries.Count / 2 >= ForkItemsPerScript || bytes >= ForkBytesPerScript)
            {
                await ForkStageScript.RunAsync(Db, staging, ForkStagingExpiry, entries);
                staged += entries.Count / 2;
                entries.Clear();
                bytes = 0;
            }
            var json = sealer.Protect(item.Json);
            var prefix = Encoding.UTF8.GetBytes($"{item.Seq}|{item.CreatedAt.ToUnixTimeMilliseconds()}|");
            entries.Add(item.Seq);
            entries.Add((RedisValue)(byte[])[.. prefix, .. json]);
            bytes += prefix.Length + json.Length;
        }
        var data = snapshot.Data.SelectMany(d => new RedisValue[] { d.Key, "1|" + sealer.Protect(d.Value) }).ToList();
        var (first, last) = snapshot.Items.Count == 0 ? (0L, 0L) : (snapshot.Items[0].Seq, snapshot.Items[^1].Seq);
        var fork = new ForkScript.Fork(userId, Protect(sealer, title), ttlMs, Protect(sealer, metadata), sourceSessionId, snapshot.ThroughSeq,
            snapshot.CurrentAgent, operationId, fingerprint, first, last, staged, snapshot.AgentsUsed, data, entries);
        var (status, created) = await Acknowledged(sessionId, ForkScript.RunAsync(Db, keys.Session(sessionId), staging, fork));
        return status switch
        {
            ForkScript.Status.Created => Describe(sessionId, created!),
            ForkScript.Status.Exists => null,
            _ => throw new SessionStoreUnavailableException("A fork's staged items expired before it completed; nothing was written."),
        };
    }

    /// <returns>The fingerprint an operation id of the session was recorded with, or null when it was not.</returns>
    public async Task<string?> OperationFingerprintAsync(string sessionId, string operationId) =>
        (string?)await Db.HashGetAsync(keys.Session(sessionId)[2], operationId) is { } recorded ? recorded[..recorded.IndexOf('|')] : null;

    /// <summary>The fingerprint a fork's operation id is recorded with: a hash of the fork's request.</summary>
    public string ForkFingerprint(string sessionId, IReadOnlyList<string> fingerprintTexts) =>
        ItemFingerprint.Compute("fork", null, fingerprintTexts, Cipher(sessionId).FingerprintKey());

    public async Task<string?> GetOwnerAsync(string sessionId) =>
        await Db.HashGetAsync(keys.SessionMeta(sessionId), "userId");

    public Task PingAsync() => Db.PingAsync();

    /// <summary>The script's result once its write is acknowledged; <paramref name="wrote"/> false for a call that only read.</summary>
    private async Task<T> Acknowledged<T>(string sessionId, Task<T> script, bool wrote = true)
    {
        var result = await script;
        if (wrote) await acknowledgement.AfterWriteAsync(keys.SessionMeta(sessionId));
        return result;
    }

    private StoredItem[] Entries(string sessionId, RedisValue[] entries)
    {
        var sealer = Cipher(sessionId);
        return Array.ConvertAll(entries, entry => StoredEntry.Parse(entry, sealer));
    }

    private SessionItem[] JsonEntries(string sessionId, RedisValue[] entries)
    {
        var sealer = Cipher(sessionId);
        return Array.ConvertAll(entries, entry => StoredEntry.ParseJson(entry, sealer));
    }

    private SessionInfo Describe(string sessionId, StoredDescription description) =>
        SessionDescription.Parse(sessionId, description, Cipher(sessionId).Unprotect);

    /// <returns>The text as stored: encrypted when encryption is on; null for none.</returns>
    private static string? Protect(ItemCipher.SessionCipher sealer, string? text) => text is null or "" ? null : sealer.Protect(text);
}
