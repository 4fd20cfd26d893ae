using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage.Scripts;

/// <summary>ReadEvents.lua: the item events after a version, for caches and live streams.</summary>
internal static class ReadEventsScript
{
    public static readonly RedisScript Script = new("ReadEvents.lua", ScriptFiles.SessionPrelude);

    /// <param name="Kind">append, pop or clear.</param>
    /// <param name="Entries">An append's items still stored, as stored ("seq|createdAtMs|json"); none for the others.</param>
    public sealed record Event(long Version, string Kind, long FirstSeq, long LastSeq, RedisValue[] Entries);

    /// <param name="Status">Reset when the events asked for are no longer kept, or belong to an earlier session of this id.</param>
    /// <param name="Incarnation">The session's createdAt.</param>
    /// <param name="Events">Set when the status is Ok.</param>
    /// <param name="Description">Set when the status is Ok and it was asked for.</param>
    public sealed record Reply(
        EventsReadStatus Status, long Version = 0, long Incarnation = 0, long LastSeq = 0, IReadOnlyList<Event>? Events = null,
        StoredDescription? Description = null);

    /// <param name="incarnation">The session's createdAt the caller knows.</param>
    public static async Task<Reply> RunAsync(IDatabaseAsync db, RedisKey[] sessionKeys,
        long incarnation, long afterVersion, int maxEvents, bool refreshTtl, bool describe)
    {
        var reply = (RedisResult[])(await Script.EvaluateAsync(db, sessionKeys,
            [incarnation, afterVersion, maxEvents, refreshTtl ? "1" : "0", describe ? "1" : "0"]))!;
        switch ((string)reply[0]!)
        {
            case "missing":
                return new Reply(EventsReadStatus.Missing);
            case "reset":
                return new Reply(EventsReadStatus.Reset, (long)reply[1], (long)reply[2], (long)reply[3]);
        }
        var events = ((RedisResult[])reply[4]!).Select(raw =>
        {
            var e = (RedisResult[])raw!;
            return new Event((long)e[0], (string)e[1]!, (long)e[2], (long)e[3], (RedisValue[])e[4]!);
        }).ToList();
        return new Reply(EventsReadStatus.Ok, (long)reply[1], (long)reply[2], (long)reply[3], events, describe ? StoredDescription.Decode(reply[5]) : null);
    }
}
