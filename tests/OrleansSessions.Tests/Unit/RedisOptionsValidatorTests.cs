using Microsoft.Extensions.Configuration;
using OrleansSessions.Silo.Redis;

namespace OrleansSessions.Tests;

/// <summary>Bad Redis settings stop the start with a message naming the setting and the cause.</summary>
public sealed class RedisOptionsValidatorTests
{
    private static string Validate(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = configuration.GetSection(RedisOptions.Section).Get<RedisOptions>() ?? new RedisOptions();
        var result = new RedisOptionsValidator(configuration).Validate(null, options);
        return result.Failed ? result.FailureMessage : "";
    }

    private static Dictionary<string, string?> Tls(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?> { ["Redis:ConnectionString"] = "rediss://sessions:pw@redis.internal:6380" };
        foreach (var (key, value) in extra) settings[key] = value;
        return settings;
    }

    [Fact]
    public void A_ca_file_that_does_not_exist_is_named()
    {
        var missing = Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "ca.pem");

        Assert.Contains($"Redis:CaFile: the file '{missing}' does not exist.", Validate(Tls(("Redis:CaFile", missing))), StringComparison.Ordinal);
    }

    [Fact]
    public void A_ca_file_without_a_certificate_is_named()
    {
        var file = Path.GetTempFileName();
        File.WriteAllText(file, "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        try
        {
            Assert.Contains("Redis:CaFile: ", Validate(Tls(("Redis:CaFile", file))), StringComparison.Ordinal);
            Assert.Contains("holds no PEM certificate", Validate(Tls(("Redis:CaFile", file))), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void A_ca_file_without_tls_a_client_certificate_without_its_key_and_sentinels_without_a_service_are_each_named()
    {
        var errors = Validate(new()
        {
            ["Redis:ConnectionString"] = "user=sessions,password=pw",
            ["Redis:CaFile"] = "/nowhere/ca.pem",
            ["Redis:ClientCertificatePath"] = "/nowhere/client.pem",
            ["Redis:Sentinel:Endpoints:0"] = "s1:26379",
        });

        Assert.Contains("Redis:Sentinel:Endpoints is set but Redis:Sentinel:ServiceName is not", errors, StringComparison.Ordinal);
        Assert.Contains("Redis:ClientCertificatePath and Redis:ClientKeyPath go together", errors, StringComparison.Ordinal);
        Assert.Contains("Redis:CaFile: the file '/nowhere/ca.pem' does not exist.", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void Sentinel_settings_with_hosts_in_the_connection_string_too_are_refused()
    {
        var errors = Validate(new()
        {
            ["Redis:ConnectionString"] = "redis://:pw@10.0.0.1:6379",
            ["Redis:Sentinel:ServiceName"] = "sessions-primary",
            ["Redis:Sentinel:Endpoints:0"] = "s1",
        });

        Assert.Contains("may then hold only options", errors, StringComparison.Ordinal);
    }

    [Fact]
    public void The_embedded_store_and_good_settings_pass()
    {
        Assert.Equal("", Validate([]));
        Assert.Equal("", Validate(Tls()));
        Assert.Equal("", Validate(new()
        {
            ["Redis:ConnectionString"] = "user=sessions,password=pw",
            ["Redis:Sentinel:ServiceName"] = "sessions-primary",
            ["Redis:Sentinel:Endpoints:0"] = "s1:26380",
            ["Redis:Sentinel:Endpoints:1"] = "s2",
        }));
    }

    [Fact]
    public void A_silo_on_sentinels_alone_is_on_an_external_store_and_needs_tenants()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:Sentinel:ServiceName"] = "sessions-primary",
            ["Redis:Sentinel:Endpoints"] = "s1",
        }).Build();

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => new OrleansSessions.Silo.Auth.TenantDirectory(
            Microsoft.Extensions.Options.Options.Create(new OrleansSessions.Silo.Auth.AuthOptions()),
            Microsoft.Extensions.Options.Options.Create(new OrleansSessions.Grains.Storage.SessionStoreOptions()), configuration));

        Assert.Contains("a silo on an external Redis needs Auth:Tenants", error.Message, StringComparison.Ordinal);
    }
}
