using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage.Scripts;

/// <summary>Rewind.lua: removes every item after a seq in one step.</summary>
internal static class RewindScript
{
    public static readonly RedisScript Script = new("Rewind.lua", ScriptFiles.SessionPrelude);

    /// <param name="fingerprint">What <paramref name="operationId"/> is bound to; null without one.</param>
    public static async Task<RewindOutcome> RunAsync(IDatabaseAsync db, RedisKey[] sessionKeys, long afterSeq, string? operationId, string? fingerprint)
    {
        var reply = (RedisResult[])(await Script.EvaluateAsync(db, sessionKeys, [afterSeq, operationId ?? "", fingerprint ?? ""]))!;
        return (string)reply[0]! switch
        {
            "missing" => new RewindOutcome(RewindStatus.Missing),
            "conflict" => new RewindOutcome(RewindStatus.Conflict),
            "beyond" => new RewindOutcome(RewindStatus.Beyond, LastSeq: (long)reply[1]),
            "replayed" => new RewindOutcome(RewindStatus.Replayed, (long)reply[1], (long)reply[2]),
            _ => new RewindOutcome(RewindStatus.Rewound, (long)reply[1], (long)reply[2]),
        };
    }
}
