using System.Security.Cryptography;
using System.Text;

namespace OrleansSessions.Rules;

/// <summary>The id of a fork whose caller named none but gave an operation id: derived from the source's id and the
/// operation id, so every retry of the fork names the same new session (and finds it made).</summary>
public static class ForkIds
{
    public static string Derive(string sourceSessionId, string operationId) =>
        "fork-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{sourceSessionId}\n{operationId}")))[..32];
}
