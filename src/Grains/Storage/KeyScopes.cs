using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using OrleansSessions.Abstractions;
using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage;

/// <summary>One Redis key space: its key names, session store and user index (those three seen only inside the
/// grains' assembly; the host names a key space and reaches its storage through the services that take one).</summary>
public sealed record KeyScope
{
    internal KeyScope(string? keyPrefix, RedisKeys keys, RedisSessionStore sessions, RedisUserIndex users) =>
        (KeyPrefix, Keys, Sessions, Users) = (keyPrefix, keys, sessions, users);

    public string? KeyPrefix { get; }

    internal RedisKeys Keys { get; }

    internal RedisSessionStore Sessions { get; }

    internal RedisUserIndex Users { get; }

    /// <summary>The key of the grain that holds <paramref name="id"/> in this key space.</summary>
    public string GrainKey(string id) => GrainKeys.Scoped(KeyPrefix, id);
}

/// <summary>The key spaces this silo serves: the default one and one per tenant prefix, made on first use.</summary>
public sealed class KeyScopes
{
    private readonly ConcurrentDictionary<string, KeyScope> _scopes = new();
    private readonly IConnectionMultiplexer _redis;
    private readonly IOptions<SessionStoreOptions> _options;
    private readonly ItemCipher _cipher;
    private readonly ReplicatedAcknowledgement _acknowledgement;

    internal KeyScopes(IConnectionMultiplexer redis, IOptions<SessionStoreOptions> options, ItemCipher cipher, ReplicatedAcknowledgement acknowledgement) =>
        (_redis, _options, _cipher, _acknowledgement) = (redis, options, cipher, acknowledgement);

    public KeyScope Default => For(null);

    /// <summary>The key space of <paramref name="keyPrefix"/>; the default prefix is the default space, so one
    /// session never has two grain keys.</summary>
    public KeyScope For(string? keyPrefix)
    {
        var named = keyPrefix == _options.Value.KeyPrefix ? null : keyPrefix;
        return _scopes.GetOrAdd(named ?? "", _ =>
        {
            var keys = new RedisKeys(named ?? _options.Value.KeyPrefix);
            return new KeyScope(named, keys, new RedisSessionStore(_redis, keys, _cipher, _acknowledgement),
                new RedisUserIndex(_redis, keys, _acknowledgement));
        });
    }

    /// <summary>The key space a grain key names, and the id within it; the default space is named only without a prefix.</summary>
    public (KeyScope Scope, string Id) Of(string grainKey)
    {
        var (keyPrefix, id) = GrainKeys.Split(grainKey);
        if (keyPrefix is not null && keyPrefix == _options.Value.KeyPrefix)
        {
            // The same session under a second grain key would have a second activation, and a second writer.
            throw new InvalidSessionRequestException("keyPrefix",
                $"'{keyPrefix}' is the silos' default key space (Sessions:KeyPrefix); address it without a key prefix.");
        }
        return (For(keyPrefix), id);
    }
}
