using System.Diagnostics;

namespace OrleansSessions.Grains.Runtime;

/// <summary>One grain activation and its turn queue: turns run one at a time, in arrival order. The grain instance
/// is made by the first turn, so an activation that loses a race to be registered never makes one.</summary>
internal sealed class Activation(Func<object> activate)
{
    private readonly Queue<Func<Task>> _pending = new();
    private readonly Dictionary<string, object> _openBatches = [];
    private bool _running;
    private bool _deactivated;

    private object? _grain;

    /// <summary>The grain instance; read only inside a turn.</summary>
    public object Grain => _grain ??= activate();

    /// <summary>The instance if a turn has made it; for disposal once no turn can run.</summary>
    public object? ActivatedGrain => _grain;

    /// <summary>Stopwatch.GetTimestamp() when a turn was last queued or finished.</summary>
    public long LastUsed { get; private set; } = Stopwatch.GetTimestamp();

    public bool IsBusy
    {
        get
        {
            lock (_pending) return _running || _pending.Count > 0;
        }
    }

    /// <summary>Queues a turn; false once the activation has been deactivated (the caller makes a new one).</summary>
    public bool TryEnqueue(Func<Task> turn)
    {
        lock (_pending)
        {
            if (_deactivated) return false;
            _pending.Enqueue(turn);
            LastUsed = Stopwatch.GetTimestamp();
            if (_running) return true;
            _running = true;
        }
        _ = Task.Run(RunTurnsAsync);
        return true;
    }

    /// <summary>Adds <paramref name="item"/> to the batch called <paramref name="name"/> that is queued but not yet
    /// started, or queues a turn for a new batch; the turn runs <paramref name="serve"/> on everything that joined
    /// by the time it starts (at most <paramref name="maxBatch"/>). False once deactivated.</summary>
    public bool TryJoinBatch<TItem>(string name, TItem item, int maxBatch, Func<IReadOnlyList<TItem>, Task> serve)
    {
        lock (_pending)
        {
            if (_deactivated) return false;
            LastUsed = Stopwatch.GetTimestamp();
            if (_openBatches.TryGetValue(name, out var open) && open is List<TItem> joining && joining.Count < maxBatch)
            {
                joining.Add(item);
                return true;
            }
            var batch = new List<TItem> { item };
            _openBatches[name] = batch;
            _pending.Enqueue(() =>
            {
                lock (_pending)
                {
                    if (_openBatches.TryGetValue(name, out var current) && ReferenceEquals(current, batch)) _openBatches.Remove(name);
                }
                return serve(batch);
            });
            if (_running) return true;
            _running = true;
        }
        _ = Task.Run(RunTurnsAsync);
        return true;
    }

    /// <summary>Deactivates if no turn is running or queued and none has been since <paramref name="idleSince"/>.</summary>
    public bool TryDeactivate(long idleSince)
    {
        lock (_pending)
        {
            if (_running || _pending.Count > 0 || _deactivated || LastUsed > idleSince) return false;
            _deactivated = true;
            return true;
        }
    }

    private async Task RunTurnsAsync()
    {
        while (true)
        {
            Func<Task> turn;
            lock (_pending)
            {
                if (!_pending.TryDequeue(out turn!))
                {
                    _running = false;
                    LastUsed = Stopwatch.GetTimestamp();
                    return;
                }
            }
            await turn(); // a turn reports its own outcome and never throws
        }
    }
}
