using OrleansSessions.Abstractions;

namespace OrleansSessions.Grains.Runtime;

public interface IGrainFactory
{
    GrainReference<TGrain> GetGrain<TGrain>(string key) where TGrain : class, IGrainWithStringKey;
}
