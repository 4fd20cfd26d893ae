using OrleansSessions.Grains.Storage.Scripts;

namespace OrleansSessions.Grains.Storage;

/// <summary>The user index scripts, from their files in Storage/Scripts (which document their KEYS and ARGV).</summary>
internal static class UserIndexScripts
{
    public static readonly RedisScript Add = new("UserIndexAdd.lua", ScriptFiles.UserIndexPrelude);
    public static readonly RedisScript Raise = new("UserIndexRaise.lua");
    public static readonly RedisScript Range = new("UserIndexRange.lua");
    public static readonly RedisScript Prune = new("UserIndexPrune.lua", ScriptFiles.UserIndexPrelude);
}
