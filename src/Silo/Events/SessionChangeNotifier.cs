using OrleansSessions.Grains.Storage;
using StackExchange.Redis;

namespace OrleansSessions.Silo.Events;

/// <summary>
/// Wakes the live streams of this silo when their session changes, on any silo: one Redis subscription per session
/// that has watchers here, shared by them and dropped with the last. A wake-up carries nothing; the stream then
/// reads the ordered event log, so a missed or doubled notification never loses or repeats an event.
/// </summary>
public sealed class SessionChangeNotifier(IConnectionMultiplexer redis)
{
    private readonly Dictionary<string, Channel> _channels = [];
    private readonly Lock _lock = new();

    /// <param name="keys">The key space of the session.</param>
    public async Task<Watch> WatchAsync(RedisKeys keys, string sessionId)
    {
        var name = keys.SessionChannel(sessionId);
        Channel channel;
        lock (_lock)
        {
            if (!_channels.TryGetValue(name!, out channel!))
            {
                _channels[name!] = channel = new Channel(name);
                channel.Subscribed = redis.GetSubscriber().SubscribeAsync(channel.Name, channel.OnMessage);
            }
            channel.Watchers++;
        }
        await channel.Subscribed;
        return new Watch(this, channel);
    }

    private async Task ReleaseAsync(Channel channel)
    {
        lock (_lock)
        {
            if (--channel.Watchers > 0) return;
            _channels.Remove(channel.Name!);
        }
        if (!redis.IsConnected) return; // shutting down: the subscriptions go with the connection
        try
        {
            await redis.GetSubscriber().UnsubscribeAsync(channel.Name, channel.OnMessage);
        }
        catch (RedisConnectionException)
        {
            // The connection dropped; it carries no subscription back when it returns.
        }
    }

    /// <summary>One stream's view of its session's changes.</summary>
    public sealed class Watch(SessionChangeNotifier notifier, Channel channel) : IAsyncDisposable
    {
        /// <summary>Completes at the next change after this call; take it before reading, await it after.</summary>
        public Task NextChange => channel.NextChange;

        public ValueTask DisposeAsync() => new(notifier.ReleaseAsync(channel));
    }

    public sealed class Channel
    {
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Channel(RedisChannel name)
        {
            Name = name;
            OnMessage = (_, _) => Interlocked.Exchange(ref _next, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }

        public RedisChannel Name { get; }

        public Action<RedisChannel, RedisValue> OnMessage { get; }

        public Task Subscribed { get; set; } = Task.CompletedTask;

        public int Watchers { get; set; }

        public Task NextChange => Volatile.Read(ref _next).Task;
    }
}
