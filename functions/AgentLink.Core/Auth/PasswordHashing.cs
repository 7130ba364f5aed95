using Microsoft.AspNetCore.Identity;

namespace AgentLink.Core.Auth;

/// <summary>PBKDF2 (HMAC-SHA512, salted, iterated) through ASP.NET Core Identity's hasher format.</summary>
public static class PasswordHashing
{
    private sealed class Account;

    private static readonly PasswordHasher<Account> Hasher = new();
    private static readonly Account Anyone = new();

    public static string Hash(string password) => Hasher.HashPassword(Anyone, password);

    public static bool Verify(string hash, string password) =>
        Hasher.VerifyHashedPassword(Anyone, hash, password) != PasswordVerificationResult.Failed;

    /// <summary>A real hash to verify against when the email is unknown, so timing does not reveal accounts.</summary>
    public static readonly string DecoyHash = Hash(Guid.NewGuid().ToString());
}
