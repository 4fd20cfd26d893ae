using OrleansSessions.Silo.Auth;

namespace OrleansSessions.Silo.Cluster;

public static class ClusterEndpoints
{
    public static void MapClusterEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/cluster", async (SiloPresence presence) => Results.Ok(await presence.ListAsync()))
            .WithTags("Cluster")
            .RequireAuthorization(AuthServiceCollectionExtensions.AdminPolicy)
            .Produces<ClusterInfo>();
}
