using System.Text.Json;

namespace OrleansSessions.Contracts;

/// <summary>HTTP body of <c>POST /v1/sessions/{sessionId}/fork</c>: a new session holding the source's items through
/// <paramref name="ThroughSeq"/> (all when null) and its data values. <paramref name="SessionId"/> names the new session
/// (generated when null; with an <paramref name="OperationId"/> derived from the source and the operation id, so a retry
/// lands on the same one); <paramref name="UserId"/> its owner (the source's when null); <paramref name="Title"/>,
/// <paramref name="Metadata"/> and <paramref name="TtlSeconds"/> default to the source's.</summary>
public sealed record ForkSessionRequest(
    string? SessionId = null,
    string? UserId = null,
    long? ThroughSeq = null,
    string? Title = null,
    JsonElement? Metadata = null,
    int? TtlSeconds = null,
    string? OperationId = null) : IRepeatableRequest
{
    bool IRepeatableRequest.SafeToRepeat => OperationId is not null;
}
