namespace AgentLink.Core.Chat;

public sealed record AuthorView(Guid Id, string Name, string Kind);

public sealed record ReactionView(string Emoji, int Count, Guid[] UserIds);

/// <summary>A message as the API and the event stream show it. A deleted message keeps its place with empty text.</summary>
public sealed record MessageView(
    Guid Id, Guid WorkspaceId, Guid ChannelId, long Seq, Guid? ParentId, AuthorView Author, string Text,
    Guid[] Mentions, ReactionView[] Reactions, int ReplyCount, DateTime? LastReplyAt,
    DateTime CreatedAt, DateTime? EditedAt, DateTime? DeletedAt, Files.AttachmentView[] Attachments);
