using OrleansSessions.Abstractions;
using OrleansSessions.Grains.Runtime;

namespace OrleansSessions.Grains;

public static class SessionGrainCalls
{
    /// <summary>Largest number of appends one script call takes.</summary>
    public const int MaxAppendsPerBatch = 64;

    /// <summary>Appends through group commit: joins the appends queued behind the session's running turn, all of
    /// which then go to Redis in one script call.</summary>
    public static Task<AppendResult> AppendAsync(this GrainReference<ISessionGrain> session, AppendItemsCommand command, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return session.CallBatchedAsync<AppendItemsCommand, AppendResult>(
            nameof(ISessionGrain.AppendBatchAsync), command, MaxAppendsPerBatch, (grain, batch) => grain.AppendBatchAsync(batch));
    }
}
