using Microsoft.Extensions.Options;
using OrleansSessions.Abstractions;
using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage;

/// <summary>
/// The one place a write waits for replicas before it is acknowledged (<see cref="AcknowledgementOptions"/>). Redis'
/// <c>WAIT</c> counts the writes of the connection it is sent on, so it goes to the server that holds the written key,
/// over the multiplexer's one interactive connection to it, the one the write went on. It blocks that connection
/// until the replicas answer: commands queued behind it wait too, which is why a group commit waits once.
/// When too few replicas confirm in time, the write is on the primary but not acknowledged: the call fails as
/// unavailable (503 with Retry-After), and a retry with the same operation id finds it stored and waits again.
/// </summary>
internal sealed class ReplicatedAcknowledgement(IConnectionMultiplexer redis, IOptions<AcknowledgementOptions> options)
{
    private readonly int _replicas = options.Value.AcknowledgeAfterReplicas;
    private readonly long _timeoutMs = (long)Math.Ceiling(options.Value.AcknowledgeTimeout.TotalMilliseconds);

    /// <summary>Returns once <see cref="AcknowledgementOptions.AcknowledgeAfterReplicas"/> replicas have the writes made
    /// so far on <paramref name="writtenKey"/>'s connection; at once when none are asked for.</summary>
    /// <exception cref="SessionStoreUnavailableException">Fewer replicas confirmed within the timeout.</exception>
    public async Task AfterWriteAsync(RedisKey writtenKey)
    {
        if (_replicas == 0) return;
        IServer server;
        try
        {
            server = redis.GetServer(writtenKey, flags: CommandFlags.DemandMaster);
        }
        catch (InvalidOperationException)
        {
            // The primary the write went to was lost since (a failover under way): the write may not be on a replica.
            throw new SessionStoreUnavailableException("The session store has no primary to confirm the write on; retry with the same operation id.");
        }
        long confirmed;
        try
        {
            confirmed = (long)await server.ExecuteAsync("WAIT", _replicas, _timeoutMs);
        }
        catch (RedisServerException refused)
        {
            // The server taken for the primary is a replica by now ("WAIT cannot be used with replica instances").
            throw new SessionStoreUnavailableException($"The write could not be confirmed on replicas ({refused.Message}); retry with the same operation id.");
        }
        if (confirmed < _replicas)
        {
            throw new SessionStoreUnavailableException(
                $"The write reached {confirmed} of the {_replicas} replicas required within {_timeoutMs} ms; retry with the same operation id.");
        }
    }

}
