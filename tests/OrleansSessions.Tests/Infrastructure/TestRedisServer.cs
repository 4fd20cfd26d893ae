using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using OrleansSessions.Silo.Cluster;
using OrleansSessions.Silo.Redis;

namespace OrleansSessions.Tests.Infrastructure;

/// <summary>
/// The one real Redis-protocol server of a test run: REDIS_URL if set; otherwise TEST_REDIS_SERVER=redis|garnet
/// picks one; otherwise a redis-server on PATH, else Garnet from the tool manifest. Bound to 127.0.0.1 on a free
/// port and stopped when the run ends. Tests keep apart by key prefix.
/// </summary>
public sealed class TestRedisServer
{
    private static readonly Lazy<Task<TestRedisServer>> Shared = new(StartAsync);

    private TestRedisServer(string connectionString, string kind)
    {
        ConnectionString = connectionString;
        Kind = kind;
    }

    public string ConnectionString { get; }

    /// <summary>"redis", "garnet" or "external".</summary>
    public string Kind { get; }

    public static Task<TestRedisServer> GetAsync() => Shared.Value;

    private static async Task<TestRedisServer> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("REDIS_URL") is { Length: > 0 } url) return new TestRedisServer(url, "external");

        var wanted = Environment.GetEnvironmentVariable("TEST_REDIS_SERVER");
        if (wanted != "garnet" && FindOnPath("redis-server") is { } redisServer)
        {
            return new TestRedisServer((await StartRedisAsync(redisServer)).ConnectionString, "redis");
        }
        if (wanted == "redis") throw new InvalidOperationException("TEST_REDIS_SERVER=redis but no redis-server is on PATH.");

        var garnet = await EmbeddedGarnet.StartAsync(dataDirectory: null, CancellationToken.None);
        // SIGTERM without waiting: a handler that blocks here would keep the others (the cluster nodes) from running.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => _ = garnet.DisposeAsync();
        return new TestRedisServer(garnet.Endpoint, "garnet");
    }

    /// <summary>A redis-server of the caller's own (to stop, stall or kill), stopped with the test run at the latest.</summary>
    /// <param name="port">A port to start on again after a kill; a free one when null.</param>
    /// <param name="arguments">Settings after the defaults (no persistence), which they override.</param>
    public static Task<(string ConnectionString, Process Process)> StartDedicatedRedisAsync(int? port = null, params string[] arguments) =>
        StartRedisAsync(FindOnPath("redis-server") ?? throw new InvalidOperationException("This test needs redis-server on PATH."), port, arguments);

    /// <summary>A redis-server in sentinel mode watching the primary at <paramref name="primaryPort"/> as
    /// <paramref name="serviceName"/> (quorum 1), stopped with the test run at the latest.</summary>
    public static Task<(string ConnectionString, Process Process)> StartDedicatedSentinelAsync(int primaryPort, string serviceName)
    {
        var config = Path.Combine(Directory.CreateTempSubdirectory("sentinel-").FullName, "sentinel.conf");
        File.WriteAllText(config, $"sentinel monitor {serviceName} 127.0.0.1 {primaryPort} 1\nsentinel down-after-milliseconds {serviceName} 1000\n");
        return StartRedisAsync(FindOnPath("redis-server") ?? throw new InvalidOperationException("This test needs redis-server on PATH."),
            leading: [config, "--sentinel"]); // a sentinel rewrites its configuration file, so it has one of its own
    }

    /// <summary>A redis-sentinel of the caller's own, with <paramref name="configFile"/> (which Sentinel rewrites as it
    /// learns), stopped with the test run at the latest.</summary>
    public static Task<(string ConnectionString, Process Process)> StartDedicatedSentinelAsync(string configFile) =>
        StartRedisAsync(FindOnPath("redis-server") ?? throw new InvalidOperationException("This test needs redis-server on PATH."),
            leading: [configFile, "--sentinel"]);

    private static async Task<(string ConnectionString, Process Process)> StartRedisAsync(string redisServer, int? fixedPort = null,
        string[]? arguments = null, string[]? leading = null)
    {
        var port = fixedPort ?? FreeTcpPort.Pick();
        var info = new ProcessStartInfo(redisServer)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] defaults = ["--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", .. TestProcesses.RedisKeepsEnvironment];
        foreach (var argument in (leading ?? []).Concat(defaults).Concat(arguments ?? []))
        {
            info.ArgumentList.Add(argument);
        }
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return ($"127.0.0.1:{port}", process);
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new InvalidOperationException($"redis-server did not start on port {port}.");
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);
}
