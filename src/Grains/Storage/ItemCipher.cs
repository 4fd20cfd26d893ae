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
internal sealed class ItemCipher
{
    private readonly Dictionary<string, byte[]> _masterKeys = [];
    private readonly string? _activeKeyId;

    public ItemCipher(IOptions<EncryptionOptions> options)
    {
        var settings = options.Value;
        foreach (var (id, base64) in settings.Keys)
        {
            if (id.Length is 0 or > 16 || !id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                throw Invalid($"Encryption:Keys: the key id '{id}' must be 1 to 16 of A-Z a-z 0-9 _ -.");
            }
            var key = new byte[32];
            if (!Convert.TryFromBase64String(base64, key, out var written) || written != key.Length)
            {
                throw Invalid($"Encryption:Keys:{id} must be 32 bytes in base64.");
            }
            _masterKeys[id] = key;
        }
        if (!settings.Enabled) return;
        if (settings.ActiveKeyId is not { } active || !_masterKeys.ContainsKey(active))
        {
            throw Invalid("Encryption:Enabled needs Encryption:ActiveKeyId naming one of Encryption:Keys.");
        }
        _activeKeyId = active;
    }

    /// <summary>The cipher of one session's values, for one store call: its keys are derived once, when first needed.</summary>
    /// <param name="owner">What the values belong to: the session's key space and id.</param>
    public SessionCipher ForSession(string owner) => new(this, owner);

    private static OptionsValidationException Invalid(string message) =>
        new(EncryptionOptions.Section, typeof(EncryptionOptions), [message]);

    public sealed class SessionCipher
    {
        private const string Marker = "~e1.";
        private const int NonceBytes = 12;
        private const int TagBytes = 16;
        private readonly ItemCipher _cipher;
        private readonly string _owner;
        private readonly Dictionary<string, byte[]> _valueKeys = [];
        private byte[]? _associatedData;

        internal SessionCipher(ItemCipher cipher, string owner)
        {
            _cipher = cipher;
            _owner = owner;
        }

        private byte[] AssociatedData => _associatedData ??= Encoding.UTF8.GetBytes(_owner);

        /// <returns>The value as stored: sealed when encryption is on, else as it is.</returns>
        public string Protect(string plaintext) =>
            _cipher._activeKeyId is { } keyId ? Seal(keyId, Encoding.UTF8.GetBytes(plaintext)) : plaintext;

        /// <returns>The UTF-8 value as stored: sealed when encryption is on, else the same bytes.</returns>
        public byte[] Protect(byte[] plaintext) =>
            _cipher._activeKeyId is { } keyId ? Encoding.UTF8.GetBytes(Seal(keyId, plaintext)) : plaintext;

        private string Seal(string keyId, byte[] input)
        {
            var sealedBytes = new byte[NonceBytes + TagBytes + input.Length];
            var nonce = sealedBytes.AsSpan(0, NonceBytes);
            RandomNumberGenerator.Fill(nonce);
            using (var aes = new AesGcm(ValueKey(keyId), TagBytes))
            {
                aes.Encrypt(nonce, input, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes), AssociatedData);
            }
            return $"{Marker}{keyId}.{Base64Url.EncodeToString(sealedBytes)}";
        }

        /// <summary>The plaintext of a stored value; values stored unencrypted come back as they are.</summary>
        public string Unprotect(string stored)
        {
            if (!stored.StartsWith(Marker, StringComparison.Ordinal)) return stored;
            var dot = stored.IndexOf('.', Marker.Length);
            var keyId = dot < 0 ? "" : stored[Marker.Length..dot];
            if (!_cipher._masterKeys.ContainsKey(keyId))
            {
                throw new CryptographicException($"A stored value was encrypted with key '{keyId}', which is not in Encryption:Keys.");
            }
            var sealedBytes = Base64Url.DecodeFromChars(stored.AsSpan(dot + 1));
            if (sealedBytes.Length < NonceBytes + TagBytes) throw new CryptographicException("A stored value is too short to be ciphertext.");
            var output = new byte[sealedBytes.Length - NonceBytes - TagBytes];
            using var aes = new AesGcm(ValueKey(keyId), TagBytes);
            aes.Decrypt(sealedBytes.AsSpan(0, NonceBytes), sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes),
                output, AssociatedData);
            return Encoding.UTF8.GetString(output);
        }

        /// <summary>A key for the session's operation-id fingerprints, so they say nothing about its items; null when
        /// encryption is off.</summary>
        public byte[]? FingerprintKey() => _cipher._activeKeyId is { } keyId ? Derive(keyId, "fingerprint") : null;

        private byte[] ValueKey(string keyId)
        {
            if (!_valueKeys.TryGetValue(keyId, out var key)) _valueKeys[keyId] = key = Derive(keyId, "value");
            return key;
        }

        private byte[] Derive(string keyId, string purpose) =>
            HKDF.DeriveKey(HashAlgorithmName.SHA256, _cipher._masterKeys[keyId], 32, info: Encoding.UTF8.GetBytes($"orleans-sessions/{purpose}/v1\n{_owner}"));
    }
}
