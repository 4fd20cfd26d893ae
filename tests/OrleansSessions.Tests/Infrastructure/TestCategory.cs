namespace OrleansSessions.Tests.Infrastructure;

/// <summary>Test layers a maintainer can leave out: <c>dotnet test --filter "Category!=Process"</c> is the fast loop.</summary>
public static class TestCategory
{
    /// <summary>Tests that start real processes (silos, Redis servers) and send them signals, or time what they do.</summary>
    public const string Process = "Process";
}
