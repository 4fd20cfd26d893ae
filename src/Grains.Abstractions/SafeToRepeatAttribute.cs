namespace OrleansSessions.Abstractions;

/// <summary>A grain method that may be called again when a silo's departure left its outcome unknown: a read, or a
/// change that repeating leaves as it was. Writes say it through their command (<see cref="Contracts.IRepeatableRequest"/>).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SafeToRepeatAttribute : Attribute;
