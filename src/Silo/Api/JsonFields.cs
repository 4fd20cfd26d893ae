using System.Text.Json;
using OrleansSessions.Abstractions;

namespace OrleansSessions.Silo.Api;

/// <summary>Reads optional fields of a request body; a field of the wrong type is refused, naming it.</summary>
internal static class JsonFields
{
    public static JsonElement? Optional(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <param name="path">What comes before the name in the field a refusal names, such as "usage.".</param>
    public static long? OptionalWholeNumber(JsonElement body, string name, long min, long max, string path = "")
    {
        if (Optional(body, name) is not { } value) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number) || number < min || number > max)
        {
            throw new InvalidSessionRequestException(path + name, $"{path}{name} must be a whole number from {min} to {max}.", max);
        }
        return number;
    }

    /// <summary>Refuses the properties of <paramref name="body"/> that are not <paramref name="known"/>, naming the first
    /// as the field (after <paramref name="path"/>, such as "transaction.") and all of them in the message, with what
    /// the request takes; a null one counts as absent, as everywhere.</summary>
    public static void OnlyKnown(JsonElement body, string path, params string[] known)
    {
        var unknown = body.EnumerateObject()
            .Where(p => p.Value.ValueKind != JsonValueKind.Null && !known.Contains(p.Name, StringComparer.Ordinal))
            .Select(p => path + p.Name).ToList();
        if (unknown.Count == 0) return;
        var where = path.Length == 0 ? "this request" : path.TrimEnd('.');
        var takes = known.Length == 0 ? "it takes no body" : $"it takes {string.Join(", ", known.Select(k => path + k))}";
        throw new InvalidSessionRequestException(unknown[0], unknown.Count == 1
            ? $"{unknown[0]} is not a field of {where}; {takes}."
            : $"{string.Join(", ", unknown)} are not fields of {where}; {takes}.");
    }

    public static string? OptionalString(JsonElement body, string name, string path = "") =>
        Optional(body, name) switch
        {
            null => null,
            { ValueKind: JsonValueKind.String } value => value.GetString(),
            _ => throw new InvalidSessionRequestException(path + name, $"{path}{name} must be a string."),
        };
}
