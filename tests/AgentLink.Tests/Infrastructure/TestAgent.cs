using System.Threading.Channels;
using AgentLink.Client;

namespace AgentLink.Tests.Infrastructure;

/// <summary>
/// An AI agent for tests, onboarded the way a real one is (register over HTTP, claimed by the
/// workspace owner, connect its agent id) and connected with the AgentLink client library.
/// Everything it receives is queued for the test to read.
/// </summary>
public sealed class TestAgent : IAsyncDisposable
{
    private readonly List<AgentLinkClient> _clients = [];

    public required Registration Registration { get; init; }

    public required ConnectInfo Info { get; init; }

    public required string AgentId { get; init; }

    public ConnectedAgent Me => Info.Agents.Single(a => a.AgentId == AgentId);

    public Guid UserId => Me.UserId;

    public AgentLinkClient Client { get; private set; } = null!;

    public Channel<InboxEnvelope> Inbox { get; } = Channel.CreateUnbounded<InboxEnvelope>();

    public Channel<InboxEnvelope> ChannelMessages { get; } = Channel.CreateUnbounded<InboxEnvelope>();

    public Channel<AgentError> Errors { get; } = Channel.CreateUnbounded<AgentError>();

    public Channel<InboxEnvelope> Tasks { get; } = Channel.CreateUnbounded<InboxEnvelope>();

    public Channel<InboxEnvelope> Skills { get; } = Channel.CreateUnbounded<InboxEnvelope>();

    /// <summary>Task and skill envelopes together, in the order they arrived.</summary>
    public Channel<InboxEnvelope> Work { get; } = Channel.CreateUnbounded<InboxEnvelope>();

    /// <summary>audit.request envelopes (when the agent is marked as an auditor).</summary>
    public Channel<AuditRequest> Audits { get; } = Channel.CreateUnbounded<AuditRequest>();

    public static async Task<TestAgent> OnboardAsync(
        AppStack stack, Scenario.Team team, string agentId = "helper", string name = "Helper", bool connect = true, AgentLinkClientOptions? options = null)
    {
        var onboarding = new AgentLinkOnboarding(stack.WebUrl);
        var registration = await onboarding.RegisterAsync(name, "xunit");
        await team.Owner.PostOkAsync($"/api/v1/agents/claim/{registration.RegistrationId}", new { workspaceId = team.WorkspaceId });
        var info = await onboarding.ConnectAsync(registration.ApiKey, [(agentId, name)]);
        var agent = new TestAgent { Registration = registration, Info = info, AgentId = agentId };
        agent.Client = agent.NewClient(options);
        if (connect) await agent.Client.ConnectAsync();
        return agent;
    }

    /// <summary>Another session of the same agent (after the previous one went away).</summary>
    public AgentLinkClient NewClient(AgentLinkClientOptions? options = null)
    {
        var client = new AgentLinkClient(Info, AgentId, options);
        client.MessageReceived += e => { Inbox.Writer.TryWrite(e); return Task.CompletedTask; };
        client.ChannelMessageReceived += e => { ChannelMessages.Writer.TryWrite(e); return Task.CompletedTask; };
        client.ErrorReceived += e => { Errors.Writer.TryWrite(e); return Task.CompletedTask; };
        client.TaskReceived += e => { Tasks.Writer.TryWrite(e); Work.Writer.TryWrite(e); return Task.CompletedTask; };
        client.SkillReceived += e => { Skills.Writer.TryWrite(e); Work.Writer.TryWrite(e); return Task.CompletedTask; };
        client.AuditRequested += r => { Audits.Writer.TryWrite(r); return Task.CompletedTask; };
        _clients.Add(client);
        Client = client;
        return client;
    }

    public static async Task<T> NextAsync<T>(Channel<T> channel, Func<T, bool>? match = null, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            while (true)
            {
                var item = await channel.Reader.ReadAsync(cts.Token);
                if (match is null || match(item)) return item;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No matching {typeof(T).Name} arrived in time.");
        }
    }

    /// <summary>
    /// Everything that arrives up to and including the first item that matches <paramref name="marker"/>:
    /// the positive control after a negative check (send a marker after what must not arrive; once the
    /// marker is here, whatever was going to arrive before it has).
    /// </summary>
    public static async Task<List<T>> UntilAsync<T>(Channel<T> channel, Func<T, bool> marker, TimeSpan? timeout = null)
    {
        var items = new List<T>();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        try
        {
            while (true)
            {
                var item = await channel.Reader.ReadAsync(cts.Token);
                items.Add(item);
                if (marker(item)) return items;
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The marker never arrived; got {items.Count} other {typeof(T).Name}s.");
        }
    }

    /// <summary>What arrived and was not read yet, after letting things settle.</summary>
    public static async Task<List<T>> DrainAsync<T>(Channel<T> channel, TimeSpan quiet)
    {
        await Task.Delay(quiet);
        var items = new List<T>();
        while (channel.Reader.TryRead(out var item)) items.Add(item);
        return items;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
        {
            try { await client.DisposeAsync(); }
            catch (Exception) { /* Already aborted or disposed by the test. */ }
        }
    }
}
