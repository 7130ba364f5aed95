using System.Security.Claims;

namespace AgentLink.Core.Auth;

public static class CurrentUser
{
    public const string UserIdClaim = "sub";
    public const string SessionIdClaim = "sid";
    public const string NameClaim = "name";

    /// <summary>The signed-in user's id; identity always comes from the session, never from a body.</summary>
    public static Guid UserId(this ClaimsPrincipal principal) =>
        Guid.Parse(principal.FindFirstValue(UserIdClaim) ?? throw new InvalidOperationException("No signed-in user."));

    public static Guid SessionId(this ClaimsPrincipal principal) =>
        Guid.Parse(principal.FindFirstValue(SessionIdClaim) ?? throw new InvalidOperationException("No session."));

    public static string DisplayName(this ClaimsPrincipal principal) => principal.FindFirstValue(NameClaim) ?? "";
}
