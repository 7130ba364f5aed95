using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AgentLink.Core.Http;

public static class ProblemDetailsDefaults
{
    /// <summary>
    /// Every error response is a ProblemDetails with a code, including the ones
    /// the framework writes itself (bad JSON, empty body, 404 routes, 413, 415).
    /// </summary>
    public static IServiceCollection AddAgentLinkProblemDetails(this IServiceCollection services) =>
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            problem.Extensions.Remove("traceId");
            if (problem.Extensions.ContainsKey("code")) return;
            var (code, detail) = Describe(context.Exception, problem.Status ?? context.HttpContext.Response.StatusCode);
            problem.Extensions["code"] = code;
            problem.Detail ??= detail;
        });

    /// <summary>The stable code (and a detail in the caller's terms) for a framework error or a bare status.</summary>
    public static (string Code, string? Detail) Describe(Exception? exception, int status)
    {
        if (exception is BadHttpRequestException bad)
        {
            if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge) return (ErrorCodes.PayloadTooLarge, "The request body is too large.");
            if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType) return (ErrorCodes.UnsupportedMediaType, "Send application/json.");
            // Say what is wrong in the caller's terms, without our internal type names.
            if (bad.InnerException is JsonException json)
                return (ErrorCodes.InvalidJson, json.Path is { Length: > 1 } path
                    ? $"The body is not valid JSON for this request: {path} has the wrong type or format."
                    : "The body is not valid JSON.");
            if (bad.Message.Contains("no body was provided", StringComparison.Ordinal))
                return (ErrorCodes.InvalidRequest, "A JSON body is required.");
            if (bad.Message.StartsWith("Failed to bind parameter", StringComparison.Ordinal))
                return (ErrorCodes.InvalidRequest, "A query or route value has the wrong format.");
            return (ErrorCodes.InvalidRequest, "The request could not be read.");
        }
        return status switch
        {
            StatusCodes.Status400BadRequest => (ErrorCodes.InvalidRequest, null),
            StatusCodes.Status401Unauthorized => (ErrorCodes.Unauthenticated, "Sign in first."),
            StatusCodes.Status403Forbidden => (ErrorCodes.Forbidden, null),
            StatusCodes.Status404NotFound => (ErrorCodes.NotFound, "No such resource."),
            StatusCodes.Status405MethodNotAllowed => (ErrorCodes.MethodNotAllowed, null),
            StatusCodes.Status413PayloadTooLarge => (ErrorCodes.PayloadTooLarge, "The request body is too large."),
            StatusCodes.Status415UnsupportedMediaType => (ErrorCodes.UnsupportedMediaType, "Send application/json."),
            StatusCodes.Status429TooManyRequests => (ErrorCodes.RateLimited, "Too many attempts; wait a minute."),
            // The web app's /api proxy answers these when the functions host cannot be reached.
            StatusCodes.Status502BadGateway or StatusCodes.Status503ServiceUnavailable or StatusCodes.Status504GatewayTimeout =>
                (ErrorCodes.Unavailable, "The service is briefly unavailable; try again in a few seconds."),
            >= 500 => (ErrorCodes.InternalError, "Something went wrong on our side."),
            _ => (ErrorCodes.InvalidRequest, null),
        };
    }
}
