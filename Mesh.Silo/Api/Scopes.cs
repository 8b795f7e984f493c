using Mesh.Interfaces.Model;
using Mesh.Security;

namespace Mesh.Silo.Api;

/// <summary>
/// Which token may do what (docs/api.md, Scopes): the operator everything; an org token
/// everything in its org except creating orgs; a deploy token its one app's reads, deploys,
/// certificates and instances.
/// </summary>
internal static class Scopes
{
    private static readonly HashSet<ApiAction> DeployTokenActions =
    [
        ApiAction.ReadApp, ApiAction.Deploy, ApiAction.ListIps,
        ApiAction.ReadCertificates, ApiAction.AddCertificate, ApiAction.RemoveCertificate,
        ApiAction.ListInstances, ApiAction.AddInstance, ApiAction.ReadInstance, ApiAction.ChangeInstance,
    ];

    public static bool Allows(ApiTokenKind kind, ApiAction action) => kind switch
    {
        ApiTokenKind.Operator => true,
        ApiTokenKind.Org => action != ApiAction.CreateOrg,
        _ => DeployTokenActions.Contains(action),
    };

    /// <summary>
    /// Whether the caller can see the app at all. A deploy token sees the app it was made for,
    /// not a later app of the same name (that one has another creation time).
    /// </summary>
    public static bool CanSee(Caller caller, AppInfo app) => caller.Kind switch
    {
        ApiTokenKind.Operator => true,
        ApiTokenKind.Org => app.Org == caller.Org,
        _ => app.Org == caller.Org && app.Name == caller.App && app.CreatedAt == caller.AppCreatedAt,
    };

    /// <summary>The one-line answer of a 403.</summary>
    public static string Refusal(ApiTokenKind kind, ApiAction action) =>
        $"{(kind == ApiTokenKind.App ? "a deploy token" : "an org token")} cannot {Describe(action)}";

    private static string Describe(ApiAction action) => action switch
    {
        ApiAction.CreateOrg => "create orgs",
        ApiAction.ListApps => "list apps",
        ApiAction.CreateApp => "create apps",
        ApiAction.DestroyApp => "destroy apps",
        ApiAction.AllocateIp => "allocate IP addresses",
        ApiAction.ReleaseIp => "release IP addresses",
        ApiAction.ListTokens => "list tokens",
        ApiAction.CreateToken => "create tokens",
        ApiAction.RevokeToken => "revoke tokens",
        _ => action.ToString(),
    };
}
