using AgentLink.Tests.Audits;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Memories;

/// <summary>
/// Changing the embedding model: an install with MiniLM memories restarts configured for an OpenAI-compatible
/// embeddings endpoint (a server the test starts) with another dimension. The column takes the new dimension,
/// every memory is re-embedded in the background with the progress shown, search works by words meanwhile and
/// by meaning after, and new memories get the new model's vectors.
/// </summary>
public sealed class EmbeddingModelChangeTests
{
    [Fact]
    public async Task A_new_embedding_model_re_embeds_every_memory_in_the_background_with_progress()
    {
        var database = await TestEnvironment.CreateIsolatedDatabaseAsync();
        Guid workspaceId, agentUserId;
        string token, secret;
        string[] facts = ["The deploy key rotates every Monday morning", "Lunch is served at noon in the cafeteria", "Staging listens on port 8443 behind the proxy"];
        await using (var before = await AppStack.StartAsync(BusMode.InMemory, new Dictionary<string, string?> { ["AgentLink:Database:ConnectionString"] = database }))
        {
            var team = await Scenario.TeamAsync(before, "Embeddings");
            await using var agent = await TestAgent.OnboardAsync(before, team, connect: false);
            (workspaceId, agentUserId, token, secret) = (team.WorkspaceId, agent.UserId, team.Owner.Token, before.Settings["AgentLink:Auth:SigningSecret"]!);
            foreach (var fact in facts)
                await team.Owner.PostOkAsync($"/api/v1/workspaces/{workspaceId}/agents/{agentUserId}/memories", new { content = fact, topic = "facts", confidence = 0.9 });
            var progress = await team.Owner.GetOkAsync($"/api/v1/workspaces/{workspaceId}/memories/embeddings");
            Assert.Equal(("all-MiniLM-L6-v2", 384, 3L, 3L), (progress.GetProperty("model").GetString(), progress.GetProperty("dimensions").GetInt32(),
                progress.GetProperty("total").GetInt64(), progress.GetProperty("embedded").GetInt64()));
        }

        await using var model = await OpenAiCompatibleServer.StartAsync();
        // The background timer is off at first, so the state between the switch and the re-embedding can be seen.
        var settings = new Dictionary<string, string?>
        {
            ["AgentLink:Database:ConnectionString"] = database,
            // The same install restarted: its sessions stay valid.
            ["AgentLink:Auth:SigningSecret"] = secret,
            ["AgentLink:Memories:Embeddings:Provider"] = "openai",
            ["AgentLink:Memories:Embeddings:Endpoint"] = model.Url,
            ["AgentLink:Memories:Embeddings:Model"] = "test-embedding-64",
            ["AgentLink:Memories:Embeddings:ApiKey"] = "sk-embeddings",
            ["AgentLink:Memories:Embeddings:Dimensions"] = "64",
            ["AgentLink:Memories:Embeddings:ReembedBatch"] = "2",
            ["AgentLink:Timers:MemoryReembedding"] = "0 0 0 1 1 *",
        };
        await using var after = await AppStack.StartAsync(BusMode.InMemory, settings);
        var owner = after.Client();
        owner.Http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        var path = $"/api/v1/workspaces/{workspaceId}/agents/{agentUserId}/memories";

        // Switched at start: the column is vector(64), the old vectors are gone, nothing is re-embedded yet.
        Assert.Equal("vector(64)", await after.ScalarAsync<string>(
            "select format_type(atttypid, atttypmod) from pg_attribute where attrelid = 'agent_memories'::regclass and attname = 'embedding'"));
        var waiting = await owner.GetOkAsync($"/api/v1/workspaces/{workspaceId}/memories/embeddings");
        Assert.Equal(("test-embedding-64", 64, 3L, 0L), (waiting.GetProperty("model").GetString(), waiting.GetProperty("dimensions").GetInt32(),
            waiting.GetProperty("total").GetInt64(), waiting.GetProperty("embedded").GetInt64()));
        // Meanwhile search still finds by words.
        var byWords = (await owner.GetOkAsync($"{path}?q=cafeteria")).GetProperty("hits").EnumerateArray().ToList();
        Assert.Equal(facts[1], byWords[0].GetProperty("memory").GetProperty("content").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, byWords[0].GetProperty("vectorRank").ValueKind);

        // The background work, a batch at a time (two here): the progress moves, then completes.
        var reembed = Microsoft.Extensions.DependencyInjection.ActivatorUtilities.CreateInstance<AgentLink.Functions.Memories.ReembedMemories>(after.ApiServices);
        Assert.Equal(3, await reembed.RunOnceAsync(CancellationToken.None));
        var complete = await owner.GetOkAsync($"/api/v1/workspaces/{workspaceId}/memories/embeddings");
        Assert.Equal(3L, complete.GetProperty("embedded").GetInt64());
        Assert.Equal(3L, await after.ScalarAsync<long>("select count(*) from agent_memories where vector_dims(embedding) = 64 and embedding_model = 'test-embedding-64'"));
        Assert.Equal(0, await reembed.RunOnceAsync(CancellationToken.None));

        // Every call carried the key and the model, and asked for 64 dimensions; the batches were two, then one.
        var calls = model.Requests.ToList();
        Assert.All(calls, c => Assert.Equal("Bearer sk-embeddings", c.Authorization));
        Assert.All(calls, c => Assert.Equal("test-embedding-64", c.Body["model"]!.ToString()));
        Assert.Contains(calls, c => c.Body["input"] is System.Text.Json.Nodes.JsonArray { Count: 2 } && c.Body["dimensions"]!.GetValue<int>() == 64);

        // Now by meaning too (the test model's vectors), and a new memory gets the new model's vector at once.
        var hits = (await owner.GetOkAsync($"{path}?q={Uri.EscapeDataString("when does the deploy key rotate")}")).GetProperty("hits").EnumerateArray().ToList();
        Assert.Equal(facts[0], hits[0].GetProperty("memory").GetProperty("content").GetString());
        Assert.Equal(1, hits[0].GetProperty("vectorRank").GetInt32());
        await owner.PostOkAsync(path, new { content = "The proxy certificate renews in March", topic = "facts", confidence = 0.8 });
        Assert.Equal(4L, await after.ScalarAsync<long>("select count(*) from agent_memories where vector_dims(embedding) = 64"));
    }
}
