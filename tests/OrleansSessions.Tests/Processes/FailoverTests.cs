using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansSessions.Tests.Infrastructure;
using Xunit.Abstractions;
using OrleansSessions.Contracts;

namespace OrleansSessions.Tests;

/// <summary>
/// Invariant 13 with real processes and real signals: the silo holding a hot session's activation is killed with
/// SIGKILL while 64 clients write to it through every silo, five times over; each time the session answers on a
/// survivor within the failure-detection time (Orleans:ProbeTimeout × Orleans:NumMissedProbesLimit, 2 s by default)
/// plus a margin, clients see only 503s with Retry-After or broken connections meanwhile, and every acknowledged batch
/// is stored exactly once, whole, in order, however often it was retried.
/// </summary>
[Trait("Category", TestCategory.Process)]
[Collection(nameof(MultiSiloProcessTests))] // several silo processes; not beside the other process tests
public sealed class FailoverTests(ITestOutputHelper output)
{
    private const int Kills = 5;
    private const int Writers = 64;
    private static readonly TimeSpan DetectionTime = TimeSpan.FromSeconds(2); // the defaults: 1 s × 2 missed probes
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Killing_the_silo_that_holds_a_hot_session_moves_it_to_a_survivor_within_the_detection_time()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var silos = (await Task.WhenAll(Enumerable.Range(0, 3).Select(i => SiloProcess.StartAsync($"silo-{i}", prefix)))).ToList();
        var rounds = new List<Round>();
        try
        {
            for (var round = 0; round < Kills; round++)
            {
                var holder = silos[round % silos.Count];
                var survivors = silos.Where(s => s != holder).ToList();
                rounds.Add(await KillHolderMidLoadAsync(holder, survivors, $"hot-{round}"));
                await holder.DisposeAsync();
                silos[silos.IndexOf(holder)] = await SiloProcess.StartAsync($"silo-{round + 3}", prefix);
            }
        }
        finally
        {
            foreach (var silo in silos) await silo.DisposeAsync();
        }

        var sorted = rounds.Select(r => r.Failover).Order().ToList();
        output.WriteLine($"failover after kill -9 over {Kills} kills, {Writers} clients: min {sorted[0].TotalMilliseconds:F0} ms, " +
            $"median {sorted[Kills / 2].TotalMilliseconds:F0} ms, max {sorted[^1].TotalMilliseconds:F0} ms " +
            $"(Orleans:ProbeTimeout 1 s, Orleans:NumMissedProbesLimit 2); longest wait for one batch {rounds.Max(r => r.LongestWait).TotalMilliseconds:F0} ms; " +
            $"503s per kill {string.Join("/", rounds.Select(r => r.Unavailable503))}");
        Assert.All(sorted, f => Assert.True(f < DetectionTime + TimeSpan.FromSeconds(2), $"answered on a survivor only after {f}"));
    }

    private sealed record Round(TimeSpan Failover, int Unavailable503, int ConnectionFailures, int BatchesRetried, TimeSpan LongestWait, int Batches);

    /// <summary>64 clients append two-item batches with operation ids through every silo, the holder included, each
    /// retrying a batch on the next silo after a 503 or a broken connection until it is acknowledged.</summary>
    private async Task<Round> KillHolderMidLoadAsync(SiloProcess holder, IReadOnlyList<SiloProcess> survivors, string session)
    {
        // The first call places the activation on the silo that received it (Orleans:Placement PreferLocal).
        var before = await ActivationsAsync(holder);
        (await holder.Http.PostAsJsonAsync($"/v1/sessions/{session}/items", Items.NumberedBatch("first", 2, "hammer", "op-first"))).EnsureSuccessStatusCode();
        Assert.Equal(before + 1, await ActivationsAsync(holder));

        SiloProcess[] all = [holder, .. survivors];
        var acked = new ConcurrentDictionary<string, AppendResult>();
        var waits = new ConcurrentBag<TimeSpan>(); // per batch: first attempt to acknowledgement
        int unavailable = 0, broken = 0, retried = 0;
        var killedAt = 0L;
        var firstAfterKill = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var operationId = $"w{w}-{n}";
                var firstSent = Stopwatch.GetTimestamp();
                for (var attempt = 0; ; attempt++)
                {
                    var sentAt = Stopwatch.GetTimestamp();
                    var silo = all[(w + attempt) % all.Length];
                    try
                    {
                        using var response = await silo.Http.PostAsJsonAsync($"/v1/sessions/{session}/items", Items.NumberedBatch(operationId, 2, "hammer", operationId));
                        if (response.IsSuccessStatusCode)
                        {
                            acked[operationId] = (await response.Content.ReadFromJsonAsync<AppendResult>(Json))!;
                            waits.Add(Stopwatch.GetElapsedTime(firstSent));
                            if (attempt > 0) Interlocked.Increment(ref retried);
                            if (Volatile.Read(ref killedAt) is > 0 and var kill && sentAt > kill) firstAfterKill.TrySetResult(Stopwatch.GetTimestamp());
                            break;
                        }
                        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode); // never another error, never a 500
                        Assert.NotNull(response.Headers.RetryAfter);
                        Interlocked.Increment(ref unavailable);
                    }
                    catch (Exception error) when (error is HttpRequestException or IOException or TaskCanceledException)
                    {
                        Interlocked.Increment(ref broken); // the killed silo's connections
                    }
                    await Task.Delay(20); // again on the next silo, with the same operation id
                }
            }
        })).ToList();

        await Task.Delay(1500);
        holder.Kill();
        Volatile.Write(ref killedAt, Stopwatch.GetTimestamp());
        var answered = await firstAfterKill.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(500);
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        var page = (await survivors[0].Http.GetFromJsonAsync<ItemsPage>($"/v1/sessions/{session}/items", Json))!;
        var contents = page.Items.Select(i => i.Item.GetProperty("content").GetString()!).ToList();
        Assert.Equal(acked.Count * 2 + 2, page.Items.Count);                                       // nothing lost
        Assert.Equal(page.Items.Count, contents.Distinct().Count());                               // nothing twice
        Assert.Equal(Enumerable.Range(1, page.Items.Count).Select(i => (long)i), page.Items.Select(i => i.Seq)); // one order
        foreach (var (operationId, ack) in acked)                                                  // each batch whole, where its ack said
        {
            Assert.Equal([$"{operationId}/0", $"{operationId}/1"], contents.Skip((int)ack.FirstSeq - 1).Take(2));
        }
        var round = new Round(Stopwatch.GetElapsedTime(killedAt, answered), unavailable, broken, retried, waits.Max(), acked.Count);
        output.WriteLine($"{session}: {round.Batches} batches acknowledged, answered on a survivor {round.Failover.TotalMilliseconds:F0} ms after the kill; " +
            $"{round.Unavailable503} answers 503, {round.ConnectionFailures} broken connections, {round.BatchesRetried} batches retried (each stored once), " +
            $"longest a client waited for one batch {round.LongestWait.TotalMilliseconds:F0} ms");
        return round;
    }

    private static async Task<int> ActivationsAsync(SiloProcess silo) =>
        (await silo.ClusterSilosAsync()).Single(s => s.GetProperty("name").GetString() == silo.Name).GetProperty("activations").GetInt32();
}
