using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage.Scripts;

/// <summary>Fork.lua: creates a session as a fork, whole, taking the chunks staged before it.</summary>
internal static class ForkScript
{
    public static readonly RedisScript Script = new("Fork.lua", ScriptFiles.SessionPrelude);

    /// <summary>What the new session gets; every text as stored (sealed when encrypted).</summary>
    /// <param name="ForkSeq">The fork point: the new session's lastSeq.</param>
    /// <param name="FirstSeq">The first seq copied; with <paramref name="LastSeq"/> 0 when no item was.</param>
    /// <param name="Staged">How many items the staging key must hold.</param>
    /// <param name="Data">key, "version|json" pairs.</param>
    /// <param name="Entries">The items not staged: seq, "seq|createdAtMs|json" pairs.</param>
    public sealed record Fork(
        string UserId, string? Title, long TtlMs, string? Metadata, string SourceSessionId, long ForkSeq, string? CurrentAgent,
        string? OperationId, string? Fingerprint, long FirstSeq, long LastSeq, long Staged,
        IReadOnlyList<string> AgentsUsed, IReadOnlyList<RedisValue> Data, IReadOnlyList<RedisValue> Entries);

    public enum Status { Created, Exists, Incomplete }

    /// <returns>The new session's description when created.</returns>
    public static async Task<(Status Status, StoredDescription? Created)> RunAsync(IDatabaseAsync db, RedisKey[] sessionKeys, RedisKey stagingKey, Fork fork)
    {
        var args = new List<RedisValue>(16 + fork.AgentsUsed.Count + fork.Data.Count + fork.Entries.Count)
        {
            fork.UserId, fork.Title ?? "", fork.TtlMs, fork.Metadata ?? "", fork.SourceSessionId, fork.ForkSeq, fork.CurrentAgent ?? "",
            fork.OperationId ?? "", fork.Fingerprint ?? "", fork.FirstSeq, fork.LastSeq, fork.Staged, fork.AgentsUsed.Count,
        };
        args.AddRange(fork.AgentsUsed.Select(agent => (RedisValue)agent));
        args.Add(fork.Data.Count / 2);
        args.AddRange(fork.Data);
        args.Add(fork.Entries.Count / 2);
        args.AddRange(fork.Entries);
        var reply = (RedisResult[])(await Script.EvaluateAsync(db, [.. sessionKeys, stagingKey], [.. args]))!;
        return (string)reply[0]! switch
        {
            "created" => (Status.Created, StoredDescription.Decode(reply[1])),
            "exists" => (Status.Exists, null),
            _ => (Status.Incomplete, null),
        };
    }
}
