using Microsoft.Extensions.Options;
using OrleansSessions.Abstractions;
using OrleansSessions.Grains.Storage;

namespace OrleansSessions.Grains;

/// <summary>
/// One conversation. Turns are serialized per activation; across silos each mutation is a single script, so
/// Redis orders them. Cross-grain order (invariant 9): the owner's index entry is written before a session is
/// created and removed after it is deleted, so a crash in between leaves only an entry that listings prune.
/// </summary>
public sealed class SessionGrain(
    string sessionId, RedisSessionStore store, RedisUserIndex userIndex, IOptions<SessionStoreOptions> options)
    : ISessionGrain
{
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
        var texts = command.Items.Select(item => item.GetRawText()).ToArray();
        var outcome = await store.AppendAsync(sessionId, command, texts, createOwner: null, createTtlMs: 0);
        if (outcome.Status == AppendStatus.Missing && command.UserId is { } owner)
        {
            await userIndex.AddAsync(owner, sessionId);
            outcome = await store.AppendAsync(sessionId, command, texts, createOwner: owner, DefaultTtlMs);
        }
        switch (outcome.Status)
        {
            case AppendStatus.Missing or AppendStatus.NotOwner:
                throw new SessionNotFoundException(sessionId);
            case AppendStatus.Conflict:
                throw new OperationIdConflictException(command.OperationId!);
            case AppendStatus.Appended:
                await userIndex.TouchAsync(outcome.Owner!, sessionId, outcome.UpdatedAtMs);
                break;
        }
        return new AppendResult(outcome.FirstSeq, outcome.LastSeq, (int)(outcome.LastSeq - outcome.FirstSeq + 1));
    }

    public async Task<ItemsPage> ReadAsync(ItemsQuery query, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return await store.ReadAsync(sessionId, query) ?? throw new SessionNotFoundException(sessionId);
    }

    public async Task<StoredItem?> PopAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var (found, item) = await store.PopAsync(sessionId);
        return found ? item : throw new SessionNotFoundException(sessionId);
    }

    public async Task ClearAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!await store.ClearAsync(sessionId)) throw new SessionNotFoundException(sessionId);
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
