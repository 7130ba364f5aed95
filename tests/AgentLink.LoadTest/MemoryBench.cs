using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AgentLink.Client;
using AgentLink.Core.Data;
using AgentLink.Core.Memories;
using AgentLink.Core.Options;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Pgvector;

namespace AgentLink.LoadTest;

/// <summary>
/// Memory search at scale: one workspace with N memories spread over several agents (synthetic
/// 384-dimension vectors in clusters, so neighbours are meaningful, and texts from a small vocabulary),
/// copied straight into PostgreSQL; then timed hybrid searches (the platform's own query: HNSW with
/// iterative scan plus full text, fused) and the recall@10 of their vector ranking against an exact
/// scan of the same query vectors, per agent and with a selective topic filter on top.
/// </summary>
public static class MemoryBench
{
    private const int Dimensions = MiniLmEmbeddings.Dimensions;
    // A vocabulary the size of a team's working language (pseudo-words from syllables), so a word is about as
    // selective in full-text search as in real notes; a few everyday words are much more common.
    private static readonly string[] Syllables = ["ka", "lo", "mi", "ren", "sa", "to", "vel", "dri", "pon", "qua", "zet", "bri", "nor", "fa", "gil", "hu", "jem", "xo", "yal", "wu"];
    private static readonly string[] Common = ["deploy", "customer", "report", "release", "token", "budget"];
    private static readonly string[] Words = Syllables.SelectMany(a => Syllables.SelectMany(b => Syllables.Select(c => a + b + c))).Take(3000).ToArray();

    private static string Word(Random random) => random.Next(10) == 0 ? Common[random.Next(Common.Length)] : Words[random.Next(Words.Length)];

    /// <param name="reuse">A workspace seeded by an earlier run: only the searches run again (its memories are sampled for queries).</param>
    public static async Task RunAsync(Uri url, string database, int count, int agentCount, int queries, Guid? reuse = null, MemoryOptions? tuning = null)
    {
        Console.WriteLine($"memory search benchmark: {count} memories over {agentCount} agents in one workspace; {Environment.ProcessorCount} cores, {Environment.OSVersion}");
        await using var dataSource = DataServiceCollectionExtensions.CreateDataSource(database);
        var random = new Random(7);
        if (reuse is { } existing)
        {
            await using var conn = await dataSource.OpenConnectionAsync();
            await using var sample = new NpgsqlCommand("select agent_user_id, embedding, content, topic from agent_memories where workspace_id = $1 order by random() limit 20000", conn)
            { Parameters = { new() { Value = existing } } };
            var sampled = new List<(Guid, float[], string, string)>();
            await using (var reader = await sample.ExecuteReaderAsync())
                while (await reader.ReadAsync()) sampled.Add((reader.GetGuid(0), reader.GetFieldValue<Vector>(1).ToArray(), reader.GetString(2), reader.GetString(3)));
            Console.WriteLine($"reusing workspace {existing}: {sampled.Count} memories sampled for queries");
            await MeasureAsync(dataSource, existing, sampled, random, agentCount, queries, tuning ?? new MemoryOptions());
            return;
        }
        var (workspaceId, agents) = await CreateWorkspaceAsync(url, agentCount);
        var centers = Enumerable.Range(0, 400).Select(_ => Unit(Gaussian(random, 1.0))).ToArray();
        var seeded = new List<(Guid Agent, float[] Vector, string Content, string Topic)>(count);

        var seed = Stopwatch.StartNew();
        await using (var conn = await dataSource.OpenConnectionAsync())
        await using (var copy = await conn.BeginBinaryImportAsync(
            "copy agent_memories (id, workspace_id, agent_user_id, content, topic, source, confidence, embedding, embedding_model) from stdin (format binary)"))
        {
            for (var i = 0; i < count; i++)
            {
                var agent = agents[i % agents.Length];
                var center = centers[random.Next(centers.Length)];
                // Spread around the cluster's centre at about a third of its length, like sentences on one subject.
                var vector = Unit(center.Zip(Gaussian(random, 0.35 / Math.Sqrt(Dimensions)), (c, n) => c + n).ToArray());
                var content = string.Join(' ', Enumerable.Range(0, 12).Select(_ => Word(random))) + $" #{i}";
                var topic = $"topic-{random.Next(20)}";
                if (seeded.Count < 20_000 || random.Next(10) == 0) seeded.Add((agent, vector, content, topic));
                await copy.StartRowAsync();
                await copy.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                await copy.WriteAsync(workspaceId, NpgsqlDbType.Uuid);
                await copy.WriteAsync(agent, NpgsqlDbType.Uuid);
                await copy.WriteAsync(content, NpgsqlDbType.Text);
                await copy.WriteAsync(topic, NpgsqlDbType.Text);
                await copy.WriteAsync("conversation", NpgsqlDbType.Text);
                await copy.WriteAsync(0.5f, NpgsqlDbType.Real);
                await copy.WriteAsync(new Vector(vector), "vector");
                await copy.WriteAsync("synthetic", NpgsqlDbType.Text);
                if ((i + 1) % 20_000 == 0) Console.WriteLine($"  {i + 1} rows ({seed.Elapsed.TotalSeconds:F0} s)");
            }
            await copy.CompleteAsync();
        }
        await using (var conn = await dataSource.OpenConnectionAsync())
        await using (var analyze = new NpgsqlCommand("analyze agent_memories", conn)) await analyze.ExecuteNonQueryAsync();
        Console.WriteLine($"seeded {count} memories (HNSW index built as they went in) in {seed.Elapsed.TotalSeconds:F1} s; workspace {workspaceId} (--reuse-workspace to search it again)");
        await MeasureAsync(dataSource, workspaceId, seeded, random, agentCount, queries, tuning ?? new MemoryOptions());
    }

