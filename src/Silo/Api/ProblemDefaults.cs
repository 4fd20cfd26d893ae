
namespace OrleansSessions.Silo.Api;

/// <summary>Fills in the field of problems the framework raises itself (no such route, wrong method, not JSON),
/// so every 4xx says what was wrong.</summary>
internal static class ProblemDefaults
{
    public static void NameTheField(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey("field")) return;
        (string Field, string Detail)? described = problem.Status switch
        {
            StatusCodes.Status404NotFound => ("path", "No resource has this path."),
            StatusCodes.Status405MethodNotAllowed => ("method", $"{context.HttpContext.Request.Method} is not allowed on this path."),
            StatusCodes.Status415UnsupportedMediaType => ("Content-Type", "The body must be JSON (Content-Type: application/json)."),
            _ => null,
        };
        if (described is not { } d) return;
        problem.Extensions["field"] = d.Field;
        problem.Detail ??= d.Detail;
    }
}
