using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests;

/// <summary>Cors__Origins as an operator sets it, in one environment variable: every origin listed is allowed and
/// logged at start; a malformed one stops the silo with an error naming the setting.</summary>
[Trait("Category", TestCategory.Process)]
[Collection(nameof(MultiSiloProcessTests))] // a silo process; not beside the other process tests
public sealed class BrowserCorsProcessTests
{
    [Fact]
    public async Task A_list_in_one_environment_variable_allows_each_origin_and_is_logged()
    {
        await using var silo = await SiloProcess.StartAsync("cors", "t" + Guid.NewGuid().ToString("N")[..12],
            new() { ["Cors:Origins"] = "https://a.example, http://localhost:5173" });
        using var http = new HttpClient { BaseAddress = silo.Address };

        foreach (var origin in new[] { "https://a.example", "http://localhost:5173" })
        {
            using var preflight = await http.SendAsync(AuthConfigurationTests.Preflight(origin, "authorization"));
            Assert.Equal(origin, preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
        }
        Assert.Contains("Cors:Origins): https://a.example, http://localhost:5173.", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_origin_stops_the_silo_naming_Cors_Origins()
    {
        await using var silo = await SiloProcess.LaunchAsync("cors-bad", "t" + Guid.NewGuid().ToString("N")[..12],
            new() { ["Cors:Origins"] = "https://app.example/" });
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await silo.WaitForExitAsync(deadline.Token);

        Assert.NotEqual(0, silo.ExitCode);
        Assert.Contains("Cors:Origins: 'https://app.example/' is not an origin", silo.Output, StringComparison.Ordinal);
    }
}
