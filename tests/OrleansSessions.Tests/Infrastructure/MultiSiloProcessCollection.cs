namespace OrleansSessions.Tests.Infrastructure;

/// <summary>The tests that run several real silo processes and check timings (failover, rolling restarts, a paused
/// silo, a Redis crash, the soak): one at a time, and after the in-process tests rather than beside them, whose load
/// on a 2-core machine would stretch what those tests measure (a balancer following readiness late, say).</summary>
[CollectionDefinition(nameof(MultiSiloProcessTests), DisableParallelization = true)]
public sealed class MultiSiloProcessCollection;
