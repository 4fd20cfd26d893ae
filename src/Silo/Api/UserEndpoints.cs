using OrleansSessions.Silo.Auth;
using OrleansSessions.Contracts;
using OrleansSessions.Rules;

namespace OrleansSessions.Silo.Api;

/// <summary>The /v1/users routes of HTTP API v1.</summary>
internal static class UserEndpoints
{
    public static void MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/v1/users").WithTags("Users");

        users.MapGet("/{userId}/sessions", ListSessionsAsync)
            .AcceptsQuery("limit", "cursor")
            .Produces<SessionListPage>()
            .ProducesProblem(StatusCodes.Status400BadRequest);

        users.MapDelete("/{userId}", EraseAsync)
            .AcceptsQuery()
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> ListSessionsAsync(
        string userId, string? limit, string? cursor, Caller caller, RequestRules rules, IGrainFactory grains, CancellationToken ct)
    {
        caller.RequireSelf(rules.Id("userId", userId));
        var pageSize = rules.PageSize("limit", (int?)rules.OptionalNumber("limit", limit, 1, rules.Limits.MaxPageSize));
        rules.Cursor("cursor", cursor);
        return Results.Ok(await caller.User(grains, userId).ListSessionsAsync(pageSize, cursor, ct));
    }

    private static async Task<IResult> EraseAsync(string userId, Caller caller, RequestRules rules, IGrainFactory grains, CancellationToken ct)
    {
        caller.RequireSelf(rules.Id("userId", userId));
        await caller.User(grains, userId).EraseAsync(ct);
        return Results.NoContent();
    }
}
