using Microsoft.Extensions.DependencyInjection;

namespace OrleansSessions.ClientSdk;

public static class SessionsClientServiceCollectionExtensions
{
    /// <summary>Registers <see cref="SessionsClient"/> as a typed client of <see cref="IHttpClientFactory"/>, also as
    /// <see cref="ISessionsClient"/>; the returned builder adds handlers (auth, say) as usual. The client repeats the
    /// requests that are safe to repeat itself; a handler that repeats every POST would store an append twice.</summary>
    public static IHttpClientBuilder AddSessionsClient(this IServiceCollection services, Uri siloAddress)
    {
        services.AddTransient<ISessionsClient>(provider => provider.GetRequiredService<SessionsClient>());
        return services.AddHttpClient<SessionsClient>(http => http.BaseAddress = siloAddress);
    }

    /// <summary>Calls as a tenant's backend: every request carries the API key (X-Api-Key). Keep it on servers.</summary>
    public static IHttpClientBuilder WithApiKey(this IHttpClientBuilder builder, string apiKey) =>
        builder.ConfigureHttpClient(http => http.DefaultRequestHeaders.Add("X-Api-Key", apiKey));

    /// <summary>Calls as one user: every request carries a user token from <see cref="SessionsClient.CreateUserTokenAsync"/>.</summary>
    public static IHttpClientBuilder WithUserToken(this IHttpClientBuilder builder, string token) =>
        builder.ConfigureHttpClient(http => http.DefaultRequestHeaders.Authorization = new("Bearer", token));
}
