namespace OrleansSessions.Grains;

/// <summary>One caller's request in a batch that a grain serves in a single step (group commit): the grain
/// completes or fails each one, and each caller awaits only its own <see cref="Result"/>.</summary>
internal sealed class PendingCall<TRequest, TResult>(TRequest request)
{
    private readonly TaskCompletionSource<TResult> _result = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TRequest Request { get; } = request;

    public Task<TResult> Result => _result.Task;

    public bool IsDone => _result.Task.IsCompleted;

    public void Complete(TResult result) => _result.TrySetResult(result);

    public void Fail(Exception error)
    {
        if (error is OperationCanceledException canceled) _result.TrySetCanceled(canceled.CancellationToken);
        else _result.TrySetException(error);
    }
}
