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
}
