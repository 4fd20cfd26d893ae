using OrleansSessions.Grains.Storage;
using StackExchange.Redis;

namespace OrleansSessions.Grains.Caching;

/// <summary>
/// Tells a silo of changes to its sessions, whoever made them: every script publishes
/// "&lt;createdAt&gt;.&lt;version&gt;" (or "deleted") on the session's channel. The silo holds one subscription per
/// session channel on its one connection, shared by everything here that watches the session (its activation's cache,
/// the live event streams of its clients) and dropped with the last of them. Messages published while the
/// subscription connection was down are lost, so <see cref="Epoch"/> moves whenever it drops or comes back: a cache
/// synced in an earlier epoch, or while its channel was not subscribed, must read from Redis before it answers again.
/// </summary>
public sealed class SessionChangeFeed
{
    private readonly IConnectionMultiplexer _redis;
    private readonly Dictionary<string, Channel> _channels = [];
    private readonly Lock _lock = new();
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
    internal bool IsListening(RedisKeys keys, string sessionId) =>
        _redis.GetSubscriber().SubscribedEndpoint(keys.SessionChannel(sessionId)) is not null;

    /// <summary>Calls <paramref name="onChange"/> with each message of the session's channel until disposed; the
    /// subscription is in place when the returned task completes.</summary>
    internal async Task<IAsyncDisposable> WatchAsync(RedisKeys keys, string sessionId, Action<RedisValue> onChange) =>
        await SubscribeAsync(keys, sessionId, onChange);

    /// <summary>A wake-up at each change of the session until disposed (a live stream's: it carries nothing, and the
    /// stream then reads the ordered event log, so a missed or doubled one never loses or repeats an event); the
    /// subscription is in place when the returned task completes.</summary>
    public async Task<Watch> WatchAsync(KeyScope scope, string sessionId) =>
        await SubscribeAsync(scope.Keys, sessionId, onChange: null);

    private async Task<Watch> SubscribeAsync(RedisKeys keys, string sessionId, Action<RedisValue>? onChange)
    {
        var name = keys.SessionChannel(sessionId);
        Channel channel;
        Watch watch;
        lock (_lock)
        {
            if (!_channels.TryGetValue(name!, out channel!))
            {
                _channels[name!] = channel = new Channel(name);
                channel.Subscribed = _redis.GetSubscriber().SubscribeAsync(channel.Name, channel.OnMessage);
            }
            watch = new Watch(this, channel, onChange);
            channel.Add(watch);
        }
        try
        {
            await channel.Subscribed;
        }
        catch
        {
            await watch.DisposeAsync();
            throw;
        }
        return watch;
    }

    private async Task ReleaseAsync(Channel channel, Watch watch)
    {
        lock (_lock)
        {
            if (!channel.Remove(watch)) return;
            _channels.Remove(channel.Name!);
        }
        if (!_redis.IsConnected) return; // the subscription went with the connection
        try
        {
            await _redis.GetSubscriber().UnsubscribeAsync(channel.Name, channel.OnMessage);
        }
        catch (RedisException)
        {
            // The connection dropped meanwhile; it carries no subscription back when it returns.
        }
    }

    private void OnConnectionChanged(object? sender, ConnectionFailedEventArgs change)
    {
        if (change.ConnectionType == ConnectionType.Subscription) Interlocked.Increment(ref _epoch);
    }

    /// <summary>One session channel's subscription and the watches that share it.</summary>
    internal sealed class Channel
    {
        private Watch[] _watches = [];

        public Channel(RedisChannel name)
        {
            Name = name;
            OnMessage = (_, message) =>
            {
                foreach (var watch in Volatile.Read(ref _watches)) watch.Announce(message);
            };
        }

        public RedisChannel Name { get; }

        public Action<RedisChannel, RedisValue> OnMessage { get; }

        public Task Subscribed { get; set; } = Task.CompletedTask;

        /// <summary>Called under the feed's lock.</summary>
        public void Add(Watch watch) => Volatile.Write(ref _watches, [.. _watches, watch]);

        /// <summary>Called under the feed's lock; whether that was the last watch.</summary>
        public bool Remove(Watch watch)
        {
            Volatile.Write(ref _watches, [.. _watches.Where(w => w != watch)]);
            return _watches.Length == 0;
        }
    }

    /// <summary>What one watcher hears of its session's channel, until it disposes it.</summary>
    public sealed class Watch : IAsyncDisposable
    {
        private readonly SessionChangeFeed _feed;
        private readonly Channel _channel;
        private readonly Action<RedisValue>? _onChange;
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _disposed;

        internal Watch(SessionChangeFeed feed, Channel channel, Action<RedisValue>? onChange)
        {
            _feed = feed;
            _channel = channel;
            _onChange = onChange;
        }

        /// <summary>Completes at the next change after this call; take it before reading, await it after.</summary>
        public Task NextChange => Volatile.Read(ref _next).Task;

        internal void Announce(RedisValue message)
        {
            _onChange?.Invoke(message);
            Interlocked.Exchange(ref _next, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }

        public ValueTask DisposeAsync() =>
            Interlocked.Exchange(ref _disposed, 1) == 0 ? new(_feed.ReleaseAsync(_channel, this)) : ValueTask.CompletedTask;
    }
}
