namespace OrleansSessions.Grains.Runtime;

/// <summary>The silo is shutting down and takes no new calls; the caller may retry on another silo.</summary>
public sealed class SiloStoppingException() : Exception("The silo is shutting down.");
