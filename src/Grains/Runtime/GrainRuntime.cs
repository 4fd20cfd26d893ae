using System.Diagnostics;
using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OrleansSessions.Abstractions;

namespace OrleansSessions.Grains.Runtime;

/// <summary>The silo's activation table: at most one activation per grain id, activated on first call,
/// deactivated when idle or when the table is over its bound, drained on shutdown.</summary>
public sealed partial class GrainRuntime : IGrainFactory, IHostedService
{
    private static readonly AsyncLocal<bool> InsideTurn = new();

    private readonly ConcurrentDictionary<(Type Interface, string Key), Activation> _activations = new();
    private readonly Dictionary<Type, GrainType> _grainTypes;
    private readonly GrainRuntimeOptions _options;
    private readonly ILogger<GrainRuntime> _logger;
    private readonly Lock _evictionLock = new();
    private readonly CancellationTokenSource _stopCollector = new();
    private Task _collector = Task.CompletedTask;
    private volatile bool _stopping;

    public GrainRuntime(IEnumerable<GrainType> grainTypes, IOptions<GrainRuntimeOptions> options, ILogger<GrainRuntime> logger)
    {
        _grainTypes = grainTypes.ToDictionary(t => t.Interface);
        _options = options.Value;
        _logger = logger;
    }

    public int ActivationCount => _activations.Count;

    public GrainReference<TGrain> GetGrain<TGrain>(string key) where TGrain : class, IGrainWithStringKey =>
        new(this, key);

    internal Task<TResult> InvokeAsync<TGrain, TResult>(string key, Func<TGrain, Task<TResult>> call)
        where TGrain : class, IGrainWithStringKey
    {
        // Calls made from inside a turn are let through while stopping, so queued turns can finish.
        if (_stopping && !InsideTurn.Value) return Task.FromException<TResult>(new SiloStoppingException());

        var result = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        Enqueue<TGrain>(key, activation => activation.TryEnqueue(() => RunTurnAsync(() => (TGrain)activation.Grain, call, result)));
        return result.Task;
    }

    /// <summary>Joins <paramref name="request"/> to the batch of <paramref name="batchName"/> calls that the grain will
    /// serve in its next such turn (group commit). If the turn throws, every call it had not completed fails with it.</summary>
    internal Task<TResult> InvokeBatchedAsync<TGrain, TRequest, TResult>(
        string key, string batchName, TRequest request, int maxBatch, Func<TGrain, IReadOnlyList<PendingCall<TRequest, TResult>>, Task> serve)
        where TGrain : class, IGrainWithStringKey
    {
        if (_stopping && !InsideTurn.Value) return Task.FromException<TResult>(new SiloStoppingException());

        var call = new PendingCall<TRequest, TResult>(request);
        Enqueue<TGrain>(key, activation =>
            activation.TryJoinBatch<PendingCall<TRequest, TResult>>(batchName, call, maxBatch, batch => ServeBatchAsync(activation, batch, serve)));
        return call.Result;
    }

    /// <summary>Hands work to the grain's activation, activating it if needed, and to a new one if the one found
    /// was deactivated in between.</summary>
    private void Enqueue<TGrain>(string key, Func<Activation, bool> tryEnqueue)
    {
        var id = (typeof(TGrain), key);
        while (true)
        {
            var created = false;
            var activation = _activations.GetOrAdd(id, _ =>
            {
                created = true;
                return new Activation(() => Activate(typeof(TGrain), key));
            });
            if (tryEnqueue(activation))
            {
                if (created)
                {
                    LogActivated(typeof(TGrain).Name, key);
                    EnforceActivationLimit();
                }
                return;
            }
            _activations.TryRemove(KeyValuePair.Create(id, activation));
        }
    }

    private static async Task ServeBatchAsync<TGrain, TRequest, TResult>(
        Activation activation, IReadOnlyList<PendingCall<TRequest, TResult>> batch, Func<TGrain, IReadOnlyList<PendingCall<TRequest, TResult>>, Task> serve)
    {
        InsideTurn.Value = true;
        try
        {
            await serve((TGrain)activation.Grain, batch);
            foreach (var call in batch.Where(c => !c.IsDone)) call.Fail(new InvalidOperationException("The grain left a batched call unanswered."));
        }
        catch (Exception error)
        {
            foreach (var call in batch) call.Fail(error);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _collector = CollectIdleActivationsAsync(_stopCollector.Token);
        return Task.CompletedTask;
    }

    /// <summary>Refuses new calls, lets every queued turn finish, then drops all activations.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        await _stopCollector.CancelAsync();
        await _collector;
        while (_activations.Values.Any(a => a.IsBusy))
        {
            await Task.Delay(10, cancellationToken);
        }
        foreach (var activation in _activations.Values) (activation.ActivatedGrain as IDisposable)?.Dispose();
        _activations.Clear();
        LogStopped();
    }

    private object Activate(Type grainInterface, string key) =>
        _grainTypes.TryGetValue(grainInterface, out var grainType)
            ? grainType.Activate(this, key)
            : throw new InvalidOperationException($"No grain type is registered for {grainInterface.Name}.");

    private static async Task RunTurnAsync<TGrain, TResult>(
        Func<TGrain> grain, Func<TGrain, Task<TResult>> call, TaskCompletionSource<TResult> result)
    {
        InsideTurn.Value = true;
        try
        {
            result.SetResult(await call(grain()));
        }
        catch (OperationCanceledException canceled)
        {
            result.TrySetCanceled(canceled.CancellationToken);
        }
        catch (Exception error)
        {
            result.SetException(error);
        }
    }

    private async Task CollectIdleActivationsAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_options.CollectionInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var idleSince = Stopwatch.GetTimestamp() - (long)(_options.IdleDeactivationAge.TotalSeconds * Stopwatch.Frequency);
                foreach (var (id, activation) in _activations)
                {
                    if (activation.TryDeactivate(idleSince)) Deactivated(id, activation, "idle");
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private void EnforceActivationLimit()
    {
        if (_activations.Count <= _options.MaxActivations) return;
        lock (_evictionLock)
        {
            // Evict down to 90% of the bound so a full table does not sort on every new activation.
            var excess = _activations.Count - _options.MaxActivations * 9 / 10;
            foreach (var (id, activation) in _activations.OrderBy(a => a.Value.LastUsed).ToList())
            {
                if (excess <= 0) break;
                if (!activation.TryDeactivate(long.MaxValue)) continue;
                Deactivated(id, activation, "over the activation bound");
                excess--;
            }
        }
    }

    private void Deactivated((Type Interface, string Key) id, Activation activation, string reason)
    {
        _activations.TryRemove(KeyValuePair.Create(id, activation));
        (activation.ActivatedGrain as IDisposable)?.Dispose();
        LogDeactivated(id.Interface.Name, id.Key, reason);
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Activated {GrainType} {Key}")]
    private partial void LogActivated(string grainType, string key);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "Deactivated {GrainType} {Key}: {Reason}")]
    private partial void LogDeactivated(string grainType, string key, string reason);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Grain runtime stopped after draining queued turns")]
    private partial void LogStopped();
}
