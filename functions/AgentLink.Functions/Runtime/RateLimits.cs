using AgentLink.Core.Limits;
using AgentLink.Core.Options;
using Microsoft.Extensions.Options;

namespace AgentLink.Functions.Runtime;

/// <summary>The named rate-limit policies functions declare with [RateLimit] (numbers: AgentLink:RateLimits).</summary>
public static class RateLimitPolicies
{
    /// <summary>Sign-in: per client address (AgentLink:Auth:LoginAttemptsPerMinute); Login adds a per-account limit.</summary>
    public const string SignIn = "sign-in";

    /// <summary>New accounts, per client address.</summary>
    public const string SignUp = "sign-up";

    /// <summary>Agent registrations, per client address.</summary>
    public const string AgentRegistration = "agent-registration";

    /// <summary>Posting and editing messages, per person.</summary>
    public const string Posting = "posting";

    /// <summary>Typing signals, per person.</summary>
    public const string Typing = "typing";

    /// <summary>The broker auth hooks, per address.</summary>
    public const string BrokerHooks = "broker-hooks";
}

/// <summary>Applies the declared policies: per client address before authentication, per person after it.</summary>
public sealed class FunctionRateLimiter(WindowLimiter limiter, IOptions<AuthOptions> auth, IOptions<RateLimitOptions> limits)
{
    public enum Partition { ClientAddress, Caller }

    private sealed record Rule(int Permits, TimeSpan Window, Partition Partition);

    private Rule RuleFor(string policy)
    {
        var l = limits.Value;
        return policy switch
        {
            RateLimitPolicies.SignIn => new(auth.Value.LoginAttemptsPerMinute, TimeSpan.FromMinutes(1), Partition.ClientAddress),
            RateLimitPolicies.SignUp => new(l.SignupsPerHour, TimeSpan.FromHours(1), Partition.ClientAddress),
            RateLimitPolicies.AgentRegistration => new(l.AgentRegistrationsPerHour, TimeSpan.FromHours(1), Partition.ClientAddress),
            RateLimitPolicies.Posting => new(l.MessagesPerMinute, TimeSpan.FromMinutes(1), Partition.Caller),
            RateLimitPolicies.Typing => new(l.TypingPerMinute, TimeSpan.FromMinutes(1), Partition.Caller),
            RateLimitPolicies.BrokerHooks => new(l.BrokerHooksPerMinute, TimeSpan.FromMinutes(1), Partition.ClientAddress),
            _ => throw new InvalidOperationException($"Unknown rate-limit policy '{policy}'."),
        };
    }

    public Partition PartitionOf(string policy) => RuleFor(policy).Partition;

    /// <summary>Null when the call may go ahead; otherwise how long until the window resets.</summary>
    public ValueTask<TimeSpan?> TryAcquireAsync(HttpContext http, string policy)
    {
        var rule = RuleFor(policy);
        var partition = rule.Partition == Partition.ClientAddress
            ? http.Connection.RemoteIpAddress?.ToString() ?? "unknown"
            : http.User.FindFirstValue(CurrentUser.UserIdClaim) ?? http.User.FindFirstValue(AgentKeyAuthenticationHandler.RegistrationClaim) ?? "anonymous";
        return limiter.TryAcquireAsync(policy, partition, rule.Permits, rule.Window);
    }
}
