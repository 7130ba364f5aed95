using System.Diagnostics;
using System.Text;
using AgentLink.Client;
using AgentLink.Tests.Infrastructure;

namespace AgentLink.Tests.Bridge;

/// <summary>The stock-tools example (curl, jq, mosquitto_pub and mosquitto_sub) as a real agent: it says hello, takes a task, acknowledges a skill.</summary>
public sealed class StockToolsAgentTests(EmbeddedBrokerFixture fixture) : IClassFixture<EmbeddedBrokerFixture>
{
    private AppStack Stack => fixture.Stack;

    [Fact]
    public async Task The_shell_agent_says_hello_works_an_assigned_task_and_acknowledges_a_skill()
    {
        var team = await Scenario.TeamAsync(Stack, "Shell");
        var registration = await new AgentLinkOnboarding(Stack.WebUrl).RegisterAsync("Shell Agent", "mosquitto");
        await team.Owner.PostOkAsync($"/api/v1/agents/claim/{registration.RegistrationId}", new { workspaceId = team.WorkspaceId });

        var start = new ProcessStartInfo("bash", [Path.Combine(TestEnvironment.RepoRoot(), "mqtt-bridge", "examples", "mosquitto-agent.sh")])
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        start.Environment["BASE"] = Stack.WebUrl;
        start.Environment["MQTT_HOST"] = "127.0.0.1";
        start.Environment["MQTT_PORT"] = Stack.MqttPort.ToString();
        start.Environment["API_KEY"] = registration.ApiKey;
        var output = new StringBuilder();
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await Stack.EventuallyAsync("select count(*) from channel_messages where channel_id = @c and text = 'Hello from mosquitto_pub'",
                new { c = team.GeneralId }, 1L, TimeSpan.FromSeconds(30));
            var agentUserId = await Stack.ScalarAsync<Guid>("select user_id from remote_agents where workspace_id = @w", new { w = team.WorkspaceId });

            var task = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/tasks", new { title = "Rotate the logs", assigneeId = agentUserId })).GetProperty("id").GetGuid();
            await Stack.EventuallyAsync("select status from tasks where id = @task", new { task }, "done", TimeSpan.FromSeconds(30));
            var details = await team.Owner.GetOkAsync($"/api/v1/tasks/{task}");
            Assert.Equal("Done by a shell script: Rotate the logs", details.GetProperty("task").GetProperty("result").GetString());
            Assert.Equal("Picked it up (mosquitto_pub).", details.GetProperty("comments")[0].GetProperty("text").GetString());

            var skill = (await team.Owner.PostOkAsync($"/api/v1/workspaces/{team.WorkspaceId}/skills",
                new { content = "---\nname: log-rotation\ndescription: Rotates logs.\n---\nKeep seven days.\n" })).GetProperty("id").GetGuid();
            await team.Owner.PostOkAsync($"/api/v1/skills/{skill}/assignments", new { agentUserId });
            await Stack.EventuallyAsync("select status from skill_assignments where skill_id = @skill", new { skill }, "delivered", TimeSpan.FromSeconds(30));
        }
        catch (Exception ex)
        {
            lock (output) throw new Xunit.Sdk.XunitException($"{ex.Message}\nThe script said:\n{output}");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }
}
