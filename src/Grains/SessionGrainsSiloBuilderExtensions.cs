using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansSessions.Grains.Caching;
using OrleansSessions.Grains.Storage;
using StackExchange.Redis;

namespace OrleansSessions.Grains;

public static class SessionGrainsSiloBuilderExtensions
{
    /// <summary>Registers what the session and user grains need on a silo: their Redis stores, options, caches and the
    /// filter that reports an unreachable store. An
    /// <see cref="StackExchange.Redis.IConnectionMultiplexer"/> must be registered by the host.</summary>
    public static ISiloBuilder AddSessionGrains(this ISiloBuilder silo)
    {
        var services = silo.Services;
        services.AddOptions<SessionStoreOptions>().BindConfiguration(SessionStoreOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SessionCacheOptions>().BindConfiguration(SessionCacheOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AcknowledgementOptions>().BindConfiguration(AcknowledgementOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AcknowledgementOptions>, AcknowledgementOptionsValidator>();
        services.AddOptions<EncryptionOptions>().BindConfiguration(EncryptionOptions.Section);
        services.AddSingleton<SessionCacheBudget>();
        services.AddSingleton<SessionTelemetry>();
        services.AddSingleton<SessionChangeFeed>();
        services.AddSingleton<SiloLease>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<SiloLease>());
        services.AddSingleton<UserIndexTouches>();
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(sp => sp.GetRequiredService<UserIndexTouches>());

        services.AddSingleton<ItemCipher>();
        services.AddSingleton(sp => new ReplicatedAcknowledgement(sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<IOptions<AcknowledgementOptions>>()));
        services.AddSingleton(sp => new KeyScopes(sp.GetRequiredService<IConnectionMultiplexer>(),
            sp.GetRequiredService<IOptions<SessionStoreOptions>>(), sp.GetRequiredService<ItemCipher>(),
            sp.GetRequiredService<ReplicatedAcknowledgement>()));
        services.AddSingleton(sp => sp.GetRequiredService<KeyScopes>().Default.Keys);
        services.AddSingleton(sp => sp.GetRequiredService<KeyScopes>().Default.Sessions);
        services.AddSingleton(sp => sp.GetRequiredService<KeyScopes>().Default.Users);
        services.AddSingleton<SessionEventReader>();
        services.AddSingleton<SessionStoreHealthCheck>();

        silo.AddIncomingGrainCallFilter<StoreFailureFilter>();
        return silo;
    }
}
