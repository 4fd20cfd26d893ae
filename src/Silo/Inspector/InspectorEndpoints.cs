using System.Reflection;
using OrleansSessions.Silo.Auth;

namespace OrleansSessions.Silo.Inspector;

/// <summary>
/// <c>GET /inspector</c>: a page to browse a user's conversations and read one as a transcript, live. It holds no
/// data itself: it calls the API with the user token (or key) it is given, so it shows exactly what that caller
/// may see. On in Development and with auth off (the embedded development store); elsewhere only when
/// Inspector:Enabled is true.
/// </summary>
internal static class InspectorEndpoints
{
    private const string Policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static void MapInspector(this WebApplication app)
    {
        var developmentDefault = app.Environment.IsDevelopment() || !app.Services.GetRequiredService<TenantDirectory>().Enabled;
        if (!(app.Configuration.GetValue<bool?>("Inspector:Enabled") ?? developmentDefault)) return;
        var inspector = app.MapGroup("/inspector").AllowAnonymous().DisableRateLimiting().ExcludeFromDescription();
        inspector.MapGet("", () => Page("inspector.html", "text/html; charset=utf-8"));
        inspector.MapGet("/inspector.js", () => Page("inspector.js", "text/javascript; charset=utf-8"));
        inspector.MapGet("/inspector.css", () => Page("inspector.css", "text/css; charset=utf-8"));
    }

    private static IResult Page(string name, string contentType) => new PageResult(Read(name), contentType);

    private static string Read(string name)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"OrleansSessions.Silo.Inspector.{name}")
            ?? throw new InvalidOperationException($"The inspector's {name} is not embedded.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private sealed class PageResult(string content, string contentType) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.Headers.ContentSecurityPolicy = Policy;
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers.CacheControl = "no-store";
            context.Response.ContentType = contentType;
            return context.Response.WriteAsync(content);
        }
    }
}
