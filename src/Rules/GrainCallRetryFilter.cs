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
            ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } error && IsDeparture(error)),
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
        if (!SafeToRepeat(context, out var cancellation)) { await context.Invoke(); return; }
        await Retries.ExecuteAsync(async _ =>
        {
            await context.Invoke();
            // A silo's departure may come back as the call's response rather than be thrown.
            if (context.Response?.Exception is { } error && IsDeparture(error)) ExceptionDispatchInfo.Throw(error);
        }, cancellation);
    }

    /// <summary>Orleans cannot say whether the call ran: its silo left or died under it.</summary>
    private static bool IsDeparture(Exception error) => error is SiloUnavailableException or OrleansMessageRejectionException;

    /// <summary>Whether the call may be made again, and the cancellation token it carries (one pass over its arguments).</summary>
    private static bool SafeToRepeat(IOutgoingGrainCallContext context, out CancellationToken cancellation)
    {
        var safe = context.InterfaceMethod is { } method && MarkedMethods.GetOrAdd(method, m => m.IsDefined(typeof(SafeToRepeatAttribute)));
        cancellation = CancellationToken.None;
        for (var i = 0; i < context.Request.GetArgumentCount(); i++)
        {
            switch (context.Request.GetArgument(i))
            {
                case IRepeatableRequest { SafeToRepeat: true }: safe = true; break;
                case CancellationToken token: cancellation = token; break;
            }
        }
        return safe;
    }
}
