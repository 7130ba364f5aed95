using System.Net;
using AgentLink.Core.Hosting;
using AgentLink.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentLink.Tests.Functions;

/// <summary>Stacks whose functions may run for three seconds (host.json's functionTimeout, made short).</summary>
public sealed class ShortTimeoutFixture : IAsyncLifetime
{
    // Short, but not so short that an ordinary request (a sign-up hashes a password) runs past it
    // while the rest of the suite loads the machine: 1 s did, now and then.
    public static readonly TimeSpan FunctionTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Functions host and web host apart (Redis).</summary>
    public AppStack Separate { get; private set; } = null!;

    /// <summary>One process: the web host runs the functions (in-memory bus).</summary>
    public AppStack SingleProcess { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        static void ShortTimeout(IServiceCollection s) => s.AddSingleton(new HostJson("api", FunctionTimeout));
        Separate = await AppStack.StartAsync(BusMode.Redis, configureApi: ShortTimeout);
        SingleProcess = await AppStack.StartAsync(BusMode.InMemory, configureApi: ShortTimeout);
    }

    public async Task DisposeAsync()
    {
        await Separate.DisposeAsync();
        await SingleProcess.DisposeAsync();
    }
}

public sealed class TimeoutTests(ShortTimeoutFixture fixture) : IClassFixture<ShortTimeoutFixture>
{
    [Fact]
    public async Task A_function_past_its_time_out_answers_504_and_its_query_is_cancelled_in_PostgreSQL()
    {
        var stack = fixture.Separate;
        var team = await Scenario.TeamAsync(stack);
        var messageId = (await team.Owner.PostMessageAsync(team.GeneralId, "original")).GetProperty("id").GetGuid();

        await using var hold = await WorkspaceRowLock.HoldAsync(stack.Database, team.WorkspaceId);
        var edit = team.Owner.TryAsync(HttpMethod.Patch, $"/api/v1/messages/{messageId}", new { text = "edited" });
        await hold.WaitForWaiterAsync();
        // The lock is still held: only a cancelled query lets the request answer now. (The bound only
        // detects a hang: a query that ignores cancellation waits here until the lock goes.)
        var (status, problem) = await edit.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.Equal(HttpStatusCode.GatewayTimeout, status);
        Assert.Equal("request_timeout", problem.GetProperty("code").GetString());
        // Its database session no longer waits for the lock: the query was cancelled, not abandoned.
        var until = DateTime.UtcNow.AddSeconds(5);
        while (await hold.WaitersAsync() > 0 && DateTime.UtcNow < until) await Task.Delay(20);
        Assert.Equal(0, await hold.WaitersAsync());
        await hold.ReleaseAsync();
        Assert.Equal("original", await stack.ScalarAsync<string>("select text from channel_messages where id = @messageId", new { messageId }));
    }

    [Fact]
    public async Task Live_streams_outlive_the_function_time_out_in_single_process_mode()
    {
        var stack = fixture.SingleProcess;
        var team = await Scenario.TeamAsync(stack);
        await using var events = await stack.ChannelEventsAsync(team.Owner, team.WorkspaceId);
        await events.NextAsync("ready");
        await using var status = await stack.StatusEventsAsync(team.Owner, team.WorkspaceId);
        await status.NextAsync("presence.snapshot");

        // Three function time-outs (and a heartbeat) later, both streams are still open...
        await Task.Delay(3 * ShortTimeoutFixture.FunctionTimeout);
        Assert.False(events.Ended);
        Assert.False(status.Ended);
        Assert.True(events.Heartbeats > 0);
        // ...and still deliver.
        await team.Owner.PostMessageAsync(team.GeneralId, "still here");
        var created = await events.NextAsync("message.created");
        Assert.Equal("still here", created.Payload.GetProperty("text").GetString());
        Assert.False(status.Ended);
    }
}
