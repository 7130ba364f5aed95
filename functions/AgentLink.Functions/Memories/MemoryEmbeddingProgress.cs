using AgentLink.Core.Memories;

namespace AgentLink.Functions.Memories;

/// <summary>Which embedding model a workspace's memories use, and how many have its vectors (all but a few only while re-embedding).</summary>
public sealed class MemoryEmbeddingProgress(NpgsqlDataSource dataSource)
{
    [Function("GetMemoryEmbeddings")]
    [Caller(Caller.Person), WorkspaceRole(Roles.Viewer)]
    public async Task<Ok<EmbeddingModels.Progress>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "v1/workspaces/{workspaceId:guid}/memories/embeddings")] HttpRequest req, Guid workspaceId)
    {
        var ct = req.HttpContext.RequestAborted;
        await using var conn = await dataSource.OpenConnectionAsync(ct);
        return TypedResults.Ok(await EmbeddingModels.ProgressAsync(conn, workspaceId, ct));
    }
}
