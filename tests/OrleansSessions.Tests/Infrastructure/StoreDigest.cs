using System.Text;
using StackExchange.Redis;

namespace OrleansSessions.Tests.Infrastructure;

/// <summary>A text digest of every data key under a prefix (tenants' prefixes beneath it included), with its type and contents, to prove a request changed nothing.</summary>
public static class StoreDigest
{
    public static async Task<string> TakeAsync(ConnectionMultiplexer redis, string prefix)
    {
        var db = redis.GetDatabase();
        var keys = redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: prefix + ":*", pageSize: 1000)
            .Select(k => (string)k!).Where(k => !k.Contains("{silos}", StringComparison.Ordinal)) // silo heartbeats, not stored data
            .Order(StringComparer.Ordinal).ToList();
        var digest = new StringBuilder();
        foreach (var key in keys)
        {
            var type = await db.KeyTypeAsync(key);
            digest.Append(key).Append(' ').Append(type).Append(':');
            switch (type)
            {
                case RedisType.Hash:
                    foreach (var entry in (await db.HashGetAllAsync(key)).OrderBy(e => (string)e.Name!, StringComparer.Ordinal))
                        digest.Append(entry.Name).Append('=').Append(entry.Value).Append(';');
                    break;
                case RedisType.SortedSet:
                    foreach (var entry in await db.SortedSetRangeByRankWithScoresAsync(key))
                        digest.Append(entry.Score).Append('=').Append(entry.Element).Append(';');
                    break;
                default:
                    digest.Append("unexpected type");
                    break;
            }
            digest.AppendLine();
        }
        return digest.ToString();
    }
}
