using System.CommandLine;
using Mesh.Cli.Output;
using Mesh.Domain;
using Mesh.Cli.Api;
using Mesh.Interfaces.Api;
using Mesh.Interfaces.Model;

namespace Mesh.Cli.Commands;

/// <summary><c>mesh certs add HOST [--cert F --key F]|list|remove HOST</c>.</summary>
internal static class CertsCommands
{
    public static Command Build()
    {
        var app = CommandExtensions.AppOption();
        var host = new Argument<string>("hostname") { Description = "Hostname the certificate is for" };
        var cert = new Option<string?>("--cert") { Description = "PEM certificate (chain) file; without --cert/--key a self-signed certificate is generated" };
        var key = new Option<string?>("--key") { Description = "PEM private key file" };
        var add = new Command("add", "Add a certificate for a hostname").With(host, app, cert, key).Runs(async (p, c) =>
        {
            var certPem = await ReadPem(p.GetValue(cert), "--cert", c.Cancellation);
            var keyPem = await ReadPem(p.GetValue(key), "--key", c.Cancellation);
            var info = await c.Api.PostAsync<CertificateInfo>($"/v1/apps/{ApiClient.Segment(p.GetValue(app)!)}/certs", new AddCertificateRequest(p.GetValue(host)!, certPem, keyPem), c.Cancellation);
            c.Out.Print(info, i => $"Added {(i.SelfSigned ? "self-signed " : "")}certificate for {i.Hostname} (expires {i.NotAfter:yyyy-MM-dd}, sha256 {i.Sha256Fingerprint[..16]}…)\n");
        });

        var appL = CommandExtensions.AppOption();
        var list = new Command("list", "List the app's certificates").With(appL).Runs(async (p, c) =>
        {
            var certs = await c.Api.ListAsync<CertificateInfo>($"/v1/apps/{ApiClient.Segment(p.GetValue(appL)!)}/certs", c.Cancellation);
            c.Out.Print(certs, r =>
            {
                var table = new Table("HOST NAME", "SELF-SIGNED", "ISSUER", "EXPIRES", "ADDED");
                foreach (var i in r) table.Add(i.Hostname, i.SelfSigned ? "yes" : "no", i.Issuer, i.NotAfter.ToString("u"), i.AddedAt.ToString("u"));
                return table.ToString();
            });
        });

        var appD = CommandExtensions.AppOption();
        var hostD = new Argument<string>("hostname") { Description = "Hostname whose certificate to remove" };
        var remove = new Command("remove", "Remove a certificate").With(hostD, appD).Runs(async (p, c) =>
        {
            await c.Api.DeleteAsync($"/v1/apps/{ApiClient.Segment(p.GetValue(appD)!)}/certs/{ApiClient.Segment(p.GetValue(hostD)!)}", c.Cancellation);
            c.Out.Print(new { removed = p.GetValue(hostD) }, _ => $"Removed certificate for {p.GetValue(hostD)}\n");
        });

        return new Command("certs", "Manage the app's TLS certificates").With(add, list, remove);
    }

    private static async Task<string?> ReadPem(string? path, string option, CancellationToken cancellation)
    {
        if (path is null) return null;
        if (!File.Exists(path))
        {
            throw new MeshException("file_not_found", $"{option}: file '{path}' not found");
        }
        return await File.ReadAllTextAsync(path, cancellation);
    }
}
