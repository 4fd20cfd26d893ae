using System.Globalization;
using OrleansSessions.Contracts;

namespace OrleansSessions.Grains.Storage;

/// <summary>A session's usage as Append.lua keeps it in the meta hash: <c>u.&lt;count&gt;</c> for the session,
/// <c>um.&lt;count&gt;.&lt;model&gt;</c> and <c>ua.&lt;count&gt;.&lt;agent&gt;</c> per model and agent, where count is
/// one of in, out, total, cached, reasoning, requests (so a name with dots in it still parses).</summary>
internal static class StoredUsage
{
    private static readonly string[] Counts = ["in", "out", "total", "cached", "reasoning", "requests"];

    /// <summary>What a turn adds to each total: the absent total is input + output, absent requests 1.</summary>
    public static UsageTotals Counted(TurnUsage usage) => new(
        usage.InputTokens,
        usage.OutputTokens,
        usage.TotalTokens ?? usage.InputTokens + usage.OutputTokens,
        usage.CachedTokens ?? 0,
        usage.ReasoningTokens ?? 0,
        usage.Requests ?? 1);

    /// <summary>The script's argument: '' for none, else the six counts and the model ('' for none), comma-separated.</summary>
    public static string Encode(TurnUsage? usage)
    {
        if (usage is null) return "";
        var counted = Counted(usage);
        return string.Join(',', [.. Values(counted).Select(v => v.ToString(CultureInfo.InvariantCulture)), usage.Model ?? ""]);
    }

    /// <summary>The usage in a meta hash; null when no append carried any.</summary>
    public static SessionUsage? Parse(IReadOnlyDictionary<string, string> meta)
    {
        if (!meta.ContainsKey("u.in")) return null;
        var session = new long[Counts.Length];
        var byModel = new Dictionary<string, long[]>();
        var byAgent = new Dictionary<string, long[]>();
        foreach (var (field, text) in meta)
        {
            if (field.StartsWith("u.", StringComparison.Ordinal)) Put(session, field[2..], text);
            else if (field.StartsWith("um.", StringComparison.Ordinal)) PutNamed(byModel, field[3..], text);
            else if (field.StartsWith("ua.", StringComparison.Ordinal)) PutNamed(byAgent, field[3..], text);
        }
        return new SessionUsage(session[0], session[1], session[2], session[3], session[4], session[5],
            byModel.ToDictionary(e => e.Key, e => Totals(e.Value)), byAgent.ToDictionary(e => e.Key, e => Totals(e.Value)));
    }

    /// <summary>The usage after one more append: what Append.lua does to the meta hash, done to a description.</summary>
    public static SessionUsage Add(SessionUsage? usage, TurnUsage turn, string? agent)
    {
        var counted = Counted(turn);
        var byModel = new Dictionary<string, UsageTotals>(usage?.ByModel ?? new Dictionary<string, UsageTotals>());
        var byAgent = new Dictionary<string, UsageTotals>(usage?.ByAgent ?? new Dictionary<string, UsageTotals>());
        if (turn.Model is { } model) byModel[model] = Sum(byModel.GetValueOrDefault(model), counted);
        if (agent is not null) byAgent[agent] = Sum(byAgent.GetValueOrDefault(agent), counted);
        var total = Sum(usage is null ? null : new UsageTotals(usage.InputTokens, usage.OutputTokens, usage.TotalTokens,
            usage.CachedTokens, usage.ReasoningTokens, usage.Requests), counted);
        return new SessionUsage(total.InputTokens, total.OutputTokens, total.TotalTokens, total.CachedTokens,
            total.ReasoningTokens, total.Requests, byModel, byAgent);
    }

    private static UsageTotals Sum(UsageTotals? a, UsageTotals b) => a is null ? b : Totals([.. Values(a).Zip(Values(b), (x, y) => x + y)]);

    private static long[] Values(UsageTotals t) => [t.InputTokens, t.OutputTokens, t.TotalTokens, t.CachedTokens, t.ReasoningTokens, t.Requests];

    private static UsageTotals Totals(long[] v) => new(v[0], v[1], v[2], v[3], v[4], v[5]);

    private static void Put(long[] into, string count, string text)
    {
        var at = Array.IndexOf(Counts, count);
        if (at >= 0) into[at] = long.Parse(text, CultureInfo.InvariantCulture);
    }

    private static void PutNamed(Dictionary<string, long[]> totals, string countAndName, string text)
    {
        var dot = countAndName.IndexOf('.', StringComparison.Ordinal);
        if (dot < 0) return;
        var name = countAndName[(dot + 1)..];
        if (!totals.TryGetValue(name, out var into)) totals[name] = into = new long[Counts.Length];
        Put(into, countAndName[..dot], text);
    }
}
