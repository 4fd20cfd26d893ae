using Microsoft.Extensions.DependencyInjection;

namespace OrleansSessions.ClientSdk;

public static class SessionsClientServiceCollectionExtensions
{
    /// <summary>Registers <see cref="SessionsClient"/> as a typed client of <see cref="IHttpClientFactory"/>;
    /// the returned builder adds handlers (auth, retries) as usual.</summary>
    public static IHttpClientBuilder AddSessionsClient(this IServiceCollection services, Uri siloAddress) =>
        services.AddHttpClient<SessionsClient>(http => http.BaseAddress = siloAddress);
}
