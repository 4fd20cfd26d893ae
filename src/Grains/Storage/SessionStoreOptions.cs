using System.ComponentModel.DataAnnotations;
using OrleansSessions.Abstractions;

namespace OrleansSessions.Grains.Storage;

public sealed class SessionStoreOptions
{
    public const string Section = "Sessions";

    /// <summary>Prepended to every Redis key; one prefix per deployment or tenant.</summary>
    [Required, RegularExpression("^[A-Za-z0-9_.:-]{1,64}$", ErrorMessage = "KeyPrefix: 1 to 64 of A-Z a-z 0-9 _ . : -")]
    public string KeyPrefix { get; set; } = "os";

    /// <summary>TTL for sessions created without one (by create or by the first append); null keeps them forever.</summary>
    [Range(1, 31_536_000)]
    public int? DefaultTtlSeconds { get; set; }

    /// <summary>The item cap of sessions created without one (by create or by the first append): past it, the oldest
    /// items go in the same script as the append that went past it. Null (the default) keeps every item.</summary>
    [Range(1, RetentionLimits.MaxItems)]
    public int? MaxItems { get; set; }

    /// <summary>How long a Redis call may take before the request fails (503 at the HTTP API): a Redis that stops
    /// answering must not hold requests.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How many calls of one session may wait behind the running one; past that a call is refused at once
    /// (503 with Retry-After) rather than queued without bound while Redis is slow or stalled.</summary>
    [Range(1, 100_000)]
    public int MaxWaitingCalls { get; set; } = 1_000;

    /// <summary>How often a silo moves recently written sessions up their owners' listings (off the write's critical
    /// path); after a crash a listing's order may lag by this much.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:01")]
    public TimeSpan IndexTouchInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A user-index entry whose session is gone is pruned only once it has been idle this long, so a
    /// session whose index entry was just written (create writes the index first) is never pruned.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan IndexPruneGrace { get; set; } = TimeSpan.FromMinutes(1);
}
