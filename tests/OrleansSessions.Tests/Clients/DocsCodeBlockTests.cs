using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using OrleansSessions.Tests.Infrastructure;
using Xunit.Abstractions;

namespace OrleansSessions.Tests;

/// <summary>Every C# block of README.md and docs/**/*.md compiles as a reader copies it: with its own usings, in a
/// project with the SDK's implicit usings (the <c>dotnet new console</c> default), against the assemblies of this
/// test process (the clients, the Agent Framework, Microsoft.Extensions.AI, Orleans, …). A block is a program of
/// top-level statements, or a library when it declares only types. A block that continues the one before it on its
/// page is marked <c>&lt;!-- compile: with previous --&gt;</c> and compiled after it (its usings go first); no block
/// is skipped.</summary>
public sealed partial class DocsCodeBlockTests(ITestOutputHelper output)
{
    private const string WithPrevious = "<!-- compile: with previous -->";

    // What Microsoft.NET.Sdk's ImplicitUsings adds to a console project.
    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    // A reader's project has the clients, not the silo, its grains or these tests.
    private static readonly string[] NotAReadersReference = ["OrleansSessions.Tests", "OrleansSessions.Silo", "OrleansSessions.Grains"];

    [Fact]
    public void Every_csharp_block_in_the_docs_compiles_as_written()
    {
        var references = References();
        var failures = new List<string>();
        int alone = 0, continued = 0;
        foreach (var (page, text) in DocPages.All())
        {
            string? previous = null;
            foreach (Match block in CSharpBlock().Matches(text))
            {
                var code = block.Groups["code"].Value;
                var firstLine = code.Split('\n').First(l => l.Trim().Length > 0).Trim();
                var continues = block.Groups["marks"].Value.Contains(WithPrevious);
                if (continues && previous is null)
                {
                    failures.Add($"{page}, block \"{firstLine}\": marked \"compile: with previous\" but no C# block comes before it");
                    continue;
                }
                var source = continues ? Join(previous!, code) : code;
                var errors = Compile(source, references);
                if (errors.Count > 0) failures.Add($"{page}, block \"{firstLine}\"{(continues ? " (with the blocks before it)" : "")}:\n  " + string.Join("\n  ", errors));
                if (continues) continued++;
                else alone++;
                previous = source;
            }
        }

        output.WriteLine($"Compiled {alone + continued} C# blocks: {alone} on their own, {continued} with the blocks before them.");
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        Assert.True(alone + continued > 0, "No C# block was found in the docs.");
    }

    private static List<string> Compile(string source, IReadOnlyList<MetadataReference> references)
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var tree = CSharpSyntaxTree.ParseText(source, options);
        var isProgram = tree.GetCompilationUnitRoot().Members.OfType<GlobalStatementSyntax>().Any();
        var compilation = CSharpCompilation.Create(
            "DocBlock",
            [CSharpSyntaxTree.ParseText(ImplicitUsings, options), tree],
            references,
            new CSharpCompilationOptions(isProgram ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable));
        var lines = source.Split('\n');
        return compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d =>
            {
                var line = d.Location.GetLineSpan().StartLinePosition.Line;
                var text = d.Location.SourceTree == tree && line < lines.Length ? $" in \"{lines[line].Trim()}\"" : "";
                return $"{d.Id}: {d.GetMessage()}{text}";
            })
            .ToList();
    }

    /// <summary>The previous blocks and this one as one program: every using directive first, then the rest in order.</summary>
    private static string Join(string previous, string code)
    {
        var lines = (previous + "\n" + code).Split('\n');
        var usings = lines.Where(l => UsingDirective().IsMatch(l)).Distinct();
        return string.Join("\n", usings.Concat(lines.Where(l => !UsingDirective().IsMatch(l))));
    }

    private static List<MetadataReference> References()
    {
        var assemblies = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return assemblies
            .Where(a => !NotAReadersReference.Contains(Path.GetFileNameWithoutExtension(a)))
            .Select(a => (MetadataReference)MetadataReference.CreateFromFile(a))
            .ToList();
    }

    [GeneratedRegex(@"(?<marks>(?:<!--[^\n]*-->\s*)*)^[ \t]*```(?:csharp|cs|c#)[ \t]*\n(?<code>.*?)^[ \t]*```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex CSharpBlock();

    [GeneratedRegex(@"^using\s+(?!var\b)(static\s+)?[\w.]+(\s*=\s*[\w.]+)?\s*;")]
    private static partial Regex UsingDirective();
}
