using System.Net;
using Mesh.Domain.Apps;
using Mesh.Domain.Routing;
using Mesh.Interfaces.Model;

namespace Mesh.Tests.Dns;

/// <summary>
/// A route table with two orgs. acme: <c>web</c> started in ams (two), fra and syd, stopped in
/// sin; <c>db</c> only stopped; <c>worker</c> with no instances. rival: <c>api</c> in ams.
/// </summary>
internal static class TwoOrgTable
{
    public static RouteTableReplica Build(long version = 1, params InstanceRoute[] extra) => RouteTableReplica.FromSnapshot(new RouteSnapshot(
        version,
        [App("web", "acme"), App("db", "acme"), App("worker", "acme"), App("api", "rival")],
        [
            Instance("w-ams-2", "web", "acme", "ams"),
            Instance("w-ams-1", "web", "acme", "ams"),
            Instance("w-fra-1", "web", "acme", "fra"),
            Instance("w-syd-1", "web", "acme", "syd"),
            Instance("w-sin-1", "web", "acme", "sin", InstanceState.Stopped),
            Instance("d-iad-1", "db", "acme", "iad", InstanceState.Stopped),
            Instance("a-ams-1", "api", "rival", "ams"),
            .. extra,
        ]));

    public static AppRoute App(string name, string org) => new(name, org, [], [], []);

    public static InstanceRoute Instance(string id, string app, string org, string region, InstanceState state = InstanceState.Started) =>
        new(id, app, region, "127.0.0.1:1", state, InstanceHealth.Passing, PrivateAddresses.For(org, region, id).ToString());

    /// <summary>The private address an instance of the table has.</summary>
    public static IPAddress Ip(string id, string org, string region) => PrivateAddresses.For(org, region, id);

    /// <summary>A machine of acme in Frankfurt asking.</summary>
    public static IPAddress AcmeInFra { get; } = PrivateAddresses.For("acme", "fra", "laptop");

    public static IPAddress RivalInAms { get; } = PrivateAddresses.For("rival", "ams", "box");
}
