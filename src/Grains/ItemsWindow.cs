using System.Text.Json;
using OrleansSessions.Abstractions;

namespace OrleansSessions.Grains;

/// <summary>Picks what an <see cref="ItemsQuery"/> asks for out of a session's items (ascending by seq).</summary>
public static class ItemsWindow
{
    public static IReadOnlyList<StoredItem> Select(IReadOnlyList<StoredItem> items, ItemsQuery query)
    {
        IEnumerable<StoredItem> chosen = items;
        if (query.AfterSeq is { } after) chosen = chosen.Where(i => i.Seq > after);
        if (query.Role is { } role) chosen = chosen.Where(i => HasRole(i.Item, role));
        if (query.Limit is { } limit) chosen = query.AfterSeq is null ? chosen.TakeLast(limit) : chosen.Take(limit);
        var window = chosen as IReadOnlyList<StoredItem> ?? chosen.ToList();
        return query.SafeStart ? ModelInputWindow.DropOrphanToolOutputs(window) : window;
    }

    private static bool HasRole(JsonElement item, string role) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty("role", out var value)
        && value.ValueKind == JsonValueKind.String && value.GetString() == role;
}
