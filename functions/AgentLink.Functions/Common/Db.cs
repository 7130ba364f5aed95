namespace AgentLink.Functions.Common;

public static class Db
{
    /// <summary>True when the exception is a unique violation of the named constraint or index.</summary>
    public static bool IsUniqueViolation(this PostgresException ex, string constraint) =>
        ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == constraint;
}
