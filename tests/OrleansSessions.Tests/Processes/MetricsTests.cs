using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using System.Text;
using OrleansSessions.Silo.Cluster;
using OrleansSessions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansSessions.Tests;

/// <summary>After traffic through a silo process, /metrics (Prometheus text, admin keys only) carries the service's series — appends, items,
/// group-commit sizes, script time, reads by source, open live streams — beside ASP.NET Core's and Orleans' own.</summary>
[Trait("Category", TestCategory.Process)]
[Collection(nameof(MultiSiloProcessTests))] // a silo process; not beside the other process tests
public sealed class MetricsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Metrics_after_traffic_carry_the_services_orleans_and_http_series_for_admin_keys_only()
    {
        // A silo process of its own: in this test process other tests' silos feed meters of the same name.
        await using var silo = await SiloProcess.StartAsync("metered", "t" + Guid.NewGuid().ToString("N")[..12]);
        var tenant = silo.Http;
        using var admin = new HttpClient { BaseAddress = silo.Address };
        admin.DefaultRequestHeaders.Add("X-Api-Key", TestAuth.AdminKey);
        for (var i = 0; i < 5; i++)
        {
            var body = new StringContent($$"""{"items":[{"role":"user","content":"{{i}}"},{"role":"assistant","content":"ok"}],"userId":"u"}""", Encoding.UTF8, "application/json");
            Assert.Equal(HttpStatusCode.OK, (await tenant.PostAsync("/v1/sessions/metered/items", body)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await tenant.GetAsync("/v1/sessions/metered/items")).StatusCode);
        }
        using (var stream = await tenant.GetAsync("/v1/sessions/metered/events", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
            var text = await ScrapeAsync(admin);
            Assert.Equal(1, Value(text, "orleans_sessions_live_streams"));
        }

        using var anonymous = new HttpClient { BaseAddress = silo.Address };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await tenant.GetAsync("/metrics")).StatusCode);

        await Task.Delay(400); // the exporter answers a scrape from its last one for 300 ms
        var metrics = await ScrapeAsync(admin);
        foreach (var series in new[]
        {
            "orleans_sessions_appends_total", "orleans_sessions_items_appended_total", "orleans_sessions_group_commit_size_bucket",
            "orleans_sessions_append_script_duration_seconds_bucket", "orleans_sessions_reads_total{", "source=\"memory\"",
            "http_server_request_duration_seconds_bucket", "kestrel_", "orleans_grain",
        })
        {
            Assert.Contains(series, metrics, StringComparison.Ordinal);
        }
        Assert.Equal(5, Value(metrics, "orleans_sessions_appends_total"));
        Assert.Equal(10, Value(metrics, "orleans_sessions_items_appended_total"));
        output.WriteLine(string.Join("\n", metrics.Split('\n').Where(l => l.StartsWith("orleans_sessions", StringComparison.Ordinal) && !l.Contains("_bucket", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task With_an_otlp_endpoint_that_is_down_the_silo_serves_as_ever()
    {
        await using var silo = await SiloFactory.OnTestServerAsync(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{FreeTcpPort.Pick()}" });
        var tenant = silo.CreateClient();
        var body = new StringContent("""{"items":[{"role":"user","content":"traced"}],"userId":"u"}""", Encoding.UTF8, "application/json");

        Assert.Equal(HttpStatusCode.OK, (await tenant.PostAsync("/v1/sessions/traced/items", body)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await tenant.GetAsync("/v1/sessions/traced/items")).StatusCode);
        var admin = silo.CreateAnonymousClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", TestAuth.AdminKey);
        Assert.Contains("orleans_sessions_appends_total", await ScrapeAsync(admin), StringComparison.Ordinal);
    }

    private static double Value(string metrics, string series) =>
        double.Parse(Regex.Match(metrics, $@"^{series}(\{{[^}}]*\}})? (?<value>\S+)", RegexOptions.Multiline).Groups["value"].Value, CultureInfo.InvariantCulture);

    private static async Task<string> ScrapeAsync(HttpClient admin)
    {
        var response = await admin.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
