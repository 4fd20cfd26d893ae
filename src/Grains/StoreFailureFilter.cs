using OrleansSessions.Abstractions;
using StackExchange.Redis;

namespace OrleansSessions.Grains;

/// <summary>Turns a grain call's failure to reach Redis into <see cref="SessionStoreUnavailableException"/>, a type
/// every silo and client can deserialize, so the caller can answer "unavailable, retry" wherever the grain ran.</summary>
public sealed class StoreFailureFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception error) when (IsUnavailable(error))
        {
            throw new SessionStoreUnavailableException($"The session store is unreachable ({error.GetType().Name}); retry shortly.");
        }
    }

    /// <summary>Redis is unreachable, too slow, or between primaries: a failover's replica that refuses writes
    /// (READONLY), one still loading its data (LOADING), or one cut off from its primary (MASTERDOWN). A retry shortly
    /// may find it serving again.</summary>
    public static bool IsUnavailable(Exception error) =>
        error is RedisConnectionException or RedisTimeoutException
        || error is RedisServerException { Message: var message }
            && (message.StartsWith("READONLY ", StringComparison.Ordinal) || message.StartsWith("LOADING ", StringComparison.Ordinal)
                || message.StartsWith("MASTERDOWN ", StringComparison.Ordinal));
}
