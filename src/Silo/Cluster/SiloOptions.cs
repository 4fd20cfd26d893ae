using System.ComponentModel.DataAnnotations;

namespace OrleansSessions.Silo.Cluster;

public sealed class SiloOptions
{
    public const string Section = "Silo";

    /// <summary>This silo's name in the cluster listing; default host name and process id.</summary>
    public string Name { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>The address others reach this silo at; default the first address it listens on.</summary>
    public string? Address { get; set; }

    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A silo that has not heartbeaten for this long is no longer listed.</summary>
    [Range(typeof(TimeSpan), "00:00:00.300", "01:00:00")]
    public TimeSpan PresenceTtl { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>On shutdown, readiness fails this long before the silo stops taking requests, so a load balancer
    /// moves traffic away first.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ShutdownDrainDelay { get; set; } = TimeSpan.FromSeconds(3);
}
