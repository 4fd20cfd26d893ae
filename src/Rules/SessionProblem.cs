using OrleansSessions.Abstractions;
using OrleansSessions.Contracts;

namespace OrleansSessions.Rules;

/// <summary>What a failed session call means to its caller, as an HTTP status with a problem's detail, field and
/// limit: the HTTP API answers with it, and the in-cluster client throws what the HTTP client would have.</summary>
public sealed record SessionProblem(int Status, string Detail, string? Field = null, long? Limit = null)
{
    public const int Unavailable = 503;

    public string Title => Problems.Title(Status);

    /// <summary>The problem <paramref name="exception"/> stands for, or null when it is not one a caller can act on.</summary>
    public static SessionProblem? Of(Exception exception) => exception switch
    {
        SessionNotFoundException notFound => new(404, notFound.Message, "sessionId"),
        SessionAlreadyExistsException exists => new(409, exists.Message, "sessionId"),
        OperationIdConflictException conflict => new(409, conflict.Message, "operationId"),
        HistoryPreconditionFailedException mismatch => new(409, mismatch.Message, "expectedSuffix"),
        InvalidSessionRequestException { TooLarge: true } large => new(413, large.Message, large.Field, large.Limit),
        InvalidSessionRequestException invalid => new(400, invalid.Message, invalid.Field, invalid.Limit),
        SessionBusyException busy => new(Unavailable, busy.Message),
        SessionStoreUnavailableException => new(Unavailable, "The session store is unreachable; retry shortly."),
        TimeoutException => new(Unavailable, "The session did not answer within Orleans:CallTimeout; retry shortly."),
        SiloUnavailableException or OrleansMessageRejectionException or GatewayTooBusyException or OrleansLifecycleCanceledException =>
            new(Unavailable, "The cluster is moving this session between silos; retry shortly."),
        _ => null,
    };
}
