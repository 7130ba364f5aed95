using System.Security.Claims;
using System.Threading.Channels;
using AgentLink.Core.Auth;
using AgentLink.Core.Data;
using AgentLink.Core.Events;
using AgentLink.Core.Http;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentLink.Web.Relay;

/// <summary>
/// GET /events/channels?workspaceId= : every durable event of the workspace the
/// user may see (messages, edits, deletes, reactions, threads, read state,
/// membership) plus typing. Each durable event's SSE id is its workspace seq.
///
/// Ordering and completeness: the bus subscription starts before the database
/// is read, so nothing falls between replay and live. A seq the relay has not
/// seen (the bus is at-most-once, and publishes of two commits can swap) is
/// fetched from workspace_events before the later event goes out, so a client
/// sees every event once, in seq order.
/// </summary>
public sealed class ChannelEventStream(
    NpgsqlDataSource dataSource, WorkspaceTopicHub hub, SessionStreams sessions, IOptions<WebOptions> options, ILogger<ChannelEventStream> logger)
{
    private const int ReplayPage = 500;

    private const string MembershipSql = """
        select channel_id from channel_members where workspace_id = @workspaceId and user_id = @userId
        """;

    private const string IsMemberSql = "select exists (select 1 from channel_members where channel_id = @channelId and user_id = @userId)";

    public static async Task Handle(HttpContext http, Guid? workspaceId, ClaimsPrincipal user, ChannelEventStream stream) =>
        await stream.RunAsync(http, workspaceId, user);

    private async Task RunAsync(HttpContext http, Guid? workspaceId, ClaimsPrincipal user)
    {
        // Ends with the request, or with the session (signed out anywhere).
        using var watch = sessions.Open(user.SessionId(), http.RequestAborted);
        var ct = watch.Token;
        var userId = user.UserId();
        if (await StreamLimit.RefuseAsync(http, userId)) return;
        if (workspaceId is not { } wid || !await Membership.IsWorkspaceMemberAsync(dataSource, wid, userId, ct))
        {
            await ApiProblem.Write(http, StatusCodes.Status404NotFound, ErrorCodes.WorkspaceNotFound, "Workspace not found.");
            return;
        }

        var queue = Channel.CreateBounded<RelayedEvent>(new BoundedChannelOptions(options.Value.ClientQueueLimit)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.DropWrite,
        });
        var overflowed = false;
        await using var lease = await hub.ListenAsync(BusTopics.WorkspaceEvents(wid), wid, WorkspaceTopicHub.TopicKind.Events, e =>
        {
            // A client this far behind is cut off; it reconnects and catches up from the database.
            if (!queue.Writer.TryWrite(e)) { overflowed = true; queue.Writer.TryComplete(); }
        }, ct);

        var connection = new Connection(wid, userId, await LoadMembershipAsync(wid, userId, ct));
        var writer = await SseWriter.StartAsync(http);
        var current = await WorkspaceEventLog.CurrentSeqAsync(dataSource, wid, ct);
        var resumeFrom = ParseLastEventId(http.Request, current);
        if (resumeFrom < current && !await CanReplayAsync(wid, resumeFrom, current, ct))
        {
            // Too far back (past the retention window, or more than a replay should carry): the page
            // reloads its state instead, and the stream goes on from now.
            await writer.EventAsync(current.ToString(), $$"""{"type":"reset","workspaceId":"{{wid}}","seq":{{current}}}""", ct);
            resumeFrom = current;
        }
        connection.Watermark = resumeFrom;
        // Leaves the watermark at `current`, unless the user was removed during the replay.
        await DeliverRangeAsync(connection, writer, current + 1, ct);
        if (connection.Closed) return;
        await writer.EventAsync(current.ToString(), $$"""{"type":"ready","workspaceId":"{{wid}}","seq":{{current}}}""", ct);

        var heartbeat = TimeSpan.FromSeconds(options.Value.HeartbeatSeconds);
        try
        {
            while (!ct.IsCancellationRequested && !connection.Closed)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(heartbeat);
                bool more;
                try { more = await queue.Reader.WaitToReadAsync(wait.Token); }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await writer.HeartbeatAsync(ct);
                    continue;
                }
                if (!more) break;
                while (!connection.Closed && queue.Reader.TryRead(out var e)) await OnLiveEventAsync(connection, writer, e, ct);
                await writer.FlushAsync(ct);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The browser went away.
        }
        if (overflowed) logger.LogInformation("Closed a slow event stream of user {UserId}; it will resume from its last id", userId);
        if (watch.SessionEnded) await SessionEnded.TellAsync(writer, http);
    }

    private async Task OnLiveEventAsync(Connection c, SseWriter writer, RelayedEvent relayed, CancellationToken ct)
    {
        var e = relayed.Event;
        if (e.Type == WorkspaceTopicHub.ResyncType)
        {
            // The bus lost something: fetch what this stream has not delivered, up to the database's seq.
            if (e.Seq is { } upTo && upTo > c.Watermark) await DeliverRangeAsync(c, writer, upTo + 1, ct);
            return;
        }
        if (e.Seq is not { } seq)
        {
            // Ephemeral (typing): carries the last durable id so a reconnect still resumes correctly.
            if (await IsVisibleAsync(c, e, ct)) writer.Write(SseWriter.Frame(c.Watermark.ToString(), relayed.Json));
            return;
        }
        if (seq <= c.Watermark) return;
        if (seq > c.Watermark + 1) await DeliverRangeAsync(c, writer, seq, ct);
        await DeliverAsync(c, writer, relayed, ct);
        c.Watermark = seq;
    }

    /// <summary>Delivers, from the database, the visible events with Watermark &lt; seq &lt; before.</summary>
    private async Task DeliverRangeAsync(Connection c, SseWriter writer, long before, CancellationToken ct)
    {
        while (c.Watermark < before - 1 && !c.Closed)
        {
            var page = await WorkspaceEventLog.ReadVisibleAsync(dataSource, c.WorkspaceId, c.UserId, c.Watermark, before, ReplayPage, ct);
            foreach (var e in page)
            {
                await DeliverAsync(c, writer, RelayedEvent.From(e), ct);
                c.Watermark = e.Seq!.Value;
            }
            await writer.FlushAsync(ct);
            if (page.Count < ReplayPage) c.Watermark = before - 1;
        }
    }

    private async Task DeliverAsync(Connection c, SseWriter writer, RelayedEvent relayed, CancellationToken ct)
    {
        var e = relayed.Event;
        TrackMembership(c, e);
        if (await IsVisibleAsync(c, e, ct)) writer.Write(relayed.DurableFrame);
        if (e.Type == EventTypes.WorkspaceMemberRemoved && AboutUser(e, c.UserId)) c.Closed = true;
    }

    /// <summary>Keeps the relay's view of the user's channels current from the events themselves.</summary>
    private static void TrackMembership(Connection c, WorkspaceEvent e)
    {
        if (e.ChannelId is not { } channelId || !AboutUser(e, c.UserId)) return;
        if (e.Type == EventTypes.ChannelMemberJoined) c.Channels[channelId] = true;
        else if (e.Type == EventTypes.ChannelMemberLeft) c.Channels[channelId] = false;
    }

    private async Task<bool> IsVisibleAsync(Connection c, WorkspaceEvent e, CancellationToken ct)
    {
        if (e.UserId is { } only) return only == c.UserId;
        if (e.ChannelId is not { } channelId) return true;
        if (c.Channels.TryGetValue(channelId, out var member)) return member;
        // A channel created after the stream opened (a DM, a private channel): ask once, then remember.
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        member = await conn.ExecuteScalarAsync<bool>(Cmd.For(IsMemberSql, new { channelId, userId = c.UserId }, ct));
        c.Channels[channelId] = member;
        return member;
    }

    private static bool AboutUser(WorkspaceEvent e, Guid userId) =>
        e.Data.ValueKind == System.Text.Json.JsonValueKind.Object
        && e.Data.TryGetProperty("userId", out var u) && u.TryGetGuid(out var id) && id == userId;

    private const string OldestSql = "select min(seq) from workspace_events where workspace_id = @workspaceId";

    /// <summary>
    /// Whether the events after <paramref name="after"/> can be replayed: all still kept (retention prunes
    /// old ones, AgentLink:Retention:Events) and not more than AgentLink:Web:MaxReplayEvents of them.
    /// </summary>
    private async Task<bool> CanReplayAsync(Guid workspaceId, long after, long current, CancellationToken ct)
    {
        if (current - after > options.Value.MaxReplayEvents) return false;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        var oldest = await conn.ExecuteScalarAsync<long?>(Cmd.For(OldestSql, new { workspaceId }, ct));
        return oldest is { } first && first <= after + 1;
    }

    private static long ParseLastEventId(HttpRequest request, long current)
    {
        var raw = request.Headers["Last-Event-ID"].ToString();
        if (string.IsNullOrEmpty(raw)) raw = request.Query["lastEventId"].ToString();
        // No id, or one from the future (another install, a reset database): start from now.
        return long.TryParse(raw, out var id) && id >= 0 && id <= current ? id : current;
    }

    private async Task<Dictionary<Guid, bool>> LoadMembershipAsync(Guid workspaceId, Guid userId, CancellationToken ct)
    {
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return (await conn.QueryAsync<Guid>(Cmd.For(MembershipSql, new { workspaceId, userId }, ct))).ToDictionary(id => id, _ => true);
    }

    private sealed class Connection(Guid workspaceId, Guid userId, Dictionary<Guid, bool> channels)
    {
        public Guid WorkspaceId { get; } = workspaceId;
        public Guid UserId { get; } = userId;
        public Dictionary<Guid, bool> Channels { get; } = channels;
        /// <summary>Every seq up to here has been delivered or found not visible.</summary>
        public long Watermark { get; set; }
        public bool Closed { get; set; }
    }
}
