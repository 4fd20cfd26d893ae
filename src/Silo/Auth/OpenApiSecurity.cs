using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace OrleansSessions.Silo.Auth;

/// <summary>Declares the two ways to call the API in the OpenAPI document, so generated clients send them.</summary>
internal static class OpenApiSecurity
{
    public static OpenApiOptions DeclareCredentials(this OpenApiOptions options) => options.AddDocumentTransformer((document, _, _) =>
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[ApiKeyAuthenticationHandler.SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = ApiKeyAuthenticationHandler.Header,
            Description = "A tenant's API key: for backends only.",
        };
        document.Components.SecuritySchemes["UserToken"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A user token from POST /v1/tokens: reaches only that user's sessions.",
        };
        document.Security =
        [
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, document)] = [] },
            new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("UserToken", document)] = [] },
        ];
        return Task.CompletedTask;
    });
}
