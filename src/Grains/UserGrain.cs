using Microsoft.Extensions.Options;
using OrleansSessions.Abstractions;
using OrleansSessions.Grains.Storage;
using OrleansSessions.Contracts;

namespace OrleansSessions.Grains;

/// <summary>
/// One user's conversation index. Entries whose session is gone (deleted, expired, or never finished being
/// created) are skipped on read and pruned once past the grace period. Calls go only from this grain to
/// session grains, never back, so calls cannot wait on each other in a cycle.
/// </summary>
public sealed class UserGrain : Grain, IUserGrain
{
    private readonly string userId;
    private readonly KeyScope scope;
    private readonly IOptions<SessionStoreOptions> options;

    public UserGrain(KeyScopes scopes, IOptions<SessionStoreOptions> options)
    {
        (scope, userId) = scopes.Of(this.GetPrimaryKeyString());
        this.options = options;
    }

    private RedisSessionStore Store => scope.Sessions;

    private RedisUserIndex Index => scope.Users;

    private const int ScanBatch = 200;

    public async Task<SessionListPage> ListSessionsAsync(int limit, string? cursor, CancellationToken cancellationToken)
    {
        var after = cursor is null ? (SessionListCursor?)null : SessionListCursor.Parse(cursor);
        var found = new List<(SessionInfo Info, long Activity)>(limit + 1);
        var dead = new List<string>();
        long skip = 0;
        while (found.Count <= limit)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var take = Math.Min(ScanBatch, limit + 1 - found.Count);
            var entries = await Index.RangeAsync(userId, after?.Activity, skip, take);
            skip += entries.Count;
            var candidates = entries.Where(e => after is not { } a || e.Activity < a.Activity
                || string.CompareOrdinal(e.SessionId, a.SessionId) < 0).ToList();
            var infos = await Task.WhenAll(candidates.Select(e => Store.GetInfoAsync(e.SessionId)));
            for (var i = 0; i < candidates.Count; i++)
            {
                if (infos[i] is { } info && info.UserId == userId) found.Add((info, candidates[i].Activity));
                else dead.Add(candidates[i].SessionId);
            }
            if (entries.Count < take) break;
        }
        await Index.PruneAsync(userId, dead, options.Value.IndexPruneGrace);

        var page = found.Take(limit).ToList();
        var next = found.Count > limit ? new SessionListCursor(page[^1].Activity, page[^1].Info.SessionId).ToString() : null;
        return new SessionListPage(page.Select(p => p.Info).ToList(), next);
    }

    public async Task<int> EraseAsync(CancellationToken cancellationToken)
    {
        var deleted = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entries = await Index.RangeAsync(userId, null, 0, ScanBatch);
            if (entries.Count == 0) return deleted;
            var results = await Task.WhenAll(entries.Select(e =>
                GrainFactory.GetGrainByKey<ISessionGrain>(scope.GrainKey(e.SessionId)).DeleteAsync(userId, cancellationToken)));
            deleted += results.Count(r => r);
            // Entries of sessions that were gone or not this user's are dropped here; deleted ones already were.
            await Task.WhenAll(entries.Select(e => Index.RemoveAsync(userId, e.SessionId)));
        }
    }
}
