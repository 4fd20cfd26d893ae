using System.Text.Json;
using OrleansSessions.Abstractions;
using OrleansSessions.Contracts;
using OrleansSessions.Rules;

namespace OrleansSessions.Silo.Api;

/// <summary>Binds an append's <c>usage</c> object, refusing (naming <c>usage.&lt;field&gt;</c>) a field it does not
/// have, a count that is not a whole number in range, or a model that is not a string; the rest is
/// <see cref="RequestRules.Usage"/>' to check.</summary>
internal static class UsageJson
{
    private static readonly string[] Fields = ["inputTokens", "outputTokens", "totalTokens", "cachedTokens", "reasoningTokens", "model", "requests"];

    public static TurnUsage? Read(JsonElement body)
    {
        if (JsonFields.Optional(body, "usage") is not { } usage) return null;
        if (usage.ValueKind != JsonValueKind.Object) throw new InvalidSessionRequestException("usage", "usage must be a JSON object.");
        foreach (var property in usage.EnumerateObject())
        {
            if (!Fields.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new InvalidSessionRequestException("usage." + property.Name,
                    $"usage.{property.Name} is not a field of usage; it has {string.Join(", ", Fields)}.");
            }
        }
        return new TurnUsage(
            Count(usage, "inputTokens") ?? throw new InvalidSessionRequestException("usage.inputTokens", "usage.inputTokens is required."),
            Count(usage, "outputTokens") ?? throw new InvalidSessionRequestException("usage.outputTokens", "usage.outputTokens is required."),
            Count(usage, "totalTokens"),
            Count(usage, "cachedTokens"),
            Count(usage, "reasoningTokens"),
            JsonFields.Optional(usage, "model") switch
            {
                null => null,
                { ValueKind: JsonValueKind.String } model => model.GetString(),
                _ => throw new InvalidSessionRequestException("usage.model", "usage.model must be a string."),
            },
            (int?)Count(usage, "requests", RequestRules.MaxRequests));
    }

    private static long? Count(JsonElement usage, string name, long max = RequestRules.MaxTokens)
    {
        if (JsonFields.Optional(usage, name) is not { } value) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number) || number < 0 || number > max)
        {
            throw new InvalidSessionRequestException("usage." + name, $"usage.{name} must be a whole number from 0 to {max}.", max);
        }
        return number;
    }
}
