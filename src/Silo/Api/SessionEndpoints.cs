using OrleansSessions.Abstractions;
using OrleansSessions.Silo.Auth;
using OrleansSessions.Contracts;
using OrleansSessions.Rules;

namespace OrleansSessions.Silo.Api;

/// <summary>The /v1/sessions routes of HTTP API v1.</summary>
internal static class SessionEndpoints
{
    public static void MapSessionEndpoints(this IEndpointRouteBuilder app)
    {
        var sessions = app.MapGroup("/v1/sessions").WithTags("Sessions");

        sessions.MapPost("", CreateAsync)
            .AcceptsQuery()
            .Accepts<CreateSessionRequest>("application/json")
            .Produces<SessionInfo>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        sessions.MapPost("/{sessionId}/fork", ForkAsync)
            .AcceptsQuery()
            .Accepts<ForkSessionRequest>("application/json")
            .Produces<SessionInfo>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        sessions.MapGet("/{sessionId}", GetAsync)
            .AcceptsQuery()
            .Produces<SessionInfo>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        sessions.MapDelete("/{sessionId}", DeleteAsync)
            .AcceptsQuery()
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);

        sessions.MapGet("/{sessionId}/items", ReadItemsAsync)
            .AcceptsQuery("limit", "afterSeq", "role", "safeStart", "refreshTtl")
            .Produces<ItemsPage>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        sessions.MapPost("/{sessionId}/items", AppendItemsAsync)
            .AcceptsQuery()
            .Accepts<AppendItemsCommand>("application/json")
            .Produces<AppendResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        sessions.MapPut("/{sessionId}/items", ReplaceItemsAsync)
            .AcceptsQuery()
            .Accepts<ReplaceItemsRequest>("application/json")
            .Produces<AppendResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        sessions.MapPost("/{sessionId}/history/transactions", ApplyHistoryTransactionAsync)
            .AcceptsQuery()
            .Accepts<HistoryTransactionRequest>("application/json")
            .Produces<AppendResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        sessions.MapPost("/{sessionId}/items/pop", PopItemAsync)
            .AcceptsQuery()
            .Produces<StoredItem>()
            .Produces(StatusCodes.Status204NoContent)
            .ProducesProblem(StatusCodes.Status404NotFound);

        sessions.MapDelete("/{sessionId}/items", ClearOrRewindItemsAsync)
            .AcceptsQuery("resetAgents", "afterSeq", "operationId")
            .Produces(StatusCodes.Status204NoContent)
            .Produces<RewindResult>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        sessions.MapPut("/{sessionId}/agent", TrackAgentAsync)
            .AcceptsQuery()
            .Accepts<TrackAgentRequest>("application/json")
            .Produces<SessionInfo>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    private static async Task<IResult> CreateAsync(
        HttpRequest request, Caller caller, JsonBodies bind, SessionCommands commands, RequestRules rules, IGrainFactory grains, CancellationToken ct)
    {
        using var body = await JsonRequest.ReadObjectAsync(request, rules.Limits, ct);
        var asked = bind.CreateSession(body.RootElement, caller.UserId);
        caller.RefuseChosenSessionId(asked.SessionId is not null);
        var (sessionId, command) = commands.Create(asked);
        command = command with { UserId = caller.Owner(command.UserId)! };
        var info = await caller.Session(grains, sessionId).CreateAsync(command, ct);
        return Results.Created($"/v1/sessions/{Uri.EscapeDataString(sessionId)}", info);
    }

    /// <summary>The new session's grain makes the fork (asking the source's grain for its snapshot); a user token may fork
    /// only its own sessions, for itself, under a generated (or operation-derived) id.</summary>
    private static async Task<IResult> ForkAsync(string sessionId, HttpRequest request, Caller caller, JsonBodies bind, SessionCommands commands,
        RequestRules rules, IGrainFactory grains, CancellationToken ct)
    {
        rules.Id("sessionId", sessionId);
        using var body = await JsonRequest.ReadObjectAsync(request, rules.Limits, ct);
        var asked = bind.Fork(body.RootElement);
        caller.RefuseChosenSessionId(asked.SessionId is not null);
        var (forkId, command) = commands.Fork(sessionId, asked);
        command = command with { UserId = caller.Owner(command.UserId) };
        var info = await caller.OnSessionAsync(grains, forkId, g => g.ForkAsync(command, ct));
        return Results.Created($"/v1/sessions/{Uri.EscapeDataString(forkId)}", info);
    }

    private static async Task<IResult> GetAsync(string sessionId, Caller caller, RequestRules rules, IGrainFactory grains, CancellationToken ct) =>
        Results.Ok(await caller.GetInfoAsync(grains, rules.Id("sessionId", sessionId), ct));

    private static async Task<IResult> DeleteAsync(string sessionId, Caller caller, RequestRules rules, IGrainFactory grains, CancellationToken ct)
    {
        var deleted = await caller.Session(grains, rules.Id("sessionId", sessionId)).DeleteAsync(caller.UserId, ct);
        return deleted ? Results.NoContent() : throw new SessionNotFoundException(sessionId);
    }

