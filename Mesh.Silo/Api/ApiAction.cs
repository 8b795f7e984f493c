namespace Mesh.Silo.Api;

/// <summary>What a request does, for the scope check (docs/api.md, Scopes).</summary>
internal enum ApiAction
{
    CreateOrg,
    ListApps,
    CreateApp,
    ReadApp,
    Deploy,
    DestroyApp,
    ListIps,
    AllocateIp,
    ReleaseIp,
    ReadCertificates,
    AddCertificate,
    RemoveCertificate,
    ListInstances,
    AddInstance,
    ReadInstance,
    ChangeInstance,
    ListTokens,
    CreateToken,
    RevokeToken,
}
