using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansSessions.Tests.Infrastructure;
using Xunit.Abstractions;
using OrleansSessions.Contracts;

namespace OrleansSessions.Tests;

/// <summary>
/// A silo frozen with SIGSTOP for longer than the failure-detection time, while writers on every silo append to the
/// sessions it holds and readers read them through every silo: the cluster declares it dead and moves its sessions;
/// when SIGCONT wakes it, it must not answer from its stale memory (its lease lapsed) — every read that began after an
/// append was acknowledged contains it —, it stops itself with a non-zero exit code (it learns at its next lease renewal
/// that it was declared dead, or Orleans does), and every acknowledged item is stored exactly once, in order.
/// </summary>
[Trait("Category", TestCategory.Process)]
[Collection(nameof(MultiSiloProcessTests))] // several silo processes; not beside the other process tests
public sealed class PausedSiloTests(ITestOutputHelper output)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private const int Sessions = 6;

    private sealed record Ack(string Session, string OperationId, long Seq, long AckedAt);

    private sealed record Read(string Session, string Silo, long StartedAt, IReadOnlySet<string> Seen);

    [Fact]
    public async Task A_silo_paused_past_detection_never_serves_a_stale_read_and_loses_nothing()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var silos = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => SiloProcess.StartAsync($"silo-{i}", prefix)));
        var paused = silos[0];
        try
        {
            // The sessions live on the silo that will be paused: their first call is made there (PreferLocal).
            for (var s = 0; s < Sessions; s++)
            {
                (await paused.Http.PostAsJsonAsync($"/v1/sessions/p-{s}/items", Body($"p-{s}-first"))).EnsureSuccessStatusCode();
            }

            var acks = new ConcurrentBag<Ack>();
            var reads = new ConcurrentBag<Read>();
            var failures = new ConcurrentDictionary<string, int>();
            using var stop = new CancellationTokenSource();
            var load = silos.SelectMany((silo, i) => Enumerable.Range(0, Sessions).Select(s => Task.Run(async () =>
            {
                // One writer per silo and session, appending in order; a failed append is retried with its operation id.
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    var operationId = $"p-{s}-{silo.Name}-{n}";
                    while (!stop.IsCancellationRequested)
                    {
                        try
                        {
                            var response = await silo.Http.PostAsJsonAsync($"/v1/sessions/p-{s}/items", Body(operationId));
                            if (response.IsSuccessStatusCode)
                            {
                                var ack = (await response.Content.ReadFromJsonAsync<AppendResult>(Json))!;
                                acks.Add(new Ack($"p-{s}", operationId, ack.FirstSeq, Stopwatch.GetTimestamp()));
                                break;
                            }
                            failures.AddOrUpdate($"{silo.Name} {(int)response.StatusCode}", 1, (_, c) => c + 1);
                        }
                        catch (Exception error) when (error is HttpRequestException or IOException or TaskCanceledException)
                        {
                            failures.AddOrUpdate($"{silo.Name} {error.GetType().Name}", 1, (_, c) => c + 1);
                        }
                        await Task.Delay(50);
                    }
                }
            })).Append(Task.Run(async () =>
            {
                // One reader per silo, going round the sessions.
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    var session = $"p-{n % Sessions}";
                    var started = Stopwatch.GetTimestamp();
                    try
                    {
                        var page = await silo.Http.GetFromJsonAsync<ItemsPage>($"/v1/sessions/{session}/items", Json);
                        reads.Add(new Read(session, silo.Name, started, page!.Items.Select(x => x.Item.GetProperty("content").GetString()!).ToHashSet()));
                    }
                    catch (Exception error) when (error is HttpRequestException or IOException or TaskCanceledException)
                    {
                        // Refused, timed out, or cut mid-response by the woken silo stopping: no read to check.
                    }
                }
            }))).ToList();

            await Task.Delay(2000);
            paused.Pause();
            var detection = Stopwatch.StartNew();
            while (detection.Elapsed < TimeSpan.FromSeconds(30)
                && (await silos[1].ClusterSilosAsync()).Any(s => s.GetProperty("name").GetString() == paused.Name))
            {
                await Task.Delay(250);
            }
            var declaredDeadAfter = detection.Elapsed;
            Assert.True(declaredDeadAfter < TimeSpan.FromSeconds(30), "the cluster declared the frozen silo dead");
            await Task.Delay(2000); // its sessions move and take writes meanwhile
            paused.Resume();
            await Task.Delay(4000);
            await stop.CancelAsync();
            await Task.WhenAll(load);

            // The woken silo stops itself; the checks below read through the silos that are left.
            try
            {
                await paused.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
            }
            catch (TaskCanceledException)
            {
                output.WriteLine(paused.Output);
                throw;
            }
            // Stopped by its lease renewal (exit code 1), or by Orleans itself when it read the table first (fail-fast).
            Assert.NotEqual(0, paused.ExitCode);

            // Every acknowledged item exactly once, each session in one order with no gaps.
            var survivor = silos[1];
            foreach (var group in acks.GroupBy(a => a.Session))
            {
                var page = (await survivor.Http.GetFromJsonAsync<ItemsPage>($"/v1/sessions/{group.Key}/items", Json))!;
                var contents = page.Items.Select(i => i.Item.GetProperty("content").GetString()!).ToList();
                Assert.Equal(contents.Count, contents.Distinct().Count());
                Assert.Equal(Enumerable.Range(1, page.Items.Count).Select(i => (long)i), page.Items.Select(i => i.Seq));
                foreach (var ack in group) Assert.Equal(ack.OperationId, contents[(int)ack.Seq - 1]);
                // Reads through every live silo agree.
                foreach (var silo in silos.Where(s => !s.HasExited))
                {
                    var there = (await silo.Http.GetFromJsonAsync<ItemsPage>($"/v1/sessions/{group.Key}/items", Json))!;
                    Assert.Equal(page.Items.Select(i => i.Seq), there.Items.Select(i => i.Seq));
                }
            }

            // No read that began after an append was acknowledged lacks it: no stale read, least of all on the woken silo.
            var stale = reads.SelectMany(r => acks.Where(a => a.Session == r.Session && a.AckedAt < r.StartedAt && !r.Seen.Contains(a.OperationId))
                .Select(a => $"{r.Silo} read {r.Session} without {a.OperationId}")).ToList();
            Assert.True(stale.Count == 0, string.Join("\n", stale.Take(10)));

            output.WriteLine($"paused {paused.Name}, declared dead after {declaredDeadAfter.TotalMilliseconds:F0} ms, woken 2 s later: {acks.Count} appends acknowledged, {reads.Count} reads, 0 stale; it stopped itself " +
                $"(exit code {paused.ExitCode}); failed attempts (retried): {string.Join(", ", failures.Select(f => $"{f.Key}: {f.Value}"))}");
        }
        finally
        {
            paused.Resume();
            foreach (var silo in silos) await silo.DisposeAsync();
        }
    }

    private static object Body(string operationId) =>
        new { items = new[] { new { role = "user", content = operationId } }, operationId, userId = "pausable" };
}
