using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using OrleansSessions.Abstractions;
using OrleansSessions.Rules;

namespace OrleansSessions.Silo.Api;

/// <summary>The query parameters an API route takes (matched as ASP.NET binds them, ignoring case).</summary>
internal sealed record QueryParameters(IReadOnlyList<string> Names);

/// <summary>
/// A request brings only what its route takes, so a misspelt option never turns into a wider change than asked:
/// every /v1 route declares its query parameters with <see cref="AcceptsQuery"/>, and any other is refused (400,
/// naming it) before the handler runs. A route that declares no body (no <c>Accepts</c>) refuses a body with fields
/// too; the fields of a declared body are the binder's to check (<see cref="JsonFields.OnlyKnown"/> in
/// <see cref="JsonBodies"/>). As everywhere, a null field counts as absent. Routes outside /v1 (health probes, the
/// inspector's files, the OpenAPI document, metrics, the dashboard) are not the API: they change nothing and stay
/// as permissive as the probes, browsers and scrapers that call them expect.
/// </summary>
internal static class KnownInputs
{
    public static RouteHandlerBuilder AcceptsQuery(this RouteHandlerBuilder route, params string[] names) =>
        route.WithMetadata(new QueryParameters(names)).AddEndpointFilter(RefuseUnknownAsync);

    private static async ValueTask<object?> RefuseUnknownAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var metadata = http.GetEndpoint()!.Metadata;
        var known = metadata.GetRequiredMetadata<QueryParameters>().Names;
        var unknown = http.Request.Query.Keys.Where(name => !known.Contains(name, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknown.Count > 0)
        {
            var takes = known.Count == 0 ? "it takes none" : "it takes " + string.Join(", ", known);
            throw new InvalidSessionRequestException(unknown[0], unknown.Count == 1
                ? $"{unknown[0]} is not a query parameter of this route; {takes}."
                : $"{string.Join(", ", unknown)} are not query parameters of this route; {takes}.");
        }
        if (metadata.GetMetadata<IAcceptsMetadata>() is null && http.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true)
        {
            using var body = await JsonRequest.ReadObjectAsync(http.Request, http.RequestServices.GetRequiredService<RequestRules>().Limits, http.RequestAborted);
            JsonFields.OnlyKnown(body.RootElement, "");
        }
        return await next(context);
    }
}
