namespace OrleansSessions.Tests.Infrastructure;

public static class RepositoryFiles
{
    /// <summary>The folder holding OrleansSessions.sln, found from the test assembly's folder.</summary>
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OrleansSessions.sln"))) return dir.FullName;
        }
        throw new InvalidOperationException("The repository root (OrleansSessions.sln) was not found.");
    }
}
