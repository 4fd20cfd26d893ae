using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OrleansSessions.Silo.Auth;

namespace OrleansSessions.Bench.Paths;

/// <summary>A silo process of its own, driven over HTTP from the bench process.</summary>
public sealed class SiloHttpPath : IBenchPath
{
    private readonly Process _silo;
    private readonly HttpClient _http;

    private SiloHttpPath(Process silo, HttpClient http)
    {
        _silo = silo;
        _http = http;
    }

    public string Name => "silo over HTTP";

    /// <summary>The silo process's peak resident memory (VmHWM), in bytes.</summary>
    public long SiloPeakMemory =>
        File.ReadLines($"/proc/{_silo.Id}/status").Where(l => l.StartsWith("VmHWM:")).Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024).FirstOrDefault();

    public static async Task<SiloHttpPath> StartAsync(string redis, string prefix, int port)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "OrleansSessions.Silo.dll"));
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        info.Environment["Redis__ConnectionString"] = redis;
        info.Environment["Sessions__KeyPrefix"] = prefix;
        info.Environment["Orleans__ClusterId"] = prefix; // a one-silo cluster of its own, on free loopback ports
        info.Environment["Orleans__SiloPort"] = "0";
        info.Environment["Orleans__GatewayPort"] = "0";
        info.Environment["Orleans__AdvertisedAddress"] = "127.0.0.1";
        // One tenant whose key space is the bench prefix; its key is made here and lives only for this run.
        var apiKey = "osk_bench_" + Guid.NewGuid().ToString("N");
        info.Environment["Auth__Tenants__bench__KeyHashes__0"] = TenantDirectory.Hash(apiKey);
        info.Environment["Auth__Tenants__bench__KeyPrefix"] = prefix;
        info.Environment["Auth__TokenSigningKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Silo__ShutdownDrainDelay"] = "00:00:00";
        info.Environment["DOTNET_gcServer"] = "1";
        var silo = Process.Start(info)!;
        silo.OutputDataReceived += (_, _) => { };
        silo.ErrorDataReceived += (_, _) => { };
        silo.BeginOutputReadLine();
        silo.BeginErrorReadLine();

        var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        for (var attempt = 0; attempt < 600; attempt++)
        {
            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode) return new SiloHttpPath(silo, http);
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        silo.Kill();
        throw new InvalidOperationException("The silo did not become ready.");
    }

    public async Task AppendAsync(string userId, string sessionId, IReadOnlyList<string> items)
    {
        var body = new StringBuilder("{\"userId\":\"").Append(userId).Append("\",\"items\":[").AppendJoin(',', items).Append("]}").ToString();
        using var response = await _http.PostAsync($"/v1/sessions/{sessionId}/items", new StringContent(body, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }

    public Task<int> ReadAllAsync(string sessionId) => CountItemsAsync($"/v1/sessions/{sessionId}/items");

    public Task<int> ReadNewestAsync(string sessionId, int count) => CountItemsAsync($"/v1/sessions/{sessionId}/items?limit={count}");

    public async Task<int?> ListFirstPageAsync(string userId, int pageSize)
    {
        using var page = JsonDocument.Parse(await _http.GetStringAsync($"/v1/users/{userId}/sessions?limit={pageSize}"));
        return page.RootElement.GetProperty("sessions").GetArrayLength();
    }

    private async Task<int> CountItemsAsync(string path)
    {
        using var page = JsonDocument.Parse(await _http.GetStreamAsync(path));
        return page.RootElement.GetProperty("items").GetArrayLength();
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        _silo.Kill();
        await _silo.WaitForExitAsync();
        _silo.Dispose();
    }
}
