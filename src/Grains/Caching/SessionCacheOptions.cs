using System.ComponentModel.DataAnnotations;

namespace OrleansSessions.Grains.Caching;

public sealed class SessionCacheOptions
{
    public const string Section = "SessionCache";

    /// <summary>Activations keep their session's items in memory and check them with one small round trip per read.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>A session whose items take more than this is read from Redis instead.</summary>
    [Range(1_024, long.MaxValue)]
    public long MaxSessionBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>All cached sessions of a silo together; past it the least recently used caches are dropped.</summary>
    [Range(1_024, long.MaxValue)]
    public long MaxTotalBytes { get; set; } = 256 * 1024 * 1024;
}
