using System.Text.Json;
using OrleansSessions.Contracts;

namespace OrleansSessions.Abstractions;

// How the contract records (plain, so the HTTP client needs no Orleans) cross a grain call. Each surrogate keeps the
// record's fields under the ids the records had when they carried [GenerateSerializer] themselves; [Immutable] makes
// an in-silo call hand the record's values over without copying them.

[GenerateSerializer, Immutable, Alias("os.SessionInfo")]
public readonly record struct SessionInfoSurrogate(
    [property: Id(0)] string SessionId, [property: Id(1)] string UserId, [property: Id(2)] string? Title,
    [property: Id(3)] DateTimeOffset CreatedAt, [property: Id(4)] DateTimeOffset UpdatedAt, [property: Id(5)] long ItemCount,
    [property: Id(6)] long LastSeq, [property: Id(7)] long Version, [property: Id(8)] string? CurrentAgent,
    [property: Id(9)] IReadOnlyList<string> AgentsUsed, [property: Id(10)] JsonElement? Metadata,
    [property: Id(11)] DateTimeOffset? ExpiresAt, [property: Id(12)] long TokenTotal, [property: Id(13)] ForkOrigin? ForkedFrom,
    [property: Id(14)] int? MaxItems, [property: Id(16)] long TrimmedItems, [property: Id(17)] SessionUsage? Usage);

[RegisterConverter]
public sealed class SessionInfoConverter : IConverter<SessionInfo, SessionInfoSurrogate>
{
    public SessionInfo ConvertFromSurrogate(in SessionInfoSurrogate s) => new(s.SessionId, s.UserId, s.Title, s.CreatedAt,
        s.UpdatedAt, s.ItemCount, s.LastSeq, s.Version, s.CurrentAgent, s.AgentsUsed, s.Metadata, s.ExpiresAt, s.TokenTotal,
        s.ForkedFrom, s.MaxItems, s.TrimmedItems, s.Usage);

    public SessionInfoSurrogate ConvertToSurrogate(in SessionInfo v) => new(v.SessionId, v.UserId, v.Title, v.CreatedAt,
        v.UpdatedAt, v.ItemCount, v.LastSeq, v.Version, v.CurrentAgent, v.AgentsUsed, v.Metadata, v.ExpiresAt, v.TokenTotal,
        v.ForkedFrom, v.MaxItems, v.TrimmedItems, v.Usage);
}

[GenerateSerializer, Immutable, Alias("os.ForkOrigin")]
public readonly record struct ForkOriginSurrogate([property: Id(0)] string SessionId, [property: Id(1)] long Seq);

[RegisterConverter]
public sealed class ForkOriginConverter : IConverter<ForkOrigin, ForkOriginSurrogate>
{
    public ForkOrigin ConvertFromSurrogate(in ForkOriginSurrogate s) => new(s.SessionId, s.Seq);

    public ForkOriginSurrogate ConvertToSurrogate(in ForkOrigin v) => new(v.SessionId, v.Seq);
}

[GenerateSerializer, Immutable, Alias("os.StoredItem")]
public readonly record struct StoredItemSurrogate([property: Id(0)] long Seq, [property: Id(1)] DateTimeOffset CreatedAt, [property: Id(2)] JsonElement Item);

[RegisterConverter]
public sealed class StoredItemConverter : IConverter<StoredItem, StoredItemSurrogate>
{
    public StoredItem ConvertFromSurrogate(in StoredItemSurrogate s) => new(s.Seq, s.CreatedAt, s.Item);

    public StoredItemSurrogate ConvertToSurrogate(in StoredItem v) => new(v.Seq, v.CreatedAt, v.Item);
}

[GenerateSerializer, Immutable, Alias("os.AppendResult")]
public readonly record struct AppendResultSurrogate([property: Id(0)] long FirstSeq, [property: Id(1)] long LastSeq, [property: Id(2)] int Count);

[RegisterConverter]
public sealed class AppendResultConverter : IConverter<AppendResult, AppendResultSurrogate>
{
    public AppendResult ConvertFromSurrogate(in AppendResultSurrogate s) => new(s.FirstSeq, s.LastSeq, s.Count);

    public AppendResultSurrogate ConvertToSurrogate(in AppendResult v) => new(v.FirstSeq, v.LastSeq, v.Count);
}

[GenerateSerializer, Immutable, Alias("os.RewindResult")]
public readonly record struct RewindResultSurrogate([property: Id(0)] long AfterSeq, [property: Id(1)] long RemovedCount, [property: Id(2)] long LastSeq);

[RegisterConverter]
public sealed class RewindResultConverter : IConverter<RewindResult, RewindResultSurrogate>
{
    public RewindResult ConvertFromSurrogate(in RewindResultSurrogate s) => new(s.AfterSeq, s.RemovedCount, s.LastSeq);

    public RewindResultSurrogate ConvertToSurrogate(in RewindResult v) => new(v.AfterSeq, v.RemovedCount, v.LastSeq);
}

[GenerateSerializer, Immutable, Alias("os.SessionListPage")]
public readonly record struct SessionListPageSurrogate([property: Id(0)] IReadOnlyList<SessionInfo> Sessions, [property: Id(1)] string? NextCursor);

[RegisterConverter]
public sealed class SessionListPageConverter : IConverter<SessionListPage, SessionListPageSurrogate>
{
    public SessionListPage ConvertFromSurrogate(in SessionListPageSurrogate s) => new(s.Sessions, s.NextCursor);

