namespace Mesh.Tests.Http1;

/// <summary>The HTTP/1.1 behaviour tests share one <see cref="Http1Gateway"/>; counts they read are taken as differences.</summary>
[CollectionDefinition(Http1Gateway.Collection)]
public sealed class Http1GatewayCollection : ICollectionFixture<Http1Gateway>;
