using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace AgentLink.Core.Http;

/// <summary>Builds ProblemDetails responses that always carry a stable <see cref="ErrorCodes"/> code.</summary>
public static class ApiProblem
{
    public static ProblemHttpResult Of(int status, string code, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, extensions: new Dictionary<string, object?> { ["code"] = code });

    public static ProblemHttpResult NotFound(string code, string what) => Of(StatusCodes.Status404NotFound, code, $"{what} not found.");

    public static ProblemHttpResult Forbidden(string code, string detail) => Of(StatusCodes.Status403Forbidden, code, detail);

    public static ProblemHttpResult Conflict(string code, string detail) => Of(StatusCodes.Status409Conflict, code, detail);

    public static ProblemHttpResult BadRequest(string code, string detail) => Of(StatusCodes.Status400BadRequest, code, detail);

    public static ValidationProblem Invalid(IDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, detail: "One or more fields are invalid.",
            extensions: new Dictionary<string, object?> { ["code"] = ErrorCodes.ValidationFailed });

    /// <summary>A NUL character or an unpaired surrogate (text the database cannot store) in a field, query or route value.</summary>
    public static ValidationProblem InvalidText(string field) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = ["Must not contain NUL (\\u0000) characters or unpaired surrogates."] },
            detail: $"{field} contains a NUL (\\u0000) character or an unpaired surrogate, which cannot be stored.",
            extensions: new Dictionary<string, object?> { ["code"] = ErrorCodes.InvalidText });

    public static ValidationProblem Invalid(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] });

    /// <summary>Writes a problem outside an endpoint (auth challenges, middleware).</summary>
    public static async Task Write(HttpContext context, int status, string code, string detail)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetails { Status = status, Detail = detail, Extensions = { ["code"] = code } };
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        // The standard writer declines when the client accepts only text/event-stream (EventSource); answer in JSON anyway.
        if (!await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
            await context.Response.WriteAsJsonAsync(problem, (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
    }
}
