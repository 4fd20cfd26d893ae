using System.Text.Json;
using OrleansSessions.Abstractions;
using OrleansSessions.Contracts;
using OrleansSessions.Rules;

namespace OrleansSessions.Silo.Api;

/// <summary>Binds request bodies into the typed requests the in-cluster client sends too, refusing (naming the field)
/// only what a typed caller cannot send: a value of the wrong JSON type, a field the request does not have. Each
/// binder first names the top-level fields its body takes (<see cref="JsonFields.OnlyKnown"/>): a new field is one
/// more name there. What the values may be is <see cref="SessionCommands"/>' to check, for every transport alike.
/// JSON values are cloned out of the body, which is gone once the request ends.</summary>
internal sealed class JsonBodies(RequestRules rules)
{
    private ApiLimits Limits => rules.Limits;

    /// <param name="defaultUserId">The owner when the body names none (a user token's user).</param>
    public CreateSessionRequest CreateSession(JsonElement body, string? defaultUserId)
    {
        JsonFields.OnlyKnown(body, "", "userId", "sessionId", "title", "ttlSeconds", "metadata", "maxItems");
        return new(
            JsonFields.OptionalString(body, "userId") ?? defaultUserId ?? "",
            JsonFields.OptionalString(body, "sessionId"),
            JsonFields.OptionalString(body, "title"),
            (int?)JsonFields.OptionalWholeNumber(body, "ttlSeconds", 1, Limits.MaxTtlSeconds),
            JsonFields.Optional(body, "metadata")?.Clone(),
            (int?)JsonFields.OptionalWholeNumber(body, "maxItems", 1, RetentionLimits.MaxItems));
    }

    public AppendItemsCommand Append(JsonElement body)
    {
        JsonFields.OnlyKnown(body, "", "items", "operationId", "agent", "userId", "tokens", "ttlSeconds", "usage", "maxItems");
        return new(
            Items(body, "items")!,
            JsonFields.OptionalString(body, "operationId"),
            JsonFields.OptionalString(body, "agent"),
            JsonFields.OptionalString(body, "userId"),
            JsonFields.OptionalWholeNumber(body, "tokens", 0, RequestRules.MaxTokens),
            (int?)JsonFields.OptionalWholeNumber(body, "ttlSeconds", 1, Limits.MaxTtlSeconds),
            Usage: UsageJson.Read(body),
            MaxItems: (int?)JsonFields.OptionalWholeNumber(body, "maxItems", 1, RetentionLimits.MaxItems));
    }

    /// <summary>The Agents SDK's <c>{operationId, transaction: {type, items | expectedSuffix, replacement}}</c>; a field
    /// it does not define is refused rather than ignored.</summary>
    public HistoryTransactionRequest HistoryTransaction(JsonElement body)
    {
        JsonFields.OnlyKnown(body, "", "operationId", "transaction");
        if (JsonFields.Optional(body, "transaction") is not { ValueKind: JsonValueKind.Object } transaction)
        {
            throw new InvalidSessionRequestException("transaction", "transaction is required and must be a JSON object.");
        }
        JsonFields.OnlyKnown(transaction, "transaction.", "type", "items", "expectedSuffix", "replacement");
        return new HistoryTransactionRequest(JsonFields.OptionalString(body, "operationId")!, new HistoryTransaction(
            JsonFields.OptionalString(transaction, "type") ?? "",
            Items(transaction, "items"), Items(transaction, "expectedSuffix"), Items(transaction, "replacement")));
    }

    /// <summary>The body of <c>PUT /v1/sessions/{sessionId}/items</c>: <c>{items, operationId?}</c>.</summary>
    public ReplaceItemsRequest ReplaceItems(JsonElement body)
    {
        JsonFields.OnlyKnown(body, "", "items", "operationId");
        return new(Items(body, "items")!, JsonFields.OptionalString(body, "operationId"));
    }

    /// <summary>The body of <c>POST /v1/sessions/{sessionId}/fork</c>; a field it does not define is refused.</summary>
    public ForkSessionRequest Fork(JsonElement body)
    {
        JsonFields.OnlyKnown(body, "", "sessionId", "userId", "throughSeq", "title", "metadata", "ttlSeconds", "operationId");
        return new(
            JsonFields.OptionalString(body, "sessionId"),
            JsonFields.OptionalString(body, "userId"),
            JsonFields.OptionalWholeNumber(body, "throughSeq", 0, SessionCommands.MaxAfterSeq),
            JsonFields.OptionalString(body, "title"),
            JsonFields.Optional(body, "metadata")?.Clone(),
            (int?)JsonFields.OptionalWholeNumber(body, "ttlSeconds", 1, Limits.MaxTtlSeconds),
            JsonFields.OptionalString(body, "operationId"));
    }

    public TrackAgentRequest TrackAgent(JsonElement body)
    {
        JsonFields.OnlyKnown(body, "", "agent");
        return new(JsonFields.OptionalString(body, "agent")!);
    }

    /// <summary>The body of <c>POST /v1/tokens</c>: <c>{userId, ttlSeconds?}</c>; the user id as given (the caller
    /// checks it), the lifetime in seconds within <paramref name="maxSeconds"/>.</summary>
    public CreateUserTokenRequest UserToken(JsonElement body, long maxSeconds)
    {
        JsonFields.OnlyKnown(body, "", "userId", "ttlSeconds");
        return new(JsonFields.OptionalString(body, "userId")!, (int?)JsonFields.OptionalWholeNumber(body, "ttlSeconds", 10, Math.Min(maxSeconds, int.MaxValue)));
    }

    public UpdateDataRequest UpdateData(JsonElement body)
    {
        JsonFields.OnlyKnown(body, "", "path", "value");
        var path = JsonFields.Optional(body, "path") is { ValueKind: JsonValueKind.Array } array
            && array.EnumerateArray().All(p => p.ValueKind == JsonValueKind.String)
            ? array.EnumerateArray().Select(p => p.GetString()!).ToList()
            : null;
        return new UpdateDataRequest(path!, body.TryGetProperty("value", out var value) ? value.Clone() : default);
    }

    /// <summary>An array's elements, or null when the field is absent.</summary>
    private static List<JsonElement>? Items(JsonElement body, string name) => JsonFields.Optional(body, name) switch
    {
        null => null,
        { ValueKind: JsonValueKind.Array } array => [.. array.EnumerateArray().Select(item => item.Clone())],
        _ => throw new InvalidSessionRequestException(name, $"{name} is required and must be an array of JSON objects."),
    };
}
