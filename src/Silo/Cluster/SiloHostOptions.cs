using System.ComponentModel.DataAnnotations;

namespace OrleansSessions.Silo.Cluster;

/// <summary>The host side of a silo (section "Silo"): how it drains on shutdown, and whether it serves the dashboard.
/// Not Orleans' own <see cref="Orleans.Configuration.SiloOptions"/>.</summary>
internal sealed class SiloHostOptions
{
    public const string Section = "Silo";

    /// <summary>On shutdown, readiness fails this long before the silo stops taking requests, so a load balancer
    /// moves traffic away first.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ShutdownDrainDelay { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Serves the Orleans dashboard at /dashboard to admin keys (it has no authentication of its own, and
    /// times every grain call while on).</summary>
    public bool Dashboard { get; set; }

    public static bool DashboardEnabled(IConfiguration configuration) => configuration.GetValue<bool>($"{Section}:{nameof(Dashboard)}");
}
