using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using OrleansSessions.Silo.Cluster;
using OrleansSessions.Tests.Infrastructure;

namespace OrleansSessions.Tests;

/// <summary>The default with no Redis configured: the silo runs its own Garnet with auth off (and says so), and
/// sessions survive a restart.</summary>
[Trait("Category", TestCategory.Process)]
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

    [Fact]
    public async Task Dotnet_run_starts_a_development_silo_that_logs_nothing_but_what_a_developer_must_know()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "os-embedded-" + Guid.NewGuid().ToString("N"));
        var port = FreeTcpPort.Pick();
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name; // bin/<Configuration>/net10.0
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "run", "--project", Path.Combine(RepositoryFiles.Root, "src", "Silo"), "--no-build", "-c", configuration, "--",
            "--urls", $"http://127.0.0.1:{port}", "--EmbeddedStore:DataDirectory", dataDirectory, "--Orleans:SiloPort", "0", "--Orleans:GatewayPort", "0" })
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment.Remove("REDIS_URL");
        using var silo = Process.Start(info)!;
        var output = new StringBuilder();
        silo.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        silo.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        silo.BeginOutputReadLine();
        silo.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (!await IsReadyAsync(http) && DateTime.UtcNow < deadline && !silo.HasExited) await Task.Delay(200);
            Assert.Equal(HttpStatusCode.OK, (await http.PostAsJsonAsync("/v1/sessions/dev/items", new { items = new[] { new { x = 1 } }, userId = "dev" })).StatusCode);
        }
        finally
        {
            _ = SendSignal(silo.Id, 15);
            await silo.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
            if (Directory.Exists(dataDirectory)) Directory.Delete(dataDirectory, recursive: true);
        }

        string text;
        lock (output) text = output.ToString();
        Assert.Contains("Hosting environment: Development", text);
        var warnings = text.Split('\n').Where(line => line.StartsWith("warn:") || line.StartsWith("fail:") || line.StartsWith("crit:")).ToList();
        Assert.Equal(["warn: OrleansSessions.Silo[4001]", "warn: OrleansSessions.Silo.Redis.RedisConnection[2001]"], warnings.Select(w => w.TrimEnd()));
    }

    private static async Task<bool> IsReadyAsync(HttpClient http)
    {
        try
        {
            return (await http.GetAsync("/health/ready")).IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int SendSignal(int pid, int signal);
}
