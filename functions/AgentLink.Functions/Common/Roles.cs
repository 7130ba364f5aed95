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

    /// <summary>Orders roles for "at least" checks: viewer 0, member 1, admin 2, owner 3; anything else -1.</summary>
    public static int Rank(string role) => role switch
    {
        Viewer => 0,
        Member => 1,
        Admin => 2,
        Owner => 3,
        _ => -1,
    };
}
