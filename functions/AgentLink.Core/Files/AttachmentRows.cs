using System.Data;
using System.Text.Json;
using AgentLink.Core.Data;
using Dapper;

namespace AgentLink.Core.Files;

/// <summary>The attachments table: what a message carries, and handing uploaded files to a new message.</summary>
public static class AttachmentRows
{
    /// <summary>A column for a message query on alias m: its files as a JSON array (empty for a deleted message).</summary>
    public const string MessageColumn = """
        coalesce((select json_agg(json_build_object('id', a.id, 'name', a.name, 'size', a.size, 'contentType', a.content_type, 'kind', a.kind,
                                                    'downloadOnly', a.download_only, 'width', a.width, 'height', a.height, 'hasThumbnail', a.has_thumbnail)
                                  order by a.created_at)::text
                  from attachments a where a.message_id = m.id and a.deleted_at is null and m.deleted_at is null), '[]')
        """;

    public static AttachmentView[] Parse(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<AttachmentView[]>(json, JsonSerializerOptions.Web) ?? [];

    /// <summary>Most files one message may carry.</summary>
    public const int MaxPerMessage = 10;

    private const string ReadySql = """
        select id, name, size, content_type, kind, download_only, width, height, has_thumbnail, status, uploader_id, channel_id, message_id, deleted_at
        from attachments where id = any(@ids)
        """;

    private sealed record Candidate(Guid Id, string Name, long Size, string? ContentType, string Kind, bool DownloadOnly, int? Width, int? Height,
        bool HasThumbnail, string Status, Guid UploaderId, Guid ChannelId, Guid? MessageId, DateTime? DeletedAt);

    /// <summary>
    /// The files <paramref name="ids"/> as they will appear on a new message, when each is confirmed,
    /// uploaded by <paramref name="uploaderId"/> to <paramref name="channelId"/> and on no message yet;
    /// otherwise the reason it cannot be posted.
    /// </summary>
    public static async Task<(AttachmentView[] Views, string? Problem)> ReadyForPostAsync(IDbConnection conn, Guid[] ids, Guid uploaderId, Guid channelId, CancellationToken ct)
    {
        if (ids.Length == 0) return ([], null);
        if (ids.Length > MaxPerMessage) return ([], $"At most {MaxPerMessage} files per message.");
        if (ids.Distinct().Count() != ids.Length) return ([], "The same file is listed twice.");
        var rows = (await conn.QueryAsync<Candidate>(Cmd.For(ReadySql, new { ids }, ct))).ToDictionary(r => r.Id);
        var views = new List<AttachmentView>();
        foreach (var id in ids)
        {
            if (!rows.TryGetValue(id, out var r) || r.UploaderId != uploaderId || r.ChannelId != channelId || r.DeletedAt is not null)
                return ([], $"{id} is not a file you uploaded to this channel.");
            if (r.Status != "ready") return ([], $"{id} is not confirmed yet: confirm the upload first.");
            if (r.MessageId is not null) return ([], $"{id} is already on another message.");
            views.Add(new AttachmentView(r.Id, r.Name, r.Size, r.ContentType ?? "application/octet-stream", r.Kind, r.DownloadOnly, r.Width, r.Height, r.HasThumbnail));
        }
        return (views.ToArray(), null);
    }

    private const string AttachSql = """
        update attachments set message_id = @messageId
        where id = any(@ids) and message_id is null and deleted_at is null and status = 'ready'
        """;

    /// <summary>Puts the files on the message (in the message's transaction); returns how many it took.</summary>
    public static Task<int> AttachAsync(IDbConnection conn, IDbTransaction tx, Guid messageId, Guid[] ids, CancellationToken ct) =>
        ids.Length == 0 ? Task.FromResult(0) : conn.ExecuteAsync(Cmd.For(AttachSql, new { messageId, ids }, ct, tx));
}
