using System.CommandLine;
using Mesh.Cli.Output;
using Mesh.Domain;
using Mesh.Cli.Api;
using Mesh.Interfaces.Api;
using Mesh.Interfaces.Model;

namespace Mesh.Cli.Commands;

/// <summary><c>mesh certs add HOST [--cert F --key F] [--skip-ownership-check]|check HOST|renew HOST|show HOST|list|remove HOST</c>.</summary>
internal static class CertsCommands
{
    public static Command Build()
    {
        var app = CommandExtensions.AppOption();
        var host = new Argument<string>("hostname") { Description = "Hostname the certificate is for" };
        var cert = new Option<string?>("--cert") { Description = "PEM certificate (chain) file; without --cert/--key a self-signed certificate is generated" };
        var key = new Option<string?>("--key") { Description = "PEM private key file" };
        var skip = new Option<bool>("--skip-ownership-check") { Description = "Operator only: route the hostname at once, without checking that its DNS points at the app" };
        var add = new Command("add", "Add a certificate for a hostname; prints the DNS records that show ownership").With(host, app, cert, key, skip).Runs(async (p, c) =>
        {
            var certPem = await ReadPem(p.GetValue(cert), "--cert", c.Cancellation);
            var keyPem = await ReadPem(p.GetValue(key), "--key", c.Cancellation);
            var request = new AddCertificateRequest(p.GetValue(host)!, certPem, keyPem, p.GetValue(skip));
            var d = await c.Api.PostAsync<CertificateDetails>($"/v1/apps/{ApiClient.Segment(p.GetValue(app)!)}/certs", request, c.Cancellation);
            c.Out.Print(d, d => $"Added {(d.SelfSigned ? "self-signed " : "")}certificate for {d.Hostname} (expires {d.NotAfter:yyyy-MM-dd}, sha256 {d.Sha256Fingerprint[..16]}…)\n" + CertificateText.Instructions(d, p.GetValue(app)!));
        });

        var appC = CommandExtensions.AppOption();
        var hostC = new Argument<string>("hostname") { Description = "Hostname whose DNS to check now" };
        var check = new Command("check", "Check now that the hostname's DNS points at the app (otherwise retried with backoff)").With(hostC, appC).Runs(async (p, c) =>
        {
            var d = await c.Api.PostAsync<CertificateDetails>($"/v1/apps/{ApiClient.Segment(p.GetValue(appC)!)}/certs/{ApiClient.Segment(p.GetValue(hostC)!)}/check", null, c.Cancellation);
            c.Out.Print(d, d => CertificateText.Status(d) + (d.OwnershipVerified ? "" : "\n" + CertificateText.Instructions(d, p.GetValue(appC)!)));
        });

        var appR = CommandExtensions.AppOption();
        var hostR = new Argument<string>("hostname") { Description = "Hostname whose certificate to renew now" };
        var renew = new Command("renew", "Obtain a new certificate for the hostname now").With(hostR, appR).Runs(async (p, c) =>
        {
            var d = await c.Api.PostAsync<CertificateDetails>($"/v1/apps/{ApiClient.Segment(p.GetValue(appR)!)}/certs/{ApiClient.Segment(p.GetValue(hostR)!)}/renew", null, c.Cancellation);
            c.Out.Print(d, d => $"Renewal of {d.Hostname} started (status {d.Status}); the current certificate serves until the new one is ready\n");
        });

        var appS = CommandExtensions.AppOption();
        var hostS = new Argument<string>("hostname") { Description = "Hostname to show" };
        var show = new Command("show", "Show a hostname's certificate, its status and its DNS").With(hostS, appS).Runs(async (p, c) =>
        {
            var d = await c.Api.GetAsync<CertificateDetails>($"/v1/apps/{ApiClient.Segment(p.GetValue(appS)!)}/certs/{ApiClient.Segment(p.GetValue(hostS)!)}", c.Cancellation);
            c.Out.Print(d, CertificateText.Details);
        });

        var appL = CommandExtensions.AppOption();
        var list = new Command("list", "List the app's certificates").With(appL).Runs(async (p, c) =>
        {
            var certs = await c.Api.ListAsync<CertificateInfo>($"/v1/apps/{ApiClient.Segment(p.GetValue(appL)!)}/certs", c.Cancellation);
            c.Out.Print(certs, r =>
            {
                var table = new Table("HOST NAME", "STATUS", "SOURCE", "ISSUER", "EXPIRES", "ADDED");
                foreach (var i in r) table.Add(i.Hostname, i.Status ?? "", i.Source ?? (i.SelfSigned ? "self-signed" : "imported"), i.Issuer, i.NotAfter.ToString("u"), i.AddedAt.ToString("u"));
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

        return new Command("certs", "Manage the app's TLS certificates").With(add, check, renew, show, list, remove);
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
