namespace OrleansSessions.Silo.Cluster;

/// <summary>One live silo as <c>GET /v1/cluster</c> lists it.</summary>
public sealed record SiloInfo(string Name, string Address, DateTimeOffset StartedAt, int Activations, DateTimeOffset LastHeartbeat);

public sealed record ClusterInfo(IReadOnlyList<SiloInfo> Silos);
