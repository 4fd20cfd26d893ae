using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace OrleansSessions.Grains.Storage;

/// <summary>
/// AES-256-GCM for stored values. Each session has its own keys, derived with HKDF-SHA256 from a master key and the
/// session's key space and id, and each value is bound (as associated data) to that session, so ciphertext copied
/// to another session does not decrypt. Stored form: "~e1.{keyId}.{base64url(nonce | tag | ciphertext)}" — never
/// valid JSON, so plaintext written before encryption was enabled is still told apart and read.
/// </summary>
public sealed class ItemCipher
{
    private const string Marker = "~e1.";
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private readonly Dictionary<string, byte[]> _masterKeys = [];
    private readonly string? _activeKeyId;

    public ItemCipher(IOptions<EncryptionOptions> options)
    {
        var settings = options.Value;
        foreach (var (id, base64) in settings.Keys)
        {
            if (id.Length is 0 or > 16 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                throw new OptionsValidationException(EncryptionOptions.Section, typeof(EncryptionOptions),
                    [$"Encryption:Keys: the key id '{id}' must be 1 to 16 of A-Z a-z 0-9 _ -."]);
            }
            var key = Convert.TryFromBase64String(base64, new byte[32], out var written) && written == 32 ? Convert.FromBase64String(base64) : null;
            _masterKeys[id] = key ?? throw new OptionsValidationException(EncryptionOptions.Section, typeof(EncryptionOptions),
                [$"Encryption:Keys:{id} must be 32 bytes in base64."]);
        }
        if (!settings.Enabled) return;
        if (settings.ActiveKeyId is not { } active || !_masterKeys.ContainsKey(active))
        {
            throw new OptionsValidationException(EncryptionOptions.Section, typeof(EncryptionOptions),
                ["Encryption:Enabled needs Encryption:ActiveKeyId naming one of Encryption:Keys."]);
        }
        _activeKeyId = active;
    }

    public bool Enabled => _activeKeyId is not null;

    /// <param name="owner">What the value belongs to: the session's key space and id.</param>
    public string Protect(string owner, string plaintext)
    {
        if (_activeKeyId is not { } keyId) return plaintext;
        var input = Encoding.UTF8.GetBytes(plaintext);
        var sealedBytes = new byte[NonceBytes + TagBytes + input.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(SessionKey(keyId, owner), TagBytes))
        {
            aes.Encrypt(nonce, input, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), Encoding.UTF8.GetBytes(owner));
        }
        return $"{Marker}{keyId}.{Base64Url.EncodeToString(sealedBytes)}";
    }

    /// <summary>The plaintext of a stored value; values stored unencrypted come back as they are.</summary>
    public string Unprotect(string owner, string stored)
    {
        if (!stored.StartsWith(Marker, StringComparison.Ordinal)) return stored;
        var dot = stored.IndexOf('.', Marker.Length);
        var keyId = dot < 0 ? "" : stored[Marker.Length..dot];
        if (!_masterKeys.ContainsKey(keyId))
        {
            throw new CryptographicException($"A stored value was encrypted with key '{keyId}', which is not in Encryption:Keys.");
        }
        var sealedBytes = Base64Url.DecodeFromChars(stored.AsSpan(dot + 1));
        if (sealedBytes.Length < NonceBytes + TagBytes) throw new CryptographicException("A stored value is too short to be ciphertext.");
        var output = new byte[sealedBytes.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(SessionKey(keyId, owner), TagBytes);
        aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes),
            output, Encoding.UTF8.GetBytes(owner));
        return Encoding.UTF8.GetString(output);
    }

    /// <summary>A key for the operation-id fingerprints of a session, so they say nothing about its items; null when
    /// encryption is off.</summary>
    public byte[]? FingerprintKey(string owner) =>
        _activeKeyId is { } keyId ? HKDF.DeriveKey(HashAlgorithmName.SHA256, _masterKeys[keyId], 32, info: Info("fingerprint", owner)) : null;

    private byte[] SessionKey(string keyId, string owner) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _masterKeys[keyId], 32, info: Info("value", owner));

    private static byte[] Info(string purpose, string owner) => Encoding.UTF8.GetBytes($"orleans-sessions/{purpose}/v1\n{owner}");
}
