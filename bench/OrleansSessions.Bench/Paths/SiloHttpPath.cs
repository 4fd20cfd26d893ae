using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using OrleansSessions.Silo.Auth;
using OrleansSessions.Silo.Cluster;

namespace OrleansSessions.Bench.Paths;

/// <summary>A silo process of its own, driven over HTTP from the bench process.</summary>
public sealed class SiloHttpPath : IBenchPath
{
    private readonly Process _silo;

    private SiloHttpPath(Process silo, ItemsOverHttp items)
    {
        _silo = silo;
        Items = items;
    }

    public string Name => "silo over HTTP";

    /// <summary>The silo's address and the API key it accepts, for load generators of other kinds (wrk).</summary>
    public ItemsOverHttp Items { get; }

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
        // The tenant's token bucket still runs on every request, wide enough never to refuse the bench's load.
        info.Environment["RateLimit__TenantRequestsPerSecond"] = "1000000";
        info.Environment["RateLimit__TenantBurst"] = "1000000";
        foreach (var (name, value) in RuntimeVariables.All) info.Environment[name] = value; // as the silo's image runs
        var silo = Process.Start(info)!;
        silo.OutputDataReceived += (_, _) => { };
        silo.ErrorDataReceived += (_, _) => { };
        silo.BeginOutputReadLine();
        silo.BeginErrorReadLine();

        var items = new ItemsOverHttp(new Uri($"http://127.0.0.1:{port}"), apiKey);
        if (await items.WaitForAsync("/health/ready")) return new SiloHttpPath(silo, items);
        items.Dispose();
        silo.Kill();
        throw new InvalidOperationException("The silo did not become ready.");
    }

    public Task AppendAsync(string userId, string sessionId, IReadOnlyList<string> items) => Items.AppendAsync(userId, sessionId, items);

    public Task<int> ReadAllAsync(string sessionId) => Items.ReadAllAsync(sessionId);

    public Task<int> ReadNewestAsync(string sessionId, int count) => Items.ReadNewestAsync(sessionId, count);

    public async Task<int?> ListFirstPageAsync(string userId, int pageSize)
    {
        using var page = JsonDocument.Parse(await Items.Http.GetStringAsync($"/v1/users/{userId}/sessions?limit={pageSize}"));
        return page.RootElement.GetProperty("sessions").GetArrayLength();
    }

    public async ValueTask DisposeAsync()
    {
        Items.Dispose();
        _silo.Kill();
        await _silo.WaitForExitAsync();
        _silo.Dispose();
    }
}
