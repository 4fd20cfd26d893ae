using Microsoft.Extensions.Options;
using OrleansSessions.Abstractions;
using OrleansSessions.Grains.Caching;
using OrleansSessions.Grains.Storage;
using OrleansSessions.Contracts;

namespace OrleansSessions.Tests;

public sealed class SessionCacheBudgetTests
{
    private static CachedSession Cache(string id) => new(new SessionSnapshot(
        new SessionInfo(id, "owner", null, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, 1, 1, 1, null, [], null, null),
        Incarnation: 1, [new SessionItem(1, DateTimeOffset.UnixEpoch, new byte[400])]));

    [Fact]
    public void Past_its_bound_the_budget_lets_go_of_the_least_recently_used_caches_first()
    {
        var budget = new SessionCacheBudget(Options.Create(new SessionCacheOptions { MaxTotalBytes = 1024 })); // two of these fit
        var (a, b, c, d) = (Cache("a"), Cache("b"), Cache("c"), Cache("d"));

        budget.Touch(a);
        budget.Touch(b);
        budget.Touch(a); // a is now the more recently used
        budget.Touch(c);
        Assert.Equal([false, true, false], new[] { a, b, c }.Select(x => x.Evicted));
        Assert.Equal(a.Bytes + c.Bytes, budget.TotalBytes);

        budget.Touch(c);
        budget.Touch(d); // a is the least recently used now
        Assert.Equal([true, true, false, false], new[] { a, b, c, d }.Select(x => x.Evicted));
        Assert.Equal(c.Bytes + d.Bytes, budget.TotalBytes);

        budget.Release(c);
        Assert.Equal(d.Bytes, budget.TotalBytes);
    }
}
