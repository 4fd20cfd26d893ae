using StackExchange.Redis;

namespace OrleansSessions.Tests.Infrastructure;

/// <summary>
/// Counts the script calls a <see cref="DedicatedRedisGrainCluster"/>'s server ran on one session's keys since this
/// counter started. A script's first key names the session it runs on, so work the silo does for others in the same
/// window (a listing flush, another test's session) is not counted.
/// </summary>
public sealed class SessionScriptCalls
{
    private readonly IServer _server;
    private readonly string _sessionKey;
    private long _after;

    /// <summary>The server's slowlog-max-len.</summary>
    public const int LogLength = 1_000_000;

    private SessionScriptCalls(GrainSpace host, string sessionId)
    {
        _server = host.Redis.GetServer(host.Redis.GetEndPoints()[0]);
        _sessionKey = host.Keys.SessionMeta(sessionId).ToString();
    }

    public static async Task<SessionScriptCalls> StartAsync(GrainSpace host, string sessionId)
    {
        var counter = new SessionScriptCalls(host, sessionId);
        counter._after = (await counter.LogAsync()).Select(e => e.UniqueId).DefaultIfEmpty(-1).Max();
        return counter;
    }

    public async Task<int> CountAsync() =>
        (await LogAsync()).Count(e => e.UniqueId > _after && IsScriptOnSession(e.Arguments));

    private bool IsScriptOnSession(RedisValue[] arguments) =>
        // EVALSHA sha numkeys key1 …
        arguments.Length > 3 && ((string?)arguments[0])?.ToUpperInvariant() is "EVALSHA" or "EVAL" && (string?)arguments[3] == _sessionKey;

    private async Task<CommandTrace[]> LogAsync()
    {
        var log = await _server.SlowlogGetAsync(LogLength);
        if (log.Length >= LogLength) throw new InvalidOperationException("The command log is full: counts would be short.");
        return log;
    }
}
