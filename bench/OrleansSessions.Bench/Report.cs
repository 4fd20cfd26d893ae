using System.Globalization;
using System.Text;

namespace OrleansSessions.Bench;

/// <summary>Markdown tables, one per scenario, with each path's ratio to the others.</summary>
public sealed class Report
{
    private readonly StringBuilder _text = new();

    public void Scenario(string title, string workload, IReadOnlyList<Measurement> results)
    {
        _text.AppendLine($"### {title}").AppendLine().AppendLine(workload).AppendLine();
        _text.AppendLine("| path | ops | ops/s | p50 ms | p99 ms | alloc B/op | peak memory MiB |");
        _text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var r in results)
        {
            _text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {r.Path} | {r.Operations} | {r.PerSecond:F0} | {r.P50Ms:F2} | {r.P99Ms:F2} | {(r.AllocatedBytesPerOp < 0 ? "n/a" : r.AllocatedBytesPerOp)} | {r.PeakMemoryBytes / 1048576.0:F0} |"));
        }
        _text.AppendLine();
        if (results.Count > 1)
        {
            _text.AppendLine("Throughput ratios (row ÷ column):").AppendLine();
            _text.AppendLine("| | " + string.Join(" | ", results.Select(r => r.Path)) + " |");
            _text.AppendLine("|---|" + string.Concat(results.Select(_ => "---:|")));
            foreach (var row in results)
            {
                _text.AppendLine($"| {row.Path} | " + string.Join(" | ", results.Select(col =>
                    (row.PerSecond / col.PerSecond).ToString("F2", CultureInfo.InvariantCulture) + "×")) + " |");
            }
            _text.AppendLine();
        }
        Console.WriteLine(_text.ToString().Split("### ").Last().Insert(0, "### "));
    }

    public void Line(string text)
    {
        _text.AppendLine(text).AppendLine();
        Console.WriteLine(text);
    }

    public override string ToString() => _text.ToString();
}
