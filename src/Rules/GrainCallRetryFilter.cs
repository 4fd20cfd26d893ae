using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using OrleansSessions.Abstractions;
using OrleansSessions.Contracts;
using Polly;
using Polly.Retry;

namespace OrleansSessions.Rules;

/// <summary>
/// Repeats a grain call caught by its silo leaving or dying — Orleans then cannot say whether the call ran there —
/// until the session answers on a survivor, when repeating is safe: a method marked <see cref="SafeToRepeatAttribute"/>,
/// or a write whose command says so (<see cref="IRepeatableRequest"/>: it carries an operation id, so a repeat is
/// stored once). The attempts span a little more than the failure-detection time, so a call caught by a kill -9 is
/// answered once the dead silo's sessions have moved; after that the caller gets what the last attempt failed with.
/// </summary>
public sealed class GrainCallRetryFilter : IOutgoingGrainCallFilter
{
    private static readonly ResiliencePipeline Retries = new ResiliencePipelineBuilder()
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

    private static readonly ConcurrentDictionary<MethodInfo, bool> MarkedMethods = new();

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (!SafeToRepeat(context)) { await context.Invoke(); return; }
        await Retries.ExecuteAsync(async _ =>
        {
            await context.Invoke();
            // A silo's departure may come back as the call's response rather than be thrown.
            if (context.Response?.Exception is (SiloUnavailableException or OrleansMessageRejectionException) and var departure)
            {
                ExceptionDispatchInfo.Throw(departure);
            }
        }, CancellationOf(context.Request));
    }

    private static bool SafeToRepeat(IOutgoingGrainCallContext context)
    {
        if (context.InterfaceMethod is { } method && MarkedMethods.GetOrAdd(method, m => m.IsDefined(typeof(SafeToRepeatAttribute)))) return true;
        for (var i = 0; i < context.Request.GetArgumentCount(); i++)
        {
            if (context.Request.GetArgument(i) is IRepeatableRequest { SafeToRepeat: true }) return true;
        }
        return false;
    }

    private static CancellationToken CancellationOf(Orleans.Serialization.Invocation.IInvokable request)
    {
        for (var i = 0; i < request.GetArgumentCount(); i++)
        {
            if (request.GetArgument(i) is CancellationToken token) return token;
        }
        return CancellationToken.None;
    }
}
