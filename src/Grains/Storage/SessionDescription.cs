using System.Globalization;
using System.Text.Json;
using OrleansSessions.Contracts;
using OrleansSessions.Grains.Storage.Scripts;

namespace OrleansSessions.Grains.Storage;

/// <summary>Builds a <see cref="SessionInfo"/> from the scripts' describe() reply.</summary>
internal static class SessionDescription
{
    public static SessionInfo Parse(string sessionId, StoredDescription description, Func<string, string> unprotect)
    {
        var meta = description.Meta;
        var metadata = Text(meta, "metadata") is { } storedMetadata ? unprotect(storedMetadata) : null;
        var expiresAt = Number(meta, "expiresAt");
        return new SessionInfo(
            SessionId: sessionId,
            UserId: meta["userId"],
            Title: Text(meta, "title") is { } title ? unprotect(title) : null,
            CreatedAt: Time(Number(meta, "createdAt")),
            UpdatedAt: Time(Number(meta, "updatedAt")),
            ItemCount: description.ItemCount,
            LastSeq: Number(meta, "lastSeq"),
            Version: Number(meta, "version"),
            CurrentAgent: Text(meta, "currentAgent"),
            AgentsUsed: description.AgentsUsed,
            Metadata: metadata is null ? null : JsonDocument.Parse(metadata).RootElement.Clone(),
            ExpiresAt: expiresAt > 0 ? Time(expiresAt) : null,
            TokenTotal: Number(meta, "tokens"),
            ForkedFrom: Text(meta, "forkedFrom") is { } source ? new ForkOrigin(source, Number(meta, "forkedFromSeq")) : null,
            MaxItems: meta.TryGetValue("maxItems", out var maxItems) ? int.Parse(maxItems, CultureInfo.InvariantCulture) : null,
            TrimmedItems: Number(meta, "trimmedItems"),
            Usage: StoredUsage.Parse(meta));
    }

    private static string? Text(IReadOnlyDictionary<string, string> meta, string field) =>
        meta.TryGetValue(field, out var value) && value.Length > 0 ? value : null;

    private static long Number(IReadOnlyDictionary<string, string> meta, string field) =>
        meta.TryGetValue(field, out var value) ? long.Parse(value, CultureInfo.InvariantCulture) : 0;

    private static DateTimeOffset Time(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(unixMs);
}
