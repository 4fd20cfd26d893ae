using System.Text.Json;
using OrleansSessions.Silo.Auth;
using OrleansSessions.Contracts;
using OrleansSessions.Rules;

namespace OrleansSessions.Silo.Api;

/// <summary>The /v1/sessions/{sessionId}/data routes: named JSON values kept with a session (JSONSession's data).</summary>
internal static class SessionDataEndpoints
{
    public static void MapSessionDataEndpoints(this IEndpointRouteBuilder app)
    {
        var data = app.MapGroup("/v1/sessions/{sessionId}/data").WithTags("Session data");

        data.MapGet("", GetAllAsync)
            .AcceptsQuery()
            .Produces<IReadOnlyDictionary<string, JsonElement>>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        data.MapGet("/{key}", GetAsync)
            .AcceptsQuery()
            .Produces<JsonElement>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        data.MapPut("/{key}", SetAsync)
            .AcceptsQuery()
            .Accepts<JsonElement>("application/json")
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        data.MapPatch("/{key}", UpdateAsync)
            .AcceptsQuery()
            .Accepts<UpdateDataRequest>("application/json")
            .Produces<JsonElement>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        data.MapDelete("/{key}", DeleteAsync)
            .AcceptsQuery()
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> GetAllAsync(string sessionId, Caller caller, RequestRules rules, IGrainFactory grains, CancellationToken ct) =>
        Results.Ok(await caller.OnSessionAsync(grains, rules.Id("sessionId", sessionId), g => g.GetAllDataAsync(ct)));

    private static async Task<IResult> GetAsync(string sessionId, string key, Caller caller, RequestRules rules, IGrainFactory grains, CancellationToken ct)
    {
        rules.Id("key", key);
        var value = await caller.OnSessionAsync(grains, rules.Id("sessionId", sessionId), g => g.GetDataAsync(key, ct));
        return value is { } found
            ? Results.Json(found)
            : throw new ApiProblemException(StatusCodes.Status404NotFound, "key", $"The session has no data under '{key}'.");
    }

    private static async Task<IResult> SetAsync(
        string sessionId, string key, HttpRequest request, Caller caller, RequestRules rules, IGrainFactory grains, CancellationToken ct)
    {
        rules.Id("sessionId", sessionId);
        rules.Id("key", key);
        using var body = await JsonRequest.ReadValueAsync(request, rules.Limits, ct);
        var value = rules.DataValue("body", body.RootElement).Clone();
        await caller.OnSessionAsync(grains, sessionId, g => g.SetDataAsync(key, value, ct));
        return Results.NoContent();
    }

    private static async Task<IResult> UpdateAsync(
        string sessionId, string key, HttpRequest request, Caller caller, JsonBodies bind, SessionCommands commands, RequestRules rules,
        IGrainFactory grains, CancellationToken ct)
    {
        rules.Id("sessionId", sessionId);
        rules.Id("key", key);
        using var body = await JsonRequest.ReadObjectAsync(request, rules.Limits, ct);
        var (_, path, value) = commands.DataUpdate(key, bind.UpdateData(body.RootElement));
        return Results.Json(await caller.OnSessionAsync(grains, sessionId, g => g.UpdateDataAsync(key, path, value, ct)));
    }

    private static async Task<IResult> DeleteAsync(string sessionId, string key, Caller caller, RequestRules rules, IGrainFactory grains, CancellationToken ct)
    {
        rules.Id("key", key);
        await caller.OnSessionAsync(grains, rules.Id("sessionId", sessionId), g => g.SetDataAsync(key, null, ct));
        return Results.NoContent();
    }
}
