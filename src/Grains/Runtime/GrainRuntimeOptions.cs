using System.ComponentModel.DataAnnotations;

namespace OrleansSessions.Grains.Runtime;

public sealed class GrainRuntimeOptions
{
    public const string Section = "Grains";

    /// <summary>An activation with no turn for this long is deactivated.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan IdleDeactivationAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often idle activations are looked for.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan CollectionInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Bound on live activations; past it the least recently used idle ones are deactivated.</summary>
    [Range(1, 10_000_000)]
    public int MaxActivations { get; set; } = 100_000;
}
