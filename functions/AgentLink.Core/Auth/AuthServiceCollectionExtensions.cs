using AgentLink.Core.Options;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentLink.Core.Auth;

public static class AuthServiceCollectionExtensions
{
    public static IServiceCollection AddAgentLinkAuth(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section)).ValidateOnStart();
        services.AddSingleton<AuthOptionsSetup>();
        services.AddSingleton<IPostConfigureOptions<AuthOptions>>(sp => sp.GetRequiredService<AuthOptionsSetup>());
        services.AddSingleton<IValidateOptions<AuthOptions>>(sp => sp.GetRequiredService<AuthOptionsSetup>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<SessionTokens>();
        // No default scheme: ASP.NET Core puts an authentication middleware in front of every app
        // that registers authentication, ahead of the error handler; with a default scheme it would
        // look up a session for every request (a database round trip even where the function then
        // wants an API key, or nothing), and a database outage would escape as a bare 500. Each
        // function's gate and each authorization policy names its scheme instead.
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(SessionAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, AgentKeyAuthenticationHandler>(AgentKeyAuthenticationHandler.SchemeName, null);
        // Agent routes authenticate by API key only: a browser session never acts as an agent, nor a key as a person.
        services.AddAuthorization(o => o.DefaultPolicy = new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder(SessionAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser().Build());
        services.AddAuthorization(o => o.AddPolicy(AgentKeyAuthenticationHandler.PolicyName, p => p
            .AddAuthenticationSchemes(AgentKeyAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()));
        return services;
    }
}
