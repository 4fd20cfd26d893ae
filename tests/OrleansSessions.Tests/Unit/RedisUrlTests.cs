using Microsoft.Extensions.Configuration;
using OrleansSessions.Silo.Redis;
using StackExchange.Redis;

namespace OrleansSessions.Tests;

/// <summary>The Redis URL forms: user and password kept and percent-decoded, TLS, database, sentinels; bad forms refused
/// with a message that shows the right one.</summary>
public sealed class RedisUrlTests
{
    private static string Endpoints(ConfigurationOptions options) => string.Join(",", options.EndPoints.Select(EndPointCollection.ToString));

    [Fact]
    public void A_rediss_url_keeps_the_user_decodes_user_and_password_and_checks_the_host_name()
    {
        var options = RedisUrl.Parse("rediss://ses%40sions:p%40ss%3Aw%25rd@redis.example:6380/3");

        Assert.Equal("ses@sions", options.User);
        Assert.Equal("p@ss:w%rd", options.Password);
        Assert.True(options.Ssl);
        Assert.Equal("redis.example", options.SslHost);
        Assert.Equal("redis.example:6380", Endpoints(options));
        Assert.Equal(3, options.DefaultDatabase);
    }

    [Fact]
    public void A_redis_url_with_a_password_alone_and_no_port_is_plain_on_6379()
    {
        var options = RedisUrl.Parse("redis://:secret@10.0.0.5");

        Assert.Null(options.User);
        Assert.Equal("secret", options.Password);
        Assert.False(options.Ssl);
        Assert.Equal("10.0.0.5:6379", Endpoints(options));
        Assert.Null(options.DefaultDatabase);
    }

    [Fact]
    public void A_sentinel_url_names_every_sentinel_the_service_and_the_database()
    {
        var options = RedisUrl.Parse("redis+sentinel://sessions:pw@s1:26380,s2,[::1]:26381/mymaster/2");

        Assert.Equal("mymaster", options.ServiceName);
        Assert.Equal(3, options.EndPoints.Count);
        Assert.Equal("s1:26380,s2:26379", string.Join(",", options.EndPoints.Take(2).Select(EndPointCollection.ToString)));
        Assert.Equal(26381, ((System.Net.IPEndPoint)options.EndPoints[2]).Port);
        Assert.Equal(("sessions", "pw"), (options.User, options.Password));
        Assert.Equal(2, options.DefaultDatabase);
    }

    [Fact]
    public void Sentinel_settings_give_the_sentinels_and_their_own_credentials()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = "user=sessions,password=pw",
            ["Redis:Sentinel:ServiceName"] = "mymaster",
            ["Redis:Sentinel:Endpoints"] = "s1:26380, s2",
            ["Redis:Sentinel:Password"] = "sentinel-pw",
        }).Build();
        var settings = configuration.GetSection("Redis").Get<RedisOptions>()!;

        var options = RedisConfiguration.Build(settings, configuration);

        Assert.Equal("mymaster", options.ServiceName);
        Assert.Equal("s1:26380,s2:26379", Endpoints(options));
        Assert.Equal(("sessions", "pw", "sentinel-pw"), (options.User, options.Password, options.SentinelPassword));
    }

    [Fact]
    public void A_configuration_string_is_read_as_stackexchange_redis_reads_it()
    {
        var options = RedisUrl.Parse("127.0.0.1:7000,user=u,password=p,ssl=true");

        Assert.Equal(("u", "p", true), (options.User, options.Password, options.Ssl));
        Assert.Equal("127.0.0.1:7000", Endpoints(options));
    }

    [Theory]
    [InlineData("http://host", "scheme 'http' is not redis://, rediss:// or redis+sentinel://")]
    [InlineData("redis://user@host", "credentials must be user:password or :password")]
    [InlineData("redis://:100%@host", "'%' that is not a percent-escape")]
    [InlineData("redis://host/abc", "path must be a database number, not 'abc'")]
    [InlineData("redis://host:0", "port '0' is not a number from 1 to 65535")]
    [InlineData("redis://host:x", "port 'x' is not a number")]
    [InlineData("redis://", "names no host")]
    [InlineData("redis://a,b", "names one host")]
    [InlineData("redis://host?ssl=true", "takes no query")]
    [InlineData("redis+sentinel://s1,s2", "names the service after the hosts; its form is redis+sentinel://")]
    [InlineData("redis+sentinel://s1/svc/1/2", "path is at most a database number")]
    public void A_bad_url_is_refused_with_the_right_form(string url, string message)
    {
        var error = Assert.Throws<FormatException>(() => RedisUrl.Parse(url));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
