using OrleansSessions.Silo.Api;
using OrleansSessions.Silo.Auth;

namespace OrleansSessions.Silo.Cluster;

internal static class ClusterEndpoints
{
    public static void MapClusterEndpoints(this IEndpointRouteBuilder app) =>
        app.MapGet("/v1/cluster", async (IGrainFactory grains) => Results.Ok(await ClusterReport.ReadAsync(grains)))
            .WithTags("Cluster")
            .RequireAuthorization(AuthServiceCollectionExtensions.AdminPolicy)
            .AcceptsQuery()
            .Produces<ClusterInfo>();
}
