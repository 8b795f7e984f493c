using System.Collections.Immutable;
using System.Net;
using DnsClient;
using Mesh.Acme;
using Mesh.Domain;
using Mesh.Interfaces.Model;

namespace Mesh.Certificates;

/// <summary>
/// Asks DNS what a hostname points at (A, AAAA and the CNAME chain), from the resolver
/// <c>Mesh:Acme:Resolver</c> names or the system's. No cache: a user who just fixed a record
/// expects <c>mesh certs check</c> to see it.
/// </summary>
public sealed class OwnershipResolver
{
    private readonly LookupClient _client;

    public OwnershipResolver(AcmeOptions options)
    {
        var servers = options.Resolver is { Length: > 0 } resolver ? new[] { Parse(resolver) } : null;
        var lookup = servers is null ? new LookupClientOptions() : new LookupClientOptions(servers);
        lookup.UseCache = false;
        lookup.Timeout = TimeSpan.FromSeconds(2);
        lookup.Retries = 1;
        lookup.ThrowDnsErrors = false;
        _client = new LookupClient(lookup);
    }

    public async Task<DnsObservation> LookUpAsync(string hostname, CancellationToken cancellationToken = default)
    {
        try
        {
            var a = await _client.QueryAsync(hostname, QueryType.A, QueryClass.IN, cancellationToken);
            var aaaa = await _client.QueryAsync(hostname, QueryType.AAAA, QueryClass.IN, cancellationToken);
            var cnames = a.Answers.CnameRecords().Concat(aaaa.Answers.CnameRecords())
                .Select(c => c.CanonicalName.Value.TrimEnd('.').ToLowerInvariant()).Distinct().ToImmutableArray();
            var error = a.HasError && aaaa.HasError ? a.ErrorMessage : null;
            return new DnsObservation(
                [.. a.Answers.ARecords().Select(r => r.Address.ToString()).Distinct()],
                [.. aaaa.Answers.AaaaRecords().Select(r => r.Address.ToString()).Distinct()],
                cnames,
                error);
        }
        catch (DnsResponseException e)
        {
            return new DnsObservation([], [], [], e.Message);
        }
    }

    private static IPEndPoint Parse(string resolver) =>
        IPEndPoint.TryParse(resolver, out var endpoint)
            ? endpoint.Port == 0 ? new IPEndPoint(endpoint.Address, 53) : endpoint
            : throw new MeshException("config_invalid", $"Mesh:Acme:Resolver: '{resolver}' is not host:port (an IP address and a port)");
}
