namespace OrleansSessions.Silo.Cluster;

/// <summary>The .NET runtime settings the silo ships and is measured with. The runtime reads them from the process
/// environment before any code runs, so every way of starting the silo sets them: the image (src/Silo/Dockerfile) and
/// <c>dotnet run</c> (Properties/launchSettings.json) carry the same list (a test compares them with this one), the bench
/// and the tests' silo processes take it from here. Why each, and what it costs: docs/operations.md, "Runtime".</summary>
public static class RuntimeVariables
{
    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>
    {
        // A socket's completion runs on the epoll thread instead of waiting for a thread-pool thread.
        ["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "1",
        // Hot methods are promoted to optimized code at once: by default promotion waits for 100 ms without any new
        // method being compiled, which a silo under load does not see for its first 20–30 s.
        ["DOTNET_TC_CallCountingDelayMs"] = "0",
    };
}
