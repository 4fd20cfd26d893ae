using System.Text.Json;
using OrleansSessions.Abstractions;
using OrleansSessions.Contracts;

namespace OrleansSessions.Rules;

/// <summary>
/// Turns the typed requests every transport carries into the commands the grains run, checked by one set of rules
/// (<see cref="RequestRules"/>): the silo binds an HTTP body into the request first, the in-cluster client passes the
/// caller's as it is. A refusal is an <see cref="InvalidSessionRequestException"/> naming the field and the limit.
/// </summary>
public sealed class SessionCommands(RequestRules rules)
{
    /// <summary>The highest sequence number a read may start after.</summary>
    public const long MaxAfterSeq = long.MaxValue / 2;

    public (string SessionId, CreateSessionCommand Command) Create(CreateSessionRequest request)
    {
        var userId = rules.Id("userId", request.UserId);
        var sessionId = rules.OptionalId("sessionId", request.SessionId) ?? Guid.NewGuid().ToString("N");
        var title = request.Title is { } t ? rules.Text("title", t, rules.Limits.MaxTitleLength) : null;
        return (sessionId, new CreateSessionCommand(userId, title, rules.TtlSeconds("ttlSeconds", request.TtlSeconds),
            rules.Metadata("metadata", request.Metadata), rules.MaxItems("maxItems", request.MaxItems)));
    }

    /// <summary>A fork of <paramref name="sourceSessionId"/>, and the new session's id: the one asked for; else, with an
    /// operation id, one derived from the source and the operation id (a retry lands on the same session); else a new one.</summary>
    public (string SessionId, ForkSessionCommand Command) Fork(string sourceSessionId, ForkSessionRequest request)
    {
        var source = rules.Id("sessionId", sourceSessionId);
        var operationId = rules.OptionalId("operationId", request.OperationId);
        var sessionId = rules.OptionalId("sessionId", request.SessionId)
            ?? (operationId is null ? Guid.NewGuid().ToString("N") : ForkIds.Derive(source, operationId));
        if (sessionId == source) throw new InvalidSessionRequestException("sessionId", "sessionId must name a new session, not the source.");
        var title = request.Title is { } t ? rules.Text("title", t, rules.Limits.MaxTitleLength) : null;
        return (sessionId, new ForkSessionCommand(source, rules.OptionalId("userId", request.UserId),
            rules.Number("throughSeq", request.ThroughSeq, 0, MaxAfterSeq), title, rules.TtlSeconds("ttlSeconds", request.TtlSeconds),
            rules.Metadata("metadata", request.Metadata), operationId));
    }

    /// <summary>A batch larger than the cap it names is refused: a batch is never split.</summary>
    public AppendItemsCommand Append(AppendItemsCommand request)
    {
        var items = rules.Items("items", request.Items, minimum: 1);
        var maxItems = rules.MaxItems("maxItems", request.MaxItems);
        if (items.Count > maxItems)
        {
            throw new InvalidSessionRequestException("items",
                $"items holds {items.Count} items, more than maxItems ({maxItems}): a batch is never split.", maxItems);
        }
        return new(
            items,
            rules.OptionalId("operationId", request.OperationId),
            rules.OptionalName("agent", request.Agent),
            rules.OptionalId("userId", request.UserId),
            rules.Number("tokens", request.Tokens, 0, RequestRules.MaxTokens),
            rules.TtlSeconds("ttlSeconds", request.TtlSeconds),
            MaxItems: maxItems,
            Usage: rules.Usage("usage", request.Usage));
    }

    /// <summary>Removes every item after <paramref name="afterSeq"/> (which the grain checks against the last seq).</summary>
    public RewindCommand Rewind(long afterSeq, string? operationId) =>
        new(rules.Number("afterSeq", afterSeq, 0, MaxAfterSeq)!.Value, rules.OptionalId("operationId", operationId));

    public ItemsQuery Query(ItemsQuery query) => query with
    {
        Limit = (int?)rules.Number("limit", query.Limit, 1, int.MaxValue),
        AfterSeq = rules.Number("afterSeq", query.AfterSeq, 0, MaxAfterSeq),
        Role = rules.OptionalName("role", query.Role),
    };

    /// <summary>The whole new history (compaction).</summary>
    public HistoryChangeCommand Replace(ReplaceItemsRequest request) =>
        new(rules.Items("items", request.Items, minimum: 0), rules.OptionalId("operationId", request.OperationId), ReplaceAll: true);

    /// <summary>The Agents SDK's history transaction, exactly as it defines one: a field that is not part of the
    /// transaction's type is refused (naming it) rather than ignored, since a client that sent it expected it to mean
    /// something.</summary>
    public HistoryChangeCommand HistoryChange(HistoryTransactionRequest request)
    {
        var operationId = rules.Id("operationId", request.OperationId);
        var transaction = request.Transaction ?? throw new InvalidSessionRequestException("transaction", "transaction is required and must be a JSON object.");
        switch (transaction.Type)
        {
            case "append_items":
                NotPartOf(transaction.ExpectedSuffix, "expectedSuffix");
                NotPartOf(transaction.Replacement, "replacement");
                return new HistoryChangeCommand(rules.Items("items", transaction.Items, minimum: 0), operationId);
            case "replace_suffix":
                NotPartOf(transaction.Items, "items");
                return new HistoryChangeCommand(rules.Items("replacement", transaction.Replacement, minimum: 0), operationId,
                    rules.Items("expectedSuffix", transaction.ExpectedSuffix, minimum: 0));
            default:
                throw new InvalidSessionRequestException("transaction.type", "transaction.type must be append_items or replace_suffix.");
        }

        void NotPartOf(object? value, string field)
        {
            if (value is not null)
            {
                throw new InvalidSessionRequestException("transaction." + field, $"transaction.{field} is not a field of a {transaction.Type} transaction.");
            }
        }
    }

    public string Agent(string? agent) =>
        rules.Text("agent", agent ?? throw new InvalidSessionRequestException("agent", "agent is required."), rules.Limits.MaxNameLength);

    public (string Key, IReadOnlyList<string> Path, JsonElement Value) DataUpdate(string key, UpdateDataRequest request)
    {
        var checkedKey = rules.Id("key", key);
        var path = rules.DataPath("path", request.Path);
        if (request.Value.ValueKind == JsonValueKind.Undefined) throw new InvalidSessionRequestException("value", "value is required.");
        return (checkedKey, path, rules.DataValue("value", request.Value));
    }
}
