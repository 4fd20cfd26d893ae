using StackExchange.Redis;

namespace OrleansSessions.Grains.Storage.Scripts;

/// <summary>UserIndexAdd.lua: adds a session to its owner's index, or raises its entry, to the server's now.</summary>
internal static class UserIndexAddScript
{
    public static readonly RedisScript Script = new("UserIndexAdd.lua", ScriptFiles.UserIndexPrelude);

    public static Task RunAsync(IDatabaseAsync db, RedisKey userIndex, string sessionId) =>
        Script.EvaluateAsync(db, [userIndex], [sessionId]);
}
