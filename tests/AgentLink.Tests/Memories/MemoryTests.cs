using System.Net;
using AgentLink.Client;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Memories;

/// <summary>Agents' memories with the offline MiniLM embeddings and pgvector: write, merge near-duplicates, hybrid search, over HTTP and MQTT, curated by people, never crossing agents.</summary>
public sealed class MemoryTests(EmbeddedBrokerFixture fixture) : IClassFixture<EmbeddedBrokerFixture>
{
    private AppStack Stack => fixture.Stack;

    private ApiClient Key(TestAgent agent)
    {
        var caller = Stack.Client();
        caller.Http.DefaultRequestHeaders.Authorization = new("Bearer", agent.Registration.ApiKey);
        return caller;
    }

    [Fact]
    public async Task An_agent_remembers_merges_near_duplicates_and_finds_by_meaning_and_by_words()
    {
        var team = await Scenario.TeamAsync(Stack, "Memory");
        await using var agent = await TestAgent.OnboardAsync(Stack, team, "rememberer", "Rememberer");
        var key = Key(agent);
        var path = $"/api/v1/agents/{agent.AgentId}/memories";

        var first = await key.PostOkAsync(path, new { content = "The staging deploy needs the STAGING_TOKEN environment variable", topic = "Deploys", confidence = 0.7 });
        Assert.False(first.GetProperty("merged").GetBoolean());
        Assert.Equal(("deploys", "conversation"), (first.GetProperty("memory").GetProperty("topic").GetString(), first.GetProperty("memory").GetProperty("source").GetString()));
        var again = await key.PostOkAsync(path, new { content = "The staging deploy needs the STAGING_TOKEN environment variable.", confidence = 0.9 });
        Assert.True(again.GetProperty("merged").GetBoolean());
        Assert.Equal(first.GetProperty("memory").GetProperty("id").GetGuid(), again.GetProperty("memory").GetProperty("id").GetGuid());
        Assert.Equal(0.9, again.GetProperty("memory").GetProperty("confidence").GetDouble(), 3);
        await key.PostOkAsync(path, new { content = "Ada prefers short answers without bullet points", topic = "people" });
        await key.PostOkAsync(path, new { content = "The quarterly report is due on the first Monday of the month", topic = "reports", source = "dreaming" });
        Assert.Equal(3L, await Stack.ScalarAsync<long>("select count(*) from agent_memories where agent_user_id = @a", new { a = agent.UserId }));

        // By meaning (no word in common with the memory), and by an exact word.
        var meaning = await key.GetOkAsync($"{path}/search?q=how%20do%20I%20ship%20to%20the%20test%20environment");
        Assert.Contains("STAGING_TOKEN", meaning[0].GetProperty("memory").GetProperty("content").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, meaning[0].GetProperty("vectorRank").ValueKind);
        var word = await key.GetOkAsync($"{path}/search?q=quarterly");
        Assert.Contains("quarterly report", word[0].GetProperty("memory").GetProperty("content").GetString());
        Assert.Equal(1, word[0].GetProperty("textRank").GetInt32());
        var topic = await key.GetOkAsync($"{path}/search?q=anything&topic=people");
        Assert.All(topic.EnumerateArray(), h => Assert.Equal("people", h.GetProperty("memory").GetProperty("topic").GetString()));

        // Bad input: 400 with the field, nothing written.
        foreach (var bad in new object[] { new { content = "" }, new { content = "x", confidence = 1.5 }, new { content = "x", source = "human" }, new { content = new string('x', 4001) } })
        {
            var (status, problem) = await key.TryAsync(HttpMethod.Post, path, bad);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        }
        Assert.Equal(3L, await Stack.ScalarAsync<long>("select count(*) from agent_memories where agent_user_id = @a", new { a = agent.UserId }));
    }

    [Fact]
    public async Task Over_MQTT_a_write_is_acknowledged_once_and_a_search_answers_its_correlation_id()
    {
        var team = await Scenario.TeamAsync(Stack, "Mqtt memory");
        await using var agent = await TestAgent.OnboardAsync(Stack, team, "mqtt-mind", "Mqtt Mind");
        await agent.Client.WriteMemoryAsync("The on-call rotation changes every Tuesday at noon", "on-call", confidence: 0.8);
        await agent.Client.WriteMemoryAsync("Customers in the EU must be billed in euros", "billing", source: "dreaming");
        var hits = await agent.Client.SearchMemoriesAsync("when does the pager duty switch?");
        Assert.Contains("on-call rotation", hits[0].Memory.Content);
        Assert.Equal("on-call", hits[0].Memory.Topic);
        // Refused (the embedded broker refuses the PUBLISH itself; the error envelope says why too).
        var refused = await Assert.ThrowsAsync<AgentLinkException>(() => agent.Client.SearchMemoriesAsync(""));
        Assert.Contains("data.query", refused.Message);
        var badWrite = await Assert.ThrowsAsync<AgentLinkException>(() => agent.Client.WriteMemoryAsync("I am a person", source: "human"));
        Assert.Contains("data.source", badWrite.Message);
        Assert.Equal("validation_failed", (await TestAgent.NextAsync(agent.Errors)).Code);
        Assert.Equal(2L, await Stack.ScalarAsync<long>("select count(*) from agent_memories where agent_user_id = @a", new { a = agent.UserId }));
    }

