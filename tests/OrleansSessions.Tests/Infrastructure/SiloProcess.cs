using System.Diagnostics;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using OrleansSessions.ClientSdk;
using OrleansSessions.Silo.Cluster;

namespace OrleansSessions.Tests.Infrastructure;

/// <summary>A real silo process (the built OrleansSessions.Silo.dll) on a free loopback port, for tests that kill,
/// stop and load-balance across silos.</summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SiloProcess(Process process, string name, Uri address)
    {
        _process = process;
        Name = name;
        Address = address;
        Http = new HttpClient(new DroppedConnectionHandler()) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        Http.DefaultRequestHeaders.Add("X-Api-Key", TestAuth.TenantKey);
        process.OutputDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }

    public Uri Address { get; }

    public HttpClient Http { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The process's resident set size now.</summary>
    public long ResidentBytes
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    public static async Task<SiloProcess> StartAsync(string name, string keyPrefix, Dictionary<string, string>? settings = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(name, keyPrefix, settings);
            }
            catch (InvalidOperationException error) when (attempt < 3 && error.Message.Contains("address already in use", StringComparison.Ordinal))
            {
                // The free port picked for HTTP was taken before the silo bound it (its siblings' Orleans ports are
                // drawn from the same range): start again on another.
            }
        }
    }

    /// <summary>Starts a silo process and returns at once, ready or not: for a silo expected never to be ready (one its
    /// cluster refuses), whose <see cref="Output"/> tells what happened to it.</summary>
    public static Task<SiloProcess> LaunchAsync(string name, string keyPrefix, Dictionary<string, string>? settings = null) =>
        StartOnceAsync(name, keyPrefix, settings, waitUntilReady: false);

    private static async Task<SiloProcess> StartOnceAsync(string name, string keyPrefix, Dictionary<string, string>? settings, bool waitUntilReady = true)
    {
        var server = await TestRedisServer.GetAsync();
        var address = new Uri($"http://127.0.0.1:{FreeTcpPort.Pick()}");
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(SiloAssembly())!,
        };
        info.ArgumentList.Add(SiloAssembly());
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(address.ToString().TrimEnd('/'));
        info.Environment["Redis__ConnectionString"] = server.ConnectionString;
        info.Environment["Sessions__KeyPrefix"] = keyPrefix;
        info.Environment["Orleans__SiloName"] = name;
        foreach (var (key, value) in SiloFactory.OrleansSettings(keyPrefix)) info.Environment[key.Replace(":", "__")] = value;
        info.Environment["Logging__LogLevel__Default"] = "Warning";
        info.Environment["Logging__LogLevel__OrleansSessions"] = "Information";
        foreach (var (variable, value) in RuntimeVariables.All) info.Environment[variable] = value; // as the image runs
        foreach (var (key, value) in TestAuth.Settings(keyPrefix)) info.Environment[key.Replace(":", "__")] = value;
        foreach (var (key, value) in settings ?? []) info.Environment[key.Replace(":", "__")] = value;

        var silo = new SiloProcess(Process.Start(info)!, name, address);
        if (!waitUntilReady) return silo;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !silo.HasExited)
        {
            try
            {
                if ((await silo.Http.GetAsync("/health/ready")).IsSuccessStatusCode) return silo;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        var output = silo.Output;
        await silo.DisposeAsync();
        throw new InvalidOperationException($"Silo {name} did not become ready:\n{output}");
    }

    /// <summary>The cluster as this silo reports it (<c>GET /v1/cluster</c>, with the admin key): one element per silo
    /// with its name, address, status and activations.</summary>
    public async Task<List<JsonElement>> ClusterSilosAsync()
    {
        using var admin = new HttpClient { BaseAddress = Address };
        admin.DefaultRequestHeaders.Add("X-Api-Key", TestAuth.AdminKey);
        return [.. (await admin.GetFromJsonAsync<JsonElement>("/v1/cluster")).GetProperty("silos").EnumerateArray()];
    }

    /// <summary>SIGKILL: the process dies at once, mid-request.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM: the graceful shutdown a container orchestrator starts.</summary>
    public void Terminate()
    {
        if (!_process.HasExited) _ = SendSignal(_process.Id, 15);
    }

    /// <summary>SIGSTOP: the process freezes as in a long GC pause or a suspended VM.</summary>
    public void Pause() => _ = SendSignal(_process.Id, 19);

    /// <summary>SIGCONT: the frozen process runs on.</summary>
    public void Resume() => _ = SendSignal(_process.Id, 18);

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Http.Dispose();
    }

    private static string SiloAssembly()
    {
        // Built beside this test assembly's configuration: tests/OrleansSessions.Tests/bin/<Configuration>/net10.0/
        var testBin = new DirectoryInfo(AppContext.BaseDirectory);
        var configuration = testBin.Parent!.Name;
        var root = testBin.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(root, "src", "Silo", "bin", configuration, testBin.Name, "OrleansSessions.Silo.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build the silo first.", path);
    }

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int SendSignal(int pid, int signal);
}
