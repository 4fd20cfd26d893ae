using System.Security.Cryptography;
using System.Text;

namespace OrleansSessions.Grains.Storage;

/// <summary>What an operation id is bound to: a hash of the batch's agent, tokens and item texts, in order (keyed,
/// when the session is encrypted, so the stored hash says nothing about the items).</summary>
internal static class ItemFingerprint
{
    public static string Compute(string? agent, long? tokens, IReadOnlyList<string> itemTexts, byte[]? key)
    {
        using var hash = key is null ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        Append(hash, agent ?? "");
        Append(hash, tokens?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "");
        foreach (var text in itemTexts) Append(hash, text);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Append(IncrementalHash hash, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        hash.AppendData(BitConverter.GetBytes(bytes.Length)); // length-prefixed, so ["ab","c"] and ["a","bc"] differ
        hash.AppendData(bytes);
    }
}
