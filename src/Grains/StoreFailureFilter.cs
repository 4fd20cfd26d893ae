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
        catch (Exception error) when (error is RedisConnectionException or RedisTimeoutException)
        {
            throw new SessionStoreUnavailableException($"The session store is unreachable ({error.GetType().Name}); retry shortly.");
        }
    }
}
