using System.ComponentModel.DataAnnotations;

namespace OrleansSessions.Grains.Storage;

/// <summary>What an acknowledged write means: stored on the primary only (0), or also confirmed by that many of its
/// replicas (Redis <c>WAIT</c>), so that a failover to a replica cannot lose it.</summary>
public sealed class AcknowledgementOptions
{
    public const string Section = "Redis";

    /// <summary>How many replicas must confirm a write before it is acknowledged; 0 acknowledges once the primary has it.</summary>
    [Range(0, 10)]
    public int AcknowledgeAfterReplicas { get; set; }

    /// <summary>How long a write waits for its replicas before it fails as unavailable (503); when replicas are
    /// waited for, must be shorter than Sessions:CommandTimeout.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:10:00")]
    public TimeSpan AcknowledgeTimeout { get; set; } = TimeSpan.FromSeconds(1);
}
