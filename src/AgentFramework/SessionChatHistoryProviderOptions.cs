namespace OrleansSessions.AgentFramework;

public sealed record SessionChatHistoryProviderOptions
{
    /// <summary>The user a conversation is created for at its first stored run (ignored for one that exists).</summary>
    public required string UserId { get; init; }

    /// <summary>How many of the newest stored items a run gets as its history (all when null); the window never
    /// starts with a tool result whose call it cut off.</summary>
    public int? HistoryLimit { get; init; }

    /// <summary>A new conversation's time to live, sliding with every stored run (the silo's default when null).</summary>
    public TimeSpan? Ttl { get; init; }

    /// <summary>How often a store that failed for want of the silo (503, 429, a lost connection) is tried again, with
    /// the same operation id, so it is stored once however often it is sent.</summary>
    public int StoreAttempts { get; init; } = 4;
}
