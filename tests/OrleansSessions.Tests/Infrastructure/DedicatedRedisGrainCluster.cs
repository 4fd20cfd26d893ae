namespace OrleansSessions.Tests.Infrastructure;

/// <summary>A cluster on a redis-server of its own that logs every command it runs (its slow log with a threshold
/// of zero), so a test can count the script calls made on the keys it owns.</summary>
public sealed class DedicatedRedisGrainCluster : GrainCluster
{
    private System.Diagnostics.Process? _server;

    protected override async Task<string> ConnectionStringAsync()
    {
        var (address, server) = await TestRedisServer.StartDedicatedRedisAsync(null,
            "--slowlog-log-slower-than", "0", "--slowlog-max-len", SessionScriptCalls.LogLength.ToString());
        _server = server;
        return address;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _server?.Kill();
        _server?.Dispose();
    }
}
