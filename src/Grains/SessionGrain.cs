using System.Text.Json;
using Microsoft.Extensions.Options;
using OrleansSessions.Abstractions;
using OrleansSessions.Grains.Caching;
using OrleansSessions.Grains.Storage;

namespace OrleansSessions.Grains;

/// <summary>
/// One conversation. Turns are serialized per activation; across silos each mutation is a single script, so
/// Redis orders them. Cross-grain order (invariant 9): the owner's index entry is written before a session is
/// created and removed after it is deleted, so a crash in between leaves only an entry that listings prune.
/// </summary>
public sealed class SessionGrain(
    string sessionId, RedisSessionStore store, RedisUserIndex userIndex, CachedSessionItems items, IOptions<SessionStoreOptions> options)
    : ISessionGrain, IDisposable
{
    public void Dispose() => items.Dispose();

    private long DefaultTtlMs => (options.Value.DefaultTtlSeconds ?? 0) * 1000L;

    public async Task<SessionInfo> CreateAsync(CreateSessionCommand command, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Checked first so a refused create leaves every index as it was.
        if (await store.GetOwnerAsync(sessionId) is not null) throw new SessionAlreadyExistsException(sessionId);
        await userIndex.AddAsync(command.UserId, sessionId);
        var ttlMs = command.TtlSeconds is { } seconds ? seconds * 1000L : DefaultTtlMs;
        return await store.CreateAsync(sessionId, command, ttlMs) ?? throw new SessionAlreadyExistsException(sessionId);
    }

    public async Task<SessionInfo> GetInfoAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await store.GetInfoAsync(sessionId) ?? throw new SessionNotFoundException(sessionId);
    }

    public async Task<AppendResult> AppendAsync(AppendItemsCommand command, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var call = new PendingCall<AppendItemsCommand, AppendResult>(command);
        await AppendBatchAsync([call]);
        return await call.Result;
    }

    /// <summary>Group commit: the appends queued behind the last turn go to Redis in one script, each keeping its own
    /// operation id, contiguous seqs and result; the owner's index is touched once for all of them.</summary>
    public async Task AppendBatchAsync(IReadOnlyList<PendingCall<AppendItemsCommand, AppendResult>> appends)
    {
        var commands = appends.Select(a => a.Request).ToList();
        var texts = commands.Select(c => (IReadOnlyList<string>)c.Items.Select(i => i.GetRawText()).ToArray()).ToList();
        var outcomes = await store.AppendAsync(sessionId, commands, texts);
        if (outcomes is null)
        {
            // No such session: the first append that names a user creates it for them, after their index entry.
            if (commands.FirstOrDefault(c => c.UserId is not null) is not { UserId: { } creatorId } creator)
            {
                foreach (var append in appends) append.Fail(new SessionNotFoundException(sessionId));
                return;
            }
            await userIndex.AddAsync(creatorId, sessionId);
            outcomes = await store.AppendAsync(sessionId, commands, texts, creatorId, creator.TtlSeconds * 1000L ?? DefaultTtlMs)
                ?? throw new InvalidOperationException("The append script did not create the session it was allowed to.");
        }
        for (var i = 0; i < appends.Count; i++)
        {
            if (outcomes[i].Status == AppendStatus.Appended) items.Appended(outcomes[i], appends[i].Request.Items);
        }
        if (outcomes.FirstOrDefault(o => o.Status == AppendStatus.Appended)?.Owner is { } owner) await userIndex.TouchAsync(owner, sessionId);
        for (var i = 0; i < appends.Count; i++)
        {
            try
            {
                appends[i].Complete(Result(outcomes[i], appends[i].Request));
            }
            catch (Exception error) when (error is SessionNotFoundException or OperationIdConflictException)
            {
                appends[i].Fail(error);
            }
        }
    }

    private AppendResult Result(AppendOutcome outcome, AppendItemsCommand command) => outcome.Status switch
    {
        AppendStatus.NotOwner => throw new SessionNotFoundException(sessionId),
        AppendStatus.Conflict => throw new OperationIdConflictException(command.OperationId!),
        _ => new AppendResult(outcome.FirstSeq, outcome.LastSeq, (int)(outcome.LastSeq - outcome.FirstSeq + 1)),
    };

    /// <summary>For a suffix precondition, the newest items are compared here (structurally) and the script then
    /// replaces them only if the session's version is still the one they were read at; another silo's change in
    /// between makes it read and compare again.</summary>
    public async Task<AppendResult> ChangeHistoryAsync(HistoryChangeCommand command, CancellationToken cancellationToken)
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
                var newest = await items.ReadAsync(new ItemsQuery(Limit: expected.Count));
                var matches = newest.Items.Count == expected.Count
                    && newest.Items.Select(i => i.Item).Zip(expected).All(pair => JsonElement.DeepEquals(pair.First, pair.Second));
                expectedVersion = matches ? newest.Version : -1;
            }
            var remove = command.ReplaceAll ? -1 : expected.Count;
            var outcome = await store.ReplaceAsync(sessionId, command.OperationId, kind, fingerprintTexts, expectedVersion, remove, texts);
            switch (outcome.Status)
            {
                case ReplaceStatus.Stale:
                    continue;
                case ReplaceStatus.Missing:
                    throw new SessionNotFoundException(sessionId);
                case ReplaceStatus.Conflict:
                    throw new OperationIdConflictException(command.OperationId!);
                case ReplaceStatus.Mismatch:
                    throw new HistoryPreconditionFailedException(sessionId);
                case ReplaceStatus.Replaced:
                    await userIndex.TouchAsync(outcome.Owner!, sessionId);
                    break;
            }
            return new AppendResult(outcome.FirstSeq, outcome.LastSeq, (int)(outcome.LastSeq - outcome.FirstSeq + 1));
        }
    }

    public Task<ItemsPage> ReadAsync(ItemsQuery query, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return items.ReadAsync(query);
    }

    public async Task<StoredItem?> PopAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (found, item, version) = await store.PopAsync(sessionId);
        if (!found) throw new SessionNotFoundException(sessionId);
        if (item is not null) items.Popped(version, item);
        return item;
    }

    public async Task ClearAsync(bool resetAgents, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        items.Cleared(await store.ClearAsync(sessionId, resetAgents) ?? throw new SessionNotFoundException(sessionId));
    }

    public async Task<SessionInfo> TrackAgentAsync(string agent, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await store.TrackAgentAsync(sessionId, agent) ?? throw new SessionNotFoundException(sessionId);
    }

    public async Task<IReadOnlyDictionary<string, JsonElement>> GetAllDataAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var values = await store.GetDataAsync(sessionId, key: null) ?? throw new SessionNotFoundException(sessionId);
        return values.ToDictionary(v => v.Key, v => Parse(v.Value.Json));
    }

    public async Task<JsonElement?> GetDataAsync(string key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var values = await store.GetDataAsync(sessionId, key) ?? throw new SessionNotFoundException(sessionId);
        return values.TryGetValue(key, out var value) ? Parse(value.Json) : null;
    }

    public async Task SetDataAsync(string key, JsonElement? value, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (await store.SetDataAsync(sessionId, key, expectedVersion: null, value?.GetRawText()) == DataWriteStatus.Missing)
        {
            throw new SessionNotFoundException(sessionId);
        }
    }

    /// <summary>Read, change in memory, then write only if no other silo wrote the value meanwhile; else again.</summary>
    public async Task<JsonElement> UpdateDataAsync(
        string key, IReadOnlyList<string> path, JsonElement value, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var values = await store.GetDataAsync(sessionId, key) ?? throw new SessionNotFoundException(sessionId);
            var (version, current) = values.TryGetValue(key, out var found) ? found : (0, "{}");
            var updated = JsonPathUpdate.Apply(current, path, value);
            switch (await store.SetDataAsync(sessionId, key, version, updated))
            {
                case DataWriteStatus.Written:
                    return Parse(updated);
                case DataWriteStatus.Missing:
                    throw new SessionNotFoundException(sessionId);
            }
        }
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public async Task<bool> DeleteAsync(string? requiredOwner, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var owner = await store.DeleteAsync(sessionId, requiredOwner);
        if (owner is null) return false;
        await userIndex.RemoveAsync(owner, sessionId);
        return true;
    }
}
