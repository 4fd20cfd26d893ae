using System.Text.Json;
using OrleansSessions.Abstractions;

namespace OrleansSessions.Silo.Api;

/// <summary>Reads optional fields of a request body; a field of the wrong type is refused, naming it.</summary>
internal static class JsonFields
{
    public static JsonElement? Optional(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    public static long? OptionalWholeNumber(JsonElement body, string name, long min, long max)
    {
        if (Optional(body, name) is not { } value) return null;
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number) || number < min || number > max)
        {
            throw new InvalidSessionRequestException(name, $"{name} must be a whole number from {min} to {max}.", max);
        }
        return number;
    }

    /// <summary>Refuses the first property of <paramref name="body"/> that is not one of <paramref name="known"/>,
    /// naming it (after <paramref name="path"/>, such as "transaction."); a null one counts as absent, as everywhere.</summary>
    public static void OnlyKnown(JsonElement body, string path, params string[] known)
    {
        foreach (var property in body.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Null && !known.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new InvalidSessionRequestException(path + property.Name,
                    $"{path}{property.Name} is not a field of a history transaction; it has {string.Join(", ", known.Select(k => path + k))}.");
            }
        }
    }

    public static string? OptionalString(JsonElement body, string name) =>
        Optional(body, name) switch
        {
            null => null,
            { ValueKind: JsonValueKind.String } value => value.GetString(),
            _ => throw new InvalidSessionRequestException(name, $"{name} must be a string."),
        };
}
