using System.Security.Cryptography;
using System.Text;

namespace OrleansSessions.Grains.Storage;

/// <summary>What an operation id is bound to: a hash of the batch's agent, tokens and item texts, in order (keyed,
/// when the session is encrypted, so the stored hash says nothing about the items).</summary>
internal static class ItemFingerprint
{
    public static string Compute(string? agent, long? tokens, IReadOnlyList<string> itemTexts, byte[]? key) =>
        Compute(agent, tokens, [.. itemTexts.Select(Encoding.UTF8.GetBytes)], key);

    /// <param name="items">Each item's UTF-8 JSON as it was sent.</param>
    public static string Compute(string? agent, long? tokens, IReadOnlyList<byte[]> items, byte[]? key)
    {
        using var hash = key is null ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        Append(hash, Encoding.UTF8.GetBytes(agent ?? ""));
        Append(hash, Encoding.UTF8.GetBytes(tokens?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""));
        foreach (var item in items) Append(hash, item);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Append(IncrementalHash hash, byte[] bytes)
    {
        hash.AppendData(BitConverter.GetBytes(bytes.Length)); // length-prefixed, so ["ab","c"] and ["a","bc"] differ
        hash.AppendData(bytes);
    }
}
