using System.CommandLine;
using Mesh.Cli;
using Mesh.Cli.Commands;
using Mesh.Domain;

// `mesh`: a thin client of the grain interfaces, shaped like flyctl. Every failure is one line on
// stderr and exit code 1; user mistakes never print a stack trace.
var root = new RootCommand("mesh: manage apps, IPs, certificates and instances on a Mesh edge network");
GlobalOptions.AddTo(root);
root.Subcommands.Add(AppsCommands.Build());
root.Subcommands.Add(DeployCommand.Build());
root.Subcommands.Add(IpsCommands.Build());
root.Subcommands.Add(CertsCommands.Build());
root.Subcommands.Add(InstancesCommands.Build());
root.Subcommands.Add(RegionsCommand.Build());
root.Subcommands.Add(StatusCommand.Build());
root.Subcommands.Add(PingCommand.Build());
root.Subcommands.Add(ClusterCommands.Build());

var parse = root.Parse(args);
if (parse.Errors.Count > 0)
{
    // "Unrecognized command" says more than "Required command was not provided" for `mesh typo`.
    var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
    var help = string.Join(' ', ["mesh", .. CommandPath(parse), "--help"]);
    Console.Error.WriteLine($"Error: {error.Message} (see '{help}')");
    return 1;
}
try
{
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (MeshException e)
{
    Console.Error.WriteLine($"Error: {e.Message}");
    return 1;
}
catch (Exception e) when (e is TimeoutException or OrleansException or IOException)
{
    Console.Error.WriteLine($"Error: the mesh did not answer: {e.Message.Split('\n')[0].Trim()}");
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
