using Mesh.Domain;
using System.CommandLine;
using Mesh.Cli.Output;
using Mesh.Security;

namespace Mesh.Cli.Commands;

/// <summary>
/// <c>mesh cluster init</c> and <c>mesh cluster issue-cert</c>: the cluster's identity, made offline
/// (no connection). <c>init</c> makes the CA, the data key and the operator token; <c>issue-cert</c>
/// makes a node's TLS directory from them.
/// </summary>
internal static class ClusterCommands
{
    public static Command Build()
    {
        var cluster = new Command("cluster", "Create a cluster's CA and keys, and issue node certificates (offline)");
        cluster.Subcommands.Add(Init());
        cluster.Subcommands.Add(IssueCert());
        return cluster;
    }

    private static Command Init()
    {
        var output = new Option<string>("--out") { Description = "Directory to create (ca.pem, ca.key, data.key, operator.token; 0600 files)", Required = true };
        var clusterId = new Option<string?>("--cluster-id") { Description = "Cluster id, named in the CA's subject (default: mesh)" };
        var command = new Command("init", "Create a cluster CA, a data-encryption key and an operator token") { output, clusterId };
        command.SetAction((parse, _) =>
        {
            var directory = new ClusterTlsDirectory(Path.GetFullPath(parse.GetValue(output)!));
            var id = parse.GetValue(clusterId) ?? parse.GetValue(GlobalOptions.ClusterId) ?? "mesh";
            directory.Create(id, DateTimeOffset.UtcNow);
            var printer = new Printer(parse.GetValue(GlobalOptions.Json), Console.Out);
            var result = new { directory = directory.Path, cluster_id = id, ca = directory.CaPath, data_key = directory.DataKeyPath, operator_token = directory.OperatorTokenPath };
            // The token stays in its 0600 file: printing it would put it in terminal scrollback and CI logs.
            printer.Print(result, r => $"Cluster {r.cluster_id} created in {r.directory}\n  CA: {r.ca}\n  data key: {r.data_key}\n  operator token: {r.operator_token}\n"
                + "Keep this directory offline; issue node directories with 'mesh cluster issue-cert'.\n");
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command IssueCert()
    {
        var clusterDir = new Option<string>("--cluster-dir") { Description = "The directory made by 'mesh cluster init'", Required = true };
        var role = new Option<string>("--role") { Description = "silo, gateway or operator", Required = true };
        var name = new Option<string>("--name") { Description = "Node name (the certificate's DNS name)", Required = true };
        var output = new Option<string>("--out") { Description = "The node's TLS directory to write (ca.pem, node.pem, node.key; a silo's also data.key, operator.sha256)", Required = true };
        var ips = new Option<string[]>("--ip") { Description = "An IP address the node is reached at (repeatable; a silo's tenant API is served over HTTPS with this certificate)" };
        var command = new Command("issue-cert", "Issue a node certificate from the cluster CA") { clusterDir, role, name, output, ips };
        command.SetAction((parse, _) =>
        {
            var nodeRole = NodeRoles.Parse(parse.GetValue(role)!);
            var nodeName = parse.GetValue(name)!;
            var node = new NodeTlsDirectory(Path.GetFullPath(parse.GetValue(output)!));
            var addresses = (parse.GetValue(ips) ?? []).Select(text => System.Net.IPAddress.TryParse(text, out var ip)
                ? ip
                : throw new MeshException("config_invalid", $"--ip: '{text}' is not an IP address")).ToList();
            var issued = new ClusterTlsDirectory(Path.GetFullPath(parse.GetValue(clusterDir)!)).Issue(nodeRole, nodeName, node, DateTimeOffset.UtcNow, addresses);
            var printer = new Printer(parse.GetValue(GlobalOptions.Json), Console.Out);
            var result = new { directory = node.Path, role = NodeRoles.Text(nodeRole), name = nodeName, serial = issued.SerialNumber };
            printer.Print(result, r => $"Issued a {r.role} certificate for {r.name} (serial {r.serial}) in {r.directory}\n");
            return Task.FromResult(0);
        });
        return command;
    }
}
