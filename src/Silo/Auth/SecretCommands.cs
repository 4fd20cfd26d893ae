using System.Buffers.Text;
using System.Security.Cryptography;

namespace OrleansSessions.Silo.Auth;

/// <summary>`new-key`: an API key and the hash to configure for it; `new-secret`: 32 random bytes in base64, for
/// Auth:TokenSigningKey or an Encryption:Keys entry.</summary>
internal static class SecretCommands
{
    public static int NewKey(TextWriter output)
    {
        var key = "osk_" + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        output.WriteLine($"key:  {key}");
        output.WriteLine($"hash: {TenantDirectory.Hash(key)}");
        return 0;
    }

    public static int NewSecret(TextWriter output)
    {
        output.WriteLine(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        return 0;
    }
}
