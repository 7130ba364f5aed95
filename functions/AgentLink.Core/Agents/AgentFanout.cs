using AgentLink.Core.Data;
using System.Data;
using Dapper;

namespace AgentLink.Core.Agents;

/// <summary>An agent a new message is addressed to, and why ("dm" or "mention").</summary>
public sealed record AgentRecipient(Guid UserId, string Reason);

/// <summary>
/// Which agents hear of a new message: the agent of a DM and mentioned agents get it in
/// their inbox; a channel with agent members also gets it on its channel topic. Read
/// before the write, on the caller's connection; empty (and free) where no agent is.
/// </summary>
public sealed record AgentFanout(IReadOnlyList<AgentRecipient> Inbox, bool ChannelFeed)
{
    public static readonly AgentFanout None = new([], false);

    public bool IsEmpty => Inbox.Count == 0 && !ChannelFeed;

    // The author is left out: an agent never receives its own posts.
    private const string AgentMembersSql = """
        select ra.user_id from channel_members cm join remote_agents ra on ra.user_id = cm.user_id
        where cm.channel_id = @channelId and cm.workspace_id = @workspaceId and cm.user_id <> @authorId
        """;

    public static async Task<AgentFanout> ForPostAsync(
        IDbConnection conn, Guid workspaceId, Guid channelId, bool isDm, Guid authorId, Guid[] mentions, CancellationToken ct, IDbTransaction? tx = null)
    {
        var agents = (await conn.QueryAsync<Guid>(Cmd.For(AgentMembersSql, new { workspaceId, channelId, authorId }, ct, tx))).ToArray();
        return From(agents, isDm, mentions);
    }

    /// <summary>From the channel's agent members other than the author.</summary>
    public static AgentFanout From(Guid[] agentMembers, bool isDm, Guid[] mentions)
    {
        if (agentMembers.Length == 0) return None;
        // A DM is private to its two members: it goes to the agent's inbox only, never to a channel topic.
        if (isDm) return new AgentFanout(agentMembers.Select(a => new AgentRecipient(a, "dm")).ToList(), false);
        return new AgentFanout(agentMembers.Where(mentions.Contains).Select(a => new AgentRecipient(a, "mention")).ToList(), true);
    }
}
