using OrleansSessions.Silo.Auth;
using OrleansSessions.Contracts;
using OrleansSessions.Rules;

namespace OrleansSessions.Silo.Api;

/// <summary><c>POST /v1/tokens</c>: a tenant's backend mints a short-lived token for one of its users, for a browser.</summary>
internal static class TokenEndpoints
{
    public static void MapTokenEndpoints(this IEndpointRouteBuilder app) =>
        app.MapPost("/v1/tokens", MintAsync)
            .WithTags("Auth")
            .RequireAuthorization(AuthServiceCollectionExtensions.TenantPolicy)
            .AcceptsQuery()
            .Accepts<CreateUserTokenRequest>("application/json")
            .Produces<UserToken>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

    private static async Task<IResult> MintAsync(
        HttpRequest request, Caller caller, JsonBodies bind, RequestRules rules, TenantDirectory tenants, UserTokens tokens, CancellationToken ct)
    {
        using var body = await JsonRequest.ReadObjectAsync(request, rules.Limits, ct);
        var asked = bind.UserToken(body.RootElement, (long)tenants.MaxTokenLifetime.TotalSeconds);
        var userId = rules.Id("userId", asked.UserId);
        var lifetime = asked.TtlSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : tenants.DefaultTokenLifetime;
        var (token, expiresAt) = tokens.Mint(caller.Tenant, userId, lifetime);
        return Results.Ok(new UserToken(token, "Bearer", userId, expiresAt));
    }
}
