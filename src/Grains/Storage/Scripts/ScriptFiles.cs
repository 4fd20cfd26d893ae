namespace OrleansSessions.Grains.Storage.Scripts;

/// <summary>The .lua files of this folder, embedded in the assembly as "Storage/Scripts/&lt;file&gt;" (see Grains.csproj).</summary>
internal static class ScriptFiles
{
    public const string ResourcePrefix = "Storage/Scripts/";

    /// <summary>The functions the session scripts share.</summary>
    public const string SessionPrelude = "SessionPrelude.lua";

    /// <summary>The functions the user index scripts share.</summary>
    public const string UserIndexPrelude = "UserIndexPrelude.lua";

    public static string Read(string file)
    {
        using var stream = typeof(ScriptFiles).Assembly.GetManifestResourceStream(ResourcePrefix + file)
            ?? throw new InvalidOperationException($"The script file {file} is not embedded in {typeof(ScriptFiles).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
