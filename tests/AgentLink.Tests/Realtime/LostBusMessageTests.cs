using AgentLink.Core.Events;
using AgentLink.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentLink.Tests.Realtime;

/// <summary>
/// Redis pub/sub is at-most-once. When a publish is lost, the next event shows
/// the relay a gap in the seq numbers, and it fetches the missing events from
/// the database before going on: the browser still gets every message, in order.
/// With no next event, the relay's periodic check against the database finds it.
/// </summary>
public sealed class LostBusMessageTests : IAsyncLifetime
{
    private AppStack _stack = null!;

    /// <summary>Wraps the real Redis bus in the functions host and drops what the test marks.</summary>
    private sealed class LossyBus(RedisEventBus inner) : IEventBus
    {
        public int Dropped;

        public Task PublishAsync(string topic, string message, CancellationToken ct = default)
        {
            if (message.Contains("lost in transit", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref Dropped);
                return Task.CompletedTask;
            }
            return inner.PublishAsync(topic, message, ct);
        }

        public Task<IAsyncDisposable> SubscribeAsync(string topic, Func<string, Task> handler, CancellationToken ct = default) =>
            inner.SubscribeAsync(topic, handler, ct);

        public event Action? Reconnected
        {
            add => inner.Reconnected += value;
            remove => inner.Reconnected -= value;
        }
    }

    public async Task InitializeAsync() =>
        _stack = await AppStack.StartAsync(BusMode.Redis, new Dictionary<string, string?> { ["AgentLink:Web:ResyncSeconds"] = "1" }, configureApi: services =>
        {
            services.AddSingleton<RedisEventBus>();
            services.AddSingleton<LossyBus>();
            services.AddSingleton<IEventBus>(sp => sp.GetRequiredService<LossyBus>());
        });

    public async Task DisposeAsync() => await _stack.DisposeAsync();

    [Fact]
    public async Task A_message_whose_publish_was_lost_still_reaches_the_stream_in_order()
    {
        var team = await Scenario.TeamAsync(_stack, "Ann");
        var bob = await Scenario.JoinAsync(_stack, team, "Bob");
        await using var stream = await _stack.ChannelEventsAsync(bob, team.WorkspaceId);
        await stream.NextAsync("ready");

        var sent = new[] { "one", "two: lost in transit", "three", "four: lost in transit", "five: lost in transit", "six" };
        foreach (var text in sent) await team.Owner.PostMessageAsync(team.GeneralId, text);

        var got = await stream.TakeAsync(sent.Length, e => e.Type == "message.created", TimeSpan.FromSeconds(5));
        Assert.Equal(sent, got.Select(e => e.Payload.GetProperty("text").GetString()));
        var ids = got.Select(e => long.Parse(e.Id!)).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(3, _stack.ApiServices.GetRequiredService<LossyBus>().Dropped);
    }

    [Fact]
    public async Task A_quiet_stream_learns_of_a_lost_publish_without_any_later_event()
    {
        var team = await Scenario.TeamAsync(_stack, "Ann");
        var bob = await Scenario.JoinAsync(_stack, team, "Bob");
        await using var stream = await _stack.ChannelEventsAsync(bob, team.WorkspaceId);
        await stream.NextAsync("ready");

        // The last message of the day, and its publish is lost: nothing after it reveals the gap.
        await team.Owner.PostMessageAsync(team.GeneralId, "goodnight: lost in transit");
        var created = await stream.NextAsync("message.created", TimeSpan.FromSeconds(10));
        Assert.Equal("goodnight: lost in transit", created.Payload.GetProperty("text").GetString());
    }
}
