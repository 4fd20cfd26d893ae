using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests;

/// <summary>The Orleans dashboard: off unless Silo:Dashboard is set; when on, only an admin key opens it, given as a
/// browser gives it — the password of HTTP Basic authentication, which the 401 asks for — or as X-Api-Key.</summary>
public sealed class DashboardTests
{
    [Fact]
    public async Task The_dashboard_is_off_by_default()
    {
        await using var silo = await SiloFactory.OnTestServerAsync();
        var tenant = silo.CreateAnonymousClient();
        tenant.DefaultRequestHeaders.Add("X-Api-Key", TestAuth.TenantKey);
        var browser = silo.CreateAnonymousClient();

        Assert.Equal(HttpStatusCode.NotFound, (await tenant.GetAsync("/dashboard/")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await browser.SendAsync(Basic("/dashboard/", TestAuth.AdminKey))).StatusCode);
    }

    [Fact]
    public async Task When_on_only_an_admin_key_opens_it_and_a_browser_is_asked_for_one()
    {
        await using var silo = await SiloFactory.OnTestServerAsync(new() { ["Silo:Dashboard"] = "true" });
        var browser = silo.CreateAnonymousClient();

        var challenge = await browser.GetAsync("/dashboard/");
        Assert.Equal(HttpStatusCode.Unauthorized, challenge.StatusCode);
        Assert.Equal("Basic", challenge.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SendAsync(Basic("/dashboard/", "osk_not_a_key_of_anyone"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(Basic("/dashboard/", TestAuth.TenantKey))).StatusCode);

        var page = await browser.SendAsync(Basic("/dashboard/", TestAuth.AdminKey));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var stats = await browser.SendAsync(Basic("/dashboard/ClusterStats", TestAuth.AdminKey));
        Assert.Equal(HttpStatusCode.OK, stats.StatusCode);
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(await stats.Content.ReadAsStringAsync()).RootElement.ValueKind);

        // Basic is taken on the dashboard only: the API still wants X-Api-Key or a bearer token.
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SendAsync(Basic("/v1/cluster", TestAuth.AdminKey))).StatusCode);
    }

    private static HttpRequestMessage Basic(string path, string key) => new(HttpMethod.Get, path)
    {
        Headers = { Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin:{key}"))) },
    };
}
