using System.Net;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Messages;

/// <summary>
/// A write carries the caller's rights in its own WHERE: when they change after the request
/// checked them and before it writes, the write changes nothing. The request is paused between
/// its check and its write by holding the workspace row lock (it waits there for a sequence number).
/// </summary>
public sealed class WriteRightsTests(RedisStackFixture fixture) : IClassFixture<RedisStackFixture>
{
    private AppStack Stack => fixture.Stack;

    [Fact]
    public async Task An_author_removed_from_the_workspace_while_their_edit_waits_cannot_complete_it()
    {
        var team = await Scenario.TeamAsync(Stack);
        var member = await Scenario.JoinAsync(Stack, team, "Mallory");
        var messageId = (await member.PostMessageAsync(team.GeneralId, "original")).GetProperty("id").GetGuid();

        await using var hold = await WorkspaceRowLock.HoldAsync(Stack.Database, team.WorkspaceId);
        var edit = member.TryAsync(HttpMethod.Patch, $"/api/v1/messages/{messageId}", new { text = "defaced" });
        await hold.WaitForWaiterAsync();
        // Removed while the edit waits between its check and its write.
        await Stack.ExecuteAsync("""
            delete from channel_members where workspace_id = @w and user_id = @u;
            delete from memberships where workspace_id = @w and user_id = @u;
            """, new { w = team.WorkspaceId, u = member.UserId });
        await hold.ReleaseAsync();

        var (status, problem) = await edit;
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("message_not_found", problem.GetProperty("code").GetString());
        Assert.Equal("original", await Stack.ScalarAsync<string>("select text from channel_messages where id = @messageId", new { messageId }));
    }

    [Fact]
    public async Task An_admin_demoted_while_their_delete_of_someone_elses_message_waits_cannot_complete_it()
    {
        var team = await Scenario.TeamAsync(Stack);
        var admin = await Scenario.JoinAsync(Stack, team, "Adam", "admin");
        var messageId = (await team.Owner.PostMessageAsync(team.GeneralId, "keep me")).GetProperty("id").GetGuid();

        await using var hold = await WorkspaceRowLock.HoldAsync(Stack.Database, team.WorkspaceId);
        var delete = admin.TryAsync(HttpMethod.Delete, $"/api/v1/messages/{messageId}");
        await hold.WaitForWaiterAsync();
        await Stack.ExecuteAsync("update memberships set role = 'member' where workspace_id = @w and user_id = @u",
            new { w = team.WorkspaceId, u = admin.UserId });
        await hold.ReleaseAsync();

        var (status, problem) = await delete;
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("forbidden", problem.GetProperty("code").GetString());
        Assert.Equal("keep me", await Stack.ScalarAsync<string>("select text from channel_messages where id = @messageId and deleted_at is null", new { messageId }));
    }

    [Fact]
    public async Task A_member_turned_viewer_while_their_reaction_waits_adds_no_reaction()
    {
        var team = await Scenario.TeamAsync(Stack);
        var member = await Scenario.JoinAsync(Stack, team, "Rita");
        var messageId = (await team.Owner.PostMessageAsync(team.GeneralId, "react to me")).GetProperty("id").GetGuid();

        await using var hold = await WorkspaceRowLock.HoldAsync(Stack.Database, team.WorkspaceId);
        var react = member.TryAsync(HttpMethod.Post, $"/api/v1/messages/{messageId}/reactions", new { emoji = "👍" });
        await hold.WaitForWaiterAsync();
        await Stack.ExecuteAsync("update memberships set role = 'viewer' where workspace_id = @w and user_id = @u",
            new { w = team.WorkspaceId, u = member.UserId });
        await hold.ReleaseAsync();

        var (status, problem) = await react;
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("role_too_low", problem.GetProperty("code").GetString());
        Assert.Equal(0, await Stack.ScalarAsync<long>("select count(*) from message_reactions where message_id = @messageId", new { messageId }));
    }
}
