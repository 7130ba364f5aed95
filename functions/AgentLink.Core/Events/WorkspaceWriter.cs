using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using AgentLink.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AgentLink.Core.Events;

/// <summary>
/// Group commit for a workspace's hot writes (posting messages). Sequence numbers
/// come from a lock on the workspace row held to commit; a hundred concurrent
/// requests queued on that lock make PostgreSQL hand it over slowly. Instead, one
/// loop per workspace in this process takes whatever writes are waiting, runs
/// them in one transaction with one seq allocation, commits, publishes, and
/// answers every caller. The ordering guarantee is unchanged: seqs are still
/// handed out under the row lock, in commit order.
/// </summary>
public sealed class WorkspaceWriter(NpgsqlDataSource dataSource, EventPublisher publisher, ILogger<WorkspaceWriter> logger)
{
    private readonly ILogger _logger = logger;

    public const int MaxBatch = 64;
    private static readonly TimeSpan IdleExit = TimeSpan.FromSeconds(30);

    /// <summary>
    /// One caller's writes inside the batch's transaction. The token is the batch's, not the caller's:
    /// one caller going away must not cancel its neighbours' writes.
    /// </summary>
    public delegate Task<(T Result, IReadOnlyList<WorkspaceEvent> Events)> Work<T>(NpgsqlConnection conn, NpgsqlTransaction tx, long firstSeq, CancellationToken ct);

    private readonly ConcurrentDictionary<Guid, Lane> _lanes = new();

    /// <summary>
    /// Runs <paramref name="work"/> inside a committed transaction with <paramref name="seqCount"/> fresh seqs; returns after
    /// commit. A cancelled caller stops waiting; its write, once queued, may still commit (it got no 2xx, so nothing is promised).
    /// </summary>
    public async Task<T> WriteAsync<T>(Guid workspaceId, int seqCount, Work<T> work, CancellationToken ct = default)
    {
        var item = new Item(seqCount, Activity.Current?.Context ?? default, async (conn, tx, seq, batchToken) =>
        {
            var (result, events) = await work(conn, tx, seq, batchToken);
            return (result, events);
        });
        while (true)
        {
            var lane = _lanes.GetOrAdd(workspaceId, id => new Lane(this, id));
            // GetOrAdd may build a lane it then discards; only the one it returns gets a pump.
            lane.EnsureStarted();
            if (lane.Queue.Writer.TryWrite(item)) break;
            // The lane closed itself for idleness between our lookup and write; take a new one.
            _lanes.TryRemove(new(workspaceId, lane));
        }
        return (T)(await item.Done.Task.WaitAsync(ct))!;
    }

    private sealed class Item(int seqCount, ActivityContext caller, Func<NpgsqlConnection, NpgsqlTransaction, long, CancellationToken, Task<(object? Result, IReadOnlyList<WorkspaceEvent> Events)>> run)
    {
        public int SeqCount { get; } = seqCount;

        /// <summary>The caller's span: the batch's commit span links to it and its events carry it on the bus.</summary>
        public ActivityContext Caller { get; } = caller;
        public Func<NpgsqlConnection, NpgsqlTransaction, long, CancellationToken, Task<(object? Result, IReadOnlyList<WorkspaceEvent> Events)>> Run { get; } = run;
        public TaskCompletionSource<object?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public (object? Result, IReadOnlyList<WorkspaceEvent> Events) Outcome { get; set; }
    }

    private sealed class Lane
    {
        private readonly WorkspaceWriter _writer;
        private readonly Guid _workspaceId;
        private int _started;

        public Channel<Item> Queue { get; } = Channel.CreateUnbounded<Item>(new() { SingleReader = true });

        public Lane(WorkspaceWriter writer, Guid workspaceId)
        {
            _writer = writer;
            _workspaceId = workspaceId;
        }

        public void EnsureStarted()
        {
            if (Interlocked.Exchange(ref _started, 1) != 0) return;
            // The pump serves every later caller: it must not inherit this caller's execution context
            // (its current span, above all, which would make every later commit a child of this request).
            using (ExecutionContext.SuppressFlow()) _ = Task.Run(GuardedPumpAsync);
        }

