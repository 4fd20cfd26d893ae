using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansSessions.Bench;

/// <summary>Runs wrk (<c>-t2 -c64</c>) against a URL, optionally with a script of bench/wrk, and reads its requests
/// per second and 99th-percentile latency. Any non-2xx response or socket error fails the run.</summary>
public static partial class Wrk
{
    public static bool IsInstalled =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(directory => File.Exists(Path.Combine(directory, "wrk")));

    /// <param name="script">A file of bench/wrk (copied to the bench's output), or null for plain GETs of the URL.</param>
    /// <param name="scriptArguments">What follows <c>--</c>: the script's session prefix and count.</param>
    public static async Task<(double RequestsPerSecond, double P99Ms)> RunAsync(
        string url, string? script, IReadOnlyList<string> scriptArguments, string apiKey, TimeSpan duration)
    {
        var info = new ProcessStartInfo("wrk") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-t2", "-c64", $"-d{(int)duration.TotalSeconds}s", "--latency", "-H", $"X-Api-Key: {apiKey}" })
        {
            info.ArgumentList.Add(argument);
        }
        if (script is not null)
        {
            info.ArgumentList.Add("-s");
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "wrk", script));
        }
        info.ArgumentList.Add(url);
        if (scriptArguments.Count > 0) info.ArgumentList.Add("--");
        foreach (var argument in scriptArguments) info.ArgumentList.Add(argument);

        using var wrk = Process.Start(info)!;
        var error = wrk.StandardError.ReadToEndAsync();
        var output = await wrk.StandardOutput.ReadToEndAsync();
        await wrk.WaitForExitAsync();
        var failure = wrk.ExitCode != 0 ? $"exit code {wrk.ExitCode}"
            : NonSuccess().Match(output) is { Success: true } nonSuccess ? $"{nonSuccess.Groups[1].Value} non-2xx or 3xx responses"
            : SocketErrors().IsMatch(output) ? "socket errors"
            : RequestsPerSecond().IsMatch(output) && P99().IsMatch(output) ? null
            : "no requests/s or 99% latency in its output";
        if (failure is not null)
        {
            throw new InvalidOperationException($"wrk {string.Join(' ', info.ArgumentList)} failed: {failure}.\n{output}{await error}");
        }
        var p99 = P99().Match(output);
        return (double.Parse(RequestsPerSecond().Match(output).Groups[1].Value, CultureInfo.InvariantCulture),
            Milliseconds(double.Parse(p99.Groups[1].Value, CultureInfo.InvariantCulture), p99.Groups[2].Value));
    }

    private static double Milliseconds(double value, string unit) => unit switch
    {
        "us" => value / 1000,
        "ms" => value,
        "s" => value * 1000,
        "m" => value * 60_000,
        _ => throw new InvalidOperationException($"wrk printed a latency in '{unit}'."),
    };

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecond();

    [GeneratedRegex(@"^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$", RegexOptions.Multiline)]
    private static partial Regex P99();

    [GeneratedRegex(@"Non-2xx or 3xx responses:\s+(\d+)")]
    private static partial Regex NonSuccess();

    // wrk prints this line only when one of connect, read, write or timeout is not 0.
    [GeneratedRegex(@"Socket errors:")]
    private static partial Regex SocketErrors();
}
