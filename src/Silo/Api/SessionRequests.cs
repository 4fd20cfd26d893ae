using System.Text.Json;
using OrleansSessions.Abstractions;

namespace OrleansSessions.Silo.Api;

/// <summary>Turns request bodies into commands, field by field, so every refusal names its field and limit.</summary>
public sealed class SessionRequests(InputRules rules)
{
    private ApiLimits Limits => rules.Limits;

    /// <param name="defaultUserId">The owner when the body names none (a user token's user).</param>
    public (string SessionId, CreateSessionCommand Command) Create(JsonElement body, string? defaultUserId)
    {
        var userId = rules.Id("userId", JsonFields.OptionalString(body, "userId") ?? defaultUserId);
        var sessionId = JsonFields.OptionalString(body, "sessionId") is { } id ? rules.Id("sessionId", id) : Guid.NewGuid().ToString("N");
        var title = JsonFields.OptionalString(body, "title") is { } t ? rules.Text("title", t, Limits.MaxTitleLength) : null;
        var ttlSeconds = (int?)JsonFields.OptionalWholeNumber(body, "ttlSeconds", 1, Limits.MaxTtlSeconds);

        JsonElement? metadata = null;
        if (JsonFields.Optional(body, "metadata") is { } meta)
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
        var items = Items(body, "items", minimum: 1);
        var operationId = JsonFields.OptionalString(body, "operationId") is { } op ? rules.Id("operationId", op) : null;
        var agent = JsonFields.OptionalString(body, "agent") is { } a ? rules.Text("agent", a, Limits.MaxNameLength) : null;
        var userId = JsonFields.OptionalString(body, "userId") is { } u ? rules.Id("userId", u) : null;
        var tokens = JsonFields.OptionalWholeNumber(body, "tokens", 0, 1_000_000_000);
        var ttlSeconds = (int?)JsonFields.OptionalWholeNumber(body, "ttlSeconds", 1, Limits.MaxTtlSeconds);
        return new AppendItemsCommand(items, operationId, agent, userId, tokens, ttlSeconds);
    }

    /// <summary>The body of <c>POST /v1/sessions/{sessionId}/history/transactions</c>: the Agents SDK's
    /// <c>{operationId, transaction: {type: "append_items", items} | {type: "replace_suffix", expectedSuffix, replacement}}</c>,
    /// exactly as it defines one: a field it does not define is refused (naming it) rather than ignored, since a client
    /// that sent it expected it to mean something.</summary>
    public HistoryChangeCommand HistoryTransaction(JsonElement body)
    {
        JsonFields.OnlyKnown(body, "", "operationId", "transaction");
        var operationId = rules.Id("operationId", JsonFields.OptionalString(body, "operationId"));
        if (JsonFields.Optional(body, "transaction") is not { ValueKind: JsonValueKind.Object } transaction)
        {
            throw ApiProblemException.BadRequest("transaction", "transaction is required and must be a JSON object.");
        }
        switch (JsonFields.OptionalString(transaction, "type"))
        {
            case "append_items":
                JsonFields.OnlyKnown(transaction, "transaction.", "type", "items");
                return new HistoryChangeCommand(Items(transaction, "items", minimum: 0), operationId);
            case "replace_suffix":
                JsonFields.OnlyKnown(transaction, "transaction.", "type", "expectedSuffix", "replacement");
                return new HistoryChangeCommand(
                    Items(transaction, "replacement", minimum: 0), operationId, Items(transaction, "expectedSuffix", minimum: 0));
            default:
                throw ApiProblemException.BadRequest("transaction.type", "transaction.type must be append_items or replace_suffix.");
        }
    }

    /// <summary>The body of <c>PUT /v1/sessions/{sessionId}/items</c>: <c>{items, operationId?}</c>, the whole new history.</summary>
    public HistoryChangeCommand ReplaceItems(JsonElement body) =>
        new(Items(body, "items", minimum: 0),
            JsonFields.OptionalString(body, "operationId") is { } op ? rules.Id("operationId", op) : null,
            ReplaceAll: true);

    private List<JsonElement> Items(JsonElement body, string name, int minimum)
    {
        if (JsonFields.Optional(body, name) is not { ValueKind: JsonValueKind.Array } array)
        {
            throw ApiProblemException.BadRequest(name, $"{name} is required and must be an array of JSON objects.");
        }
        var count = array.GetArrayLength();
        if (count < minimum || count > Limits.MaxItemsPerBatch)
        {
            throw ApiProblemException.BadRequest(name, $"{name} must hold from {minimum} to {Limits.MaxItemsPerBatch} items.", Limits.MaxItemsPerBatch);
        }

        var items = new List<JsonElement>(count);
        foreach (var item in array.EnumerateArray())
        {
            var field = $"{name}[{items.Count}]";
            if (item.ValueKind != JsonValueKind.Object) throw ApiProblemException.BadRequest(field, $"{field} must be a JSON object.");
            if (InputRules.Utf8Bytes(item) > Limits.MaxItemBytes)
            {
                throw ApiProblemException.TooLarge(field, $"{field} is larger than {Limits.MaxItemBytes} bytes.", Limits.MaxItemBytes);
            }
            items.Add(item.Clone());
        }
        return items;
    }

    public string TrackAgent(JsonElement body) =>
        rules.Text("agent", JsonFields.OptionalString(body, "agent") ?? throw ApiProblemException.BadRequest("agent", "agent is required."), Limits.MaxNameLength);

    public (IReadOnlyList<string> Path, JsonElement Value) UpdateData(JsonElement body)
    {
        if (JsonFields.Optional(body, "path") is not { ValueKind: JsonValueKind.Array } array || array.GetArrayLength() is 0 or > 32
            || array.EnumerateArray().Any(p => p.ValueKind != JsonValueKind.String || p.GetString()!.Length is 0 or > 256))
        {
            throw ApiProblemException.BadRequest("path", "path must be an array of 1 to 32 non-empty keys of at most 256 characters.", 32);
        }
        if (!body.TryGetProperty("value", out var value)) throw ApiProblemException.BadRequest("value", "value is required.");
        return (array.EnumerateArray().Select(p => p.GetString()!).ToList(), rules.DataValue("value", value));
    }
}
