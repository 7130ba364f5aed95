namespace AgentLink.Functions.Common;

public static class Roles
{
    public const string Owner = "owner";
    public const string Admin = "admin";
    public const string Member = "member";
    public const string Viewer = "viewer";

    /// <summary>Roles an invite or a role change may grant; ownership is never handed out this way.</summary>
    public static readonly string[] Grantable = [Admin, Member, Viewer];

    public static bool IsAdmin(string role) => role is Owner or Admin;

    public static bool CanWrite(string role) => role is not Viewer;
}