    private static async Task<IResult> ReadItemsAsync(
        string sessionId, string? limit, string? afterSeq, string? role, string? safeStart, string? refreshTtl,
        Caller caller, SessionCommands commands, RequestRules rules, IGrainFactory grains, CancellationToken ct)
    {
        var query = commands.Query(new ItemsQuery(
            (int?)rules.OptionalNumber("limit", limit, 1, int.MaxValue),
            rules.OptionalNumber("afterSeq", afterSeq, 0, SessionCommands.MaxAfterSeq),
            role,
            rules.OptionalFlag("safeStart", safeStart),
            rules.OptionalFlag("refreshTtl", refreshTtl)));
        return Results.Ok(await caller.OnSessionAsync(grains, rules.Id("sessionId", sessionId), g => g.ReadAsync(query, ct)));
    }

    private static async Task<IResult> AppendItemsAsync(
        string sessionId, HttpRequest request, Caller caller, JsonBodies bind, SessionCommands commands, RequestRules rules, IGrainFactory grains,
        CancellationToken ct)
    {
        rules.Id("sessionId", sessionId);
        using var body = await JsonRequest.ReadObjectAsync(request, rules.Limits, ct);
        var command = commands.Append(bind.Append(body.RootElement));
        command = command with { UserId = caller.Owner(command.UserId) };
        // A user token appends only to a session of its own that exists (no create-on-append: that would tell a free
        // id from another user's); the script checks the owner again, atomically with the append.
        if (caller.UserId is not null) await caller.GetInfoAsync(grains, sessionId, ct);
        return Results.Ok(await caller.OnSessionAsync(grains, sessionId, g => g.AppendAsync(command, ct)));
    }

    private static Task<IResult> ReplaceItemsAsync(string sessionId, HttpRequest request, Caller caller, JsonBodies bind,
        SessionCommands commands, RequestRules rules, IGrainFactory grains, CancellationToken ct) =>
        ChangeHistoryAsync(sessionId, request, caller, body => commands.Replace(bind.ReplaceItems(body)), rules, grains, ct);

    private static Task<IResult> ApplyHistoryTransactionAsync(string sessionId, HttpRequest request, Caller caller, JsonBodies bind,
        SessionCommands commands, RequestRules rules, IGrainFactory grains, CancellationToken ct) =>
        ChangeHistoryAsync(sessionId, request, caller, body => commands.HistoryChange(bind.HistoryTransaction(body)), rules, grains, ct);

    private static async Task<IResult> ChangeHistoryAsync(string sessionId, HttpRequest request, Caller caller,
        Func<System.Text.Json.JsonElement, HistoryChangeCommand> parse, RequestRules rules, IGrainFactory grains, CancellationToken ct)
    {
        rules.Id("sessionId", sessionId);
        using var body = await JsonRequest.ReadObjectAsync(request, rules.Limits, ct);
        var command = parse(body.RootElement);
        return Results.Ok(await caller.OnSessionAsync(grains, sessionId, g => g.ChangeHistoryAsync(command, ct)));
    }

    private static async Task<IResult> PopItemAsync(string sessionId, Caller caller, RequestRules rules, IGrainFactory grains, CancellationToken ct)
    {
        var item = await caller.OnSessionAsync(grains, rules.Id("sessionId", sessionId), g => g.PopAsync(ct));
        return item is null ? Results.NoContent() : Results.Ok(item);
    }

    /// <summary>Without afterSeq: clears every item (204). With it: a rewind, removing the items after it (200 with
    /// what was removed), once per operationId.</summary>
    private static async Task<IResult> ClearOrRewindItemsAsync(
        string sessionId, string? resetAgents, string? afterSeq, string? operationId,
        Caller caller, SessionCommands commands, RequestRules rules, IGrainFactory grains, CancellationToken ct)
    {
        rules.Id("sessionId", sessionId);
        if (rules.OptionalNumber("afterSeq", afterSeq, 0, SessionCommands.MaxAfterSeq) is { } after)
        {
            if (resetAgents is not null) throw new InvalidSessionRequestException("resetAgents", "resetAgents is for a clear (without afterSeq), not a rewind.");
            var rewind = commands.Rewind(after, operationId);
            return Results.Ok(await caller.OnSessionAsync(grains, sessionId, g => g.RewindAsync(rewind, ct)));
        }
        if (operationId is not null) throw new InvalidSessionRequestException("operationId", "operationId is for a rewind (with afterSeq), not a clear.");
        var reset = rules.OptionalFlag("resetAgents", resetAgents);
        await caller.OnSessionAsync(grains, sessionId, g => g.ClearAsync(reset, ct));
        return Results.NoContent();
    }

    private static async Task<IResult> TrackAgentAsync(
        string sessionId, HttpRequest request, Caller caller, JsonBodies bind, SessionCommands commands, RequestRules rules, IGrainFactory grains,
        CancellationToken ct)
    {
        rules.Id("sessionId", sessionId);
        using var body = await JsonRequest.ReadObjectAsync(request, rules.Limits, ct);
        var agent = commands.Agent(bind.TrackAgent(body.RootElement).Agent);
        return Results.Ok(await caller.OnSessionAsync(grains, sessionId, g => g.TrackAgentAsync(agent, ct)));
    }
}
