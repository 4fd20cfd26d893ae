using System.Text.Json;

namespace OrleansSessions.ClientSdk;

/// <summary>An RFC 9457 problem document as the silo sends it: <see cref="Field"/> and <see cref="Limit"/> say what
/// was refused.</summary>
public sealed record ApiProblem(string? Type, string? Title, int? Status, string? Detail, string? Field, JsonElement? Limit);
