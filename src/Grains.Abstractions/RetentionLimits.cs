namespace OrleansSessions.Abstractions;

/// <summary>The bounds of a session's item cap (maxItems), for requests and for the silo's default alike.</summary>
public static class RetentionLimits
{
    /// <summary>The largest item cap a session may have.</summary>
    public const int MaxItems = 10_000_000;
}
