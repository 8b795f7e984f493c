using System.CommandLine;
using Mesh.Cli;
using Mesh.Cli.Commands;

// `mesh`: a client of the tenant API (docs/api.md), shaped like flyctl; `mesh ping` alone speaks
// Orleans, for operators. Every failure is one line on stderr and exit code 1 (130 on Ctrl-C);
// nothing ever prints a stack trace.
AppDomain.CurrentDomain.UnhandledException += (_, e) =>
{
    Console.Error.WriteLine(CliFailure.Describe(e.ExceptionObject as Exception ?? new Exception("unknown failure")));
    Environment.Exit(1);
};

var root = new RootCommand("mesh: manage apps, IPs, certificates and instances on a Mesh edge network");
GlobalOptions.AddTo(root);
root.Subcommands.Add(AppsCommands.Build());
root.Subcommands.Add(DeployCommand.Build());
root.Subcommands.Add(IpsCommands.Build());
root.Subcommands.Add(CertsCommands.Build());
root.Subcommands.Add(InstancesCommands.Build());
root.Subcommands.Add(RegionsCommand.Build());
root.Subcommands.Add(StatusCommand.Build());
root.Subcommands.Add(OrgsCommands.Build());
root.Subcommands.Add(TokensCommands.Build());
root.Subcommands.Add(PingCommand.Build());
root.Subcommands.Add(ClusterCommands.Build());

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // "Unrecognized command" says more than "Required command was not provided" for `mesh typo`.
    var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
    var help = string.Join(' ', ["mesh", .. CommandPath(parse), "--help"]);
    Console.Error.WriteLine($"Error: {error.Message.Split('\n')[0].Trim()} (see '{help}')");
    return 1;
}

using var interruption = new Interruption();
try
{
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }, interruption.Token);
}
catch (Exception) when (interruption.Requested)
{
    return interruption.Report();
}
catch (Exception e)
{
    Console.Error.WriteLine(CliFailure.Describe(e));
    return 1;
}

static IEnumerable<string> CommandPath(ParseResult parse)
{
    var names = new List<string>();
    for (var r = parse.CommandResult; r is not null && r.Command is not RootCommand; r = r.Parent as System.CommandLine.Parsing.CommandResult)
    {
        names.Insert(0, r.Command.Name);
    }
    return names;
}
