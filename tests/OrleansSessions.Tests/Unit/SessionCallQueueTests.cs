using OrleansSessions.Abstractions;
using OrleansSessions.Grains;
using OrleansSessions.Tests.Infrastructure;
using OrleansSessions.Contracts;

namespace OrleansSessions.Tests;

/// <summary>The order of a session's calls inside its reentrant grain, driven as Orleans drives an activation: on one
/// exclusive scheduler, with every call arriving while others wait on I/O.</summary>
public sealed class SessionCallQueueTests
{
    private readonly TaskFactory _activation = new(new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler);

    private Task<T> OnActivation<T>(Func<Task<T>> call) => _activation.StartNew(call).Unwrap();

    [Fact]
    public async Task Calls_run_one_at_a_time_in_arrival_order_though_each_awaits()
    {
        var queue = new SessionCallQueue("s", 1000);
        var running = 0;
        var mostAtOnce = 0;
        var order = new List<int>();
        var calls = Enumerable.Range(0, 50).Select(i => OnActivation(() => queue.RunAsync(async () =>
        {
            mostAtOnce = Math.Max(mostAtOnce, ++running);
            await Task.Delay(i % 3); // a Redis round trip: other calls arrive meanwhile
            order.Add(i);
            running--;
            return i;
        }))).ToList();

        Assert.Equal(Enumerable.Range(0, 50), await Task.WhenAll(calls));
        Assert.Equal(Enumerable.Range(0, 50), order);
        Assert.Equal(1, mostAtOnce);
    }

    [Fact]
    public async Task A_failing_call_fails_only_its_caller_and_the_next_call_runs()
    {
        var queue = new SessionCallQueue("s", 1000);
        var failing = OnActivation(() => queue.RunAsync<int>(() => throw new SessionNotFoundException("s")));
        var next = OnActivation(() => queue.RunAsync(() => Task.FromResult(7)));

        await Assert.ThrowsAsync<SessionNotFoundException>(() => failing);
        Assert.Equal(7, await next);
    }

    [Fact]
    public async Task Appends_arriving_while_a_call_runs_are_served_together_up_to_the_batch_limit()
    {
        var queue = new SessionCallQueue("s", 1000);
        var release = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var batches = new List<int>();
        Task Serve(IReadOnlyList<PendingCall<AppendItemsCommand, AppendResult>> batch)
        {
            batches.Add(batch.Count);
            for (var i = 0; i < batch.Count; i++) batch[i].Complete(new AppendResult(i, i, 1));
            return Task.CompletedTask;
        }
        var command = new AppendItemsCommand([Items.Message("x")]);

        var blocking = OnActivation(() => queue.RunAsync(() => release.Task));   // a call holding the session
        var appends = await OnActivation(() => Task.FromResult(Enumerable.Range(0, 10).Select(_ => queue.AppendAsync(command, 4, Serve)).ToList()));
        release.SetResult(true);
        await blocking;
        var results = await Task.WhenAll(appends);

        Assert.Equal([4, 4, 2], batches);                                        // 10 queued appends, at most 4 a batch
        Assert.Equal([0, 1, 2, 3, 0, 1, 2, 3, 0, 1], results.Select(r => (int)r.FirstSeq)); // each caller its own result
    }

    [Fact]
    public async Task An_append_the_batch_left_unanswered_fails_and_a_thrown_error_fails_the_whole_batch()
    {
        var queue = new SessionCallQueue("s", 1000);
        var command = new AppendItemsCommand([Items.Message("x")]);

        var forgotten = await OnActivation(() => Task.FromResult(queue.AppendAsync(command, 4, _ => Task.CompletedTask)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => forgotten);

        var failed = await OnActivation(() => Task.FromResult(queue.AppendAsync(command, 4, _ => throw new SessionStoreUnavailableException("down"))));
        await Assert.ThrowsAsync<SessionStoreUnavailableException>(() => failed);
    }

    [Fact]
    public async Task Past_the_waiting_limit_calls_and_appends_are_refused_at_once_and_taken_again_once_it_drains()
    {
        var queue = new SessionCallQueue("s", maxWaiting: 3);
        var release = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var command = new AppendItemsCommand([Items.Message("x")]);
        Task Serve(IReadOnlyList<PendingCall<AppendItemsCommand, AppendResult>> batch)
        {
            foreach (var call in batch) call.Complete(new AppendResult(1, 1, 1));
            return Task.CompletedTask;
        }

        var running = OnActivation(() => queue.RunAsync(() => release.Task)); // 1: holds the session
        var waiting = await OnActivation(() => Task.FromResult(new[] { queue.AppendAsync(command, 64, Serve), queue.AppendAsync(command, 64, Serve) })); // 2, 3
        await Assert.ThrowsAsync<SessionBusyException>(() => OnActivation(() => queue.RunAsync(() => Task.FromResult(0))));
        await Assert.ThrowsAsync<SessionBusyException>(() => OnActivation(() => queue.AppendAsync(command, 64, Serve)));

        release.SetResult(true);
        await running;
        await Task.WhenAll(waiting);
        Assert.Equal(7, await OnActivation(() => queue.RunAsync(() => Task.FromResult(7))));
    }
}
