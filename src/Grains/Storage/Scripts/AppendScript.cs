using System.Globalization;
using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage.Scripts;

/// <summary>Append.lua: one or several appends in one call (group commit), in order.</summary>
internal static class AppendScript
{
    public static readonly RedisScript Script = new("Append.lua", ScriptFiles.SessionPrelude);

    /// <summary>One append of the call.</summary>
    /// <param name="Fingerprint">What <paramref name="OperationId"/> is bound to; null without one.</param>
    /// <param name="RequiredOwner">The owner the session must have; null for any.</param>
    /// <param name="TtlMs">The session's TTL from this append on; null keeps it.</param>
    /// <param name="Usage">The turn's usage as <see cref="StoredUsage.Encode"/> writes it; "" for none.</param>
    /// <param name="Items">Each item's JSON as stored.</param>
    /// <param name="MaxItems">The session's item cap from this append on; null keeps it.</param>
    public sealed record Operation(
        string? OperationId, string? Fingerprint, string? RequiredOwner, string? Agent, long? Tokens, long? TtlMs, string Usage, IReadOnlyList<byte[]> Items,
        int? MaxItems = null);

    /// <param name="createOwner">The user a missing session is created for; null when it may not be created.</param>
    /// <param name="createTtlMs">The TTL of a session the call creates; 0 for none.</param>
    /// <param name="createMaxItems">The item cap of a session the call creates; null for none.</param>
    /// <returns>What each operation did, in order; null when the session is missing and may not be created.</returns>
    public static async Task<IReadOnlyList<AppendOutcome>?> RunAsync(IDatabaseAsync db, RedisKey[] sessionKeys,
        string? createOwner, long createTtlMs, int? createMaxItems, IReadOnlyList<Operation> operations)
    {
        var args = new List<RedisValue>(4 + operations.Sum(o => 9 + o.Items.Count))
        {
            createOwner ?? "", createTtlMs, createMaxItems?.ToString(CultureInfo.InvariantCulture) ?? "", operations.Count,
        };
        foreach (var operation in operations)
        {
            args.Add(operation.OperationId ?? "");
            args.Add(operation.Fingerprint ?? "");
            args.Add(operation.RequiredOwner ?? "");
            args.Add(operation.Agent ?? "");
            args.Add(operation.Tokens?.ToString(CultureInfo.InvariantCulture) ?? "");
            args.Add(operation.TtlMs?.ToString(CultureInfo.InvariantCulture) ?? "");
            args.Add(operation.Usage);
            args.Add(operation.MaxItems?.ToString(CultureInfo.InvariantCulture) ?? "");
            args.Add(operation.Items.Count);
            foreach (var item in operation.Items) args.Add(item);
        }
        var reply = (RedisResult[])(await Script.EvaluateAsync(db, sessionKeys, [.. args]))!;
        if ((string)reply[0]! == "missing") return null;
        return ((RedisResult[])reply[1]!).Select(result => Outcome((RedisResult[])result!)).ToList();
    }

    private static AppendOutcome Outcome(RedisResult[] reply) =>
        (string)reply[0]! switch
        {
            "not-owner" => new AppendOutcome(AppendStatus.NotOwner),
            "conflict" => new AppendOutcome(AppendStatus.Conflict),
            "over-cap" => new AppendOutcome(AppendStatus.OverCap, LastSeq: (long)reply[1]),
            "replayed" => new AppendOutcome(AppendStatus.Replayed, (long)reply[1], (long)reply[2], (string?)reply[3]),
            _ => new AppendOutcome(AppendStatus.Appended, (long)reply[1], (long)reply[2], (string?)reply[3], (long)reply[4], (long)reply[5], (long)reply[8],
                TrimmedThroughSeq: (long)reply[6], TrimmedCount: (long)reply[7]),
        };
}
