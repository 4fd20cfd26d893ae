namespace OrleansSessions.Grains.Runtime;

/// <summary>How the runtime makes an activation of one grain interface: from the factory (for calls to other
/// grains) and the grain's key.</summary>
public sealed record GrainType(Type Interface, Func<IGrainFactory, string, object> Activate);