        /// <summary>A lane that fails unexpectedly must not strand its callers: fail them and retire the lane.</summary>
        private async Task GuardedPumpAsync()
        {
            try
            {
                await PumpAsync();
            }
            catch (Exception ex)
            {
                _writer._logger.LogError(ex, "Write lane of workspace {WorkspaceId} failed", _workspaceId);
                Queue.Writer.TryComplete();
                _writer._lanes.TryRemove(new(_workspaceId, this));
                while (Queue.Reader.TryRead(out var stranded)) stranded.Done.TrySetException(ex);
            }
        }

        private async Task PumpAsync()
        {
            var batch = new List<Item>(MaxBatch);
            while (true)
            {
                using var idle = new CancellationTokenSource(IdleExit);
                try
                {
                    if (!await Queue.Reader.WaitToReadAsync(idle.Token)) return;
                }
                catch (OperationCanceledException)
                {
                    // Close, then serve anything that slipped in before the close.
                    Queue.Writer.TryComplete();
                    _writer._lanes.TryRemove(new(_workspaceId, this));
                    while (Queue.Reader.TryRead(out var late)) batch.Add(late);
                    if (batch.Count > 0) await _writer.CommitAsync(_workspaceId, batch);
                    return;
                }
                while (batch.Count < MaxBatch && Queue.Reader.TryRead(out var item)) batch.Add(item);
                await _writer.CommitAsync(_workspaceId, batch);
                batch.Clear();
            }
        }
    }

    private async Task CommitAsync(Guid workspaceId, List<Item> batch)
    {
        try
        {
            await RunAsync(workspaceId, batch);
        }
        catch (Exception ex) when (batch.Count > 1)
        {
            Data.DbFailures.AfterRefusedValue(dataSource, ex);
            // One bad write must not fail its neighbours: retry each alone.
            _logger.LogWarning(ex, "A batch of {Count} writes in workspace {WorkspaceId} failed; retrying one by one", batch.Count, workspaceId);
            foreach (var item in batch)
            {
                try { await RunAsync(workspaceId, [item]); }
                catch (Exception single)
                {
                    Data.DbFailures.AfterRefusedValue(dataSource, single);
                    item.Done.TrySetException(single);
                }
            }
            return;
        }
        catch (Exception ex)
        {
            Data.DbFailures.AfterRefusedValue(dataSource, ex);
            batch[0].Done.TrySetException(ex);
        }
    }

    private async Task RunAsync(Guid workspaceId, List<Item> batch)
    {
        // One span per commit, a child of the first caller's span and linked to every other caller's,
        // so each request's trace reaches the commit (and the PostgreSQL commands under it).
        var links = batch.Skip(1).Where(i => i.Caller != default).Select(i => new ActivityLink(i.Caller));
        using var span = AgentLinkTelemetry.Source.StartActivity("workspace.commit", ActivityKind.Internal, batch[0].Caller, links: links);
        span?.SetTag("agentlink.workspace_id", workspaceId);
        span?.SetTag("agentlink.batch_size", batch.Count);
        AgentLinkTelemetry.CommitBatchSize.Record(batch.Count);
        await using (var conn = await dataSource.OpenConnectionAsync())
        await using (var tx = await conn.BeginTransactionAsync())
        {
            var seq = await WorkspaceEventLog.AllocateAsync(conn, tx, workspaceId, CancellationToken.None, batch.Sum(i => i.SeqCount));
            foreach (var item in batch)
            {
                item.Outcome = await item.Run(conn, tx, seq, CancellationToken.None);
                seq += item.SeqCount;
            }
            await tx.CommitAsync();
        }
        // Publish in seq order, then answer: a caller's 2xx never precedes the commit.
        await publisher.PublishAsync(batch.SelectMany(i => i.Outcome.Events.Select(e => e.Trace is null && AgentLinkTelemetry.TraceParent(i.Caller) is { } trace ? e with { Trace = trace } : e)));
        foreach (var item in batch) item.Done.TrySetResult(item.Outcome.Result);
    }
}
