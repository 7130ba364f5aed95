using System.Net;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Messages;

public sealed class MessageTests(RedisStackFixture fixture) : IClassFixture<RedisStackFixture>
{
    private AppStack Stack => fixture.Stack;

    [Fact]
    public async Task Each_message_gets_the_next_per_workspace_sequence_number()
    {
        var team = await Scenario.TeamAsync(Stack);
        var other = await team.Owner.CreateChannelAsync(team.WorkspaceId, "other");
        var seqs = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            seqs.Add((await team.Owner.PostMessageAsync(team.GeneralId, $"g{i}")).GetProperty("seq").GetInt64());
            seqs.Add((await team.Owner.PostMessageAsync(other, $"o{i}")).GetProperty("seq").GetInt64());
        }
        Assert.Equal(Enumerable.Range((int)seqs[0], 6).Select(i => (long)i), seqs);
    }

    [Fact]
    public async Task History_is_keyset_paginated_newest_first()
    {
        var team = await Scenario.TeamAsync(Stack);
        for (var i = 1; i <= 7; i++) await team.Owner.PostMessageAsync(team.GeneralId, $"m{i}");
        var texts = new List<string>();
        string path = $"/api/v1/channels/{team.GeneralId}/messages?limit=3";
        while (true)
        {
            var page = await team.Owner.GetOkAsync(path);
            texts.AddRange(page.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("text").GetString()!));
            if (!page.GetProperty("hasMore").GetBoolean()) break;
            path = $"/api/v1/channels/{team.GeneralId}/messages?limit=3&before={page.GetProperty("nextBefore").GetInt64()}";
        }
        Assert.Equal(["m7", "m6", "m5", "m4", "m3", "m2", "m1"], texts);
    }

    [Fact]
    public async Task Replies_form_a_thread_outside_the_channel_history()
    {
        var team = await Scenario.TeamAsync(Stack);
        var root = (await team.Owner.PostMessageAsync(team.GeneralId, "root")).GetProperty("id").GetGuid();
        var reply = (await team.Owner.PostMessageAsync(team.GeneralId, "reply 1", root)).GetProperty("id").GetGuid();
        var nested = await team.Owner.PostMessageAsync(team.GeneralId, "reply to a reply", reply);
        Assert.Equal(root, nested.GetProperty("parentId").GetGuid());

        var history = await team.Owner.GetOkAsync($"/api/v1/channels/{team.GeneralId}/messages");
        var only = Assert.Single(history.GetProperty("items").EnumerateArray());
        Assert.Equal(2, only.GetProperty("replyCount").GetInt32());
        var thread = await team.Owner.GetOkAsync($"/api/v1/messages/{reply}/thread");
        Assert.Equal(root, thread.GetProperty("root").GetProperty("id").GetGuid());
        Assert.Equal(["reply 1", "reply to a reply"], thread.GetProperty("replies").EnumerateArray().Select(r => r.GetProperty("text").GetString()));
    }

    [Fact]
    public async Task Mentions_of_workspace_members_are_recorded()
    {
        var team = await Scenario.TeamAsync(Stack);
        var bob = await Scenario.JoinAsync(Stack, team, "Bob");
        var stranger = Guid.NewGuid();
        var posted = await team.Owner.PostMessageAsync(team.GeneralId, $"hey <@{bob.UserId}> and <@{stranger}>");
        Assert.Equal([bob.UserId], posted.GetProperty("mentions").EnumerateArray().Select(m => m.GetGuid()));
    }

    [Fact]
    public async Task Only_the_author_edits_and_the_author_or_an_admin_deletes()
    {
        var team = await Scenario.TeamAsync(Stack);
        var bob = await Scenario.JoinAsync(Stack, team, "Bob");
        var mine = (await bob.PostMessageAsync(team.GeneralId, "bob's")).GetProperty("id").GetGuid();
        var theirs = (await team.Owner.PostMessageAsync(team.GeneralId, "owner's")).GetProperty("id").GetGuid();

        Assert.Equal(HttpStatusCode.Forbidden, (await team.Owner.TryAsync(HttpMethod.Patch, $"/api/v1/messages/{mine}", new { text = "changed" })).Status);
        var edited = await bob.OkAsync(HttpMethod.Patch, $"/api/v1/messages/{mine}", new { text = "bob's, edited" });
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, edited.GetProperty("editedAt").ValueKind);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.TryAsync(HttpMethod.Delete, $"/api/v1/messages/{theirs}")).Status);

        Assert.Equal(HttpStatusCode.NoContent, (await team.Owner.TryAsync(HttpMethod.Delete, $"/api/v1/messages/{mine}")).Status);
        Assert.Equal(HttpStatusCode.NoContent, (await team.Owner.TryAsync(HttpMethod.Delete, $"/api/v1/messages/{mine}")).Status);
        var deleted = (await bob.GetOkAsync($"/api/v1/channels/{team.GeneralId}/messages")).GetProperty("items").EnumerateArray().Single(m => m.GetProperty("id").GetGuid() == mine);
        Assert.Equal("", deleted.GetProperty("text").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, deleted.GetProperty("deletedAt").ValueKind);
        Assert.Equal(HttpStatusCode.Conflict, (await bob.TryAsync(HttpMethod.Patch, $"/api/v1/messages/{mine}", new { text = "revive" })).Status);
    }

    [Fact]
    public async Task A_reaction_toggles_on_and_off_per_user()
    {
        var team = await Scenario.TeamAsync(Stack);
        var bob = await Scenario.JoinAsync(Stack, team, "Bob");
        var id = (await team.Owner.PostMessageAsync(team.GeneralId, "react to me")).GetProperty("id").GetGuid();
        Assert.True((await team.Owner.PostOkAsync($"/api/v1/messages/{id}/reactions", new { emoji = "👍" })).GetProperty("added").GetBoolean());
        var both = await bob.PostOkAsync($"/api/v1/messages/{id}/reactions", new { emoji = "👍" });
        Assert.Equal(2, both.GetProperty("reactions")[0].GetProperty("count").GetInt32());
        var off = await team.Owner.PostOkAsync($"/api/v1/messages/{id}/reactions", new { emoji = "👍" });
        Assert.False(off.GetProperty("added").GetBoolean());
        Assert.Equal([bob.UserId], off.GetProperty("reactions")[0].GetProperty("userIds").EnumerateArray().Select(u => u.GetGuid()));
    }

    [Fact]
    public async Task Search_finds_words_across_readable_channels_with_stemming()
    {
        var team = await Scenario.TeamAsync(Stack);
        var ops = await team.Owner.CreateChannelAsync(team.WorkspaceId, "ops");
        await team.Owner.PostMessageAsync(team.GeneralId, "We are deploying the new build tonight");
        await team.Owner.PostMessageAsync(ops, "deployment finished without errors");
        await team.Owner.PostMessageAsync(ops, "lunch?");
        var found = await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/search?q=deploy");
        Assert.Equal(2, found.GetProperty("items").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await team.Owner.TryAsync(HttpMethod.Get, $"/api/v1/workspaces/{team.WorkspaceId}/search?q=")).Status);
    }

    [Fact]
    public async Task The_threads_view_lists_threads_one_started_or_replied_in_newest_answer_first_and_only_readable_ones()
    {
        var team = await Scenario.TeamAsync(Stack);
        var bob = await Scenario.JoinAsync(Stack, team, "Bob");
        var secret = await team.Owner.CreateChannelAsync(team.WorkspaceId, "secret", isPrivate: true);
        Guid Id(System.Text.Json.JsonElement m) => m.GetProperty("id").GetGuid();
        var mine = Id(await bob.PostMessageAsync(team.GeneralId, "bob asks"));
        var answered = Id(await team.Owner.PostMessageAsync(team.GeneralId, "owner asks"));
        var untouched = Id(await team.Owner.PostMessageAsync(team.GeneralId, "owner asks someone else"));
        var hidden = Id(await team.Owner.PostMessageAsync(secret, "private question"));
        await team.Owner.PostMessageAsync(team.GeneralId, "owner answers bob", mine);
        await bob.PostMessageAsync(team.GeneralId, "bob answers owner", answered);
        await team.Owner.PostMessageAsync(team.GeneralId, "owner answers owner", untouched);
        await team.Owner.PostMessageAsync(secret, "private answer", hidden);
        await bob.PostMessageAsync(team.GeneralId, "no replies yet");

        var threads = (await bob.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/threads")).GetProperty("items").EnumerateArray().Select(Id).ToList();
        Assert.Equal([answered, mine], threads);
        var owners = (await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/threads")).GetProperty("items").EnumerateArray().Select(Id).ToList();
        Assert.Equal([hidden, untouched, answered, mine], owners);
    }

    [Fact]
    public async Task A_person_renames_themselves_and_every_workspace_they_are_in_is_told()
    {
        var team = await Scenario.TeamAsync(Stack);
        var bob = await Scenario.JoinAsync(Stack, team, "Bob");
        var other = await bob.CreateWorkspaceAsync("Bob's own");
        await using var stream = await Stack.ChannelEventsAsync(team.Owner, team.WorkspaceId);
        await stream.NextAsync("ready");

        var me = await bob.OkAsync(HttpMethod.Patch, "/api/v1/me", new { name = "  Robert  " });
        Assert.Equal("Robert", me.GetProperty("name").GetString());
        var told = await stream.NextAsync(e => e.Type == "workspace.member_updated");
        Assert.Equal(bob.UserId, told.Payload.GetProperty("userId").GetGuid());
        Assert.Equal("Robert", told.Payload.GetProperty("name").GetString());
        Assert.Contains((await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/members")).EnumerateArray(), m => m.GetProperty("name").GetString() == "Robert");
        Assert.Equal(1L, await TestEnvironment.ScalarAsync<long>("select count(*) from workspace_events where workspace_id = @other and type = 'workspace.member_updated'", new { other }));

        var (status, body) = await bob.TryAsync(HttpMethod.Patch, "/api/v1/me", new { name = "   " });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("validation_failed", body.GetProperty("code").GetString());
    }

    [Fact]
    public async Task Writers_pin_and_unpin_messages_the_channel_lists_its_pins_newest_first_and_everyone_is_told()
    {
        var team = await Scenario.TeamAsync(Stack);
        var bob = await Scenario.JoinAsync(Stack, team, "Bob");
        var viewer = await Scenario.JoinAsync(Stack, team, "Vic", role: "viewer");
        Guid Id(System.Text.Json.JsonElement m) => m.GetProperty("id").GetGuid();
        var first = Id(await team.Owner.PostMessageAsync(team.GeneralId, "the plan"));
        var second = Id(await team.Owner.PostMessageAsync(team.GeneralId, "the budget"));
        var gone = Id(await team.Owner.PostMessageAsync(team.GeneralId, "soon deleted"));
        await using var stream = await Stack.ChannelEventsAsync(viewer, team.WorkspaceId);
        await stream.NextAsync("ready");

        var pinned = await bob.PostOkAsync($"/api/v1/messages/{first}/pin");
        Assert.True(pinned.GetProperty("pinned").GetBoolean());
        Assert.Equal(bob.UserId, pinned.GetProperty("pinnedBy").GetGuid());
        var told = await stream.NextAsync("message.pinned");
        Assert.Equal(first, told.Payload.GetProperty("messageId").GetGuid());
        await team.Owner.PostOkAsync($"/api/v1/messages/{second}/pin");
        await team.Owner.PostOkAsync($"/api/v1/messages/{second}/pin"); // again: no change, no event
        await team.Owner.PostOkAsync($"/api/v1/messages/{gone}/pin");
        await team.Owner.SendAsync(HttpMethod.Delete, $"/api/v1/messages/{gone}");
        async Task<Guid[]> Pins() => (await viewer.GetOkAsync($"/api/v1/channels/{team.GeneralId}/pins")).GetProperty("items").EnumerateArray().Select(Id).ToArray();
        Assert.Equal([second, first], await Pins());
        Assert.Equal(2L, await TestEnvironment.ScalarAsync<long>("select count(*) from workspace_events where workspace_id = @id and type = 'message.pinned' and payload->>'messageId' <> @gone",
            new { id = team.WorkspaceId, gone = gone.ToString() }));

        var (status, body) = await viewer.TryAsync(HttpMethod.Post, $"/api/v1/messages/{first}/pin");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("role_too_low", body.GetProperty("code").GetString());
        Assert.False((await bob.OkAsync(HttpMethod.Delete, $"/api/v1/messages/{first}/pin")).GetProperty("pinned").GetBoolean());
        Assert.Equal([second], await Pins());
    }

    [Fact]
    public async Task Search_matches_the_word_being_typed_as_a_prefix_and_keeps_phrases_and_exclusions()
    {
        var team = await Scenario.TeamAsync(Stack);
        await team.Owner.PostMessageAsync(team.GeneralId, "Sprint retro moved to Friday");
        await team.Owner.PostMessageAsync(team.GeneralId, "retro notes are in the wiki");
        await team.Owner.PostMessageAsync(team.GeneralId, "nothing to see here");
        async Task<string[]> Find(string q) =>
            (await team.Owner.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/search?q={Uri.EscapeDataString(q)}"))
                .GetProperty("items").EnumerateArray().Select(m => m.GetProperty("text").GetString()!).Order().ToArray();

        Assert.Equal(["Sprint retro moved to Friday", "retro notes are in the wiki"], await Find("retr"));
        Assert.Equal(["Sprint retro moved to Friday"], await Find("retro fri"));
        Assert.Equal(["retro notes are in the wiki"], await Find("retro -sprint"));
        Assert.Equal(["Sprint retro moved to Friday"], await Find("\"sprint retro\""));
        Assert.Empty(await Find("retrograde"));
        Assert.Equal(("retro", "fri:*"), AgentLink.Core.Chat.MessageSearch.SplitPrefix("retro fri"));
        Assert.Equal(("retro -sprint", null), AgentLink.Core.Chat.MessageSearch.SplitPrefix("retro -sprint"));
    }

    [Fact]
    public async Task Unread_counts_follow_new_messages_and_mark_as_read()
    {
        var team = await Scenario.TeamAsync(Stack);
        var bob = await Scenario.JoinAsync(Stack, team, "Bob");
        for (var i = 0; i < 3; i++) await team.Owner.PostMessageAsync(team.GeneralId, $"news {i}");
        await bob.PostMessageAsync(team.GeneralId, "my own message does not count");

        int Unread(System.Text.Json.JsonElement channels) =>
            channels.EnumerateArray().Single(c => c.GetProperty("id").GetGuid() == team.GeneralId).GetProperty("unreadCount").GetInt32();
        Assert.Equal(3, Unread(await bob.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/channels")));
        var read = await bob.PostOkAsync($"/api/v1/channels/{team.GeneralId}/read");
        Assert.True(read.GetProperty("lastReadSeq").GetInt64() > 0);
        Assert.Equal(0, Unread(await bob.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/channels")));
        await team.Owner.PostMessageAsync(team.GeneralId, "one more");
        Assert.Equal(1, Unread(await bob.GetOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/channels")));
    }

    [Fact]
    public async Task Read_receipts_take_no_workspace_sequence_number_and_a_burst_of_them_lands_on_the_furthest()
    {
        var team = await Scenario.TeamAsync(Stack);
        var bob = await Scenario.JoinAsync(Stack, team, "Bob");
        var seqs = new List<long>();
        for (var i = 0; i < 5; i++) seqs.Add((await team.Owner.PostMessageAsync(team.GeneralId, $"news {i}")).GetProperty("seq").GetInt64());
        var lastSeq = await TestEnvironment.ScalarAsync<long>("select last_seq from workspaces where id = @w", new { w = team.WorkspaceId });

        // Fifty receipts at once, as busy tabs would send them, for positions out of order.
        var receipts = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            bob.PostOkAsync($"/api/v1/channels/{team.GeneralId}/read", new { seq = seqs[i % seqs.Count] })));
        Assert.All(receipts, r => Assert.True(r.GetProperty("lastReadSeq").GetInt64() >= seqs[0]));

        Assert.Equal(seqs.Max(), await TestEnvironment.ScalarAsync<long>(
            "select last_read_seq from channel_members where channel_id = @c and user_id = @u", new { c = team.GeneralId, u = bob.UserId }));
        // No sequence number taken (the workspace row's lock is the posting path's), no event row written.
        Assert.Equal(lastSeq, await TestEnvironment.ScalarAsync<long>("select last_seq from workspaces where id = @w", new { w = team.WorkspaceId }));
        Assert.Equal(0, await TestEnvironment.ScalarAsync<long>("select count(*) from workspace_events where workspace_id = @w and type = 'read.updated'", new { w = team.WorkspaceId }));
        // A position is never moved backwards.
        await bob.PostOkAsync($"/api/v1/channels/{team.GeneralId}/read", new { seq = seqs[0] });
        Assert.Equal(seqs.Max(), await TestEnvironment.ScalarAsync<long>(
            "select last_read_seq from channel_members where channel_id = @c and user_id = @u", new { c = team.GeneralId, u = bob.UserId }));
    }
}
