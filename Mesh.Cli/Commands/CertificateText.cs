using System.Text;
using Mesh.Interfaces.Model;

namespace Mesh.Cli.Commands;

/// <summary>How <c>mesh certs</c> prints a hostname's certificate: the records to create, as flyctl does, and the status.</summary>
internal static class CertificateText
{
    public static string Instructions(CertificateDetails d, string app)
    {
        if (d.OwnershipVerified)
        {
            return $"Status: {d.Status}\n";
        }
        var text = new StringBuilder();
        text.Append($"\nThe certificate for {d.Hostname} routes once DNS shows it is app {app}'s.\n");
        if (d.DnsRecords.IsEmpty)
        {
            text.Append("The app has no public address yet: deploy a public service, then run `mesh certs check`.\n");
            return text.ToString();
        }
        text.Append("Create these records with your DNS provider:\n\n");
        foreach (var r in d.DnsRecords)
        {
            text.Append($"    {r.Type,-6} {r.Name}  {r.Value}\n");
        }
        text.Append($"\nMesh checks again by itself (with backoff); `mesh certs check {d.Hostname} -a {app}` checks now.\n");
        return text.ToString();
    }

    public static string Status(CertificateDetails d)
    {
        var text = new StringBuilder($"{d.Hostname}: {d.Status}\n");
        if (d.LastError is { } error) text.Append($"  last error:   {error}\n");
        if (d.NextAttempt is { } next) text.Append($"  next attempt: {next:u}\n");
        return text.ToString();
    }

    public static string Details(CertificateDetails d)
    {
        var text = new StringBuilder();
        void Line(string key, object? value) => text.Append($"{key,-20}{value}\n");
        Line("Hostname", d.Hostname);
        Line("Status", d.Status);
        Line("Ownership", d.OwnershipVerified ? "verified" : "not verified");
        Line("Source", d.Source);
        Line("Issuer", d.Issuer);
        Line("Not before", d.NotBefore.ToString("u"));
        Line("Not after", d.NotAfter.ToString("u"));
        Line("Names", string.Join(", ", d.Sans));
        Line("SHA-256", d.Sha256Fingerprint);
        if (d.Challenge is { } challenge) Line("Challenge", challenge);
        if (d.RenewAt is { } renew) Line("Renews at", renew.ToString("u"));
        if (d.LastError is { } error) Line("Last error", error);
        if (d.NextAttempt is { } next) Line("Next attempt", next.ToString("u"));
        Line("DNS expected", string.Join(", ", d.DnsRecords.Select(r => $"{r.Type} {r.Value}")));
        if (d.DnsSeen is { } seen)
        {
            var answers = seen.Cnames.Select(c => $"CNAME {c}").Concat(seen.A.Select(a => $"A {a}")).Concat(seen.Aaaa.Select(a => $"AAAA {a}")).ToList();
            Line("DNS seen now", answers.Count > 0 ? string.Join(", ", answers) : seen.Error ?? "no records");
        }
        return text.ToString();
    }
}
