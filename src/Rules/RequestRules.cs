using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using OrleansSessions.Abstractions;
using OrleansSessions.Contracts;

namespace OrleansSessions.Rules;

/// <summary>Checks what a request carries (values are returned as given: a caller whose JSON outlives its document
/// clones it) against <see cref="ApiLimits"/> before any grain sees it, the same for every
/// transport (the HTTP API and the in-cluster client); a refusal is an <see cref="InvalidSessionRequestException"/>
/// naming the field and, where one applies, the limit.</summary>
public sealed class RequestRules(IOptions<ApiLimits> options)
{
    /// <summary>The most tokens one append may add to a session's total.</summary>
    public const long MaxTokens = 1_000_000_000;

    /// <summary>The most model requests one append's usage may count.</summary>
    public const int MaxRequests = 1_000_000;

    public ApiLimits Limits => options.Value;

    /// <summary>Ids (sessions, users, operations, data keys): a letter or digit, then letters, digits and . _ : @ -.</summary>
    public string Id(string field, string? value)
    {
        if (string.IsNullOrEmpty(value)) throw Refuse(field, $"{field} is required.");
        if (value.Length > Limits.MaxIdLength) throw Refuse(field, $"{field} is longer than {Limits.MaxIdLength} characters.", Limits.MaxIdLength);
        if (!char.IsAsciiLetterOrDigit(value[0]) || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '@' or '-'))
        {
            throw Refuse(field, $"{field} must start with a letter or digit and contain only letters, digits and . _ : @ -");
        }
        return value;
    }

    public string? OptionalId(string field, string? value) => value is null ? null : Id(field, value);

    /// <summary>Free text such as a title or an agent name: no control characters, at most <paramref name="maxLength"/>.</summary>
    public string Text(string field, string value, int maxLength)
    {
        if (value.Length == 0) throw Refuse(field, $"{field} must not be empty.");
        if (value.Length > maxLength) throw Refuse(field, $"{field} is longer than {maxLength} characters.", maxLength);
        if (value.Any(char.IsControl)) throw Refuse(field, $"{field} must not contain control characters.");
        return value;
    }

    public string? OptionalName(string field, string? value) => value is null ? null : Text(field, value, Limits.MaxNameLength);

    public long? Number(string field, long? value, long min, long max) =>
        value is { } number && (number < min || number > max) ? throw NotWholeNumber(field, min, max) : value;

    /// <summary>A turn's usage: counts from 0 to <see cref="MaxTokens"/> (requests to <see cref="MaxRequests"/>), a
    /// model named like an agent; each refusal names <c>usage.&lt;field&gt;</c>.</summary>
    public TurnUsage? Usage(string field, TurnUsage? usage)
    {
        if (usage is null) return null;
        Number($"{field}.inputTokens", usage.InputTokens, 0, MaxTokens);
        Number($"{field}.outputTokens", usage.OutputTokens, 0, MaxTokens);
        Number($"{field}.totalTokens", usage.TotalTokens, 0, MaxTokens);
        Number($"{field}.cachedTokens", usage.CachedTokens, 0, MaxTokens);
        Number($"{field}.reasoningTokens", usage.ReasoningTokens, 0, MaxTokens);
        Number($"{field}.requests", usage.Requests, 0, MaxRequests);
        OptionalName($"{field}.model", usage.Model);
        return usage;
    }

    public int? TtlSeconds(string field, int? value) => (int?)Number(field, value, 1, Limits.MaxTtlSeconds);

    /// <summary>A session's item cap.</summary>
    public int? MaxItems(string field, int? value) => (int?)Number(field, value, 1, RetentionLimits.MaxItems);

    public bool OptionalFlag(string field, string? value) => value switch
    {
        null or "false" => false,
        "true" => true,
        _ => throw Refuse(field, $"{field} must be true or false."),
    };

    public long? OptionalNumber(string field, string? value, long min, long max) =>
        value is null ? null
        : long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? Number(field, number, min, max)
        : throw NotWholeNumber(field, min, max);

    private static InvalidSessionRequestException NotWholeNumber(string field, long min, long max) =>
        Refuse(field, $"{field} must be a whole number from {min} to {max}.", max);

    /// <summary>A JSON value stored as data: at most MaxItemBytes.</summary>
    public JsonElement DataValue(string field, JsonElement value)
    {
        if (Utf8Bytes(value) > Limits.MaxItemBytes) throw TooLarge(field, Limits.MaxItemBytes);
        return value;
    }

    /// <summary>Session metadata: a JSON object of at most MaxMetadataBytes.</summary>
    public JsonElement? Metadata(string field, JsonElement? value)
    {
        if (value is not { } metadata) return null;
        if (metadata.ValueKind != JsonValueKind.Object) throw Refuse(field, $"{field} must be a JSON object.");
        if (Utf8Bytes(metadata) > Limits.MaxMetadataBytes) throw TooLarge(field, Limits.MaxMetadataBytes);
        return metadata;
    }

    /// <summary>How many items a batch named <paramref name="field"/> may hold.</summary>
    public void BatchSize(string field, int count, int minimum)
    {
        if (count < minimum || count > Limits.MaxItemsPerBatch)
        {
            throw Refuse(field, $"{field} must hold from {minimum} to {Limits.MaxItemsPerBatch} items.", Limits.MaxItemsPerBatch);
        }
    }

    /// <summary>One item of a batch: a JSON object of at most MaxItemBytes.</summary>
    public JsonElement Item(string field, JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object) throw Refuse(field, $"{field} must be a JSON object.");
        if (Utf8Bytes(item) > Limits.MaxItemBytes) throw TooLarge(field, Limits.MaxItemBytes);
        return item;
    }

    public IReadOnlyList<JsonElement> Items(string field, IReadOnlyList<JsonElement>? items, int minimum)
    {
        if (items is null) throw Refuse(field, $"{field} is required and must be an array of JSON objects.");
        BatchSize(field, items.Count, minimum);
        for (var i = 0; i < items.Count; i++) Item($"{field}[{i}]", items[i]);
        return items;
    }

    /// <summary>A path of object keys inside a data value.</summary>
    public IReadOnlyList<string> DataPath(string field, IReadOnlyList<string>? path)
    {
        if (path is null || path.Count is 0 or > 32 || path.Any(p => p is null || p.Length is 0 or > 256))
        {
            throw Refuse(field, $"{field} must be an array of 1 to 32 non-empty keys of at most 256 characters.", 32);
        }
        return path;
    }

    /// <summary>A listing's cursor, as a previous page returned it.</summary>
    public string? Cursor(string field, string? value) =>
        value is { Length: 0 or > 1024 } ? throw Refuse(field, $"{field} must be 1 to 1024 characters.", 1024) : value;

    /// <summary>A listing's page size; null is the default.</summary>
    public int PageSize(string field, int? value) => (int)(Number(field, value, 1, Limits.MaxPageSize) ?? Limits.DefaultPageSize);

    /// <summary>The size of a JSON value as it was sent, read without copying it.</summary>
    public static int Utf8Bytes(JsonElement value) => JsonMarshal.GetRawUtf8Value(value).Length;

    private static InvalidSessionRequestException Refuse(string field, string message, long? limit = null) => new(field, message, limit);

    private static InvalidSessionRequestException TooLarge(string field, int limit) =>
        new(field, $"{field} is larger than {limit} bytes.", limit, tooLarge: true);
}
