namespace AgentLink.Core.Options;

/// <summary>PostgreSQL connection. Config key: AgentLink:Database:ConnectionString.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "AgentLink:Database";

    public string ConnectionString { get; set; } = "";
}
