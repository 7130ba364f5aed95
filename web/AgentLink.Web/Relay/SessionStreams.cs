using System.Collections.Concurrent;
using AgentLink.Core.Data;
using AgentLink.Core.Events;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentLink.Web.Relay;

/// <summary>
/// The live streams open on this instance, by the session they were opened with. When a session
/// ends (sign-out, password change, revoked), its streams close on every instance: at once on the
/// bus signal, and by a periodic check of the open sessions against the database
/// (AgentLink:Web:SessionCheckSeconds), which also catches a signal the bus lost.
/// </summary>
public sealed class SessionStreams(IEventBus bus, NpgsqlDataSource dataSource, IOptions<WebOptions> options, ILogger<SessionStreams> logger)
    : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Watch, byte>> _open = new();

    /// <summary>One stream's tie to its session: its token ends with the request or with the session.</summary>
    public sealed class Watch : IDisposable
    {
        private readonly SessionStreams _owner;
        private readonly CancellationTokenSource _ended;

        internal Watch(SessionStreams owner, Guid sessionId, CancellationToken requestAborted)
        {
            _owner = owner;
            SessionId = sessionId;
            _ended = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        }

        public Guid SessionId { get; }

        public CancellationToken Token => _ended.Token;

        /// <summary>True when the stream ends because its session did (not because the browser left).</summary>
        public bool SessionEnded { get; private set; }

        internal void End()
        {
            SessionEnded = true;
            try { _ended.Cancel(); }
            catch (ObjectDisposedException) { }
        }

        public void Dispose()
        {
            _owner.Forget(this);
            _ended.Dispose();
        }
    }

    public Watch Open(Guid sessionId, CancellationToken requestAborted)
    {
        var watch = new Watch(this, sessionId, requestAborted);
        _open.GetOrAdd(sessionId, _ => new())[watch] = 0;
        return watch;
    }

    private void Forget(Watch watch)
    {
        if (_open.TryGetValue(watch.SessionId, out var watches)) watches.TryRemove(watch, out _);
    }

    private void End(Guid sessionId)
    {
        if (!_open.TryRemove(sessionId, out var watches)) return;
        foreach (var watch in watches.Keys) watch.End();
    }

    private const string EndedSql = """
        select s.id from unnest(@ids) as s(id)
        where not exists (select 1 from sessions x where x.id = s.id and x.revoked_at is null and x.expires_at > now())
        """;

    private async Task CheckAsync(CancellationToken ct)
    {
        var ids = _open.Where(p => !p.Value.IsEmpty).Select(p => p.Key).ToArray();
        if (ids.Length == 0) return;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        foreach (var ended in await conn.QueryAsync<Guid>(Cmd.For(EndedSql, new { ids }, ct))) End(ended);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using var signals = await bus.SubscribeAsync(BusTopics.SessionsRevoked, message =>
        {
            foreach (var part in message.Split(','))
                if (Guid.TryParse(part, out var sessionId)) End(sessionId);
            return Task.CompletedTask;
        }, stoppingToken);
        // Signals sent while the bus was away are lost: check at once when it is back.
        void OnReconnected() => _ = Task.Run(() => SafeCheckAsync(stoppingToken), stoppingToken);
        bus.Reconnected += OnReconnected;
        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.SessionCheckSeconds));
            while (await timer.WaitForNextTickAsync(stoppingToken)) await SafeCheckAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            bus.Reconnected -= OnReconnected;
        }
    }

    private async Task SafeCheckAsync(CancellationToken ct)
    {
        try { await CheckAsync(ct); }
        catch (Exception ex) when (!ct.IsCancellationRequested) { logger.LogWarning(ex, "Checking the open streams' sessions failed; the next tick retries"); }
    }
}
