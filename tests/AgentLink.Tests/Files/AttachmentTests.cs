using System.Net;
using System.Text;
using System.Text.Json;
using AgentLink.Functions.Files;
using AgentLink.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using SkiaSharp;

namespace AgentLink.Tests.Files;

/// <summary>Files on messages against Azurite: upload straight to Blob Storage, confirm, read through short-lived URLs, only where allowed.</summary>
public sealed class AttachmentTests(RedisStackFixture fixture) : IClassFixture<RedisStackFixture>
{
    private AppStack Stack => fixture.Stack;

    private static readonly HttpClient Blob = new();

    public static byte[] Png(int width = 640, int height = 480)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        surface.Canvas.Clear(SKColors.SteelBlue);
        using var data = surface.Snapshot().Encode(SKEncodedImageFormat.Png, 90);
        return data.ToArray();
    }

    /// <summary>Start, PUT the bytes to Blob Storage, confirm: the confirm's answer.</summary>
    private static async Task<(HttpStatusCode Status, JsonElement Body)> UploadAsync(ApiClient who, Guid channelId, string name, string type, byte[] bytes, long? declared = null)
    {
        var ticket = await who.PostOkAsync($"/api/v1/channels/{channelId}/attachments", new { name, size = declared ?? bytes.Length, contentType = type });
        var id = ticket.GetProperty("attachment").GetProperty("id").GetGuid();
        await BlobUpload.PutAsync(ticket, bytes);
        return await who.TryAsync(HttpMethod.Post, $"/api/v1/attachments/{id}/confirm");
    }

    /// <summary>What GET …/content answers: the redirect, then the blob it points to.</summary>
    private static async Task<(HttpStatusCode Status, HttpResponseMessage? Blob)> ReadAsync(ApiClient who, Guid attachmentId, string what = "content")
    {
        using var noRedirect = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = who.Http.BaseAddress };
        noRedirect.DefaultRequestHeaders.Authorization = who.Http.DefaultRequestHeaders.Authorization;
        using var answer = await noRedirect.GetAsync($"/api/v1/attachments/{attachmentId}/{what}");
        if (answer.StatusCode != HttpStatusCode.Redirect) return (answer.StatusCode, null);
        Assert.True(answer.Headers.CacheControl is { NoStore: true, Private: true }, "a read URL must never be cached where others could reuse it");
        return (answer.StatusCode, await Blob.GetAsync(answer.Headers.Location));
    }

    [Fact]
    public async Task An_image_is_uploaded_confirmed_posted_and_read_by_members_only()
    {
        var team = await Scenario.TeamAsync(Stack, "Files");
        var member = await Scenario.JoinAsync(Stack, team, "Reader");
        var stranger = (await Scenario.TeamAsync(Stack, "Elsewhere")).Owner;
        var png = Png();

        var (status, confirmed) = await UploadAsync(team.Owner, team.GeneralId, "../../etc/holiday <1>.png", "image/png", png);
        Assert.Equal(HttpStatusCode.OK, status);
        var id = confirmed.GetProperty("id").GetGuid();
        Assert.Equal(("holiday _1_.png", "image/png", "image", 640, 480, true), (confirmed.GetProperty("name").GetString(), confirmed.GetProperty("contentType").GetString(),
            confirmed.GetProperty("kind").GetString(), confirmed.GetProperty("width").GetInt32(), confirmed.GetProperty("height").GetInt32(), confirmed.GetProperty("hasThumbnail").GetBoolean()));

        // Not posted yet: only its uploader reads it.
        Assert.Equal(HttpStatusCode.NotFound, (await ReadAsync(member, id)).Status);
        var message = await team.Owner.PostOkAsync($"/api/v1/channels/{team.GeneralId}/messages", new { text = "", attachmentIds = new[] { id } });
        Assert.Equal(id, message.GetProperty("attachments")[0].GetProperty("id").GetGuid());
        var listed = await member.GetOkAsync($"/api/v1/channels/{team.GeneralId}/messages");
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), m => m.GetProperty("attachments").GetArrayLength() == 1);

        var (redirect, blob) = await ReadAsync(member, id);
        Assert.Equal(HttpStatusCode.Redirect, redirect);
        Assert.Equal(png, await blob!.Content.ReadAsByteArrayAsync());
        Assert.Equal("image/png", blob.Content.Headers.ContentType?.MediaType);
        var (_, thumb) = await ReadAsync(member, id, "thumbnail");
        using (var thumbnail = SKBitmap.Decode(await thumb!.Content.ReadAsByteArrayAsync()))
            Assert.Equal((360, 270), (thumbnail.Width, thumbnail.Height));

        // Another workspace's user, and a workspace member outside a private channel: 404, as if it did not exist.
        Assert.Equal(HttpStatusCode.NotFound, (await ReadAsync(stranger, id)).Status);
        var secret = await team.Owner.CreateChannelAsync(team.WorkspaceId, "secret", isPrivate: true);
        var (_, hidden) = await UploadAsync(team.Owner, secret, "plan.txt", "text/plain", Encoding.UTF8.GetBytes("the plan"));
        var hiddenId = hidden.GetProperty("id").GetGuid();
        await team.Owner.PostOkAsync($"/api/v1/channels/{secret}/messages", new { text = "the plan", attachmentIds = new[] { hiddenId } });
        Assert.Equal(HttpStatusCode.NotFound, (await ReadAsync(member, hiddenId)).Status);
        Assert.Equal("the plan", await (await ReadAsync(team.Owner, hiddenId)).Blob!.Content.ReadAsStringAsync());
        var (startStatus, startProblem) = await stranger.TryAsync(HttpMethod.Post, $"/api/v1/channels/{team.GeneralId}/attachments", new { name = "x.txt", size = 3, contentType = "text/plain" });
        Assert.Equal((HttpStatusCode.NotFound, "channel_not_found"), (startStatus, startProblem.GetProperty("code").GetString()));
        // Someone else's upload cannot be posted, nor the same one twice.
        var (reuse, reuseProblem) = await member.TryAsync(HttpMethod.Post, $"/api/v1/channels/{team.GeneralId}/messages", new { text = "mine now", attachmentIds = new[] { id } });
        Assert.Equal(HttpStatusCode.BadRequest, reuse);
        Assert.True(reuseProblem.GetProperty("errors").TryGetProperty("attachmentIds", out _));
    }

    [Fact]
    public async Task Oversized_files_and_bytes_that_contradict_their_type_are_refused_and_nothing_stays()
    {
        var team = await Scenario.TeamAsync(Stack, "Refusals");
        var (tooBig, problem) = await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/channels/{team.GeneralId}/attachments",
            new { name = "huge.bin", size = 200L * 1024 * 1024, contentType = "application/octet-stream" });
        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "file_too_large"), (tooBig, problem.GetProperty("code").GetString()));

        // More bytes than declared.
        var (longer, longerProblem) = await UploadAsync(team.Owner, team.GeneralId, "notes.txt", "text/plain", new byte[20].Select(_ => (byte)'a').ToArray(), declared: 10);
        Assert.Equal((HttpStatusCode.RequestEntityTooLarge, "file_too_large"), (longer, longerProblem.GetProperty("code").GetString()));
        // A "PNG" that is text.
        var (lie, lieProblem) = await UploadAsync(team.Owner, team.GeneralId, "cat.png", "image/png", Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>"));
        Assert.Equal((HttpStatusCode.BadRequest, "content_type_mismatch"), (lie, lieProblem.GetProperty("code").GetString()));
        Assert.Equal(0L, await Stack.ScalarAsync<long>("select count(*) from attachments where workspace_id = @w", new { w = team.WorkspaceId }));

        // Confirming before uploading says so and keeps the row (the upload may still come).
        var ticket = await team.Owner.PostOkAsync($"/api/v1/channels/{team.GeneralId}/attachments", new { name = "later.txt", size = 5, contentType = "text/plain" });
        var (early, earlyProblem) = await team.Owner.TryAsync(HttpMethod.Post, $"/api/v1/attachments/{ticket.GetProperty("attachment").GetProperty("id").GetGuid()}/confirm");
        Assert.Equal((HttpStatusCode.Conflict, "upload_missing"), (early, earlyProblem.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task An_SVG_is_only_ever_served_as_a_download()
    {
        var team = await Scenario.TeamAsync(Stack, "Vectors");
        var svg = Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(document.cookie)\"><circle r=\"5\"/></svg>");
        var (status, confirmed) = await UploadAsync(team.Owner, team.GeneralId, "logo.svg", "image/svg+xml", svg);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("file", true, false), (confirmed.GetProperty("kind").GetString(), confirmed.GetProperty("downloadOnly").GetBoolean(), confirmed.GetProperty("hasThumbnail").GetBoolean()));
        var id = confirmed.GetProperty("id").GetGuid();
        await team.Owner.PostOkAsync($"/api/v1/channels/{team.GeneralId}/messages", new { text = "our logo", attachmentIds = new[] { id } });
        var (_, blob) = await ReadAsync(team.Owner, id);
        Assert.StartsWith("attachment;", blob!.Content.Headers.ContentDisposition?.ToString());
        Assert.Equal("application/octet-stream", blob.Content.Headers.ContentType?.MediaType);
        // Same for an HTML file claiming to be plain text.
        var (_, html) = await UploadAsync(team.Owner, team.GeneralId, "notes.txt", "text/plain", Encoding.UTF8.GetBytes("<!doctype html><p>hi"));
        Assert.Equal(("text/html", true), (html.GetProperty("contentType").GetString(), html.GetProperty("downloadOnly").GetBoolean()));
    }

    [Fact]
    public async Task Deleting_a_message_deletes_its_files_and_the_collector_removes_the_blobs()
    {
        var team = await Scenario.TeamAsync(Stack, "Cleanup");
        var (_, confirmed) = await UploadAsync(team.Owner, team.GeneralId, "photo.png", "image/png", Png(100, 100));
        var id = confirmed.GetProperty("id").GetGuid();
        var message = (await team.Owner.PostOkAsync($"/api/v1/channels/{team.GeneralId}/messages", new { text = "soon gone", attachmentIds = new[] { id } })).GetProperty("id").GetGuid();
        var blobName = await Stack.ScalarAsync<string>("select blob_name from attachments where id = @id", new { id });
        var store = Stack.ApiServices.GetRequiredService<AgentLink.Core.Files.BlobStore>();
        Assert.NotNull(await store.SizeAsync(blobName, CancellationToken.None));

        Assert.Equal(HttpStatusCode.NoContent, (await team.Owner.SendAsync(HttpMethod.Delete, $"/api/v1/messages/{message}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await ReadAsync(team.Owner, id)).Status);
        var collected = await ActivatorUtilities.CreateInstance<CollectDeletedAttachments>(Stack.ApiServices).RunOnceAsync(CancellationToken.None);
        Assert.True(collected >= 1);
        Assert.Null(await store.SizeAsync(blobName, CancellationToken.None));
        Assert.Null(await store.SizeAsync(AgentLink.Core.Files.BlobStore.ThumbnailOf(blobName), CancellationToken.None));
        Assert.Equal(0L, await Stack.ScalarAsync<long>("select count(*) from attachments where id = @id", new { id }));
    }
}
