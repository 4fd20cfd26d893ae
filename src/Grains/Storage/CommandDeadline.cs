namespace OrleansSessions.Grains.Storage;

/// <summary>StackExchange.Redis 1.2.6 puts no time limit on async commands; every call of the stores goes through
/// this, so a Redis that accepts connections but stops answering fails requests instead of holding them.</summary>
internal static class CommandDeadline
{
    /// <exception cref="TimeoutException">no reply within <paramref name="timeout"/>.</exception>
    public static async Task<T> Within<T>(this Task<T> command, TimeSpan timeout)
    {
        try
        {
            return await command.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            _ = command.ContinueWith(late => late.Exception, TaskContinuationOptions.OnlyOnFaulted); // observed
            throw new TimeoutException($"Redis did not answer within {timeout.TotalMilliseconds:0} ms.");
        }
    }
}
