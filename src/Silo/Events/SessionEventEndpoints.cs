using OrleansSessions.Grains;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using OrleansSessions.Abstractions;
using OrleansSessions.Grains.Caching;
using OrleansSessions.Grains.Storage;
using OrleansSessions.Silo.Api;
using OrleansSessions.Silo.Auth;
using OrleansSessions.Contracts;
using OrleansSessions.Rules;

namespace OrleansSessions.Silo.Events;

/// <summary>
/// <c>GET /v1/sessions/{sessionId}/events</c>: Server-Sent Events, one per append, pop and clear, in the session's
/// order, whichever silo made the change. Resumes after the event named by Last-Event-ID (or ?lastEventId=);
/// with ?afterSeq=N it first sends the stored items after seq N as one "append" event (0: from the beginning), then
/// the changes after the moment those were read; with neither it starts at the next change. A Last-Event-ID header
/// beats ?afterSeq= (a browser's EventSource resumes that way, with the URL it started with); ?lastEventId= with
/// ?afterSeq= is refused. A "reset" event says the events since then are no longer kept (read the items afresh);
/// "deleted" ends the stream. Streams end as soon as the silo starts stopping, so a client
/// reconnects (with Last-Event-ID) to another silo and shutdown is not held up by open streams.
/// </summary>
internal static class SessionEventEndpoints
{
    private const int EventsPerRead = 200;
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static void MapSessionEventEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/sessions/{sessionId}/events", StreamAsync)
            .WithTags("Sessions")
            .AcceptsQuery("lastEventId", "afterSeq", "access_token") // access_token: a user token from an EventSource, read by authentication
            .Produces<SessionEvent>(StatusCodes.Status200OK, "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

    private static async Task StreamAsync(
        string sessionId, string? lastEventId, string? afterSeq, HttpContext context, Caller caller, RequestRules rules, IGrainFactory grains,
        SessionChangeFeed changes, SessionEventReader events, SessionTelemetry telemetry, IOptions<JsonOptions> json, IHostApplicationLifetime lifetime,
        CancellationToken requestAborted)
    {
        using var streaming = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, lifetime.ApplicationStopping);
        var ct = streaming.Token;
        rules.Id("sessionId", sessionId);
        if (caller.UserId is not null) await caller.GetInfoAsync(grains, sessionId, ct);
        var fromSeq = rules.OptionalNumber("afterSeq", afterSeq, 0, SessionCommands.MaxAfterSeq);
        if (fromSeq is not null && lastEventId is not null)
            throw new InvalidSessionRequestException("afterSeq", "afterSeq starts a stream and lastEventId resumes one: send one of them.");
        var resumeFrom = context.Request.Headers["Last-Event-ID"].FirstOrDefault() ?? lastEventId;
        var position = resumeFrom is null ? (Incarnation: 0L, Version: 0L) : ParseEventId(resumeFrom);

        await using var watch = await changes.WatchAsync(caller.Scope, sessionId);
        var start = resumeFrom is null && fromSeq is { } seq
            ? await events.ReadItemsAsync(caller.Scope, sessionId, seq)
            : await events.ReadAsync(caller.Scope, sessionId, position.Incarnation, position.Version, 0);
        if (start.Status == EventsReadStatus.Missing) throw new SessionNotFoundException(sessionId);
        if (resumeFrom is null) position = (start.Incarnation, start.Version);

        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        await context.Response.Body.FlushAsync(ct);

        telemetry.StreamOpened();
        try
        {
            foreach (var stored in start.Events ?? []) await WriteAsync(context, stored, json.Value.SerializerOptions, ct);
            while (!ct.IsCancellationRequested)
            {
                var changed = watch.NextChange;
                var read = await events.ReadAsync(caller.Scope, sessionId, position.Incarnation, position.Version, EventsPerRead);
                switch (read.Status)
                {
                    case EventsReadStatus.Missing:
                        await WriteAsync(context, new SessionEvent(EventsRead.EventId(position.Incarnation, position.Version + 1),
                            position.Version + 1, "deleted", 0, 0, []), json.Value.SerializerOptions, ct);
                        return;
                    case EventsReadStatus.Reset:
                        position = (read.Incarnation, read.Version);
                        await WriteAsync(context, new SessionEvent(EventsRead.EventId(read.Incarnation, read.Version),
                            read.Version, "reset", 0, read.LastSeq, []), json.Value.SerializerOptions, ct);
                        continue;
                }
                foreach (var change in read.Events!) await WriteAsync(context, change, json.Value.SerializerOptions, ct);
                position = (read.Incarnation, read.Events!.Count == EventsPerRead ? read.Events[^1].Version : read.Version);
                if (read.Events.Count == EventsPerRead) continue;

                if (await Task.WhenAny(changed, Task.Delay(KeepAlive, ct)) != changed)
                {
                    await context.Response.WriteAsync(": keep-alive\n\n", ct);
                    await context.Response.Body.FlushAsync(ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            telemetry.StreamClosed();
        }
    }

    private static async Task WriteAsync(HttpContext context, SessionEvent change, JsonSerializerOptions options, CancellationToken ct)
    {
        var data = JsonSerializer.Serialize(change, options);
        await context.Response.WriteAsync($"id: {change.Id}\nevent: {change.Type}\ndata: {data}\n\n", ct);
        await context.Response.Body.FlushAsync(ct);
    }

    private static (long Incarnation, long Version) ParseEventId(string id)
    {
        var dot = id.IndexOf('.');
        if (dot > 0
            && long.TryParse(id.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var incarnation)
            && long.TryParse(id.AsSpan(dot + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return (incarnation, version);
        }
        throw new InvalidSessionRequestException("Last-Event-ID", "Last-Event-ID is not the id of an event this stream sent.");
    }
}
