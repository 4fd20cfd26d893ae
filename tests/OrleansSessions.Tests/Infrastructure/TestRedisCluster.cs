using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using OrleansSessions.Silo.Cluster;

namespace OrleansSessions.Tests.Infrastructure;

/// <summary>A Redis Cluster of three redis-server masters on loopback ports, made once per test run and stopped
/// with it. Needs redis-server and redis-cli on PATH (<c>apt-get install redis-server</c>; .ci/run installs it).</summary>
public sealed class TestRedisCluster
{
    private static readonly Lazy<Task<TestRedisCluster>> Shared = new(StartAsync);

    private TestRedisCluster(string connectionString) => ConnectionString = connectionString;

    /// <summary>All three masters, as StackExchange.Redis takes them.</summary>
    public string ConnectionString { get; }

    public static Task<TestRedisCluster> GetAsync() => Shared.Value;

    private static async Task<TestRedisCluster> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("os-cluster-").FullName;
        var ports = FreeClusterPorts(3);
        foreach (var port in ports)
        {
            Run("redis-server", ["--port", $"{port}", "--bind", "127.0.0.1", "--cluster-enabled", "yes",
                "--cluster-config-file", Path.Combine(directory, $"nodes-{port}.conf"), "--cluster-node-timeout", "5000",
                "--save", "", "--appendonly", "no", "--dir", directory, .. TestProcesses.RedisKeepsEnvironment]);
        }
        foreach (var port in ports) await WaitForPortAsync(port);

        using var create = Run("redis-cli", ["--cluster", "create", .. ports.Select(p => $"127.0.0.1:{p}"), "--cluster-replicas", "0", "--cluster-yes"]);
        var createOutput = await create.StandardOutput.ReadToEndAsync();
        await create.WaitForExitAsync();
        if (create.ExitCode != 0) throw new InvalidOperationException($"redis-cli --cluster create failed:\n{createOutput}");

        foreach (var port in ports)
        {
            for (var attempt = 0; ; attempt++)
            {
                using var info = Run("redis-cli", ["-p", $"{port}", "cluster", "info"]);
                if ((await info.StandardOutput.ReadToEndAsync()).Contains("cluster_state:ok")) break;
                if (attempt > 200) throw new InvalidOperationException($"cluster node {port} never reached cluster_state:ok");
                await Task.Delay(50);
            }
        }
        return new TestRedisCluster(string.Join(",", ports.Select(p => $"127.0.0.1:{p}")));
    }

    private static Process Run(string program, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        try
        {
            return Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            throw new InvalidOperationException($"The Redis Cluster tests need {program} on PATH (apt-get install redis-server).", error);
        }
    }

    /// <summary>Ports whose cluster bus port (port + 10000) is free too.</summary>
    private static int[] FreeClusterPorts(int count)
    {
        var ports = new List<int>();
        var random = new Random();
        while (ports.Count < count)
        {
            var port = random.Next(10_000, 22_000); // with its bus port, below the ephemeral range (see FreeTcpPort)
            if (!ports.Contains(port) && FreeTcpPort.IsFree(port) && FreeTcpPort.IsFree(port + 10_000)) ports.Add(port);
        }
        return [.. ports];
    }

    private static async Task WaitForPortAsync(int port)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        throw new InvalidOperationException($"redis-server did not start on port {port}.");
    }
}
