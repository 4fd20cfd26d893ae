using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using OrleansSessions.Silo.Cluster;

namespace OrleansSessions.Bench;

/// <summary>A redis-server from PATH on a free loopback port, without persistence, for one bench run.</summary>
public sealed class BenchRedis : IDisposable
{
    private readonly Process _process;

    private BenchRedis(Process process, string address)
    {
        _process = process;
        Address = address;
    }

    public string Address { get; }

    public static BenchRedis Start()
    {
        var port = FreeTcpPort.Pick();
        var info = new ProcessStartInfo("redis-server") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (var a in new[] { "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" }) info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        for (var attempt = 0; attempt < 100; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return new BenchRedis(process, $"127.0.0.1:{port}");
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }
        process.Kill();
        throw new InvalidOperationException("redis-server did not start.");
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill();
        _process.Dispose();
    }
}
