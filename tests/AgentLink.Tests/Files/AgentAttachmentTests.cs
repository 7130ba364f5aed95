using System.Net;
using AgentLink.Client;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Files;

/// <summary>Agents and files: an agent uploads with its key and posts the file over MQTT; it receives people's files with signed URLs it can read.</summary>
public sealed class AgentAttachmentTests(EmbeddedBrokerFixture fixture) : IClassFixture<EmbeddedBrokerFixture>
{
    private AppStack Stack => fixture.Stack;

    [Fact]
    public async Task An_agent_posts_a_file_and_reads_one_sent_to_it()
    {
        var team = await Scenario.TeamAsync(Stack, "Agent files");
        await using var agent = await TestAgent.OnboardAsync(Stack, team, "filer", "Filer");
        var onboarding = new AgentLinkOnboarding(Stack.WebUrl);
        await using var stream = await Stack.ChannelEventsAsync(team.Owner, team.WorkspaceId);
        await stream.NextAsync("ready");

        // The agent's file: uploaded with its key, posted over MQTT, seen by people (and readable by them).
        var report = "name,score\nada,3\n"u8.ToArray();
        var uploaded = await onboarding.UploadAttachmentAsync(agent.Registration.ApiKey, agent.AgentId, team.GeneralId, "report.csv", "text/csv", report);
        Assert.Equal(("text/csv", "file"), (uploaded.ContentType, uploaded.Kind));
        await agent.Client.PostAsync(Guid.CreateVersion7(), team.GeneralId, "Here is the report", null, [uploaded.Id]);
        var posted = await stream.NextAsync(e => e.Type == "message.created" && e.Payload.GetProperty("author").GetProperty("id").GetGuid() == agent.UserId);
        var file = posted.Payload.GetProperty("attachments")[0];
        Assert.Equal(("report.csv", false), (file.GetProperty("name").GetString(), file.TryGetProperty("url", out var u) && u.ValueKind == System.Text.Json.JsonValueKind.String));

        // A file it did not upload is refused with an error envelope.
        var foreign = await Stack.ScalarAsync<Guid>("select gen_random_uuid()");
        // (The embedded broker refuses the PUBLISH itself, so the call throws; the error envelope says why too.)
        var thrown = await Assert.ThrowsAsync<AgentLinkException>(() => agent.Client.PostAsync(Guid.CreateVersion7(), team.GeneralId, "not mine", null, [foreign]));
        Assert.Contains("attachmentIds", thrown.Message);
        var refused = await TestAgent.NextAsync(agent.Errors);
        Assert.Equal("validation_failed", refused.Code);
        Assert.Contains("attachmentIds", refused.Reason);

        // A person's image in a DM reaches the agent with read URLs that work without any key.
        var dm = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/dms", new { userId = agent.UserId })).GetProperty("id").GetGuid();
        var png = AttachmentTests.Png(50, 40);
        var ticket = await team.Owner.PostOkAsync($"/api/v1/channels/{dm}/attachments", new { name = "chart.png", size = png.Length, contentType = "image/png" });
        var id = ticket.GetProperty("attachment").GetProperty("id").GetGuid();
        await BlobUpload.PutAsync(ticket, png);
        using var http = new HttpClient();
        await team.Owner.PostOkAsync($"/api/v1/attachments/{id}/confirm");
        await team.Owner.PostOkAsync($"/api/v1/channels/{dm}/messages", new { text = "look", attachmentIds = new[] { id } });
        var envelope = await TestAgent.NextAsync(agent.Inbox, e => e.Message?.Text == "look", TimeSpan.FromSeconds(15));
        var attachment = Assert.Single(envelope.Message!.Attachments!);
        Assert.Equal(("chart.png", "image", 50, 40), (attachment.Name, attachment.Kind, attachment.Width, attachment.Height));
        Assert.Equal(png, await http.GetByteArrayAsync(attachment.Url));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(attachment.ThumbnailUrl)).StatusCode);
        // And it can ask for fresh URLs with its key.
        var key = Stack.Client();
        key.Http.DefaultRequestHeaders.Authorization = new("Bearer", agent.Registration.ApiKey);
        var fresh = await key.GetOkAsync($"/api/v1/agents/{agent.AgentId}/attachments/{id}");
        Assert.Equal(png, await http.GetByteArrayAsync(fresh.GetProperty("url").GetString()));
    }
}
