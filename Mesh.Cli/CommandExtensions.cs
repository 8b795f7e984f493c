using System.CommandLine;
using Mesh.Cli.Api;
using Mesh.Cli.Output;

namespace Mesh.Cli;

internal static class CommandExtensions
{
    /// <summary>Runs the body against the tenant API; errors reach Program, which prints one line.</summary>
    public static Command Runs(this Command command, Func<ParseResult, CliContext, Task> body)
    {
        command.SetAction(async (parse, cancellation) =>
        {
            var endpoint = ApiDiscovery.Resolve(
                new ApiSettings(parse.GetValue(GlobalOptions.Api), parse.GetValue(GlobalOptions.Token), parse.GetValue(GlobalOptions.Ca), parse.GetValue(GlobalOptions.DataDir)),
                Environment.GetEnvironmentVariable);
            using var api = ApiClient.Create(endpoint);
            await body(parse, new CliContext(api, new Printer(parse.GetValue(GlobalOptions.Json), Console.Out), cancellation));
            return 0;
        });
        return command;
    }

    /// <summary>Runs the body with an Orleans connection: operator tools on the grain SDK only (<c>mesh ping</c>).</summary>
    public static Command RunsSdk(this Command command, Func<ParseResult, SdkContext, Task> body)
    {
        command.SetAction(async (parse, cancellation) =>
        {
            // MeshConnection bounds the connect itself (a dead or foreign cluster fails in seconds).
            await using var connection = await MeshConnection.OpenAsync(
                parse.GetValue(GlobalOptions.Redis),
                parse.GetValue(GlobalOptions.DataDir),
                parse.GetValue(GlobalOptions.ClusterId),
                parse.GetValue(GlobalOptions.ServiceId),
                cancellation,
                parse.GetValue(GlobalOptions.TlsDir));
            await body(parse, new SdkContext(connection.Client, new Printer(parse.GetValue(GlobalOptions.Json), Console.Out), cancellation));
            return 0;
        });
        return command;
    }

    public static Command With(this Command command, params Symbol[] symbols)
    {
        foreach (var symbol in symbols)
        {
            switch (symbol)
            {
                case Option o: command.Options.Add(o); break;
                case Argument a: command.Arguments.Add(a); break;
                case Command c: command.Subcommands.Add(c); break;
            }
        }
        return command;
    }

    /// <summary>The <c>-a/--app</c> option, required.</summary>
    public static Option<string> AppOption() => new("--app", "-a") { Description = "App name", Required = true };
}
