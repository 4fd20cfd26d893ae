using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansSessions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansSessions.Tests;

/// <summary>
/// 64 clients append to, read and pop 10,000 sessions through two silo processes for 80 s; conversations are kept at a
/// steady length (six items to begin with, and a pop after each append), so the data held does not grow and any growth
/// is the service's own. After a 25 s warm-up each silo's resident memory stays within 15% of where it stood; no silo logs a
/// thread-pool delay; and once the load stops the idle activations are deactivated (Orleans:IdleDeactivationAge 30 s).
/// </summary>
[Trait("Category", TestCategory.Process)]
[Collection(nameof(MultiSiloProcessTests))] // several silo processes; not beside the other process tests
public sealed class SoakTests(ITestOutputHelper output)
{
    private const int Clients = 64;
    private const int Sessions = 10_000;
    private static readonly TimeSpan Load = TimeSpan.FromSeconds(80);
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(25);
    private static readonly TimeSpan IdleAge = TimeSpan.FromSeconds(30); // longer than a session waits for its next turn, even on a busy machine
    private const int KeptItems = 6;

    [Fact]
    public async Task Eighty_seconds_over_ten_thousand_sessions_keep_memory_flat_and_idle_activations_go()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var settings = new Dictionary<string, string>
        {
            ["Orleans:IdleDeactivationAge"] = IdleAge.ToString(),
        };
        var silos = await Task.WhenAll(Enumerable.Range(0, 2).Select(i => SiloProcess.StartAsync($"silo-{i}", prefix, settings)));
        try
        {
            var failures = new ConcurrentBag<string>();
            long requests = 0;
            // Every conversation starts at its steady length, so the warm-up does not depend on how fast the load runs.
            await Parallel.ForEachAsync(Enumerable.Range(0, Sessions), new ParallelOptions { MaxDegreeOfParallelism = Clients }, async (index, _) =>
            {
                var items = Enumerable.Range(0, KeptItems).Select(i => new { role = "user", content = $"opening {i}" });
                using var response = await silos[index % silos.Length].Http.PostAsJsonAsync($"/v1/sessions/soak-{index}/items", new { items, userId = $"user-{index % 100}" });
                response.EnsureSuccessStatusCode();
            });
            var clock = Stopwatch.StartNew();
            var clients = Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
            {
                // Each client walks its own share of the sessions, round and round: an append, the newest items, a pop.
                for (var n = 0; clock.Elapsed < Load; n++)
                {
                    var index = (c + n * Clients) % Sessions;
                    var session = $"soak-{index}";
                    var silo = silos[(c + n) % silos.Length];
                    var body = new { items = new[] { new { role = "user", content = $"turn {n} of client {c}" } }, userId = $"user-{index % 100}" };
                    using var append = await silo.Http.PostAsJsonAsync($"/v1/sessions/{session}/items", body);
                    using var read = await silo.Http.GetAsync($"/v1/sessions/{session}/items?limit=10");
                    Interlocked.Add(ref requests, 2);
                    if (!append.IsSuccessStatusCode) failures.Add($"append {(int)append.StatusCode}");
                    if (!read.IsSuccessStatusCode) failures.Add($"read {(int)read.StatusCode}");
                    // Conversations stay at a steady length, so the data held does not grow: what grows is a leak.
                    using var pop = await silo.Http.PostAsync($"/v1/sessions/{session}/items/pop", null);
                    Interlocked.Increment(ref requests);
                    if (!pop.IsSuccessStatusCode) failures.Add($"pop {(int)pop.StatusCode}");
                }
            })).ToList();

            var memory = silos.Select(_ => new List<(TimeSpan At, long Bytes)>()).ToArray();
            var peakActivations = 0;
            while (clients.Any(c => !c.IsCompleted))
            {
                await Task.Delay(1000);
                for (var i = 0; i < silos.Length; i++) memory[i].Add((clock.Elapsed, silos[i].ResidentBytes));
                if (memory[0].Count % 5 == 0 && await ActivationsAsync(silos[0]) is { } now) peakActivations = Math.Max(peakActivations, now);
            }
            await Task.WhenAll(clients);
            var loadTook = clock.Elapsed;

            // Idle: every session activation goes within the idle age and one collection period (half of it) more.
            var idle = Stopwatch.StartNew();
            var activations = await ActivationsAsync(silos[0]);
            while ((activations is null || activations > Clients) && idle.Elapsed < IdleAge * 3)
            {
                await Task.Delay(1000);
                activations = await ActivationsAsync(silos[0]);
            }

            var report = new List<string>
            {
                $"{requests} requests in {loadTook.TotalSeconds:F0} s ({requests / loadTook.TotalSeconds:F0}/s) from {Clients} clients over {Sessions} sessions, {failures.Count} failed",
                $"activations in the cluster: {peakActivations} under load, {activations} {idle.Elapsed.TotalSeconds:F0} s after it stopped",
            };
            for (var i = 0; i < silos.Length; i++)
            {
                var settled = memory[i].Where(m => m.At >= WarmUp).Select(m => m.Bytes).ToList();
                var atWarmUp = settled[0];
                report.Add($"{silos[i].Name} RSS: {memory[i][0].Bytes / 1048576} MB at 1 s, {atWarmUp / 1048576} MB at {WarmUp.TotalSeconds:F0} s, " +
                    $"then {settled.Min() / 1048576}–{settled.Max() / 1048576} MB, {settled[^1] / 1048576} MB at the end ({100.0 * (settled.Max() - atWarmUp) / atWarmUp:F1}% above warm-up at most)");
            }
            output.WriteLine(string.Join("\n", report));
            for (var i = 0; i < silos.Length; i++) output.WriteLine(string.Join(" ", memory[i].Where((m, k) => k % 10 == 0).Select(m => $"{m.At.TotalSeconds:F0}s:{m.Bytes / 1048576}")));
            for (var i = 0; i < silos.Length; i++)
            {
                var settled = memory[i].Where(m => m.At >= WarmUp).Select(m => m.Bytes).ToList();
                Assert.True(settled.Max() <= settled[0] * 1.15, $"{silos[i].Name} grew from {settled[0]} to {settled.Max()} bytes after warm-up");
            }

            Assert.True(failures.IsEmpty, string.Join(", ", failures.GroupBy(f => f).Select(g => $"{g.Key} ×{g.Count()}")));
            Assert.True(peakActivations >= Sessions, $"the load reached every session ({peakActivations} activations)");
            Assert.True(activations <= Clients, $"{activations} activations left {idle.Elapsed} after the load stopped");
            foreach (var silo in silos)
            {
                Assert.DoesNotContain("Thread Pool is exhibiting delays", silo.Output, StringComparison.Ordinal);
                Assert.DoesNotContain("starvation", silo.Output, StringComparison.OrdinalIgnoreCase);
            }
        }
        finally
        {
            foreach (var silo in silos) await silo.DisposeAsync();
        }
    }

    /// <summary>The activations of every silo, or null when a silo's count did not come back in time (a busy silo).</summary>
    private static async Task<int?> ActivationsAsync(SiloProcess silo)
    {
        var counts = (await silo.ClusterSilosAsync()).Select(s => s.GetProperty("activations")).ToList();
        return counts.Any(c => c.ValueKind != JsonValueKind.Number) ? null : counts.Sum(c => c.GetInt32());
    }
}
