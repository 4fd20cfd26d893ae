using OrleansSessions.Grains.Storage;
using StackExchange.Redis;

namespace OrleansSessions.Grains.Caching;

/// <summary>
/// Tells a silo's session activations of changes to their sessions, whoever made them: every script publishes
/// "&lt;createdAt&gt;.&lt;version&gt;" (or "deleted") on the session's channel, and each activation that caches its
/// session subscribes to that channel on the silo's one connection. Messages published while the subscription
/// connection was down are lost, so <see cref="Epoch"/> moves whenever it drops or comes back: a cache synced in an
/// earlier epoch, or while its channel was not subscribed, must read from Redis before it answers again.
/// </summary>
public sealed class SessionChangeFeed
{
    private readonly IConnectionMultiplexer _redis;
    private long _epoch;

    public SessionChangeFeed(IConnectionMultiplexer redis)
    {
        _redis = redis;
        redis.ConnectionFailed += OnConnectionChanged;
        redis.ConnectionRestored += OnConnectionChanged;
    }

    /// <summary>An epoch the feed never has: memory synced while its channel was not subscribed.</summary>
    public const long NotListening = -1;

    public long Epoch => Volatile.Read(ref _epoch);

    /// <summary>Whether the server has confirmed the session's channel subscription on the current connection (after
    /// a reconnection, StackExchange.Redis subscribes again on its own, and this is false until the server answers).</summary>
    public bool IsListening(RedisKeys keys, string sessionId) =>
        _redis.GetSubscriber().SubscribedEndpoint(keys.SessionChannel(sessionId)) is not null;

    /// <summary>Calls <paramref name="onChange"/> with each message of the session's channel until disposed; the
    /// subscription is in place when the returned task completes.</summary>
    public async Task<IAsyncDisposable> WatchAsync(RedisKeys keys, string sessionId, Action<RedisValue> onChange)
    {
        var channel = keys.SessionChannel(sessionId);
        Action<RedisChannel, RedisValue> handler = (_, message) => onChange(message);
        await _redis.GetSubscriber().SubscribeAsync(channel, handler);
        return new Subscription(_redis, channel, handler);
    }

    private void OnConnectionChanged(object? sender, ConnectionFailedEventArgs change)
    {
        if (change.ConnectionType == ConnectionType.Subscription) Interlocked.Increment(ref _epoch);
    }

    private sealed class Subscription(IConnectionMultiplexer redis, RedisChannel channel, Action<RedisChannel, RedisValue> handler) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (!redis.IsConnected) return; // the subscription went with the connection
            try
            {
                await redis.GetSubscriber().UnsubscribeAsync(channel, handler);
            }
            catch (RedisException)
            {
                // The connection dropped meanwhile; it carries no subscription back when it returns.
            }
        }
    }
}
