using System.CommandLine;
using Mesh.Cli.Output;

namespace Mesh.Cli;

internal static class CommandExtensions
{
    /// <summary>Runs the body with a connection to the mesh; errors reach Program, which prints one line.</summary>
    public static Command Runs(this Command command, Func<ParseResult, CliContext, Task> body)
    {
        command.SetAction(async (parse, cancellation) =>
        {
            await using var connection = await MeshConnection.OpenAsync(
                parse.GetValue(GlobalOptions.Redis),
                parse.GetValue(GlobalOptions.DataDir),
                parse.GetValue(GlobalOptions.ClusterId),
                parse.GetValue(GlobalOptions.ServiceId),
                cancellation,
                parse.GetValue(GlobalOptions.TlsDir));
            await body(parse, new CliContext(connection.Client, new Printer(parse.GetValue(GlobalOptions.Json), Console.Out), cancellation));
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
