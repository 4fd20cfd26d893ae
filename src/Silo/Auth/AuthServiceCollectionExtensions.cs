using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;

namespace OrleansSessions.Silo.Auth;

/// <summary>
/// Authentication (API keys for backends, user tokens for browsers, or nobody checked in the embedded development
/// default) and the scopes each route needs: data routes a tenant or user, tenant routes a tenant key, cluster
/// routes an admin key. A route that says nothing needs the data scope.
/// </summary>
internal static class AuthServiceCollectionExtensions
{
    public const string TenantPolicy = "tenant";
    public const string AdminPolicy = "admin";
    private const string SelectScheme = "Select";

    public static IServiceCollection AddSiloAuth(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<TenantDirectory>();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<UserTokens>();
        // Authentication brings Data Protection along; nothing here protects data that outlives the process (no
        // cookies, no antiforgery), so its keys stay in memory rather than on disk unencrypted.
        services.AddDataProtection().UseEphemeralDataProtectionProvider();

        services.AddAuthentication(SelectScheme)
            .AddPolicyScheme(SelectScheme, null, o => o.ForwardDefaultSelector = context =>
            {
                if (context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    || (IsEventStream(context) && context.Request.Query.ContainsKey("access_token")))
                {
                    return JwtBearerDefaults.AuthenticationScheme;
                }
                return context.RequestServices.GetRequiredService<TenantDirectory>().Enabled
                    ? ApiKeyAuthenticationHandler.SchemeName
                    : DevelopmentAuthenticationHandler.SchemeName;
            })
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, DevelopmentAuthenticationHandler>(DevelopmentAuthenticationHandler.SchemeName, null)
            .AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme).Configure<UserTokens>((o, tokens) =>
        {
            o.MapInboundClaims = false;
            o.TokenValidationParameters = tokens.ValidationParameters();
            o.Events = new JwtBearerEvents
            {
                // An EventSource cannot send headers, so the events stream also takes the token from the query.
                OnMessageReceived = context =>
                {
                    if (IsEventStream(context.HttpContext) && context.Request.Query["access_token"] is [{ } token]) context.Token = token;
                    return Task.CompletedTask;
                },
                OnTokenValidated = context =>
                {
                    if (tokens.Refusal(context.Principal!) is { } refusal) context.Fail(refusal);
                    return Task.CompletedTask;
                },
            };
        });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(Scoped(CallerClaims.TenantScope, CallerClaims.UserScope))
            .AddPolicy(TenantPolicy, Scoped(CallerClaims.TenantScope))
            .AddPolicy(AdminPolicy, Scoped(CallerClaims.AdminScope));
        return services;
    }

    private static AuthorizationPolicy Scoped(params string[] scopes) =>
        new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim(CallerClaims.Scope, scopes).Build();

    private static bool IsEventStream(HttpContext context) =>
        HttpMethods.IsGet(context.Request.Method) && context.Request.Path.Value?.EndsWith("/events", StringComparison.Ordinal) == true;
}
