using System.Buffers;
using System.Text.Json;
using StackExchange.Redis;

namespace OrleansSessions.Bench.BaselineC;

/// <summary>A Redis list per session: an append is RPUSH + EXPIRE, a read is LRANGE written out as stored.</summary>
public sealed class SessionLists(IConnectionMultiplexer redis, string keyPrefix)
{
    private static readonly TimeSpan Ttl = TimeSpan.FromDays(1);

    public async Task<IResult> AppendAsync(string id, HttpRequest request)
    {
        RedisValue[] items;
        try
        {
            using var body = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            if (!IsAppend(body.RootElement)) return Results.BadRequest();
            items = body.RootElement.GetProperty("items").EnumerateArray().Select(item => (RedisValue)item.GetRawText()).ToArray();
        }
        catch (JsonException)
        {
            return Results.BadRequest();
        }
        var db = redis.GetDatabase();
        var key = Key(id);
        // Both commands leave before either reply is awaited: one round trip, as a pipelining client would do it.
        var push = db.ListRightPushAsync(key, items);
        var expire = db.KeyExpireAsync(key, Ttl);
        await Task.WhenAll(push, expire);
        return Results.Ok(new { count = items.Length });
    }

    public async Task ReadAsync(string id, int? limit, HttpResponse response)
    {
        var items = await redis.GetDatabase().ListRangeAsync(Key(id), limit is { } n ? -n : 0, -1);
        response.ContentType = "application/json";
        var writer = response.BodyWriter;
        writer.Write("{\"items\":["u8);
        for (var i = 0; i < items.Length; i++)
        {
            if (i > 0) writer.Write(","u8);
            writer.Write(((ReadOnlyMemory<byte>)items[i]).Span);
        }
        writer.Write("]}"u8);
        await writer.FlushAsync(response.HttpContext.RequestAborted);
    }

    private static bool IsAppend(JsonElement body) =>
        body.ValueKind == JsonValueKind.Object
        && body.TryGetProperty("userId", out var user) && user.ValueKind == JsonValueKind.String
        && body.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array && items.GetArrayLength() > 0;

    private RedisKey Key(string id) => $"{keyPrefix}:{id}";
}