    [Fact]
    public async Task People_curate_memories_and_an_agent_never_sees_another_agents_unless_shared()
    {
        var team = await Scenario.TeamAsync(Stack, "Curators");
        var viewer = await Scenario.JoinAsync(Stack, team, "Vic Viewer", "viewer");
        var outsider = (await Scenario.TeamAsync(Stack, "Outsiders")).Owner;
        await using var one = await TestAgent.OnboardAsync(Stack, team, "one", "Agent One");
        await using var two = await TestAgent.OnboardAsync(Stack, team, "two", "Agent Two");
        await using var stream = await Stack.ChannelEventsAsync(team.Owner, team.WorkspaceId);
        await stream.NextAsync("ready");

        var secret = (await Key(one).PostOkAsync($"/api/v1/agents/one/memories", new { content = "The vault combination is written under the blue mug", topic = "secrets" }))
            .GetProperty("memory").GetProperty("id").GetGuid();
        var told = await stream.NextAsync(e => e.Type == "memory.written");
        Assert.Equal(("added", secret), (told.Payload.GetProperty("change").GetString(), told.Payload.GetProperty("memory").GetProperty("id").GetGuid()));
        // The other agent searches its own memories only.
        Assert.DoesNotContain((await Key(two).GetOkAsync("/api/v1/agents/two/memories/search?q=vault%20combination")).EnumerateArray(),
            h => h.GetProperty("memory").GetProperty("id").GetGuid() == secret);

        // People: list with topics and today's count, search, edit (re-embedded), pin; viewers read but do not change.
        var listPath = $"/api/v1/workspaces/{team.WorkspaceId}/agents/{one.UserId}/memories";
        var list = await viewer.GetOkAsync(listPath);
        Assert.Equal((1, 1), (list.GetProperty("memories").GetArrayLength(), list.GetProperty("learnedToday").GetInt32()));
        Assert.Equal("secrets", list.GetProperty("topics")[0].GetProperty("topic").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.TryAsync(HttpMethod.Patch, $"/api/v1/memories/{secret}", new { pinned = true })).Status);
        var edited = await team.Owner.OkAsync(HttpMethod.Patch, $"/api/v1/memories/{secret}", new { content = "The spare office key hangs behind the fire door", pinned = true });
        Assert.True(edited.GetProperty("pinned").GetBoolean());
        var found = await team.Owner.GetOkAsync($"{listPath}?q=where%20is%20the%20key");
        Assert.Equal(secret, found.GetProperty("hits")[0].GetProperty("memory").GetProperty("id").GetGuid());
        await team.Owner.PostOkAsync(listPath, new { content = "Agent One reports to Grace", topic = "people" });
        Assert.Equal("human", (await team.Owner.GetOkAsync($"{listPath}?source=human")).GetProperty("memories")[0].GetProperty("source").GetString());

        // Pinned memories come with the connect answer.
        var connected = await new AgentLinkOnboarding(Stack.WebUrl).ConnectAsync(one.Registration.ApiKey, [("one", "Agent One")]);
        Assert.Contains(connected.Agents[0].PinnedMemories!, m => m.Id == secret);

        // Shared: the second agent gets its own copy, which its searches find.
        var shared = await team.Owner.PostOkAsync($"/api/v1/memories/{secret}/share", new { agentUserId = two.UserId });
        Assert.Equal(("cross-agent", two.UserId), (shared.GetProperty("memory").GetProperty("source").GetString(), shared.GetProperty("memory").GetProperty("agentUserId").GetGuid()));
        var twoFinds = await Key(two).GetOkAsync("/api/v1/agents/two/memories/search?q=office%20key");
        Assert.Equal(shared.GetProperty("memory").GetProperty("id").GetGuid(), twoFinds[0].GetProperty("memory").GetProperty("id").GetGuid());

        // Another workspace: 404 everywhere, nothing changed.
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.TryAsync(HttpMethod.Get, listPath)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.TryAsync(HttpMethod.Patch, $"/api/v1/memories/{secret}", new { content = "defaced" })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.TryAsync(HttpMethod.Delete, $"/api/v1/memories/{secret}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.TryAsync(HttpMethod.Post, $"/api/v1/memories/{secret}/share", new { agentUserId = two.UserId })).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await team.Owner.SendAsync(HttpMethod.Delete, $"/api/v1/memories/{secret}")).StatusCode);
        Assert.Equal(0L, await Stack.ScalarAsync<long>("select count(*) from agent_memories where id = @secret", new { secret }));
    }
}
