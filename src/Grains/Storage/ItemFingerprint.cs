using System.Security.Cryptography;
using System.Text;

namespace OrleansSessions.Grains.Storage;

/// <summary>What an operation id is bound to: a hash of the batch's agent, tokens, usage (when it has any) and item
/// texts, in order (keyed, when the session is encrypted, so the stored hash says nothing about the items).</summary>
internal static class ItemFingerprint
{
    public static string Compute(string? agent, long? tokens, IReadOnlyList<string> itemTexts, byte[]? key) =>
        Compute(agent, tokens, [.. itemTexts.Select(Encoding.UTF8.GetBytes)], key);

    /// <param name="items">Each item's UTF-8 JSON as it was sent.</param>
    /// <param name="usage">The usage as the script gets it; "" (none) leaves the hash as it was before usage existed.</param>
    public static string Compute(string? agent, long? tokens, IReadOnlyList<byte[]> items, byte[]? key, string usage = "")
    {
        using var hash = key is null ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        Append(hash, Encoding.UTF8.GetBytes(agent ?? ""));
        Append(hash, Encoding.UTF8.GetBytes(tokens?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""));
        if (usage.Length > 0) Append(hash, Encoding.UTF8.GetBytes("usage:" + usage));
        foreach (var item in items) Append(hash, item);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Append(IncrementalHash hash, byte[] bytes)
    {
        hash.AppendData(BitConverter.GetBytes(bytes.Length)); // length-prefixed, so ["ab","c"] and ["a","bc"] differ
        hash.AppendData(bytes);
    }
}