    public SessionListPageSurrogate ConvertToSurrogate(in SessionListPage v) => new(v.Sessions, v.NextCursor);
}

[GenerateSerializer, Immutable, Alias("os.AppendItemsCommand")]
public readonly record struct AppendItemsCommandSurrogate(
    [property: Id(0)] IReadOnlyList<JsonElement> Items, [property: Id(1)] string? OperationId, [property: Id(2)] string? Agent,
    [property: Id(3)] string? UserId, [property: Id(4)] long? Tokens, [property: Id(5)] int? TtlSeconds, [property: Id(6)] TurnUsage? Usage,
    [property: Id(7)] int? MaxItems);

[RegisterConverter]
public sealed class AppendItemsCommandConverter : IConverter<AppendItemsCommand, AppendItemsCommandSurrogate>
{
    public AppendItemsCommand ConvertFromSurrogate(in AppendItemsCommandSurrogate s) => new(s.Items, s.OperationId, s.Agent, s.UserId, s.Tokens, s.TtlSeconds,
        s.Usage, s.MaxItems);

    public AppendItemsCommandSurrogate ConvertToSurrogate(in AppendItemsCommand v) => new(v.Items, v.OperationId, v.Agent, v.UserId, v.Tokens, v.TtlSeconds,
        v.Usage, v.MaxItems);
}

[GenerateSerializer, Immutable, Alias("os.TurnUsage")]
public readonly record struct TurnUsageSurrogate(
    [property: Id(0)] long InputTokens, [property: Id(1)] long OutputTokens, [property: Id(2)] long? TotalTokens,
    [property: Id(3)] long? CachedTokens, [property: Id(4)] long? ReasoningTokens, [property: Id(5)] string? Model, [property: Id(6)] int? Requests);

[RegisterConverter]
public sealed class TurnUsageConverter : IConverter<TurnUsage, TurnUsageSurrogate>
{
    public TurnUsage ConvertFromSurrogate(in TurnUsageSurrogate s) =>
        new(s.InputTokens, s.OutputTokens, s.TotalTokens, s.CachedTokens, s.ReasoningTokens, s.Model, s.Requests);

    public TurnUsageSurrogate ConvertToSurrogate(in TurnUsage v) =>
        new(v.InputTokens, v.OutputTokens, v.TotalTokens, v.CachedTokens, v.ReasoningTokens, v.Model, v.Requests);
}

[GenerateSerializer, Immutable, Alias("os.UsageTotals")]
public readonly record struct UsageTotalsSurrogate(
    [property: Id(0)] long InputTokens, [property: Id(1)] long OutputTokens, [property: Id(2)] long TotalTokens,
    [property: Id(3)] long CachedTokens, [property: Id(4)] long ReasoningTokens, [property: Id(5)] long Requests);

[RegisterConverter]
public sealed class UsageTotalsConverter : IConverter<UsageTotals, UsageTotalsSurrogate>
{
    public UsageTotals ConvertFromSurrogate(in UsageTotalsSurrogate s) =>
        new(s.InputTokens, s.OutputTokens, s.TotalTokens, s.CachedTokens, s.ReasoningTokens, s.Requests);

    public UsageTotalsSurrogate ConvertToSurrogate(in UsageTotals v) =>
        new(v.InputTokens, v.OutputTokens, v.TotalTokens, v.CachedTokens, v.ReasoningTokens, v.Requests);
}

[GenerateSerializer, Immutable, Alias("os.SessionUsage")]
public readonly record struct SessionUsageSurrogate(
    [property: Id(0)] long InputTokens, [property: Id(1)] long OutputTokens, [property: Id(2)] long TotalTokens,
    [property: Id(3)] long CachedTokens, [property: Id(4)] long ReasoningTokens, [property: Id(5)] long Requests,
    [property: Id(6)] IReadOnlyDictionary<string, UsageTotals> ByModel, [property: Id(7)] IReadOnlyDictionary<string, UsageTotals> ByAgent);

[RegisterConverter]
public sealed class SessionUsageConverter : IConverter<SessionUsage, SessionUsageSurrogate>
{
    public SessionUsage ConvertFromSurrogate(in SessionUsageSurrogate s) =>
        new(s.InputTokens, s.OutputTokens, s.TotalTokens, s.CachedTokens, s.ReasoningTokens, s.Requests, s.ByModel, s.ByAgent);

    public SessionUsageSurrogate ConvertToSurrogate(in SessionUsage v) =>
        new(v.InputTokens, v.OutputTokens, v.TotalTokens, v.CachedTokens, v.ReasoningTokens, v.Requests, v.ByModel, v.ByAgent);
}

[GenerateSerializer, Immutable, Alias("os.ItemsQuery")]
public readonly record struct ItemsQuerySurrogate(
    [property: Id(0)] int? Limit, [property: Id(1)] long? AfterSeq, [property: Id(2)] string? Role, [property: Id(3)] bool SafeStart, [property: Id(4)] bool RefreshTtl);

[RegisterConverter]
public sealed class ItemsQueryConverter : IConverter<ItemsQuery, ItemsQuerySurrogate>
{
    public ItemsQuery ConvertFromSurrogate(in ItemsQuerySurrogate s) => new(s.Limit, s.AfterSeq, s.Role, s.SafeStart, s.RefreshTtl);

    public ItemsQuerySurrogate ConvertToSurrogate(in ItemsQuery v) => new(v.Limit, v.AfterSeq, v.Role, v.SafeStart, v.RefreshTtl);
}
