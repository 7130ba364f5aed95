using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using AgentLink.Functions.Runtime;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Infra;

/// <summary>
/// What deploys AgentLink: the Azure Bicep (compiled with the Bicep CLI that NuGet ships) and
/// the container files (no container engine runs here, so they are linted and checked against
/// the repository instead of built).
/// </summary>
public sealed partial class DeploymentFilesTests
{
    private static readonly string Root = TestEnvironment.RepoRoot();

    private static string Bicep =>
        typeof(DeploymentFilesTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value!;

    private static async Task<(int Code, string Out, string Err)> RunAsync(string file, IEnumerable<string> args, Dictionary<string, string>? env = null)
    {
        var start = new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        foreach (var (k, v) in env ?? []) start.Environment[k] = v;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task The_Azure_Bicep_and_both_environments_parameters_compile_with_no_error_or_warning()
    {
        var main = await RunAsync(Bicep, ["build", "infra/azure/main.bicep", "--stdout"]);
        Assert.True(main.Code == 0 && main.Err.Length == 0, main.Err);
        var template = JsonDocument.Parse(main.Out).RootElement;
        Assert.Equal(["functionAppName", "functionsUrl", "keyVaultName", "mqttUrl", "postgresHost", "webUrl"],
            template.GetProperty("outputs").EnumerateObject().Select(o => o.Name).Order());

        var lint = await RunAsync(Bicep, ["lint", "infra/azure/main.bicep"]);
        Assert.True(lint.Code == 0 && lint.Err.Length == 0, lint.Err + lint.Out);

        var secrets = new Dictionary<string, string>
        {
            ["AGENTLINK_IMAGE_TAG"] = "1.0.0", ["AGENTLINK_POSTGRES_PASSWORD"] = "x", ["AGENTLINK_SIGNING_SECRET"] = "x",
            ["AGENTLINK_MQTT_TLS_CERT_PEM"] = "x", ["AGENTLINK_MQTT_TLS_KEY_PEM"] = "x",
        };
        foreach (var environment in new[] { "dev", "prod" })
        {
            var parameters = await RunAsync(Bicep, ["build-params", $"infra/azure/main.{environment}.bicepparam", "--stdout"], secrets);
            Assert.True(parameters.Code == 0 && parameters.Err.Length == 0, parameters.Err);
        }
    }

    [Fact]
    public async Task The_Azure_deployment_sets_every_timer_schedule_the_functions_read()
    {
        var main = await RunAsync(Bicep, ["build", "infra/azure/main.bicep", "--stdout"]);
        var schedules = JsonDocument.Parse(main.Out).RootElement.GetProperty("parameters").GetProperty("timerSchedules").GetProperty("defaultValue");
        foreach (var timer in FunctionCatalog.App.Timers)
        {
            // %AgentLink:Timers:OutboxSweep% is app setting AgentLink__Timers__OutboxSweep, set from timerSchedules.OutboxSweep.
            var key = timer.Schedule.Trim('%').Split(':')[^1];
            Assert.True(schedules.TryGetProperty(key, out var value), $"{timer.Name}: no timerSchedules.{key} in main.bicep");
            Assert.Equal(TimerSchedules.Defaults[timer.Schedule.Trim('%')], value.GetString());
        }
    }

    [Fact]
    public async Task The_container_files_lint_clean_and_copy_and_run_only_what_the_repository_has()
    {
        var lint = await RunAsync("bash", ["infra/lint-containers.sh"]);
        Assert.True(lint.Code == 0, lint.Out + lint.Err);

        var assemblies = Directory.EnumerateFiles(Root, "*.csproj", SearchOption.AllDirectories)
            .Select(Path.GetFileNameWithoutExtension).ToHashSet();
        foreach (var dockerfile in Directory.EnumerateFiles(Path.Combine(Root, "infra", "containers"), "*.Dockerfile"))
        {
            var text = File.ReadAllText(dockerfile);
            // Sources of COPY (not --from another stage) are paths in the build context, the repository root.
            foreach (Match copy in CopyFromContext().Matches(text))
            foreach (var source in copy.Groups[1].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1])
                Assert.True(File.Exists(Path.Combine(Root, source)) || Directory.Exists(Path.Combine(Root, source)),
                    $"{Path.GetFileName(dockerfile)}: COPY {source} does not exist");
            foreach (Match entry in EntryPointDll().Matches(text))
                Assert.Contains(entry.Groups[1].Value, assemblies);
        }
    }

    [GeneratedRegex(@"^COPY (?!--from)(.+)$", RegexOptions.Multiline)]
    private static partial Regex CopyFromContext();

    [GeneratedRegex(@"ENTRYPOINT \[""dotnet"", ""([\w.]+)\.dll""\]")]
    private static partial Regex EntryPointDll();
}
