using System.Text;
using System.Text.Json;
using OrleansSessions.Abstractions;
using StackExchange.Redis;
using OrleansSessions.Contracts;

namespace OrleansSessions.Grains.Storage;

/// <summary>Reads an item entry as the scripts store it: "seq|createdAtMs|json" (the JSON sealed when encrypted).</summary>
internal static class StoredEntry
{
    /// <summary>The entry with its JSON kept as UTF-8 bytes, unparsed.</summary>
    public static SessionItem ParseJson(RedisValue entry, ItemCipher.SessionCipher cipher)
    {
        var bytes = ((ReadOnlyMemory<byte>)entry).Span;
        var first = bytes.IndexOf((byte)'|');
        var second = first + 1 + bytes[(first + 1)..].IndexOf((byte)'|');
        var seq = long.Parse(bytes[..first]);
        var createdAt = long.Parse(bytes[(first + 1)..second]);
        var json = bytes[(second + 1)..];
        var utf8 = json.StartsWith("~"u8) ? Encoding.UTF8.GetBytes(cipher.Unprotect(Encoding.UTF8.GetString(json))) : json.ToArray();
        return new SessionItem(seq, DateTimeOffset.FromUnixTimeMilliseconds(createdAt), utf8);
    }

    /// <summary>The entry with its JSON parsed, as the live stream and a pop answer it.</summary>
    public static StoredItem Parse(RedisValue entry, ItemCipher.SessionCipher cipher)
    {
        var item = ParseJson(entry, cipher);
        return new StoredItem(item.Seq, item.CreatedAt, JsonElement.Parse(item.Json));
    }
}
