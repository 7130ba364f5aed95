namespace AgentLink.Functions.Messages;

public static class MessagesApi
{
    public static RouteGroupBuilder MapMessagesApi(this RouteGroupBuilder v1)
    {
        var channel = v1.MapGroup("/channels/{channelId:guid}").WithTags("Messages").RequireAuthorization();
        channel.MapGet("/messages", ListMessages.Handle);
        channel.MapPost("/messages", PostMessage.Handle);
        channel.MapPost("/read", MarkRead.Handle);
        channel.MapPost("/typing", SendTyping.Handle);

        var message = v1.MapGroup("/messages/{messageId:guid}").WithTags("Messages").RequireAuthorization();
        message.MapPatch("/", EditMessage.Handle);
        message.MapDelete("/", DeleteMessage.Handle);
        message.MapGet("/thread", GetThread.Handle);
        message.MapPost("/reactions", ToggleReaction.Handle);

        v1.MapGet("/workspaces/{workspaceId:guid}/search", SearchMessages.Handle).WithTags("Messages").RequireAuthorization();
        return v1;
    }
}
