namespace OrleansSessions.Silo.Redis;

internal sealed class EmbeddedStoreOptions
{
    public const string Section = "EmbeddedStore";

    /// <summary>Where the embedded Garnet keeps its append-only file; default .data/garnet beside the tool manifest.</summary>
    public string? DataDirectory { get; set; }
}
