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
        services.AddAuthentication(SessionAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(SessionAuthenticationHandler.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, AgentKeyAuthenticationHandler>(AgentKeyAuthenticationHandler.SchemeName, null);
        // Agent routes authenticate by API key only: a browser session never acts as an agent, nor a key as a person.
        services.AddAuthorization(o => o.AddPolicy(AgentKeyAuthenticationHandler.PolicyName, p => p
            .AddAuthenticationSchemes(AgentKeyAuthenticationHandler.SchemeName)
            .RequireAuthenticatedUser()));
        return services;
    }
}
