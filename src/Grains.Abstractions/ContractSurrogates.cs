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
    [property: Id(11)] DateTimeOffset? ExpiresAt, [property: Id(12)] long TokenTotal, [property: Id(13)] ForkOrigin? ForkedFrom);

[RegisterConverter]
public sealed class SessionInfoConverter : IConverter<SessionInfo, SessionInfoSurrogate>
{
    public SessionInfo ConvertFromSurrogate(in SessionInfoSurrogate s) => new(s.SessionId, s.UserId, s.Title, s.CreatedAt,
        s.UpdatedAt, s.ItemCount, s.LastSeq, s.Version, s.CurrentAgent, s.AgentsUsed, s.Metadata, s.ExpiresAt, s.TokenTotal,
        s.ForkedFrom);

    public SessionInfoSurrogate ConvertToSurrogate(in SessionInfo v) => new(v.SessionId, v.UserId, v.Title, v.CreatedAt,
        v.UpdatedAt, v.ItemCount, v.LastSeq, v.Version, v.CurrentAgent, v.AgentsUsed, v.Metadata, v.ExpiresAt, v.TokenTotal,
        v.ForkedFrom);
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
    [property: Id(3)] string? UserId, [property: Id(4)] long? Tokens, [property: Id(5)] int? TtlSeconds);

[RegisterConverter]
public sealed class AppendItemsCommandConverter : IConverter<AppendItemsCommand, AppendItemsCommandSurrogate>
{
    public AppendItemsCommand ConvertFromSurrogate(in AppendItemsCommandSurrogate s) => new(s.Items, s.OperationId, s.Agent, s.UserId, s.Tokens, s.TtlSeconds);

    public AppendItemsCommandSurrogate ConvertToSurrogate(in AppendItemsCommand v) => new(v.Items, v.OperationId, v.Agent, v.UserId, v.Tokens, v.TtlSeconds);
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
