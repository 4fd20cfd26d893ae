using Polly;
using Polly.Retry;

namespace OrleansSessions.Rules;

/// <summary>
/// Repeats a grain call caught by its silo leaving or dying — Orleans then cannot say whether the call ran there —
/// until the session answers on a survivor, when repeating is safe: reads, and writes that carry an operation id
/// (a repeat of one is stored once). The attempts span a little more than the failure-detection time, so a call
/// caught by a kill -9 is answered once the dead silo's sessions have moved; after that the caller gets 503.
/// </summary>
public sealed class GrainCallRetry
{
    private readonly ResiliencePipeline _pipeline = new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<SiloUnavailableException>().Handle<OrleansMessageRejectionException>(),
            MaxRetryAttempts = 8,
            BackoffType = DelayBackoffType.Exponential,
            Delay = TimeSpan.FromMilliseconds(50),
            MaxDelay = TimeSpan.FromMilliseconds(800),
            UseJitter = true,
        })
        .Build();

    public async Task<T> RunAsync<T>(Func<Task<T>> call, CancellationToken cancellationToken) =>
        await _pipeline.ExecuteAsync(async _ => await call(), cancellationToken);
}
