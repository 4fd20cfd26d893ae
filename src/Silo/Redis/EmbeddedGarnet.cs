using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using OrleansSessions.Silo.Cluster;

namespace OrleansSessions.Silo.Redis;

/// <summary>
/// A Garnet server from the repository's local tool manifest, on a free loopback port, with Lua scripts run as
/// transactions (atomic, as on Redis) and an append-only file for persistence. Stopped with SIGTERM so it
/// closes its log cleanly.
/// </summary>
internal sealed class EmbeddedGarnet : IAsyncDisposable
{
    private readonly Process _process;

    private EmbeddedGarnet(Process process, int port, string dataDirectory)
    {
        _process = process;
        Port = port;
        DataDirectory = dataDirectory;
    }

    public int Port { get; }

    public string DataDirectory { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    /// <param name="dataDirectory">Where to persist; null for a server that keeps nothing.</param>
    public static async Task<EmbeddedGarnet> StartAsync(string? dataDirectory, CancellationToken cancellationToken)
    {
        var toolRoot = FindToolManifestDirectory()
            ?? throw new InvalidOperationException(
                "No .config/dotnet-tools.json naming garnet-server was found above the working directory or the "
                + "application; run from the repository, or set Redis:ConnectionString or REDIS_URL.");
        await RunToCompletionAsync(toolRoot, ["tool", "restore"], cancellationToken);

        var port = FreeTcpPort.Pick();
        List<string> arguments = ["tool", "run", "garnet-server", "--", "--port", port.ToString(), "--bind", "127.0.0.1",
            "--lua", "--lua-transaction-mode", "--device-type", "RandomAccess", "-q"];
        if (dataDirectory is not null)
        {
            Directory.CreateDirectory(dataDirectory);
            arguments.AddRange(["--aof", "--checkpointdir", dataDirectory, "--recover"]);
        }

        var process = Process.Start(StartInfo(toolRoot, arguments))!;
        var output = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new EmbeddedGarnet(process, port, dataDirectory ?? "");
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!await AcceptsConnectionsAsync(port, cancellationToken))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await server.DisposeAsync();
                lock (output) throw new InvalidOperationException($"Garnet did not start on port {port}:\n{output}");
            }
            await Task.Delay(100, cancellationToken);
        }
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            if (OperatingSystem.IsWindows()) _process.Kill(entireProcessTree: true);
            else _ = SendSignal(_process.Id, Sigterm);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }

    private static string? FindToolManifestDirectory()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var manifest = Path.Combine(dir.FullName, ".config", "dotnet-tools.json");
                if (File.Exists(manifest) && File.ReadAllText(manifest).Contains("garnet-server")) return dir.FullName;
            }
        }
        return null;
    }

    private static async Task RunToCompletionAsync(string directory, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        using var process = Process.Start(StartInfo(directory, arguments))!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} failed:\n{await stdout}{await stderr}");
        }
    }

    private static ProcessStartInfo StartInfo(string directory, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        return info;
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port, CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
            await using var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, cancellationToken);
            return read > 0 && buffer[0] == (byte)'+';
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private const int Sigterm = 15;

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int SendSignal(int pid, int signal);
}
