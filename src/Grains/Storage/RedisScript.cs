using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage;

/// <summary>A Lua script sent as EVALSHA of its SHA-1, computed once, and as EVAL (which loads it) only when the
/// server does not know it yet: first use, a restarted server, a new cluster node. Given the text,
/// StackExchange.Redis looks the SHA-1 up by hashing the whole text on every call — for the 7 KB append script a
/// twentieth of the silo's CPU on appends.</summary>
internal sealed class RedisScript(string text)
{
    private readonly byte[] _sha1 = SHA1.HashData(Encoding.UTF8.GetBytes(text));

    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync db, RedisKey[] keys, RedisValue[] args)
    {
        try
        {
            return await db.ScriptEvaluateAsync(_sha1, keys, args);
        }
        catch (RedisServerException unknown) when (unknown.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await db.ScriptEvaluateAsync(text, keys, args); // nothing ran: EVALSHA failed before the script began
        }
    }
}
