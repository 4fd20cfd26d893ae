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
        services.AddOptions<EncryptionOptions>().BindConfiguration(EncryptionOptions.Section);
        services.AddSingleton<SessionCacheBudget>();

        services.AddSingleton<ItemCipher>();
        services.AddSingleton<KeyScopes>();
        services.AddSingleton(sp => sp.GetRequiredService<KeyScopes>().Default.Keys);
        services.AddSingleton(sp => sp.GetRequiredService<KeyScopes>().Default.Sessions);
        services.AddSingleton(sp => sp.GetRequiredService<KeyScopes>().Default.Users);

        // Constructor lookups are done once here, not on every activation. A grain key names its key space
        // (GrainKeys); the grain itself sees only its id and that space's stores.
        var newSessionGrain = ActivatorUtilities.CreateFactory<SessionGrain>(
            [typeof(string), typeof(RedisSessionStore), typeof(RedisUserIndex), typeof(CachedSessionItems)]);
        var newCachedItems = ActivatorUtilities.CreateFactory<CachedSessionItems>([typeof(string), typeof(RedisSessionStore)]);
        var newUserGrain = ActivatorUtilities.CreateFactory<UserGrain>([typeof(string), typeof(IGrainFactory), typeof(KeyScope)]);
        services.AddSingleton(sp => new GrainType(typeof(ISessionGrain), (_, key) =>
        {
            var (scope, id) = sp.GetRequiredService<KeyScopes>().Of(key);
            return newSessionGrain(sp, [id, scope.Sessions, scope.Users, newCachedItems(sp, [id, scope.Sessions])]);
        }));
        services.AddSingleton(sp => new GrainType(typeof(IUserGrain), (factory, key) =>
        {
            var (scope, id) = sp.GetRequiredService<KeyScopes>().Of(key);
            return newUserGrain(sp, [id, factory, scope]);
        }));
        services.AddSingleton<GrainRuntime>();
        services.AddSingleton<IGrainFactory>(sp => sp.GetRequiredService<GrainRuntime>());
        services.AddHostedService(sp => sp.GetRequiredService<GrainRuntime>());
        return services;
    }
}
