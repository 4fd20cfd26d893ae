using System.Net.Http.Json;
using System.Text.Json;
using OrleansSessions.Tests.Infrastructure;
using Xunit.Abstractions;
using OrleansSessions.Contracts;

namespace OrleansSessions.Tests;

/// <summary>Where activations go, on three silo processes clustered through Redis: one per session cluster-wide even
/// when its first calls race in through every silo, and new sessions spread with the requests (Orleans:Placement
/// PreferLocal, the default).</summary>
[Trait("Category", TestCategory.Process)]
[Collection(nameof(MultiSiloProcessTests))] // several silo processes; not beside the other process tests
public sealed class PlacementTests(ITestOutputHelper output)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Each_session_has_one_activation_and_new_sessions_spread_over_the_silos_that_received_them()
    {
        var prefix = "t" + Guid.NewGuid().ToString("N")[..12];
        var silos = await Task.WhenAll(Enumerable.Range(0, 3).Select(i => SiloProcess.StartAsync($"silo-{i}", prefix)));
        try
        {
            // 300 new sessions, each first called through one silo, round robin, 24 at a time.
            using (var gate = new SemaphoreSlim(24))
            {
                await Task.WhenAll(Enumerable.Range(0, 300).Select(async i =>
                {
                    await gate.WaitAsync();
                    try
                    {
                        await AppendAsync(silos[i % 3], $"spread-{i}", Body($"op-{i}"));
                    }
                    finally
                    {
                        gate.Release();
                    }
                }));
            }
            var spread = await ActivationsAsync(silos[0]);
            output.WriteLine($"300 new sessions, first calls round robin: activations per silo {string.Join(", ", spread.Select(s => $"{s.Key} {s.Value}"))}");
            Assert.All(silos, s => Assert.Equal(100, spread[s.Name]));

            // 30 more, each first called through all three silos at once.
            await Task.WhenAll(Enumerable.Range(0, 30).SelectMany(i => silos.Select(async silo =>
            {
                await AppendAsync(silo, $"raced-{i}", Body($"{silo.Name}-{i}"));
            })));
            var raced = await ActivationsAsync(silos[1]);
            Assert.Equal(330, raced.Values.Sum());
            for (var i = 0; i < 30; i++)
            {
                var page = await silos[i % 3].Http.GetFromJsonAsync<ItemsPage>($"/v1/sessions/raced-{i}/items", Json);
                Assert.Equal([1L, 2L, 3L], page!.Items.Select(item => item.Seq));
            }
            output.WriteLine($"30 sessions raced in through 3 silos: {raced.Values.Sum() - 300} activations; {_waits} waits on Retry-After");
        }
        finally
        {
            foreach (var silo in silos) await silo.DisposeAsync();
        }
    }

    private int _waits;

    /// <summary>An append as a client makes it: a 503 (a cluster that has just formed may still be settling) is sent
    /// again to the same silo after its Retry-After, which the operation id makes safe; anything else must succeed.</summary>
    private async Task AppendAsync(SiloProcess silo, string session, object body)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await silo.Http.PostAsJsonAsync($"/v1/sessions/{session}/items", body);
            if (response.IsSuccessStatusCode) return;
            var problem = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable && attempt < 5, $"{silo.Name}: {(int)response.StatusCode} {problem}");
            output.WriteLine($"{silo.Name} {session}: 503 {problem}");
            Interlocked.Increment(ref _waits);
            await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
        }
    }

    private static object Body(string operationId) =>
        new { items = new[] { new { role = "user", content = operationId } }, operationId, userId = "spreader" };

    private static async Task<Dictionary<string, int>> ActivationsAsync(SiloProcess silo) =>
        (await silo.ClusterSilosAsync()).ToDictionary(s => s.GetProperty("name").GetString()!, s => s.GetProperty("activations").GetInt32());
}
