using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage.Scripts;

/// <summary>A Lua script of this folder's embedded files, sent as EVALSHA of its SHA-1, computed once, and as EVAL
/// (which loads it) only when the server does not know it yet: first use, a restarted server, a new cluster node.
/// Given the text, StackExchange.Redis looks the SHA-1 up by hashing the whole text on every call — for the 7 KB
/// append script a twentieth of the silo's CPU on appends.</summary>
internal sealed class RedisScript
{
    private readonly byte[] _sha1;

    /// <param name="scriptFile">The script's own file.</param>
    /// <param name="preludeFile">A file of shared functions the script calls, run before it as one text.</param>
    public RedisScript(string scriptFile, string? preludeFile = null)
    {
        ScriptFile = scriptFile;
        PreludeFile = preludeFile;
        Text = preludeFile is null ? ScriptFiles.Read(scriptFile) : ScriptFiles.Read(preludeFile) + "\n" + ScriptFiles.Read(scriptFile);
        _sha1 = SHA1.HashData(Encoding.UTF8.GetBytes(Text));
    }

    public string ScriptFile { get; }

    public string? PreludeFile { get; }

    /// <summary>What the server runs: the prelude, if any, then the script.</summary>
    public string Text { get; }

    public async Task<RedisResult> EvaluateAsync(IDatabaseAsync db, RedisKey[] keys, RedisValue[] args)
    {
        try
        {
            return await db.ScriptEvaluateAsync(_sha1, keys, args);
        }
        catch (RedisServerException unknown) when (unknown.Message.StartsWith("NOSCRIPT", StringComparison.Ordinal))
        {
            return await db.ScriptEvaluateAsync(Text, keys, args); // nothing ran: EVALSHA failed before the script began
        }
    }
}
