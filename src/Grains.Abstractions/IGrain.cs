namespace OrleansSessions.Abstractions;

/// <summary>Marker for a grain interface whose activations are identified by a string key.</summary>
public interface IGrainWithStringKey;
