using System.Text.Json;
using OrleansSessions.Contracts;

namespace OrleansSessions.Abstractions;

/// <summary>Create a session. <paramref name="Metadata"/> is a JSON object or null; <paramref name="MaxItems"/> caps the
/// items it keeps (null: the silo's default, if any).</summary>
[GenerateSerializer, Immutable, Alias("os.CreateSessionCommand")]
public sealed record CreateSessionCommand(string UserId, string? Title, int? TtlSeconds, JsonElement? Metadata, int? MaxItems = null);

/// <summary>Remove every item after <paramref name="AfterSeq"/> in one step. With an <paramref name="OperationId"/> the
/// rewind is made once: a repeat answers as the first time did and removes nothing more.</summary>
[GenerateSerializer, Immutable, Alias("os.RewindCommand")]
public sealed record RewindCommand(long AfterSeq, string? OperationId = null) : IRepeatableRequest
{
    bool IRepeatableRequest.SafeToRepeat => OperationId is not null;
}

/// <summary>
/// An atomic, idempotent change of the newest items (the Agents SDK's history transactions and compaction):
/// <paramref name="ExpectedSuffix"/> null appends <paramref name="Items"/>; a list must equal (structurally) the
/// newest items, which <paramref name="Items"/> then replace; <paramref name="ReplaceAll"/> replaces every item.
/// With an <paramref name="OperationId"/> the change is made once: a repeat answers as the first time did.
/// </summary>
[GenerateSerializer, Immutable, Alias("os.HistoryChangeCommand")]
public sealed record HistoryChangeCommand(
    IReadOnlyList<JsonElement> Items,
    string? OperationId = null,
    IReadOnlyList<JsonElement>? ExpectedSuffix = null,
    bool ReplaceAll = false) : IRepeatableRequest
{
    bool IRepeatableRequest.SafeToRepeat => OperationId is not null;
}
