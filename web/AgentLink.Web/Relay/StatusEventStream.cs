using Dapper;
using System.Security.Claims;
using System.Threading.Channels;
using AgentLink.Core.Auth;
using AgentLink.Core.Data;
using AgentLink.Core.Events;
using AgentLink.Core.Http;
using AgentLink.Web.Presence;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentLink.Web.Relay;

/// <summary>
/// GET /events/status?workspaceId= : presence. Opens with a snapshot of who is
/// online (people) and every agent's status, then each change (people and agents). Holding this stream open is what makes the user
/// online. Ids count up per stream; a reconnect gets a fresh snapshot.
/// </summary>
public static class StatusEventStream
{
    private const string AgentsSql = "select user_id, status, last_seen from remote_agents where workspace_id = @workspaceId";

    public sealed record AgentPresence(Guid UserId, string Status, DateTime? LastSeen);

    /// <summary>Agents' presence is kept by the MQTT bridge in the database; the snapshot reads it there.</summary>
    private static async Task<IEnumerable<AgentPresence>> AgentsAsync(NpgsqlDataSource dataSource, Guid workspaceId, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return await conn.QueryAsync<AgentPresence>(Cmd.For(AgentsSql, new { workspaceId }, ct));
    }

    public static async Task Handle(
        HttpContext http, Guid? workspaceId, ClaimsPrincipal user, NpgsqlDataSource dataSource,
        WorkspaceTopicHub hub, PresenceTracker presence, SessionStreams sessions, IOptions<WebOptions> options)
    {
        // Ends with the request, or with the session (signed out anywhere).
        using var watch = sessions.Open(user.SessionId(), http.RequestAborted);
        var ct = watch.Token;
        var userId = user.UserId();
        if (await StreamLimit.RefuseAsync(http, userId)) return;
        if (!await Membership.IsWorkspaceMemberAsync(dataSource, workspaceId, userId, ct))
        {
            await ApiProblem.Write(http, StatusCodes.Status404NotFound, ErrorCodes.WorkspaceNotFound, "Workspace not found.");
            return;
        }
        var wid = workspaceId!.Value;
        var queue = Channel.CreateBounded<RelayedEvent>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
        await using var lease = await hub.ListenAsync(BusTopics.WorkspaceStatus(wid), wid, WorkspaceTopicHub.TopicKind.Status, e => queue.Writer.TryWrite(e), ct);
        // Registered before the response starts: once a client has the headers, it counts as online.
        await presence.ConnectAsync(wid, userId);
        try
        {
            var writer = await SseWriter.StartAsync(http);
            long id = 0;
            async Task<string> SnapshotAsync()
            {
                var online = await presence.OnlineAsync(wid);
                var agents = await AgentsAsync(dataSource, wid, ct);
                return new WorkspaceEvent(wid, null, "presence.snapshot", null, null, WorkspaceEvent.ToData(new { online, agents })).ToJson();
            }
            await writer.EventAsync((++id).ToString(), await SnapshotAsync(), ct);

            var heartbeat = TimeSpan.FromSeconds(options.Value.HeartbeatSeconds);
            while (!ct.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(heartbeat);
                try
                {
                    if (!await queue.Reader.WaitToReadAsync(wait.Token)) break;
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await writer.HeartbeatAsync(ct);
                    continue;
                }
                while (queue.Reader.TryRead(out var e))
                {
                    // Changes were lost while the bus was away: send the whole picture again.
                    var json = e.Event.Type == WorkspaceTopicHub.ResyncType ? await SnapshotAsync() : e.Json;
                    writer.Write(SseWriter.Frame((++id).ToString(), json));
                }
                await writer.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The browser went away, or the session ended.
        }
        finally
        {
            await presence.DisconnectAsync(wid, userId);
        }
        if (watch.SessionEnded && http.Response.HasStarted) await SessionEnded.TellAsync(new SseWriter(http.Response), http);
    }
}
