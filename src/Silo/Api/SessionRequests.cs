using System.Text.Json;
using OrleansSessions.Abstractions;
using OrleansSessions.Contracts;
using OrleansSessions.Rules;

namespace OrleansSessions.Silo.Api;

/// <summary>Turns request bodies into commands, field by field, so every refusal names its field and limit.</summary>
public sealed class SessionRequests(RequestRules rules)
{
    private ApiLimits Limits => rules.Limits;

    /// <param name="defaultUserId">The owner when the body names none (a user token's user).</param>
    public (string SessionId, CreateSessionCommand Command) Create(JsonElement body, string? defaultUserId)
    {
        var userId = rules.Id("userId", JsonFields.OptionalString(body, "userId") ?? defaultUserId);
        var sessionId = rules.OptionalId("sessionId", JsonFields.OptionalString(body, "sessionId")) ?? Guid.NewGuid().ToString("N");
        var title = JsonFields.OptionalString(body, "title") is { } t ? rules.Text("title", t, Limits.MaxTitleLength) : null;
        var ttlSeconds = (int?)JsonFields.OptionalWholeNumber(body, "ttlSeconds", 1, Limits.MaxTtlSeconds);
        var metadata = rules.Metadata("metadata", JsonFields.Optional(body, "metadata"))?.Clone();
        return (sessionId, new CreateSessionCommand(userId, title, ttlSeconds, metadata));
    }

    public AppendItemsCommand Append(JsonElement body)
    {
        var items = Items(body, "items", minimum: 1);
        var operationId = rules.OptionalId("operationId", JsonFields.OptionalString(body, "operationId"));
        var agent = rules.OptionalName("agent", JsonFields.OptionalString(body, "agent"));
        var userId = rules.OptionalId("userId", JsonFields.OptionalString(body, "userId"));
        var tokens = JsonFields.OptionalWholeNumber(body, "tokens", 0, RequestRules.MaxTokens);
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
            rules.OptionalId("operationId", JsonFields.OptionalString(body, "operationId")),
            ReplaceAll: true);

    private List<JsonElement> Items(JsonElement body, string name, int minimum)
    {
        if (JsonFields.Optional(body, name) is not { ValueKind: JsonValueKind.Array } array)
        {
            throw ApiProblemException.BadRequest(name, $"{name} is required and must be an array of JSON objects.");
        }
        rules.BatchSize(name, array.GetArrayLength(), minimum);
        var items = new List<JsonElement>(array.GetArrayLength());
        foreach (var item in array.EnumerateArray()) items.Add(rules.Item($"{name}[{items.Count}]", item).Clone());
        return items;
    }

    public string TrackAgent(JsonElement body) =>
        rules.Text("agent", JsonFields.OptionalString(body, "agent") ?? throw ApiProblemException.BadRequest("agent", "agent is required."), Limits.MaxNameLength);

    public (IReadOnlyList<string> Path, JsonElement Value) UpdateData(JsonElement body)
    {
        var path = JsonFields.Optional(body, "path") is { ValueKind: JsonValueKind.Array } array
            && array.EnumerateArray().All(p => p.ValueKind == JsonValueKind.String)
            ? array.EnumerateArray().Select(p => p.GetString()!).ToList()
            : null;
        rules.DataPath("path", path);
        if (!body.TryGetProperty("value", out var value)) throw ApiProblemException.BadRequest("value", "value is required.");
        return (path!, rules.DataValue("value", value).Clone());
    }
}
