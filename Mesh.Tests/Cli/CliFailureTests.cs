using Mesh.Cli;
using Mesh.Domain;

namespace Mesh.Tests.Cli;

/// <summary>The one line the CLI prints for whatever reaches its top level.</summary>
public sealed class CliFailureTests
{
    [Fact]
    public void A_platform_refusal_is_its_message()
    {
        Assert.Equal("Error: app 'x' not found", CliFailure.Describe(new MeshException("app_not_found", "app 'x' not found")));
    }

    [Fact]
    public void Anything_unexpected_is_its_type_and_first_line()
    {
        Assert.Equal("Error: InvalidOperationException: boom", CliFailure.Describe(new InvalidOperationException("boom\n   at Somewhere()")));
        Assert.Equal("Error: ObjectDisposedException: Cannot access a disposed object.", CliFailure.Describe(new ObjectDisposedException("x")));
        Assert.Equal("Error: Broken pipe", CliFailure.Describe(new IOException("Broken pipe")));
        Assert.Equal("Error: the mesh did not answer: no reply", CliFailure.Describe(new TimeoutException("no reply")));
    }
}
