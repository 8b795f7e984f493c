using Mesh.Interfaces.Config;
using Mesh.Interfaces.Model;

namespace Mesh.Gateway.Routing;

/// <summary>Where a connection to one public port of one app goes: the app, the service and the port's handlers.</summary>
public sealed record PortRoute(AppRoute App, ServiceConfig Service, PortConfig Port, ListenerKind Kind)
{
    public string AppName => App.App;
}
