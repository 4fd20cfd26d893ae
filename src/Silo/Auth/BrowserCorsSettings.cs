namespace OrleansSessions.Silo.Auth;

/// <summary>The web frontends whose pages may call the silo (section "Cors"). Bound by
/// <see cref="BrowserCors.AddBrowserCors"/> and checked by <see cref="BrowserCorsSettingsValidator"/>.</summary>
internal sealed class BrowserCorsSettings
{
    public const string Section = "Cors";

    /// <summary>Origins such as "https://app.example", from <c>Cors:Origins</c> as one value (a list separated by
    /// commas or spaces: <c>Cors__Origins=https://a.example,https://b.example</c>) and as an array
    /// (<c>Cors__Origins__0</c>, …), both read.</summary>
    public IReadOnlyList<string> Origins { get; set; } = [];

    private static readonly char[] Separators = [',', ';', ' ', '\t', '\r', '\n'];

    public static IReadOnlyList<string> ReadOrigins(IConfiguration configuration)
    {
        var origins = configuration.GetSection(Section + ":Origins");
        return [.. new[] { origins.Value }.Concat(origins.GetChildren().Select(c => c.Value))
            .SelectMany(value => (value ?? "").Split(Separators, StringSplitOptions.RemoveEmptyEntries))
            .Distinct(StringComparer.Ordinal)];
    }
}
