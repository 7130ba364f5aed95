using System.Threading.RateLimiting;
using AgentLink.Core.Options;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Auth;

public static class AuthApi
{
    public const string LoginRateLimit = "login";

    public static RouteGroupBuilder MapAuthApi(this RouteGroupBuilder v1)
    {
        var auth = v1.MapGroup("/auth").WithTags("Auth");
        auth.MapPost("/signup", Signup.Handle);
        auth.MapPost("/login", Login.Handle).RequireRateLimiting(LoginRateLimit);
        auth.MapPost("/logout", Logout.Handle).RequireAuthorization();
        v1.MapGet("/me", Me.Handle).RequireAuthorization().WithTags("Auth");
        return v1;
    }

    /// <summary>Sign-in attempts per client address per minute (AgentLink:Auth:LoginAttemptsPerMinute).</summary>
    public static IServiceCollection AddLoginRateLimit(this IServiceCollection services) =>
        services.AddRateLimiter(options =>
        {
            options.OnRejected = (context, _) => new ValueTask(ApiProblem.Write(
                context.HttpContext, StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited, "Too many sign-in attempts; wait a minute."));
            options.AddPolicy(LoginRateLimit, http =>
            {
                var limit = http.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.LoginAttemptsPerMinute;
                var client = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                return RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limit,
                    Window = TimeSpan.FromMinutes(1),
                    QueueLimit = 0,
                });
            });
        });
}
