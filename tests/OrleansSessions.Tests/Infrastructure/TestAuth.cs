using OrleansSessions.Silo.Auth;

namespace OrleansSessions.Tests.Infrastructure;

/// <summary>The tenant every test silo on an external store is configured with (auth is never off there), and a
/// second tenant for isolation tests.</summary>
public static class TestAuth
{
    public const string Tenant = "test";
    public const string TenantKey = "osk_test_tenant_key_for_the_test_suite_only";
    public const string OtherTenant = "other";
    public const string OtherTenantKey = "osk_other_tenant_key_for_the_test_suite_only";
    public const string AdminKey = "osk_admin_key_for_the_test_suite_only";
    public const string SigningKey = "dGVzdC1zaWduaW5nLWtleS1mb3ItdGhlLXRlc3Qtc3VpdGUtb25seSEhIQ==";

    /// <param name="keyPrefix">The test tenant's key prefix; the other tenant's is beside it.</param>
    public static Dictionary<string, string?> Settings(string? keyPrefix)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"Auth:Tenants:{Tenant}:KeyHashes:0"] = TenantDirectory.Hash(TenantKey),
            [$"Auth:Tenants:{OtherTenant}:KeyHashes:0"] = TenantDirectory.Hash(OtherTenantKey),
            ["Auth:AdminKeyHashes:0"] = TenantDirectory.Hash(AdminKey),
            ["Auth:TokenSigningKey"] = SigningKey,
        };
        if (keyPrefix is not null)
        {
            settings[$"Auth:Tenants:{Tenant}:KeyPrefix"] = keyPrefix;
            settings[$"Auth:Tenants:{OtherTenant}:KeyPrefix"] = keyPrefix + "-other"; // outside the test tenant's digest
        }
        return settings;
    }

    /// <summary>A user token from <c>POST /v1/tokens</c>, minted with the tenant key <paramref name="tenant"/> sends.</summary>
    public static async Task<string> MintUserTokenAsync(HttpClient tenant, string userId)
    {
        var response = await tenant.PostAsync("/v1/tokens", new StringContent($$"""{"userId":"{{userId}}"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!;
    }
}
