using AgentLink.Functions.Maintenance;
using AgentLink.Functions.Runtime;
using AgentLink.Tests.Infrastructure;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;

namespace AgentLink.Tests.Realtime;

/// <summary>
/// Replay on reconnect is bounded: a Last-Event-ID further back than AgentLink:Web:MaxReplayEvents, or
/// older than what retention keeps, gets a reset event (the page reloads its state) and the stream
/// goes on from now; a recent one is replayed as before.
/// </summary>
public sealed class ReplayBoundsTests : IAsyncLifetime
{
    private AppStack _stack = null!;

    public async Task InitializeAsync() => _stack = await AppStack.StartAsync(BusMode.Redis, new Dictionary<string, string?>
    {
        ["AgentLink:Web:MaxReplayEvents"] = "5",
    });

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task A_stream_resuming_from_too_far_back_gets_a_reset_and_then_everything_new()
    {
        var team = await Scenario.TeamAsync(_stack);
        for (var i = 0; i < 10; i++) await team.Owner.PostMessageAsync(team.GeneralId, $"old {i}");
        var current = await _stack.ScalarAsync<long>("select last_seq from workspaces where id = @w", new { w = team.WorkspaceId });

        await using var fromZero = await _stack.ChannelEventsAsync(team.Owner, team.WorkspaceId, lastEventId: "0");
        var first = await fromZero.NextAsync(_ => true);
        Assert.Equal("reset", first.Type);
        Assert.Equal(current.ToString(), first.Id);
        Assert.Equal("ready", (await fromZero.NextAsync(_ => true)).Type);
        await team.Owner.PostMessageAsync(team.GeneralId, "new");
        var next = await fromZero.NextAsync(_ => true);
        Assert.Equal("message.created", next.Type);
        Assert.Equal("new", next.Payload.GetProperty("text").GetString());

        // Three behind is within the bound: replayed, no reset.
        await using var recent = await _stack.ChannelEventsAsync(team.Owner, team.WorkspaceId, lastEventId: (current - 2).ToString());
        var replayed = await recent.TakeAsync(4, _ => true);
        Assert.Equal(["message.created", "message.created", "message.created", "ready"], replayed.Select(e => e.Type));
    }

    [Fact]
    public async Task Retention_prunes_old_records_and_a_stream_resuming_from_before_them_gets_a_reset()
    {
        var team = await Scenario.TeamAsync(_stack);
        for (var i = 0; i < 3; i++) await team.Owner.PostMessageAsync(team.GeneralId, $"last week {i}");
        var lastWeek = await _stack.ScalarAsync<long>("select last_seq from workspaces where id = @w", new { w = team.WorkspaceId });
        await team.Owner.PostMessageAsync(team.GeneralId, "today");
        // Everything up to lastWeek is eight days old (past the 7-day default).
        await _stack.ExecuteAsync("update workspace_events set created_at = now() - interval '8 days' where workspace_id = @w and seq <= @lastWeek",
            new { w = team.WorkspaceId, lastWeek });

        await RunPruneAsync();
        Assert.Equal(0, await _stack.ScalarAsync<long>("select count(*) from workspace_events where workspace_id = @w and seq <= @lastWeek", new { w = team.WorkspaceId, lastWeek }));
        Assert.Equal(1, await _stack.ScalarAsync<long>("select count(*) from workspace_events where workspace_id = @w and seq > @lastWeek", new { w = team.WorkspaceId, lastWeek }));

        await using var stale = await _stack.ChannelEventsAsync(team.Owner, team.WorkspaceId, lastEventId: (lastWeek - 1).ToString());
        Assert.Equal("reset", (await stale.NextAsync(_ => true)).Type);
        await using var fresh = await _stack.ChannelEventsAsync(team.Owner, team.WorkspaceId, lastEventId: lastWeek.ToString());
        var resumed = await fresh.NextAsync(_ => true);
        Assert.Equal("message.created", resumed.Type);
        Assert.Equal("today", resumed.Payload.GetProperty("text").GetString());
    }

    private async Task RunPruneAsync()
    {
        var prune = FunctionCatalog.App.Timers.Single(t => t.Name == nameof(PruneExpiredRecords));
        await using var scope = _stack.ApiServices.CreateAsyncScope();
        await FunctionInvoker.For(prune.Method).InvokeTimerAsync(scope.ServiceProvider, new TimerInfo(), CancellationToken.None);
    }
}
