using OrleansSessions.Abstractions;

namespace OrleansSessions.Grains.Runtime;

/// <summary>Addresses one grain. Each call runs as one turn of the grain's activation, after the turns queued before it.</summary>
public readonly struct GrainReference<TGrain>(GrainRuntime runtime, string key)
    where TGrain : class, IGrainWithStringKey
{
    public string Key => key;

    public Task<TResult> CallAsync<TResult>(Func<TGrain, Task<TResult>> call) => runtime.InvokeAsync(key, call);

    /// <summary>A call the grain serves together with the others of <paramref name="batchName"/> that queue up behind
    /// the running turn: one turn, and one store round trip, for all of them.</summary>
    public Task<TResult> CallBatchedAsync<TRequest, TResult>(
        string batchName, TRequest request, int maxBatch, Func<TGrain, IReadOnlyList<PendingCall<TRequest, TResult>>, Task> serve) =>
        runtime.InvokeBatchedAsync(key, batchName, request, maxBatch, serve);

    public Task CallAsync(Func<TGrain, Task> call) =>
        runtime.InvokeAsync<TGrain, bool>(key, async grain =>
        {
            await call(grain);
            return true;
        });
}
