namespace OrleansSessions.Abstractions;

public sealed class SessionNotFoundException(string sessionId)
    : Exception($"Session '{sessionId}' was not found.")
{
    public string SessionId { get; } = sessionId;
}

public sealed class SessionAlreadyExistsException(string sessionId)
    : Exception($"Session '{sessionId}' already exists.")
{
    public string SessionId { get; } = sessionId;
}

public sealed class OperationIdConflictException(string operationId)
    : Exception($"Operation id '{operationId}' was already used with different content.")
{
    public string OperationId { get; } = operationId;
}

public sealed class HistoryPreconditionFailedException(string sessionId)
    : Exception($"The newest items of session '{sessionId}' are not the expected suffix; nothing was changed.")
{
    public string SessionId { get; } = sessionId;
}
