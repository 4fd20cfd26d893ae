using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using OrleansSessions.Abstractions;
using OrleansSessions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansSessions.Tests;

/// <summary>
/// Invariant 13 with real processes and real signals: the silo holding a hot session's activation is killed with
/// SIGKILL mid-load, five times over; each time the session answers on a survivor within the failure-detection time
/// (Orleans:ProbeTimeout × Orleans:NumMissedProbesLimit, 2 s by default) plus a margin, and every acknowledged item
/// is stored exactly once, in order.
/// </summary>
[Collection(nameof(MultiSiloProcessTests))] // several silo processes; not beside the other process tests
public sealed class FailoverTests(ITestOutputHelper output)
{
    private const int Kills = 5;
    private const int Writers = 12;
    private static readonly TimeSpan DetectionTime = TimeSpan.FromSeconds(2); // the defaults: 1 s × 2 missed probes
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Killing_the_silo_that_holds_a_hot_session_moves_it_to_a_survivor_within_the_detection_time()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var silos = (await Task.WhenAll(Enumerable.Range(0, 3).Select(i => SiloProcess.StartAsync($"silo-{i}", prefix)))).ToList();
        var failovers = new List<TimeSpan>();
        try
        {
            for (var round = 0; round < Kills; round++)
            {
                var holder = silos[round % silos.Count];
                var survivors = silos.Where(s => s != holder).ToList();
                failovers.Add(await KillHolderMidLoadAsync(holder, survivors, $"hot-{round}"));
                await holder.DisposeAsync();
                silos[silos.IndexOf(holder)] = await SiloProcess.StartAsync($"silo-{round + 3}", prefix);
            }
        }
        finally
        {
            foreach (var silo in silos) await silo.DisposeAsync();
        }

        var sorted = failovers.Order().ToList();
        output.WriteLine($"failover after kill -9 over {Kills} kills: min {sorted[0].TotalMilliseconds:F0} ms, " +
            $"median {sorted[Kills / 2].TotalMilliseconds:F0} ms, max {sorted[^1].TotalMilliseconds:F0} ms " +
            $"(Orleans:ProbeTimeout 1 s, Orleans:NumMissedProbesLimit 2)");
        Assert.All(failovers, f => Assert.True(f < DetectionTime + TimeSpan.FromSeconds(2), $"answered on a survivor only after {f}"));
    }

    /// <returns>From the kill to the first acknowledged append that was sent after it.</returns>
    private async Task<TimeSpan> KillHolderMidLoadAsync(SiloProcess holder, IReadOnlyList<SiloProcess> survivors, string session)
    {
        // The first call places the activation on the silo that received it (Orleans:Placement PreferLocal).
        var before = await ActivationsAsync(holder);
        (await holder.Http.PostAsJsonAsync($"/v1/sessions/{session}/items", Body("first", "op-first"))).EnsureSuccessStatusCode();
        Assert.Equal(before + 1, await ActivationsAsync(holder));

        var acked = new ConcurrentDictionary<string, AppendResult>();
        var killedAt = 0L;
        var firstAfterKill = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var operationId = $"w{w}-{n}";
                for (var attempt = 0; ; attempt++)
                {
                    var sentAt = Stopwatch.GetTimestamp();
                    var silo = survivors[(w + attempt) % survivors.Count];
                    try
                    {
                        var response = await silo.Http.PostAsJsonAsync($"/v1/sessions/{session}/items", Body(operationId, operationId));
                        if (response.IsSuccessStatusCode)
                        {
                            acked[operationId] = (await response.Content.ReadFromJsonAsync<AppendResult>(Json))!;
                            if (Volatile.Read(ref killedAt) is > 0 and var kill && sentAt > kill) firstAfterKill.TrySetResult(Stopwatch.GetTimestamp());
                            break;
                        }
                    }
                    catch (HttpRequestException)
                    {
                    }
                    await Task.Delay(20); // a 503 or a dropped call: again, with the same operation id
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
        Assert.Equal(acked.Count + 1, page.Items.Count);                                           // nothing lost
        Assert.Equal(page.Items.Count, contents.Distinct().Count());                               // nothing twice
        Assert.Equal(Enumerable.Range(1, page.Items.Count).Select(i => (long)i), page.Items.Select(i => i.Seq)); // one order
        foreach (var (operationId, ack) in acked) Assert.Equal(operationId, contents[(int)ack.FirstSeq - 1]);
        var failover = Stopwatch.GetElapsedTime(killedAt, answered);
        output.WriteLine($"{session}: {acked.Count} appends acknowledged, answered on a survivor {failover.TotalMilliseconds:F0} ms after the kill");
        return failover;
    }

    private static object Body(string content, string operationId) =>
        new { items = new[] { new { role = "user", content } }, operationId, userId = "hammer" };

    private static async Task<int> ActivationsAsync(SiloProcess silo)
    {
        using var admin = new HttpClient { BaseAddress = silo.Address };
        admin.DefaultRequestHeaders.Add("X-Api-Key", TestAuth.AdminKey);
        var cluster = await admin.GetFromJsonAsync<JsonElement>("/v1/cluster");
        return cluster.GetProperty("silos").EnumerateArray().Single(s => s.GetProperty("name").GetString() == silo.Name).GetProperty("activations").GetInt32();
    }
}
