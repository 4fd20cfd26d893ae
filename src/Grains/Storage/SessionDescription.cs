using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;
using OrleansSessions.Contracts;

namespace OrleansSessions.Grains.Storage;

/// <summary>Builds a <see cref="SessionInfo"/> from the scripts' describe() reply: {HGETALL meta, ZCARD items, agents}.</summary>
internal static class SessionDescription
{
    public static SessionInfo Parse(string sessionId, RedisResult description, Func<string, string> unprotect)
    {
        var parts = (RedisResult[])description!;
        var flat = (string[])parts[0]!;
        var meta = new Dictionary<string, string>(flat.Length / 2);
        for (var i = 0; i + 1 < flat.Length; i += 2) meta[flat[i]] = flat[i + 1];

        var metadata = Text(meta, "metadata") is { } storedMetadata ? unprotect(storedMetadata) : null;
        var expiresAt = Number(meta, "expiresAt");
        return new SessionInfo(
            SessionId: sessionId,
            UserId: meta["userId"],
            Title: Text(meta, "title") is { } title ? unprotect(title) : null,
            CreatedAt: Time(Number(meta, "createdAt")),
            UpdatedAt: Time(Number(meta, "updatedAt")),
            ItemCount: (long)parts[1],
            LastSeq: Number(meta, "lastSeq"),
            Version: Number(meta, "version"),
            CurrentAgent: Text(meta, "currentAgent"),
            AgentsUsed: (string[])parts[2]!,
            Metadata: metadata is null ? null : JsonDocument.Parse(metadata).RootElement.Clone(),
            ExpiresAt: expiresAt > 0 ? Time(expiresAt) : null,
            TokenTotal: Number(meta, "tokens"));
    }

    private static string? Text(Dictionary<string, string> meta, string field) =>
        meta.TryGetValue(field, out var value) && value.Length > 0 ? value : null;

    private static long Number(Dictionary<string, string> meta, string field) =>
        meta.TryGetValue(field, out var value) ? long.Parse(value, CultureInfo.InvariantCulture) : 0;

    private static DateTimeOffset Time(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs);
}
