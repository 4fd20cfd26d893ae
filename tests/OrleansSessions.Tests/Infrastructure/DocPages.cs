namespace OrleansSessions.Tests.Infrastructure;

/// <summary>The repository's documentation: README.md and every markdown page under docs/.</summary>
public static class DocPages
{
    /// <summary>Each page's path relative to the repository root (with '/'), and its text.</summary>
    public static IReadOnlyList<(string Path, string Text)> All()
    {
        var root = RepositoryFiles.Root;
        var files = new[] { Path.Combine(root, "README.md") }
            .Concat(Directory.EnumerateFiles(Path.Combine(root, "docs"), "*.md", SearchOption.AllDirectories).Order(StringComparer.Ordinal));
        return files.Select(f => (Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllText(f).Replace("\r", ""))).ToList();
    }
}
