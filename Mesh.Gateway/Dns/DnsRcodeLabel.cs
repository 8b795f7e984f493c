using ARSoft.Tools.Net.Dns;

namespace Mesh.Gateway.Dns;

/// <summary>The label of a response code in metrics: the lower-case mnemonic dig prints.</summary>
public static class DnsRcodeLabel
{
    /// <summary>A query that got no response: it could not be parsed.</summary>
    public const string Unanswered = "unanswered";

    public static string Of(ReturnCode code) => code switch
    {
        ReturnCode.NoError => "noerror",
        ReturnCode.FormatError => "formerr",
        ReturnCode.ServerFailure => "servfail",
        ReturnCode.NxDomain => "nxdomain",
        ReturnCode.NotImplemented => "notimp",
        ReturnCode.Refused => "refused",
        ReturnCode.BadVersion => "badvers",
        _ => "other",
    };
}
