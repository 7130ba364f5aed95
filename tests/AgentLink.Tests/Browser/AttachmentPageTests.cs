using AgentLink.Tests.Files;
using AgentLink.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AgentLink.Tests.Browser;

/// <summary>Files in Chromium: one person attaches an image (uploaded from the page straight to Azurite), the other sees the thumbnail live and opens it.</summary>
public sealed class AttachmentPageTests(RedisStackFixture fixture) : BrowserTest, IClassFixture<RedisStackFixture>
{
    protected override AppStack Stack => fixture.Stack;

    [Fact]
    public async Task A_person_attaches_an_image_and_the_other_sees_the_thumbnail_live_and_opens_it()
    {
        var team = await Scenario.TeamAsync(Stack, "Pictures");
        var bob = await Scenario.JoinAsync(Stack, team, "Bob Viewer");
        var alice = await OpenChannelAsync(team.Owner, team.WorkspaceId, team.GeneralId, "#general");
        var bobs = await OpenChannelAsync(bob, team.WorkspaceId, team.GeneralId, "#general");

        await alice.GetByTestId("composer-file").SetInputFilesAsync(new FilePayload { Name = "sunset.png", MimeType = "image/png", Buffer = AttachmentTests.Png(800, 600) });
        await Assertions.Expect(alice.GetByTestId("pending-file")).ToHaveAttributeAsync("data-status", "ready");
        await alice.GetByTestId("composer").FillAsync("Look at this");
        await alice.GetByTestId("send").ClickAsync();
        await Assertions.Expect(alice.GetByTestId("pending-files")).ToHaveCountAsync(0);

        var thumbnail = Message(bobs, "Look at this").GetByTestId("attachment-image").Locator("img");
        await Assertions.Expect(thumbnail).ToHaveAttributeAsync("alt", "sunset.png");
        await bobs.WaitForFunctionAsync("img => img.complete && img.naturalWidth === 360", await thumbnail.ElementHandleAsync());
        await Message(bobs, "Look at this").GetByTestId("attachment-image").ClickAsync();
        var full = bobs.GetByTestId("lightbox-image");
        await bobs.WaitForFunctionAsync("img => img.complete && img.naturalWidth === 800", await full.ElementHandleAsync());
        await Assertions.Expect(bobs.GetByTestId("lightbox")).ToContainTextAsync("800 × 600");
        await bobs.ScreenshotAsync(new() { Path = Chromium.ScreenshotPath("attachment-lightbox.png") });
        await AssertAccessibleAsync(bobs, "image lightbox");
        await bobs.Keyboard.PressAsync("Escape");
        await Assertions.Expect(bobs.GetByTestId("lightbox")).ToHaveCountAsync(0);

        // A file that is not an image is a card to download; one whose bytes contradict its type says why.
        await alice.GetByTestId("composer-file").SetInputFilesAsync(new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = "minutes"u8.ToArray() });
        await Assertions.Expect(alice.GetByTestId("pending-file")).ToHaveAttributeAsync("data-status", "ready");
        await alice.GetByTestId("send").ClickAsync();
        await Assertions.Expect(bobs.GetByTestId("attachment-file")).ToContainTextAsync("notes.txt");
        await alice.GetByTestId("composer-file").SetInputFilesAsync(new FilePayload { Name = "fake.png", MimeType = "image/png", Buffer = "not a picture"u8.ToArray() });
        await Assertions.Expect(alice.GetByTestId("pending-file")).ToHaveAttributeAsync("data-status", "failed");
        await Assertions.Expect(alice.GetByTestId("pending-file")).ToContainTextAsync("not the image/png it claims");
        await alice.ScreenshotAsync(new() { Path = Chromium.ScreenshotPath("attachment-composer.png") });
        AssertNoPageErrors();
    }
}
