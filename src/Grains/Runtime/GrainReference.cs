using OrleansSessions.Abstractions;

namespace OrleansSessions.Grains.Runtime;

/// <summary>Addresses one grain. Each call runs as one turn of the grain's activation, after the turns queued before it.</summary>
public readonly struct GrainReference<TGrain>(GrainRuntime runtime, string key)
    where TGrain : class, IGrainWithStringKey
{
    public string Key => key;

    public Task<TResult> CallAsync<TResult>(Func<TGrain, Task<TResult>> call) => runtime.InvokeAsync(key, call);

    public Task CallAsync(Func<TGrain, Task> call) =>
        runtime.InvokeAsync<TGrain, bool>(key, async grain =>
        {
            await call(grain);
            return true;
        });
}
