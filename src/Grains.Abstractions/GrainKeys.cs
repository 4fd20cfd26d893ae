namespace OrleansSessions.Abstractions;

/// <summary>
/// Grain keys that name their key space: "prefix/id" lives under that Redis key prefix (a tenant's), a key without
/// '/' under the default one (Sessions:KeyPrefix). Prefixes and API ids never contain '/'.
/// </summary>
public static class GrainKeys
{
    public static string Scoped(string? keyPrefix, string id) => keyPrefix is null ? id : $"{keyPrefix}/{id}";

    public static (string? KeyPrefix, string Id) Split(string grainKey)
    {
        var slash = grainKey.IndexOf('/');
        return slash < 0 ? (null, grainKey) : (grainKey[..slash], grainKey[(slash + 1)..]);
    }
}
