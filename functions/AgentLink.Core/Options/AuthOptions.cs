using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AgentLink.Core.Options;

/// <summary>Session tokens. Config keys under AgentLink:Auth.</summary>
public sealed class AuthOptions
{
    public const string Section = "AgentLink:Auth";
    public const int MinSecretLength = 32;

    /// <summary>HMAC key for session tokens; every host of one install must share it.</summary>
    public string SigningSecret { get; set; } = "";

    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(14);

    public string CookieName { get; set; } = "agentlink_session";

    /// <summary>Sign-in attempts allowed per client address per minute.</summary>
    public int LoginAttemptsPerMinute { get; set; } = 10;

    /// <summary>Used outside Production when no secret is configured, so a fresh checkout runs.</summary>
    internal const string DevelopmentSecret = "agentlink-development-only-secret-do-not-use-in-production";
}

/// <summary>Refuses to start in Production without a real signing secret; fills a dev one elsewhere.</summary>
public sealed class AuthOptionsSetup(IHostEnvironment environment) : IPostConfigureOptions<AuthOptions>, IValidateOptions<AuthOptions>
{
    public void PostConfigure(string? name, AuthOptions options)
    {
        // Configuration binding can set null over the default.
        options.SigningSecret ??= "";
        if (string.IsNullOrEmpty(options.SigningSecret) && !environment.IsProduction())
            options.SigningSecret = AuthOptions.DevelopmentSecret;
    }

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        if (options.SigningSecret.Length < AuthOptions.MinSecretLength)
            return ValidateOptionsResult.Fail(
                $"AgentLink:Auth:SigningSecret must be set to at least {AuthOptions.MinSecretLength} characters (environment variable AgentLink__Auth__SigningSecret).");
        if (environment.IsProduction() && options.SigningSecret == AuthOptions.DevelopmentSecret)
            return ValidateOptionsResult.Fail("AgentLink:Auth:SigningSecret is the development default; set a real secret in Production.");
        if (options.SessionLifetime <= TimeSpan.Zero)
            return ValidateOptionsResult.Fail("AgentLink:Auth:SessionLifetime must be positive.");
        return ValidateOptionsResult.Success;
    }
}
