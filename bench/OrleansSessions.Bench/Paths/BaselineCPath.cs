using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace OrleansSessions.Bench.Paths;

/// <summary>Baseline C (bench/BaselineC): the thin HTTP service over Redis lists, a process of its own, driven over
/// HTTP from the bench process with the silo's URLs.</summary>
public sealed class BaselineCPath : IBenchPath
{
    private readonly Process _service;

    private BaselineCPath(Process service, ItemsOverHttp items)
    {
        _service = service;
        Items = items;
    }

    public string Name => "baseline C over HTTP";

    public ItemsOverHttp Items { get; }

    /// <summary>Starts the build the bench's project copies into its output (baseline-c/), accepting
    /// <paramref name="apiKey"/>, and waits for it to answer.</summary>
    public static async Task<BaselineCPath> StartAsync(string redis, string prefix, int port, string apiKey)
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "baseline-c");
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory };
        info.ArgumentList.Add(Path.Combine(directory, "BaselineC.dll"));
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add($"http://127.0.0.1:{port}");
        info.Environment["Redis"] = redis;
        info.Environment["KeyPrefix"] = prefix;
        info.Environment["ApiKeyHash"] = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));
        var service = Process.Start(info)!;
        service.OutputDataReceived += (_, _) => { };
        service.ErrorDataReceived += (_, _) => { };
        service.BeginOutputReadLine();
        service.BeginErrorReadLine();

        var items = new ItemsOverHttp(new Uri($"http://127.0.0.1:{port}"), apiKey);
        if (await items.WaitForAsync("/hello")) return new BaselineCPath(service, items);
        items.Dispose();
        service.Kill();
        throw new InvalidOperationException("Baseline C did not answer.");
    }

    public Task AppendAsync(string userId, string sessionId, IReadOnlyList<string> items) => Items.AppendAsync(userId, sessionId, items);

    public Task<int> ReadAllAsync(string sessionId) => Items.ReadAllAsync(sessionId);

    public Task<int> ReadNewestAsync(string sessionId, int count) => Items.ReadNewestAsync(sessionId, count);

    public Task<int?> ListFirstPageAsync(string userId, int pageSize) => Task.FromResult<int?>(null);

    public async ValueTask DisposeAsync()
    {
        Items.Dispose();
        _service.Kill();
        await _service.WaitForExitAsync();
        _service.Dispose();
    }
}
