using OrleansSessions.Grains.Storage.Scripts;

namespace OrleansSessions.Grains.Storage;

/// <summary>The session scripts, from their files in Storage/Scripts (which document their KEYS, ARGV and replies).</summary>
internal static class SessionScripts
{
    public static readonly RedisScript Create = new("Create.lua", ScriptFiles.SessionPrelude);
    public static readonly RedisScript Describe = new("Describe.lua", ScriptFiles.SessionPrelude);
    public static readonly RedisScript Append = new("Append.lua", ScriptFiles.SessionPrelude);
    public static readonly RedisScript Replace = new("Replace.lua", ScriptFiles.SessionPrelude);
    public static readonly RedisScript Read = new("Read.lua", ScriptFiles.SessionPrelude);
    public static readonly RedisScript ReadEvents = new("ReadEvents.lua", ScriptFiles.SessionPrelude);
    public static readonly RedisScript Pop = new("Pop.lua", ScriptFiles.SessionPrelude);
    public static readonly RedisScript Clear = new("Clear.lua", ScriptFiles.SessionPrelude);
    public static readonly RedisScript Delete = new("Delete.lua");
    public static readonly RedisScript TrackAgent = new("TrackAgent.lua", ScriptFiles.SessionPrelude);
    public static readonly RedisScript GetData = new("GetData.lua");
    public static readonly RedisScript SetData = new("SetData.lua", ScriptFiles.SessionPrelude);
}
