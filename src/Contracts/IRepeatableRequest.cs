namespace OrleansSessions.Contracts;

/// <summary>A write that says whether it may be sent again when its answer was lost: one that carries an operation id
/// is stored once however often it arrives. Every transport asks the request (reads may always be sent again).</summary>
public interface IRepeatableRequest
{
    bool SafeToRepeat { get; }
}
