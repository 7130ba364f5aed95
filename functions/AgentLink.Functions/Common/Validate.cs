namespace AgentLink.Functions.Common;

/// <summary>Collects field errors for a ValidationProblem; one instance per request.</summary>
public sealed class Validate
{
    private readonly Dictionary<string, string[]> _errors = [];

    public bool Ok => _errors.Count == 0;

    public IDictionary<string, string[]> Errors => _errors;

    public Validate Required(string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value)) _errors[field] = ["Required."];
        else if (value.Length > maxLength) _errors[field] = [$"At most {maxLength} characters."];
        return this;
    }

    public Validate Check(bool condition, string field, string message)
    {
        if (!condition && !_errors.ContainsKey(field)) _errors[field] = [message];
        return this;
    }
}
