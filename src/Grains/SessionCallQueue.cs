using OrleansSessions.Abstractions;

namespace OrleansSessions.Grains;

/// <summary>
/// The order of a session's calls inside its reentrant grain: one call at a time, in arrival order, so a read or a
/// history change never sees another call half done. Appends that arrive while a call runs join one open batch
/// and are served together by a single call (group commit). Orleans runs the activation on one thread, so this
/// needs no locks; reentrancy is what lets appends arrive, and join, while a script is in flight.
/// </summary>
internal sealed class SessionCallQueue
{
    private Task _tail = Task.CompletedTask;
    private List<PendingCall<AppendItemsCommand, AppendResult>>? _openBatch;

    /// <summary>Runs <paramref name="call"/> after every call queued before it.</summary>
    public async Task<T> RunAsync<T>(Func<Task<T>> call)
    {
        var previous = _tail;
        var finished = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _tail = finished.Task;
        try
        {
            await previous; // never faults: every call's slot is released in its finally
            return await call();
        }
        finally
        {
            finished.SetResult();
        }
    }

    /// <summary>Joins the batch of appends queued but not yet started, or queues a new one; the batch is served by
    /// one call of <paramref name="serve"/> on everything that joined before it started (at most
    /// <paramref name="maxBatch"/>). If serving throws, every append it left unanswered fails with that error.</summary>
    public Task<AppendResult> AppendAsync(AppendItemsCommand command, int maxBatch,
        Func<IReadOnlyList<PendingCall<AppendItemsCommand, AppendResult>>, Task> serve)
    {
        var call = new PendingCall<AppendItemsCommand, AppendResult>(command);
        if (_openBatch is { } open && open.Count < maxBatch)
        {
            open.Add(call);
            return call.Result;
        }
        var batch = new List<PendingCall<AppendItemsCommand, AppendResult>> { call };
        _openBatch = batch;
        _ = RunAsync(async () =>
        {
            if (ReferenceEquals(_openBatch, batch)) _openBatch = null; // started: later appends make a new batch
            try
            {
                await serve(batch);
                foreach (var unanswered in batch.Where(c => !c.IsDone)) unanswered.Fail(new InvalidOperationException("An append was left unanswered."));
            }
            catch (Exception error)
            {
                foreach (var pending in batch) pending.Fail(error);
            }
            return true;
        });
        return call.Result;
    }
}
