using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AgentLink.Functions.Platform;

public sealed class CheckHealth(HealthCheckService health)
{
    public sealed record Report(string Status, IReadOnlyDictionary<string, string> Checks);

    /// <summary>Liveness: the functions app answers.</summary>
    [Function("HealthLive")]
    [Caller(Caller.Anyone)]
    public Ok<Report> Live(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health/live")] HttpRequest req) =>
        TypedResults.Ok(new Report("Healthy", new Dictionary<string, string>()));

    /// <summary>Readiness: PostgreSQL (and Redis, when configured) answer. 503 while one does not.</summary>
    [Function("HealthReady")]
    [Caller(Caller.Anyone)]
    public async Task<Results<Ok<Report>, JsonHttpResult<Report>>> Ready(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "health/ready")] HttpRequest req)
    {
        var result = await health.CheckHealthAsync(c => c.Tags.Contains("ready"), req.HttpContext.RequestAborted);
        var report = new Report(result.Status.ToString(), result.Entries.ToDictionary(e => e.Key, e => e.Value.Status.ToString()));
        return result.Status == HealthStatus.Unhealthy
            ? TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable)
            : TypedResults.Ok(report);
    }
}
