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
    private const string Path = "usage.";

    public static TurnUsage? Read(JsonElement body)
    {
        if (JsonFields.Optional(body, "usage") is not { } usage) return null;
        if (usage.ValueKind != JsonValueKind.Object) throw new InvalidSessionRequestException("usage", "usage must be a JSON object.");
        JsonFields.OnlyKnown(usage, Path, "inputTokens", "outputTokens", "totalTokens", "cachedTokens", "reasoningTokens", "model", "requests");
        return new TurnUsage(
            Count(usage, "inputTokens") ?? throw new InvalidSessionRequestException(Path + "inputTokens", "usage.inputTokens is required."),
            Count(usage, "outputTokens") ?? throw new InvalidSessionRequestException(Path + "outputTokens", "usage.outputTokens is required."),
            Count(usage, "totalTokens"),
            Count(usage, "cachedTokens"),
            Count(usage, "reasoningTokens"),
            JsonFields.OptionalString(usage, "model", Path),
            (int?)Count(usage, "requests", RequestRules.MaxRequests));
    }

    private static long? Count(JsonElement usage, string name, long max = RequestRules.MaxTokens) =>
        JsonFields.OptionalWholeNumber(usage, name, 0, max, Path);
}
