using System.Text.Json;
using OrleansSessions.Abstractions;
using OrleansSessions.Contracts;

namespace OrleansSessions.Grains;

/// <summary>Picks what an <see cref="ItemsQuery"/> asks for out of a session's items (ascending by seq).</summary>
public static class ItemsWindow
{
    public static IReadOnlyList<SessionItem> Select(IReadOnlyList<SessionItem> items, ItemsQuery query)
    {
        IEnumerable<SessionItem> chosen = items;
        if (query.AfterSeq is { } after) chosen = chosen.Where(i => i.Seq > after);
        if (query.Role is { } role) chosen = chosen.Where(i => HasRole(i.Json, role));
        if (query.Limit is { } limit) chosen = query.AfterSeq is null ? chosen.TakeLast(limit) : chosen.Take(limit);
        var window = ReferenceEquals(chosen, items) ? items : chosen.ToList();
        return query.SafeStart ? ModelInputWindow.SafeStart(window) : window;
    }

    /// <summary>Whether the item is an object whose top-level "role" is <paramref name="role"/>, read without parsing it whole.</summary>
    private static bool HasRole(byte[] json, string role)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isRole = reader.ValueTextEquals("role"u8);
            reader.Read();
            if (isRole) return reader.TokenType == JsonTokenType.String && reader.ValueTextEquals(role);
            reader.Skip();
        }
        return false;
    }
}
