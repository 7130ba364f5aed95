namespace AgentLink.Functions.Auth;

public static class Me
{
    private const string Sql = "select id, email, name, kind from users where id = @userId";

    public static async Task<UserView> Handle(ClaimsPrincipal user, NpgsqlDataSource dataSource, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.QuerySingleAsync<UserView>(Sql, new { userId = user.UserId() });
    }
}
