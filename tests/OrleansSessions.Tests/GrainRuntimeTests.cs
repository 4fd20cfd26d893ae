using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using OrleansSessions.Abstractions;
using OrleansSessions.Grains.Runtime;

namespace OrleansSessions.Tests;

public interface IProbeGrain : IGrainWithStringKey
{
    /// <summary>Records the call's tag, holds the turn for <paramref name="holdMs"/>, and returns this instance's id.</summary>
    Task<Guid> VisitAsync(int tag, int holdMs = 0);

    Task<Guid> FailAsync();
}

public sealed class ProbeGrain : IProbeGrain
{
    public static int InTurn;
    public static int MaxInTurn;

    private readonly Guid _instance = Guid.NewGuid();

    public List<int> Tags { get; } = [];

    public async Task<Guid> VisitAsync(int tag, int holdMs = 0)
    {
        var now = Interlocked.Increment(ref InTurn);
        InterlockedMax(ref MaxInTurn, now);
        Tags.Add(tag);
        await Task.Delay(holdMs);
        await Task.Yield();
        Interlocked.Decrement(ref InTurn);
        return _instance;
    }

    public Task<Guid> FailAsync() => throw new InvalidOperationException("probe failure");

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}

[Collection(nameof(GrainRuntimeTests))] // the probe's counters are static
public sealed class GrainRuntimeTests
{
    private readonly List<ProbeGrain> _activated = [];

    private GrainRuntime NewRuntime(GrainRuntimeOptions options) =>
        new([new GrainType(typeof(IProbeGrain), (_, _) =>
            {
                var grain = new ProbeGrain();
                lock (_activated) _activated.Add(grain);
                return grain;
            })],
            Options.Create(options), NullLogger<GrainRuntime>.Instance);

    [Fact]
    public async Task One_activation_per_grain_serves_one_turn_at_a_time()
    {
        var runtime = NewRuntime(new GrainRuntimeOptions());
        ProbeGrain.MaxInTurn = 0;
        var grain = runtime.GetGrain<IProbeGrain>("a");

        var instances = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => grain.CallAsync(g => g.VisitAsync(i)))));

        Assert.Single(instances.Distinct());
        Assert.Single(_activated);
        Assert.Equal(1, ProbeGrain.MaxInTurn);
        Assert.Equal(Enumerable.Range(0, 200), _activated[0].Tags.Order());
    }

    [Fact]
    public async Task Calls_are_served_in_arrival_order()
    {
        var runtime = NewRuntime(new GrainRuntimeOptions());
        var grain = runtime.GetGrain<IProbeGrain>("ordered");

        var calls = Enumerable.Range(0, 100).Select(i => grain.CallAsync(g => g.VisitAsync(i, holdMs: i == 0 ? 20 : 0))).ToList();
        await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 100), _activated[0].Tags);
    }

    [Fact]
    public async Task A_failing_turn_reaches_its_caller_and_the_activation_keeps_serving()
    {
        var runtime = NewRuntime(new GrainRuntimeOptions());
        var grain = runtime.GetGrain<IProbeGrain>("f");
        var before = await grain.CallAsync(g => g.VisitAsync(1));

        await Assert.ThrowsAsync<InvalidOperationException>(() => grain.CallAsync(g => g.FailAsync()));

        Assert.Equal(before, await grain.CallAsync(g => g.VisitAsync(2)));
    }

    [Fact]
    public async Task Idle_activations_are_deactivated_and_the_next_call_activates_anew()
    {
        var runtime = NewRuntime(new GrainRuntimeOptions
        {
            IdleDeactivationAge = TimeSpan.FromMilliseconds(50),
            CollectionInterval = TimeSpan.FromMilliseconds(20),
        });
        await runtime.StartAsync(CancellationToken.None);
        var grain = runtime.GetGrain<IProbeGrain>("idle");
        var first = await grain.CallAsync(g => g.VisitAsync(1));
        Assert.Equal(1, runtime.ActivationCount);

        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (runtime.ActivationCount > 0 && DateTime.UtcNow < deadline) await Task.Delay(10);

        Assert.Equal(0, runtime.ActivationCount);
        Assert.NotEqual(first, await grain.CallAsync(g => g.VisitAsync(2)));
        await runtime.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Over_the_bound_the_least_recently_used_idle_activations_go_first()
    {
        var runtime = NewRuntime(new GrainRuntimeOptions { MaxActivations = 10 });
        var hot = runtime.GetGrain<IProbeGrain>("hot");
        var hotInstance = await hot.CallAsync(g => g.VisitAsync(0));

        for (var i = 0; i < 30; i++)
        {
            await runtime.GetGrain<IProbeGrain>($"cold-{i}").CallAsync(g => g.VisitAsync(i));
            await hot.CallAsync(g => g.VisitAsync(0)); // keeps "hot" the most recently used
            Assert.True(runtime.ActivationCount <= 10, $"{runtime.ActivationCount} live activations");
        }

        Assert.Equal(hotInstance, await hot.CallAsync(g => g.VisitAsync(0)));
    }

    [Fact]
    public async Task Shutdown_finishes_queued_turns_and_then_refuses_new_calls()
    {
        var runtime = NewRuntime(new GrainRuntimeOptions());
        await runtime.StartAsync(CancellationToken.None);
        var grain = runtime.GetGrain<IProbeGrain>("draining");
        var queued = Enumerable.Range(0, 20).Select(i => grain.CallAsync(g => g.VisitAsync(i, holdMs: 10))).ToList();

        await runtime.StopAsync(CancellationToken.None);

        Assert.All(queued, call => Assert.True(call.IsCompletedSuccessfully));
        Assert.Equal(Enumerable.Range(0, 20), _activated[0].Tags);
        await Assert.ThrowsAsync<SiloStoppingException>(() => grain.CallAsync(g => g.VisitAsync(99)));
    }
}
