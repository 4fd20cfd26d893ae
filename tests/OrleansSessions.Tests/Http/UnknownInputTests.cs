using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OrleansSessions.Silo.Api;
using OrleansSessions.Silo.Auth;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests;

/// <summary>Issue 23: a request brings only what its route takes. An unknown query parameter, on any route, or an
/// unknown top-level body field gets a 400 naming it and changes nothing, so a misspelt option never turns into a
/// wider change than asked. The routes are read from the silo's own route table, so a new one is covered (or the
/// table test fails) without anyone adding it here.</summary>
public sealed class UnknownInputTests(SeededSilo seeded) : IClassFixture<SeededSilo>
{
    private const string Existing = "/v1/sessions/existing";
    private const string Unknown = "zzUnknown";

    /// <summary>Not the API: probes, pages, documents and scrapers that change nothing; they take what they take.</summary>
    private static readonly string[] NotTheApi = ["/health/", "/openapi/", "/scalar", "/inspector", "/dashboard", "/metrics"];

    private sealed record Route(string Method, string Pattern, EndpointMetadataCollection Metadata)
    {
        public string Path => Pattern.Replace("{sessionId}", "existing").Replace("{userId}", "existing-user").Replace("{key}", "k");
        public bool TakesAnyJsonValue => Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType == typeof(JsonElement);
        public bool NeedsAdmin => Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == AuthServiceCollectionExtensions.AdminPolicy);
        public override string ToString() => $"{Method} {Pattern}";
    }

    [Fact]
    public void Every_api_route_declares_the_query_parameters_its_handler_binds()
    {
        var endpoints = seeded.Silo.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => (Pattern: "/" + e.RoutePattern.RawText!.TrimStart('/'), e.Metadata)).ToList();
        var api = endpoints.Where(e => e.Pattern.StartsWith("/v1/", StringComparison.Ordinal)).ToList();

        Assert.Empty(endpoints.Where(e => !e.Pattern.StartsWith("/v1/", StringComparison.Ordinal)
            && !NotTheApi.Any(prefix => e.Pattern.StartsWith(prefix, StringComparison.Ordinal))).Select(e => e.Pattern));
        Assert.Empty(api.Where(e => e.Metadata.GetMetadata<QueryParameters>() is null).Select(e => e.Pattern));
        Assert.True(api.Count >= 19, $"only {api.Count} API routes found");

        // What each handler binds from the query (as the OpenAPI document describes it) is what its route declares,
        // besides the user token an EventSource sends in the query, which authentication reads.
        var described = seeded.Silo.Services.GetRequiredService<IApiDescriptionGroupCollectionProvider>().ApiDescriptionGroups.Items
            .SelectMany(g => g.Items).Where(d => d.RelativePath?.StartsWith("v1/", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(api.Count, described.Count);
        foreach (var description in described)
        {
            var declared = description.ActionDescriptor.EndpointMetadata.OfType<QueryParameters>().Single().Names;
            var bound = description.ParameterDescriptions.Where(p => p.Source == BindingSource.Query).Select(p => p.Name)
                .Concat(description.RelativePath!.EndsWith("/events", StringComparison.Ordinal) ? ["access_token"] : []).ToList();
            Assert.True(declared.Order().SequenceEqual(bound.Order(), StringComparer.OrdinalIgnoreCase),
                $"{description.HttpMethod} {description.RelativePath} declares [{string.Join(", ", declared)}] but binds [{string.Join(", ", bound)}]");
        }
    }

    [Fact]
    public async Task An_unknown_query_parameter_is_refused_on_every_api_route_and_changes_nothing()
    {
        var routes = ApiRoutes();
        var failures = new List<string>();
        foreach (var route in routes)
        {
            var before = await seeded.DigestAsync();
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), $"{route.Path}?{Unknown}=1");
            if (route.Metadata.GetMetadata<IAcceptsMetadata>() is not null) request.Content = Json("{}");
            using var response = await ClientFor(route).SendAsync(request);
            await CheckRefusedAsync(route, response, Unknown, failures);
            if (await seeded.DigestAsync() != before) failures.Add($"{route}: the store changed");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task An_unknown_body_field_is_refused_on_every_api_route_and_changes_nothing()
    {
        var routes = ApiRoutes().Where(r => !r.TakesAnyJsonValue).ToList(); // PUT data/{key}: the body is the value
        var failures = new List<string>();
        foreach (var route in routes)
        {
            var before = await seeded.DigestAsync();
            using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Path) { Content = Json($$"""{"{{Unknown}}":1}""") };
            using var response = await ClientFor(route).SendAsync(request);
            await CheckRefusedAsync(route, response, Unknown, failures);
            if (await seeded.DigestAsync() != before) failures.Add($"{route}: the store changed");
        }
        Assert.Contains(routes, r => r.Method == "POST" && r.Pattern == "/v1/sessions/{sessionId}/items/pop");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [InlineData("DELETE", Existing + "/items?resetAgent=true", "", "resetAgent")]
    [InlineData("DELETE", Existing + "/items", """{"afterSeq":6}""", "afterSeq")]
    [InlineData("DELETE", Existing + "?cascade=false", "", "cascade")]
    [InlineData("GET", Existing + "/items?limit=1&lmit=5&orderBy=seq", "", "lmit")]
    [InlineData("POST", Existing + "/items", """{"items":[{"a":1}],"operationId":"typo-op","ttl":60}""", "ttl")]
    [InlineData("POST", Existing + "/items", """{"items":[{"a":1}],"operationId":"typo-op","Agent":"a"}""", "Agent")]
    [InlineData("PUT", Existing + "/items", """{"items":[{"a":1}],"operationId":"typo-op","expectedSuffix":[]}""", "expectedSuffix")]
    [InlineData("POST", Existing + "/items/pop", """{"count":3}""", "count")]
    [InlineData("POST", "/v1/sessions", """{"userId":"typo-user","sessionId":"typo","maxItem":5}""", "maxItem")]
    [InlineData("PATCH", Existing + "/data/k", """{"path":["a"],"value":1,"merge":true}""", "merge")]
    [InlineData("PUT", Existing + "/agent", """{"agent":"a","reset":true}""", "reset")]
    [InlineData("POST", "/v1/tokens", """{"userId":"existing-user","ttl":60}""", "ttl")]
    public async Task A_misspelt_option_beside_a_valid_request_is_refused_and_changes_nothing(string method, string path, string body, string field)
    {
        var before = await seeded.DigestAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body.Length > 0) request.Content = Json(body);

        using var response = await seeded.Silo.CreateClient().SendAsync(request);

        var failures = new List<string>();
        await CheckRefusedAsync(new Route(method, path, EndpointMetadataCollection.Empty), response, field, failures);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, await seeded.DigestAsync());
    }

    [Fact]
    public async Task Every_unknown_parameter_is_named_with_what_the_route_takes()
    {
        var http = seeded.Silo.CreateClient();

        var query = await ProblemAsync(await http.GetAsync(Existing + "/items?lmit=5&order=desc"));
        var body = await ProblemAsync(await http.PutAsync(Existing + "/agent", Json("""{"agent":"a","ttl":5,"note":"x"}""")));
        var none = await ProblemAsync(await http.DeleteAsync(Existing + "?force=true"));

        Assert.Equal(("lmit", "lmit, order are not query parameters of this route; it takes limit, afterSeq, role, safeStart, refreshTtl."), query);
        Assert.Equal(("ttl", "ttl, note are not fields of this request; it takes agent."), body);
        Assert.Equal(("force", "force is not a query parameter of this route; it takes none."), none);
    }

    [Fact]
    public async Task Known_parameters_null_fields_and_empty_bodies_still_work()
    {
        var http = seeded.Silo.CreateClient();
        var session = "/v1/sessions/still-works";

        var appended = await http.PostAsync(session + "/items",
            Json("""{"items":[{"role":"user","content":"hi"},{"role":"assistant","content":"hello"}],"userId":"existing-user","agent":null,"notAField":null}"""));
        var read = await http.GetAsync(session + "/items?limit=1&afterSeq=0&role=assistant&safeStart=true&refreshTtl=true");
        var readAnyCase = await http.GetAsync(session + "/items?Limit=1");
        var listed = await http.GetAsync("/v1/users/existing-user/sessions?limit=10");
        var transaction = await http.PostAsync(session + "/history/transactions",
            Json("""{"operationId":"t-known","transaction":{"type":"append_items","items":[{"a":1}],"expectedSuffix":null}}"""));
        var popped = await http.PostAsync(session + "/items/pop", Json("{}"));
        using var clear = new HttpRequestMessage(HttpMethod.Delete, session + "/items?resetAgents=true");
        var cleared = await http.SendAsync(clear);
        var token = await http.PostAsync("/v1/tokens", Json("""{"userId":"existing-user","ttlSeconds":60}"""));

        Assert.Equal(HttpStatusCode.OK, appended.StatusCode);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var page = JsonDocument.Parse(await read.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("hello", Assert.Single(page.GetProperty("items").EnumerateArray()).GetProperty("item").GetProperty("content").GetString());
        Assert.Single(JsonDocument.Parse(await readAnyCase.Content.ReadAsStringAsync()).RootElement.GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, transaction.StatusCode);
        Assert.Equal(HttpStatusCode.OK, popped.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        Assert.Empty(JsonDocument.Parse(await (await http.GetAsync(session + "/items")).Content.ReadAsStringAsync()).RootElement.GetProperty("items").EnumerateArray());
    }

    private List<Route> ApiRoutes() =>
        [.. seeded.Silo.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.TrimStart('/').StartsWith("v1/", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetRequiredMetadata<IHttpMethodMetadata>().HttpMethods
                .Select(method => new Route(method, "/" + e.RoutePattern.RawText!.TrimStart('/'), e.Metadata)))];

    private HttpClient ClientFor(Route route)
    {
        if (!route.NeedsAdmin) return seeded.Silo.CreateClient();
        var admin = seeded.Silo.CreateAnonymousClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", TestAuth.AdminKey);
        return admin;
    }

    private static async Task CheckRefusedAsync(Route route, HttpResponseMessage response, string field, List<string> failures)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.BadRequest || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            failures.Add($"{route}: answered {(int)response.StatusCode} {text}");
            return;
        }
        var problem = JsonDocument.Parse(text).RootElement;
        if (problem.GetProperty("field").GetString() != field || !problem.GetProperty("detail").GetString()!.Contains(field, StringComparison.Ordinal))
        {
            failures.Add($"{route}: named {problem.GetProperty("field")} rather than {field}: {text}");
        }
    }

    private static async Task<(string? Field, string? Detail)> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return (problem.GetProperty("field").GetString(), problem.GetProperty("detail").GetString());
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
}
