using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests;

/// <summary>The default with no Redis configured: the silo runs its own Garnet with auth off (and says so), and
/// sessions survive a restart.</summary>
public sealed class EmbeddedStoreTests
{
    [Fact]
    public async Task With_no_redis_configured_the_silo_runs_garnet_and_sessions_survive_a_restart()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "os-embedded-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = "",
            ["REDIS_URL"] = "",
            ["EmbeddedStore:DataDirectory"] = dataDirectory,
        };
        try
        {
            var logs = new CapturedLogs();
            await using (var first = new SiloFactory(settings))
            {
                // The development default: no credentials needed, and the silo says so.
                var http = first.WithWebHostBuilder(b => b.ConfigureLogging(l => l.AddProvider(logs))).CreateClient();
                var appended = await http.PostAsJsonAsync("/v1/sessions/durable/items",
                    new { items = new[] { new { role = "user", content = "remember me" } }, userId = "nora" });
                Assert.Equal(HttpStatusCode.OK, appended.StatusCode);
            }
            Assert.Contains(logs.Lines, l => l.StartsWith("Warning: AUTH IS OFF", StringComparison.Ordinal));
            Assert.NotEmpty(Directory.EnumerateFiles(dataDirectory, "*", SearchOption.AllDirectories));

            await using var second = new SiloFactory(settings);
            var page = JsonDocument.Parse(await second.CreateClient().GetStringAsync("/v1/sessions/durable/items")).RootElement;
            Assert.Equal("remember me", page.GetProperty("items")[0].GetProperty("item").GetProperty("content").GetString());
            var listing = JsonDocument.Parse(await second.CreateClient().GetStringAsync("/v1/users/nora/sessions")).RootElement;
            Assert.Equal("durable", listing.GetProperty("sessions")[0].GetProperty("sessionId").GetString());
        }
        finally
        {
            if (Directory.Exists(dataDirectory)) Directory.Delete(dataDirectory, recursive: true);
        }
    }
}
