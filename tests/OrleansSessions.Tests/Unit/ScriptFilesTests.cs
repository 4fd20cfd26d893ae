using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using OrleansSessions.Grains.Storage;
using OrleansSessions.Grains.Storage.Scripts;
using OrleansSessions.Silo.Redis;
using OrleansSessions.Tests.Infrastructure;
using StackExchange.Redis;

namespace OrleansSessions.Tests;

/// <summary>The Lua scripts as files: each embedded, run by exactly one wrapper, documented, and compiled by the server
/// under the SHA-1 its EVALSHA sends.</summary>
public sealed class ScriptFilesTests
{
    private static readonly string Folder = Path.Combine(RepositoryFiles.Root, "src", "Grains", "Storage", "Scripts");

    /// <summary>Every script the storage can run, with the type holding it; reading the fields loads their files.</summary>
    private static List<(Type Wrapper, RedisScript Script)> Wrappers() =>
        typeof(RedisSessionStore).Assembly.GetTypes()
            .SelectMany(type => type.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
                .Where(field => field.FieldType == typeof(RedisScript))
                .Select(field => (type, (RedisScript)field.GetValue(null)!)))
            .ToList();

    private static List<string> FilesInFolder() => Directory.GetFiles(Folder, "*.lua").Select(path => Path.GetFileName(path)).Order().ToList();

    [Fact]
    public void Every_lua_file_of_the_scripts_folder_is_embedded_as_it_is()
    {
        var embedded = typeof(RedisSessionStore).Assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(ScriptFiles.ResourcePrefix, StringComparison.Ordinal))
            .Select(name => name[ScriptFiles.ResourcePrefix.Length..]);

        Assert.NotEmpty(FilesInFolder());
        Assert.Equal(FilesInFolder(), embedded.Order());
        Assert.All(FilesInFolder(), file => Assert.Equal(File.ReadAllText(Path.Combine(Folder, file)), ScriptFiles.Read(file)));
    }

    [Fact]
    public void Each_script_file_is_run_by_exactly_one_wrapper_named_after_it_and_each_prelude_by_some()
    {
        var wrappers = Wrappers();
        var scripts = wrappers.Select(w => w.Script.ScriptFile);
        var preludes = wrappers.Select(w => w.Script.PreludeFile).OfType<string>().Distinct();

        // A script run twice, a prelude also run as a script, or a file nothing runs would each break the equality.
        Assert.Equal(FilesInFolder(), scripts.Concat(preludes).Order());
        Assert.All(wrappers, w => Assert.Equal(Path.GetFileNameWithoutExtension(w.Script.ScriptFile) + "Script", w.Wrapper.Name));
        Assert.Equal(wrappers.Count, wrappers.Select(w => w.Wrapper).Distinct().Count());
    }

    [Fact]
    public void Each_script_file_documents_its_keys_and_arguments_in_its_header()
    {
        foreach (var file in Wrappers().Select(w => w.Script.ScriptFile))
        {
            var header = ScriptFiles.Read(file).Split('\n').TakeWhile(line => line.StartsWith("--", StringComparison.Ordinal)).ToList();
            Assert.True(header.Any(line => line.StartsWith("-- KEYS: ", StringComparison.Ordinal)), $"{file} documents no KEYS");
            Assert.True(header.Any(line => line.StartsWith("-- ARGV: ", StringComparison.Ordinal)), $"{file} documents no ARGV");
        }
    }

    [Fact]
    public async Task Every_script_compiles_on_the_test_server_under_the_sha1_evalsha_sends()
    {
        var options = RedisUrl.Parse((await TestRedisServer.GetAsync()).ConnectionString);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(options);
        var db = redis.GetDatabase();

        foreach (var (wrapper, script) in Wrappers())
        {
            var loaded = (string)(await db.ExecuteAsync("SCRIPT", "LOAD", script.Text))!;
            Assert.True(Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(script.Text))) == loaded, $"{wrapper.Name}: SHA-1 differs");
        }
    }
}
