namespace OrleansSessions.Grains.Storage;

/// <summary>Encryption at rest of what a session holds: items, title, metadata and data values.</summary>
public sealed class EncryptionOptions
{
    public const string Section = "Encryption";

    /// <summary>Encrypt new writes with <see cref="ActiveKeyId"/>. Stored ciphertext is read whenever its key is in
    /// <see cref="Keys"/>, enabled or not.</summary>
    public bool Enabled { get; set; }

    /// <summary>The key that encrypts new writes; rotate by adding a key and pointing this at it.</summary>
    public string? ActiveKeyId { get; set; }

    /// <summary>Master keys by id (1 to 16 of A-Z a-z 0-9 _ -), each 32 random bytes in base64. Keep every key some
    /// stored value was written with.</summary>
    public Dictionary<string, string> Keys { get; set; } = [];
}
