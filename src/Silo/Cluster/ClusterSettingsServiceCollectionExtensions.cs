using Microsoft.Extensions.Options;

namespace OrleansSessions.Silo.Cluster;

internal static class ClusterSettingsServiceCollectionExtensions
{
    /// <summary><see cref="ClusterSettings"/> from section "Orleans", checked by <see cref="ClusterSettingsValidator"/>
    /// when the host starts; a port set to 0 becomes a free one.</summary>
    public static IServiceCollection AddClusterSettings(this IServiceCollection services)
    {
        services.AddOptions<ClusterSettings>().BindConfiguration(ClusterSettings.Section).PostConfigure(TakeFreePorts).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ClusterSettings>, ClusterSettingsValidator>();
        return services;
    }

    /// <summary><see cref="OrleansTlsSettings"/> from section "Orleans:Tls", checked by <see cref="OrleansTlsSettingsValidator"/>
    /// when the host starts.</summary>
    public static IServiceCollection AddOrleansTlsSettings(this IServiceCollection services)
    {
        services.AddOptions<OrleansTlsSettings>().BindConfiguration(OrleansTlsSettings.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OrleansTlsSettings>, OrleansTlsSettingsValidator>();
        return services;
    }

    private static void TakeFreePorts(ClusterSettings settings)
    {
        if (settings.SiloPort == 0) settings.SiloPort = FreeTcpPort.Pick();
        if (settings.GatewayPort == 0)
        {
            do settings.GatewayPort = FreeTcpPort.Pick(); while (settings.GatewayPort == settings.SiloPort);
        }
    }
}
