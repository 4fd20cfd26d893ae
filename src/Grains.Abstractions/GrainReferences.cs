namespace OrleansSessions.Abstractions;

/// <summary>References to string-keyed grains with the grain's types resolved once per interface. Orleans'
/// <c>GetGrain&lt;T&gt;(key)</c> reads the interface's attributes and formats its name on every call, a twentieth
/// of the silo's CPU on appends over HTTP; the types are the same for every key.</summary>
public static class GrainReferences
{
    public static TGrain GetGrainByKey<TGrain>(this IGrainFactory grains, string key) where TGrain : IGrainWithStringKey
    {
        var (grainType, interfaceType) = Resolved<TGrain>.Types ??= Resolve<TGrain>(grains);
        return (TGrain)grains.GetGrain(GrainId.Create(grainType, key), interfaceType);
    }

    private static (GrainType, GrainInterfaceType) Resolve<TGrain>(IGrainFactory grains) where TGrain : IGrainWithStringKey
    {
        var sample = (GrainReference)(object)grains.GetGrain<TGrain>("any key");
        return (sample.GrainId.Type, sample.InterfaceType);
    }

    private static class Resolved<TGrain>
    {
        public static (GrainType, GrainInterfaceType)? Types;
    }
}
