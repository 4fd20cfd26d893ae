using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansSessions.Silo.Auth;

namespace OrleansSessions.Tests;

/// <summary>Cors:Origins: a list in one value or an array, both read; a malformed origin stops the silo before it starts.</summary>
public sealed class BrowserCorsSettingsTests
{
    private static IReadOnlyList<string> Read(Dictionary<string, string?> settings)
    {
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddBrowserCors()
            .BuildServiceProvider();
        return services.GetRequiredService<IOptions<BrowserCorsSettings>>().Value.Origins;
    }

    [Fact]
    public void One_value_holds_a_list_separated_by_commas_or_spaces_and_the_array_form_still_works()
    {
        Assert.Equal(["http://localhost:5173"], Read(new() { ["Cors:Origins"] = "http://localhost:5173" }));
        Assert.Equal(["https://a.example", "https://b.example:8443", "http://localhost:5173"],
            Read(new() { ["Cors:Origins"] = "https://a.example, https://b.example:8443 http://localhost:5173" }));
        Assert.Equal(["https://a.example", "https://b.example"],
            Read(new() { ["Cors:Origins:0"] = "https://a.example", ["Cors:Origins:1"] = "https://b.example" }));
        Assert.Empty(Read([]));
    }

    [Theory]
    [InlineData("https://app.example/")]
    [InlineData("https://app.example/path")]
    [InlineData("app.example")]
    [InlineData("ftp://app.example")]
    [InlineData("https://app.example?x=1")]
    [InlineData("*")]
    public void A_malformed_origin_is_refused_naming_the_setting_and_the_value(string origin)
    {
        var refused = Assert.Throws<OptionsValidationException>(() => Read(new() { ["Cors:Origins"] = $"https://ok.example,{origin}" }));
        Assert.Contains("Cors:Origins", refused.Message);
        Assert.Contains($"'{origin}'", refused.Message);
        Assert.DoesNotContain("'https://ok.example'", refused.Message);
    }
}
