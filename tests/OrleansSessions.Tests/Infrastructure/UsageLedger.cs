using OrleansSessions.Contracts;

namespace OrleansSessions.Tests.Infrastructure;

/// <summary>What a test sent as usage (each acknowledged append once, whatever its retries), added up the way a
/// session's usage should be; and a session usage written out in one order, to compare two of them.</summary>
public sealed class UsageLedger
{
    private readonly List<(TurnUsage Usage, string? Agent)> _sent = [];

    /// <summary>A turn's usage that varies with <paramref name="n"/>: some with a model, some without a total.</summary>
    public static TurnUsage Turn(int n) => new(
        InputTokens: 100 + n,
        OutputTokens: 10 + n % 7,
        TotalTokens: n % 3 == 0 ? null : 115 + n,
        CachedTokens: n % 2 == 0 ? n : null,
        ReasoningTokens: n % 5,
        Model: (n % 3) switch { 0 => "gpt-a", 1 => "gpt-b.mini", _ => null },
        Requests: n % 4 == 0 ? null : 2);

    public static string? AgentFor(int n) => (n % 4) switch { 0 => "triage", 1 => "writer", 2 => "writer", _ => null };

    public void Sent(TurnUsage usage, string? agent)
    {
        lock (_sent) _sent.Add((usage, agent));
    }

    public string Expected()
    {
        lock (_sent)
        {
            var byModel = _sent.Where(s => s.Usage.Model is not null).GroupBy(s => s.Usage.Model!)
                .ToDictionary(g => g.Key, g => Sum(g.Select(s => s.Usage)));
            var byAgent = _sent.Where(s => s.Agent is not null).GroupBy(s => s.Agent!)
                .ToDictionary(g => g.Key, g => Sum(g.Select(s => s.Usage)));
            var total = Sum(_sent.Select(s => s.Usage));
            return Canonical(new SessionUsage(total.InputTokens, total.OutputTokens, total.TotalTokens, total.CachedTokens,
                total.ReasoningTokens, total.Requests, byModel, byAgent));
        }
    }

    public static string Canonical(SessionUsage? usage) => usage is null ? "none" : string.Join("; ",
    [
        $"session {usage.InputTokens}/{usage.OutputTokens}/{usage.TotalTokens}/{usage.CachedTokens}/{usage.ReasoningTokens}/{usage.Requests}",
        .. usage.ByModel.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"model {e.Key} {e.Value}"),
        .. usage.ByAgent.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"agent {e.Key} {e.Value}"),
    ]);

    private static UsageTotals Sum(IEnumerable<TurnUsage> turns)
    {
        long input = 0, output = 0, total = 0, cached = 0, reasoning = 0, requests = 0;
        foreach (var t in turns)
        {
            input += t.InputTokens;
            output += t.OutputTokens;
            total += t.TotalTokens ?? t.InputTokens + t.OutputTokens;
            cached += t.CachedTokens ?? 0;
            reasoning += t.ReasoningTokens ?? 0;
            requests += t.Requests ?? 1;
        }
        return new UsageTotals(input, output, total, cached, reasoning, requests);
    }
}
