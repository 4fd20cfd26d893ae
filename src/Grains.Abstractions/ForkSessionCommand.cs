using System.Text.Json;
using OrleansSessions.Contracts;

namespace OrleansSessions.Abstractions;

/// <summary>Make the grain's session a fork of <paramref name="SourceSessionId"/> (in the same key space): its items
/// through <paramref name="ThroughSeq"/> (all when null) and its data values. <paramref name="UserId"/>,
/// <paramref name="Title"/>, <paramref name="TtlSeconds"/> and <paramref name="Metadata"/> default to the source's when
/// null. With an <paramref name="OperationId"/> a repeat answers the fork it made the first time.</summary>
[GenerateSerializer, Immutable, Alias("os.ForkSessionCommand")]
public sealed record ForkSessionCommand(
    string SourceSessionId,
    string? UserId = null,
    long? ThroughSeq = null,
    string? Title = null,
    int? TtlSeconds = null,
    JsonElement? Metadata = null,
    string? OperationId = null) : IRepeatableRequest
{
    bool IRepeatableRequest.SafeToRepeat => OperationId is not null;
}