    private static async Task MeasureAsync(NpgsqlDataSource dataSource, Guid workspaceId, List<(Guid Agent, float[] Vector, string Content, string Topic)> seeded,
        Random random, int agentCount, int queries, MemoryOptions tuning)
    {
        Console.WriteLine($"search settings: ef_search {tuning.EfSearch}, {tuning.SearchCandidates} candidates a ranking, exact below {tuning.ExactScanBelow} memories in scope");
        // The platform's own search; the embedding model is never loaded (query vectors are given).
        var store = new MemoryStore(dataSource, new MiniLmEmbeddings(), Microsoft.Extensions.Options.Options.Create(tuning));
        var plans = Enumerable.Range(0, queries + 20).Select(_ =>
        {
            var m = seeded[random.Next(seeded.Count)];
            var words = m.Content.Split(' ');
            // A question near one of the agent's memories, in other words than the memory's own: two of its words.
            return (m.Agent, Vector: new Vector(Unit(m.Vector.Zip(Gaussian(random, 0.3 / Math.Sqrt(Dimensions)), (v, n) => v + n).ToArray())),
                Text: $"{words[random.Next(Math.Min(12, words.Length))]} {words[random.Next(Math.Min(12, words.Length))]}", m.Topic);
        }).ToList();

        foreach (var filtered in new[] { false, true })
        {
            var timings = new List<double>();
            double recall = 0;
            for (var i = 0; i < plans.Count; i++)
            {
                var p = plans[i];
                var topic = filtered ? p.Topic : null;
                var watch = Stopwatch.StartNew();
                var hits = await store.SearchAsync(workspaceId, p.Agent, p.Vector, p.Text, topic, 10, CancellationToken.None);
                watch.Stop();
                if (i < 20) continue; // warm-up
                timings.Add(watch.Elapsed.TotalMilliseconds);
                if (hits.Count == 0) throw new InvalidOperationException("a search found nothing");
                var approximate = await store.NearestIdsAsync(workspaceId, p.Agent, p.Vector, topic, 10, exact: false, CancellationToken.None);
                var exact = await store.NearestIdsAsync(workspaceId, p.Agent, p.Vector, topic, 10, exact: true, CancellationToken.None);
                recall += exact.Count == 0 ? 1 : (double)approximate.Intersect(exact).Count() / exact.Count;
            }
            timings.Sort();
            double Pct(double q) => timings[Math.Min(timings.Count - 1, (int)Math.Ceiling(q * timings.Count) - 1)];
            Console.WriteLine($"{(filtered ? "agent + topic filter (1 in 200 rows)" : "agent filter (1 in " + agentCount + " rows)"),-38} " +
                $"hybrid search p50 {Pct(0.5):F1} ms  p95 {Pct(0.95):F1} ms  p99 {Pct(0.99):F1} ms  recall@10 {recall / timings.Count:F3}  ({timings.Count} queries)");
        }
    }

    private static async Task<(Guid WorkspaceId, Guid[] Agents)> CreateWorkspaceAsync(Uri url, int agentCount)
    {
        using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
        var session = await Json(await http.PostAsJsonAsync("/api/v1/auth/signup", new { email = $"memories-{Guid.NewGuid():N}@example.test", password = "a good long password", name = "Memory Owner" }));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.GetProperty("token").GetString());
        var workspaceId = (await Json(await http.PostAsJsonAsync("/api/v1/workspaces", new { name = "Memory Bench" }))).GetProperty("id").GetGuid();
        var onboarding = new AgentLinkOnboarding(url.ToString());
        var registration = await onboarding.RegisterAsync("Bench agents", "load-test");
        (await http.PostAsJsonAsync($"/api/v1/agents/claim/{registration.RegistrationId}", new { workspaceId })).EnsureSuccessStatusCode();
        var connected = await onboarding.ConnectAsync(registration.ApiKey, Enumerable.Range(0, agentCount).Select(i => ($"bench-{i}", $"Bench {i}")));
        return (workspaceId, connected.Agents.Select(a => a.UserId).ToArray());
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static float[] Gaussian(Random random, double sigma) =>
        Enumerable.Range(0, Dimensions).Select(_ => (float)(sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))).ToArray();

    private static float[] Unit(float[] v)
    {
        var norm = (float)Math.Sqrt(v.Sum(x => (double)x * x));
        return v.Select(x => x / norm).ToArray();
    }
}
