using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OrleansSessions.Abstractions;
using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage;

/// <summary>One Redis key space: its key names, session store and user index.</summary>
public sealed record KeyScope(string? KeyPrefix, RedisKeys Keys, RedisSessionStore Sessions, RedisUserIndex Users)
{
    /// <summary>The key of the grain that holds <paramref name="id"/> in this key space.</summary>
    public string GrainKey(string id) => GrainKeys.Scoped(KeyPrefix, id);
}

/// <summary>The key spaces this silo serves: the default one and one per tenant prefix, made on first use.</summary>
public sealed class KeyScopes(IConnectionMultiplexer redis, IOptions<SessionStoreOptions> options, ItemCipher cipher)
{
    private readonly ConcurrentDictionary<string, KeyScope> _scopes = new();

    public KeyScope Default => For(null);

    /// <summary>The key space of <paramref name="keyPrefix"/>; the default prefix is the default space, so one
    /// session never has two grain keys.</summary>
    public KeyScope For(string? keyPrefix)
    {
        var named = keyPrefix == options.Value.KeyPrefix ? null : keyPrefix;
        return _scopes.GetOrAdd(named ?? "", _ =>
        {
            var keys = new RedisKeys(named ?? options.Value.KeyPrefix);
            return new KeyScope(named, keys, new RedisSessionStore(redis, keys, cipher), new RedisUserIndex(redis, keys));
        });
    }

    /// <summary>The key space a grain key names, and the id within it; the default space is named only without a prefix.</summary>
    public (KeyScope Scope, string Id) Of(string grainKey)
    {
        var (keyPrefix, id) = GrainKeys.Split(grainKey);
        if (keyPrefix is not null && keyPrefix == options.Value.KeyPrefix)
        {
            // The same session under a second grain key would have a second activation, and a second writer.
            throw new InvalidSessionRequestException("keyPrefix",
                $"'{keyPrefix}' is the silos' default key space (Sessions:KeyPrefix); address it without a key prefix.");
        }
        return (For(keyPrefix), id);
    }
}
