using System.Threading.Channels;
using AgentLink.Core.Events;

namespace AgentLink.Functions.Messages;

/// <summary>
/// Read positions, written cheaply: no workspace sequence number and no event row (read state is
/// state, not history; a page that reconnects reloads it), and coalesced. One loop per process takes
/// every receipt waiting, merges those of the same person and channel, and writes them all in one
/// statement; each caller is answered after that commit. Only the reader's own tabs hear of a move,
/// through an ephemeral event.
/// </summary>
public sealed class ReadPositions(NpgsqlDataSource dataSource, IEventBus bus, ILogger<ReadPositions> logger)
{
    public const int MaxBatch = 512;

    public sealed record Moved(Guid WorkspaceId, long LastReadSeq);

    private sealed record Receipt(Guid UserId, Guid ChannelId, long? Seq)
    {
        public TaskCompletionSource<Moved?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    // Per (person, channel) once: the furthest position asked, never past the channel's newest message,
    // never backwards. Only the caller's own membership row can move. The subquery in RETURNING reads
    // the statement's snapshot, i.e. the position before this update.
    private const string UpdateSql = """
        with asked as (
            select user_id, channel_id, max(seq) as seq, bool_or(seq is null) as newest
            from unnest(@users::uuid[], @channels::uuid[], @seqs::bigint[]) as i(user_id, channel_id, seq)
            group by user_id, channel_id)
        update channel_members cm
        set last_read_seq = greatest(cm.last_read_seq,
            case when a.newest then c.last_message_seq else least(a.seq, c.last_message_seq) end)
        from asked a join channels c on c.id = a.channel_id
        where cm.channel_id = a.channel_id and cm.user_id = a.user_id
        returning cm.user_id, cm.channel_id, c.workspace_id, cm.last_read_seq,
            (select last_read_seq from channel_members b where b.channel_id = cm.channel_id and b.user_id = cm.user_id) as before
        """;

    private sealed record Row(Guid UserId, Guid ChannelId, Guid WorkspaceId, long LastReadSeq, long Before);

    private readonly Channel<Receipt> _queue = Channel.CreateUnbounded<Receipt>(new() { SingleReader = true });
    private int _started;

    /// <summary>The new position, or null when the caller is not a member of the channel.</summary>
    public async Task<Moved?> MoveAsync(Guid userId, Guid channelId, long? seq, CancellationToken ct)
    {
        if (Interlocked.Exchange(ref _started, 1) == 0) _ = Task.Run(PumpAsync);
        var receipt = new Receipt(userId, channelId, seq);
        _queue.Writer.TryWrite(receipt);
        return await receipt.Done.Task.WaitAsync(ct);
    }

    private async Task PumpAsync()
    {
        var batch = new List<Receipt>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var r)) batch.Add(r);
            try
            {
                await WriteAsync(batch);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Writing {Count} read positions failed", batch.Count);
                foreach (var r in batch) r.Done.TrySetException(ex);
            }
            batch.Clear();
        }
    }

    private async Task WriteAsync(List<Receipt> batch)
    {
        IReadOnlyList<Row> rows;
        await using (var conn = await dataSource.OpenConnectionAsync())
        {
            rows = (await conn.QueryAsync<Row>(Cmd.For(UpdateSql, new
            {
                users = batch.Select(r => r.UserId).ToArray(),
                channels = batch.Select(r => r.ChannelId).ToArray(),
                seqs = batch.Select(r => r.Seq).ToArray(),
            }, CancellationToken.None))).ToList();
        }
        var moved = rows.ToDictionary(r => (r.UserId, r.ChannelId));
        foreach (var r in batch)
            r.Done.TrySetResult(moved.TryGetValue((r.UserId, r.ChannelId), out var row) ? new Moved(row.WorkspaceId, row.LastReadSeq) : null);
        // The reader's other tabs update their unread counts; ephemeral, like typing.
        foreach (var row in rows.Where(r => r.LastReadSeq != r.Before))
        {
            var e = new WorkspaceEvent(row.WorkspaceId, null, EventTypes.ReadUpdated, row.ChannelId, row.UserId,
                WorkspaceEvent.ToData(new MarkRead.ReadState(row.ChannelId, row.LastReadSeq)));
            await bus.PublishAsync(BusTopics.WorkspaceEvents(row.WorkspaceId), e.ToJson());
        }
    }
}
