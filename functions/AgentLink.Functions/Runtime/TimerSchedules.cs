namespace AgentLink.Functions.Runtime;

/// <summary>
/// The timer functions' schedules: app settings, so an install (or a test) can change them. The
/// Functions host resolves %Name% from the Function App's settings (infra/azure sets each one);
/// the standalone runtime from configuration, where these defaults apply unless overridden.
/// </summary>
public static class TimerSchedules
{
    public const string OutboxSweep = "%AgentLink:Timers:OutboxSweep%";
    public const string AgentPresenceTimeout = "%AgentLink:Timers:AgentPresenceTimeout%";
    public const string Retention = "%AgentLink:Timers:Retention%";
    public const string TaskDeadlines = "%AgentLink:Timers:TaskDeadlines%";
    public const string SkillDeliveryOffline = "%AgentLink:Timers:SkillDeliveryOffline%";
    public const string AttachmentCollection = "%AgentLink:Timers:AttachmentCollection%";
    public const string AuditJudging = "%AgentLink:Timers:AuditJudging%";
    public const string AuditSchedules = "%AgentLink:Timers:AuditSchedules%";
    public const string MemoryReembedding = "%AgentLink:Timers:MemoryReembedding%";

    /// <summary>Six-field NCRONTAB (seconds first), UTC.</summary>
    public static readonly IReadOnlyDictionary<string, string> Defaults = new Dictionary<string, string>
    {
        // A backstop: the bridge flushes at once when signalled, or when an agent comes back.
        ["AgentLink:Timers:OutboxSweep"] = "*/5 * * * * *",
        // An agent silent for PresenceTimeoutSeconds (45 by default) is offline within 5 s more.
        ["AgentLink:Timers:AgentPresenceTimeout"] = "*/5 * * * * *",
        ["AgentLink:Timers:Retention"] = "0 */10 * * * *",
        // Due and reminder dispatches go out within this much of their time.
        ["AgentLink:Timers:TaskDeadlines"] = "*/15 * * * * *",
        // Deliveries to agents offline past SkillOfflineFailSeconds (300 by default) show 'failed' within a minute more.
        ["AgentLink:Timers:SkillDeliveryOffline"] = "0 * * * * *",
        // Blobs of deleted messages' files, and of uploads never posted, are removed within this.
        ["AgentLink:Timers:AttachmentCollection"] = "0 */5 * * * *",
        // LLM-judged runs start within this of being queued; judges that never answer fail here too.
        ["AgentLink:Timers:AuditJudging"] = "*/5 * * * * *",
        // Scheduled audits start within a minute of their time.
        ["AgentLink:Timers:AuditSchedules"] = "0 * * * * *",
        // After an embedding model change, memories get their new vectors in the background from here.
        ["AgentLink:Timers:MemoryReembedding"] = "*/10 * * * * *",
    };
}
