namespace OrleansSessions.ClusterClient;

public sealed class ClusterSessionsOptions
{
    /// <summary>The key space to act in: a tenant's <c>Auth:Tenants:{name}:KeyPrefix</c>, or null for the silos'
    /// default (<c>Sessions:KeyPrefix</c>). The in-cluster client is trusted as a tenant's backend is: it reaches
    /// every session of that key space.</summary>
    public string? KeyPrefix { get; set; }
}
