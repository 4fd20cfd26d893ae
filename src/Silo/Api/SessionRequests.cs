using System.Text;
using System.Text.Json;
using OrleansSessions.Abstractions;

namespace OrleansSessions.Silo.Api;

/// <summary>Turns request bodies into commands, field by field, so every refusal names its field and limit.</summary>
public sealed class SessionRequests(InputRules rules)
{
    private ApiLimits Limits => rules.Limits;

    public (string SessionId, CreateSessionCommand Command) Create(JsonElement body)
    {
        var userId = rules.Id("userId", OptionalString(body, "userId"));
        var sessionId = OptionalString(body, "sessionId") is { } id ? rules.Id("sessionId", id) : Guid.NewGuid().ToString("N");
        var title = OptionalString(body, "title") is { } t ? rules.Text("title", t, Limits.MaxTitleLength) : null;

        int? ttlSeconds = null;
        if (Optional(body, "ttlSeconds") is { } ttl)
        {
            if (ttl.ValueKind != JsonValueKind.Number || !ttl.TryGetInt32(out var seconds) || seconds < 1 || seconds > Limits.MaxTtlSeconds)
            {
                throw ApiProblemException.BadRequest("ttlSeconds", $"ttlSeconds must be a whole number from 1 to {Limits.MaxTtlSeconds}.", Limits.MaxTtlSeconds);
            }
            ttlSeconds = seconds;
        }

        JsonElement? metadata = null;
        if (Optional(body, "metadata") is { } meta)
        {
            if (meta.ValueKind != JsonValueKind.Object) throw ApiProblemException.BadRequest("metadata", "metadata must be a JSON object.");
            if (Encoding.UTF8.GetByteCount(meta.GetRawText()) > Limits.MaxMetadataBytes)
            {
                throw ApiProblemException.TooLarge("metadata", $"metadata is larger than {Limits.MaxMetadataBytes} bytes.", Limits.MaxMetadataBytes);
            }
            metadata = meta.Clone();
        }
        return (sessionId, new CreateSessionCommand(userId, title, ttlSeconds, metadata));
    }

    public AppendItemsCommand Append(JsonElement body)
    {
        if (Optional(body, "items") is not { ValueKind: JsonValueKind.Array } array)
        {
            throw ApiProblemException.BadRequest("items", "items is required and must be an array of JSON objects.");
        }
        var count = array.GetArrayLength();
        if (count < 1 || count > Limits.MaxItemsPerBatch)
        {
            throw ApiProblemException.BadRequest("items", $"items must hold from 1 to {Limits.MaxItemsPerBatch} items.", Limits.MaxItemsPerBatch);
        }

        var items = new List<JsonElement>(count);
        foreach (var item in array.EnumerateArray())
        {
            var field = $"items[{items.Count}]";
            if (item.ValueKind != JsonValueKind.Object) throw ApiProblemException.BadRequest(field, $"{field} must be a JSON object.");
            if (Encoding.UTF8.GetByteCount(item.GetRawText()) > Limits.MaxItemBytes)
            {
                throw ApiProblemException.TooLarge(field, $"{field} is larger than {Limits.MaxItemBytes} bytes.", Limits.MaxItemBytes);
            }
            items.Add(item.Clone());
        }

        var operationId = OptionalString(body, "operationId") is { } op ? rules.Id("operationId", op) : null;
        var agent = OptionalString(body, "agent") is { } a ? rules.Text("agent", a, Limits.MaxNameLength) : null;
        var userId = OptionalString(body, "userId") is { } u ? rules.Id("userId", u) : null;
        return new AppendItemsCommand(items, operationId, agent, userId);
    }

    private static JsonElement? Optional(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static string? OptionalString(JsonElement body, string name) =>
        Optional(body, name) switch
        {
            null => null,
            { ValueKind: JsonValueKind.String } value => value.GetString(),
            _ => throw ApiProblemException.BadRequest(name, $"{name} must be a string."),
        };
}
