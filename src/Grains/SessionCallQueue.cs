using OrleansSessions.Abstractions;
using OrleansSessions.Contracts;

namespace OrleansSessions.Grains;

/// <summary>
/// The order of a session's calls inside its reentrant grain: one call at a time, in arrival order, so a read or a
/// history change never sees another call half done. Appends that arrive while a call runs join one open batch
/// and are served together by a single call (group commit). Orleans runs the activation on one thread, so this
/// needs no locks; reentrancy is what lets appends arrive, and join, while a script is in flight. At most
/// <paramref name="maxWaiting"/> calls wait at once: past that (Redis stalled, say) a call is refused at once with
/// <see cref="SessionBusyException"/> instead of joining a queue that grows without bound.
/// </summary>
internal sealed class SessionCallQueue(string sessionId, int maxWaiting)
{
    private Task _tail = Task.CompletedTask;
    private List<PendingCall<AppendItemsCommand, AppendResult>>? _openBatch;
    private int _waiting;

    /// <summary>Runs <paramref name="call"/> after every call queued before it.</summary>
    /// <exception cref="SessionBusyException">too many calls are waiting already.</exception>
    public async Task<T> RunAsync<T>(Func<Task<T>> call)
    {
        Admit();
        try
        {
            return await RunInTurnAsync(call);
        }
        finally
        {
            _waiting--;
        }
    }

    private void Admit()
    {
        if (_waiting >= maxWaiting) throw new SessionBusyException(sessionId);
        _waiting++;
    }

    private async Task<T> RunInTurnAsync<T>(Func<Task<T>> call)
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
            Admit(); // the batch's turn lets each of its appends go when it ends
            open.Add(call);
            return call.Result;
        }
        var batch = new List<PendingCall<AppendItemsCommand, AppendResult>> { call };
        _openBatch = batch;
        Admit();
        _ = RunInTurnAsync(async () =>
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
            finally
            {
                _waiting -= batch.Count;
            }
            return true;
        });
        return call.Result;
    }
}
