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
        var ttlSeconds = (int?)OptionalWholeNumber(body, "ttlSeconds", 1, Limits.MaxTtlSeconds);

        JsonElement? metadata = null;
        if (Optional(body, "metadata") is { } meta)
        {
            if (meta.ValueKind != JsonValueKind.Object) throw ApiProblemException.BadRequest("metadata", "metadata must be a JSON object.");
            if (InputRules.Utf8Bytes(meta) > Limits.MaxMetadataBytes)
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
            if (InputRules.Utf8Bytes(item) > Limits.MaxItemBytes)
            {
                throw ApiProblemException.TooLarge(field, $"{field} is larger than {Limits.MaxItemBytes} bytes.", Limits.MaxItemBytes);
            }
            items.Add(item.Clone());
        }

        var operationId = OptionalString(body, "operationId") is { } op ? rules.Id("operationId", op) : null;
        var agent = OptionalString(body, "agent") is { } a ? rules.Text("agent", a, Limits.MaxNameLength) : null;
        var userId = OptionalString(body, "userId") is { } u ? rules.Id("userId", u) : null;
        var tokens = OptionalWholeNumber(body, "tokens", 0, 1_000_000_000);
        var ttlSeconds = (int?)OptionalWholeNumber(body, "ttlSeconds", 1, Limits.MaxTtlSeconds);
        return new AppendItemsCommand(items, operationId, agent, userId, tokens, ttlSeconds);
    }

    public string TrackAgent(JsonElement body) =>
        rules.Text("agent", OptionalString(body, "agent") ?? throw ApiProblemException.BadRequest("agent", "agent is required."), Limits.MaxNameLength);

    public (IReadOnlyList<string> Path, JsonElement Value) UpdateData(JsonElement body)
    {
        if (Optional(body, "path") is not { ValueKind: JsonValueKind.Array } array || array.GetArrayLength() is 0 or > 32
            || array.EnumerateArray().Any(p => p.ValueKind != JsonValueKind.String || p.GetString()!.Length is 0 or > 256))
        {
            throw ApiProblemException.BadRequest("path", "path must be an array of 1 to 32 non-empty keys of at most 256 characters.", 32);
        }
        if (!body.TryGetProperty("value", out var value)) throw ApiProblemException.BadRequest("value", "value is required.");
        return (array.EnumerateArray().Select(p => p.GetString()!).ToList(), rules.DataValue("value", value));
    }

    private static JsonElement? Optional(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static long? OptionalWholeNumber(JsonElement body, string name, long min, long max)
    {
        if (Optional(body, name) is not { } value) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number) || number < min || number > max)
        {
            throw ApiProblemException.BadRequest(name, $"{name} must be a whole number from {min} to {max}.", max);
        }
        return number;
    }

    private static string? OptionalString(JsonElement body, string name) =>
        Optional(body, name) switch
        {
            null => null,
            { ValueKind: JsonValueKind.String } value => value.GetString(),
            _ => throw ApiProblemException.BadRequest(name, $"{name} must be a string."),
        };
}
