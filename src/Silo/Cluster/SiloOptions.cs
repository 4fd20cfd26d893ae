using System.ComponentModel.DataAnnotations;

namespace OrleansSessions.Silo.Cluster;

public sealed class SiloOptions
{
    public const string Section = "Silo";

    /// <summary>On shutdown, readiness fails this long before the silo stops taking requests, so a load balancer
    /// moves traffic away first.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ShutdownDrainDelay { get; set; } = TimeSpan.FromSeconds(3);
}
