using System.Text.Json;
using OrleansSessions.Abstractions;

namespace OrleansSessions.Grains.Storage;

/// <summary>Reads an item entry as the scripts store it: "seq|createdAtMs|json".</summary>
internal static class StoredEntry
{
    public static StoredItem Parse(string entry, ItemCipher.SessionCipher cipher)
    {
        var first = entry.IndexOf('|');
        var second = entry.IndexOf('|', first + 1);
        var seq = long.Parse(entry.AsSpan(0, first));
        var createdAt = long.Parse(entry.AsSpan(first + 1, second - first - 1));
        var text = entry.AsMemory(second + 1);
        if (text.Span.StartsWith('~')) text = cipher.Unprotect(text.ToString()).AsMemory();
        using var item = JsonDocument.Parse(text);
        return new StoredItem(seq, DateTimeOffset.FromUnixTimeMilliseconds(createdAt), item.RootElement.Clone());
    }
}
