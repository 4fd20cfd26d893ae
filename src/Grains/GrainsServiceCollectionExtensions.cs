using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansSessions.Abstractions;
using OrleansSessions.Grains.Caching;
using OrleansSessions.Grains.Runtime;
using OrleansSessions.Grains.Storage;

namespace OrleansSessions.Grains;

public static class GrainsServiceCollectionExtensions
{
    /// <summary>Registers the grain runtime (as a hosted service), the Redis stores and the session and user grains.
    /// An <see cref="StackExchange.Redis.IConnectionMultiplexer"/> must be registered by the host.</summary>
    public static IServiceCollection AddSessionGrains(this IServiceCollection services)
    {
        services.AddOptions<GrainRuntimeOptions>().BindConfiguration(GrainRuntimeOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SessionStoreOptions>().BindConfiguration(SessionStoreOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SessionCacheOptions>().BindConfiguration(SessionCacheOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SessionCacheBudget>();

        services.AddSingleton(sp => new RedisKeys(sp.GetRequiredService<IOptions<SessionStoreOptions>>().Value.KeyPrefix));
        services.AddSingleton<RedisSessionStore>();
        services.AddSingleton<RedisUserIndex>();

        // Constructor lookups are done once here, not on every activation.
        var newSessionGrain = ActivatorUtilities.CreateFactory<SessionGrain>([typeof(string), typeof(CachedSessionItems)]);
        var newCachedItems = ActivatorUtilities.CreateFactory<CachedSessionItems>([typeof(string)]);
        var newUserGrain = ActivatorUtilities.CreateFactory<UserGrain>([typeof(string), typeof(IGrainFactory)]);
        services.AddSingleton(sp => new GrainType(typeof(ISessionGrain), (_, key) => newSessionGrain(sp, [key, newCachedItems(sp, [key])])));
        services.AddSingleton(sp => new GrainType(typeof(IUserGrain), (factory, key) => newUserGrain(sp, [key, factory])));
        services.AddSingleton<GrainRuntime>();
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<GrainRuntime>());
        services.AddHostedService(sp => sp.GetRequiredService<GrainRuntime>());
        return services;
    }
}
