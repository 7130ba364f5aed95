using AgentLink.Core.Http;
using AgentLink.Core.Limits;
using AgentLink.Core.Options;
using Microsoft.Extensions.Options;

namespace AgentLink.Web.Relay;

/// <summary>How many live streams one person may open a minute (AgentLink:RateLimits:StreamsPerMinute), across instances.</summary>
public static class StreamLimit
{
    /// <summary>True (and a 429 written) when the person is over the limit.</summary>
    public static async Task<bool> RefuseAsync(HttpContext http, Guid userId)
    {
        var limiter = http.RequestServices.GetRequiredService<WindowLimiter>();
        var perMinute = http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value.StreamsPerMinute;
        if (await limiter.TryAcquireAsync("streams", userId.ToString(), perMinute, TimeSpan.FromMinutes(1)) is not { } wait) return false;
        http.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString();
        await ApiProblem.Write(http, StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited, "Too many live streams opened; wait a little.");
        return true;
    }
}
