using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansSessions.Grains.Storage;

/// <summary>
/// Moves sessions up their owners' listings off the append's critical path: a write notes the session's new activity
/// here, and every <see cref="SessionStoreOptions.IndexTouchInterval"/> the silo raises the index entries of all the
/// sessions noted since, one script call per user. An entry is only ever raised, never added, so a late touch cannot
/// bring back a deleted session. A crash loses at most the touches of one interval: a listing's order may lag by that
/// much, while every live session stays listed (its entry is written before the session is created).
/// </summary>
public sealed partial class UserIndexTouches(IOptions<SessionStoreOptions> options, ILogger<UserIndexTouches> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _flushing = new(1, 1); // a flush returns only after any flush already under way
    private Dictionary<(RedisUserIndex Index, string UserId), Dictionary<string, long>> _pending = [];
    private readonly CancellationTokenSource _stop = new();
    private Task _flusher = Task.CompletedTask;

    /// <param name="activityUs">When the session was last written, in µs of Redis server time.</param>
    internal void Touch(RedisUserIndex index, string userId, string sessionId, long activityUs)
    {
        lock (_lock)
        {
            if (!_pending.TryGetValue((index, userId), out var sessions)) _pending[(index, userId)] = sessions = [];
            if (!sessions.TryGetValue(sessionId, out var known) || known < activityUs) sessions[sessionId] = activityUs;
        }
    }

    /// <summary>Writes every touch noted so far, after any flush already under way has written its own, so every touch
    /// noted before the call is in Redis when it returns; the ones Redis refused are kept for the next flush.</summary>
    public async Task FlushAsync()
    {
        await _flushing.WaitAsync();
        try
        {
            Dictionary<(RedisUserIndex Index, string UserId), Dictionary<string, long>> taken;
            lock (_lock)
            {
                if (_pending.Count == 0) return;
                (taken, _pending) = (_pending, []);
            }
            await Task.WhenAll(taken.Select(async user =>
            {
                try
                {
                    await user.Key.Index.RaiseAsync(user.Key.UserId, user.Value);
                }
                catch (Exception error) when (error is StackExchange.Redis.RedisException or TimeoutException)
                {
                    LogFlushFailed(user.Value.Count, error.Message);
                    foreach (var (sessionId, activity) in user.Value) Touch(user.Key.Index, user.Key.UserId, sessionId, activity);
                }
            }));
        }
        finally
        {
            _flushing.Release();
        }
    }

    public void Participate(ISiloLifecycle lifecycle) =>
        // Stopped after the grains have been deactivated, so their last touches are flushed too.
        lifecycle.Subscribe(nameof(UserIndexTouches), ServiceLifecycleStage.RuntimeGrainServices, StartAsync, StopAsync);

    private Task StartAsync(CancellationToken cancellationToken)
    {
        _flusher = FlushPeriodicallyAsync(_stop.Token);
        return Task.CompletedTask;
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stop.CancelAsync();
        await _flusher;
        await FlushAsync();
    }

    private async Task FlushPeriodicallyAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(options.Value.IndexTouchInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop)) await FlushAsync();
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = LogEvents.Storage.IndexTouchRetrying, Level = LogLevel.Warning, Message = "Could not raise {Count} sessions in a user's listing; retrying: {Error}")]
    private partial void LogFlushFailed(int count, string error);
}
