using System.Net;
using Mesh.Domain.Apps;
using Mesh.Domain.Routing;
using Mesh.Gateway.Dns;
using static Mesh.Tests.Dns.TwoOrgTable;

namespace Mesh.Tests.Dns;

public sealed class InternalDnsResolverTests
{
    private readonly RouteTableReplica _table = Build();
    private readonly InternalDnsResolver _resolver = new();

    private InternalDnsAnswer Ask(string name, DnsQuestionType type = DnsQuestionType.Aaaa, IPAddress? asker = null, string serverRegion = "ams") =>
        _resolver.Resolve(_table, name, type, asker ?? AcmeInFra, serverRegion);

    private static void AssertAddresses(InternalDnsAnswer answer, params IPAddress[] expected)
    {
        Assert.Equal(DnsOutcome.NoError, answer.Outcome);
        Assert.Empty(answer.Texts);
        Assert.Equal(expected, answer.Addresses);
    }

    private static void AssertTexts(InternalDnsAnswer answer, params string[] expected)
    {
        Assert.Equal(DnsOutcome.NoError, answer.Outcome);
        Assert.Empty(answer.Addresses);
        Assert.Equal(expected, answer.Texts);
    }

    private static void AssertNoData(InternalDnsAnswer answer)
    {
        Assert.Equal(DnsOutcome.NoError, answer.Outcome);
        Assert.True(answer.IsEmpty);
    }

    [Fact]
    public void An_app_name_has_the_addresses_of_its_started_instances()
    {
        AssertAddresses(Ask("web.internal"),
            Ip("w-ams-1", "acme", "ams"), Ip("w-ams-2", "acme", "ams"), Ip("w-fra-1", "acme", "fra"), Ip("w-syd-1", "acme", "syd"));
    }

    [Fact]
    public void A_region_of_an_app_has_its_started_instances_there()
    {
        AssertAddresses(Ask("ams.web.internal"), Ip("w-ams-1", "acme", "ams"), Ip("w-ams-2", "acme", "ams"));
        AssertAddresses(Ask("syd.web.internal"), Ip("w-syd-1", "acme", "syd"));
    }

    [Fact]
    public void A_region_without_started_instances_exists_with_no_data_and_an_unknown_one_does_not()
    {
        AssertNoData(Ask("sin.web.internal"));  // only a stopped instance there
        AssertNoData(Ask("lhr.web.internal"));  // a catalogue region, none there
        Assert.Equal(DnsOutcome.NxDomain, Ask("xyz.web.internal").Outcome);
    }

    [Fact]
    public void Nearest_puts_the_askers_region_first_then_by_rtt_then_by_id()
    {
        AssertAddresses(Ask("top1.nearest.of.web.internal"), Ip("w-fra-1", "acme", "fra"));
        AssertAddresses(Ask("top3.nearest.of.web.internal"),
            Ip("w-fra-1", "acme", "fra"), Ip("w-ams-1", "acme", "ams"), Ip("w-ams-2", "acme", "ams"));
        // More than there are: all of them, the farthest last; stopped ones never.
        AssertAddresses(Ask("top10.nearest.of.web.internal"),
            Ip("w-fra-1", "acme", "fra"), Ip("w-ams-1", "acme", "ams"), Ip("w-ams-2", "acme", "ams"), Ip("w-syd-1", "acme", "syd"));
    }

    [Fact]
    public void Nearest_uses_the_given_rtts_with_the_askers_region_always_first()
    {
        // syd is "closer" than ams from fra here, and fra to itself is slow: fra still leads.
        var resolver = new InternalDnsResolver((from, to) => (from, to) switch
        {
            ("fra", "fra") => 500,
            ("fra", "syd") => 1,
            _ => 50,
        });

        var answer = resolver.Resolve(_table, "top4.nearest.of.web.internal", DnsQuestionType.Aaaa, AcmeInFra, "ams");

        AssertAddresses(answer,
            Ip("w-fra-1", "acme", "fra"), Ip("w-syd-1", "acme", "syd"), Ip("w-ams-1", "acme", "ams"), Ip("w-ams-2", "acme", "ams"));
    }

    [Fact]
    public void An_asker_whose_region_is_unknown_is_taken_to_be_in_the_servers_region()
    {
        var nowhere = PrivateAddresses.For("acme", "not-a-region", "laptop");

        AssertAddresses(Ask("top1.nearest.of.web.internal", asker: nowhere, serverRegion: "syd"), Ip("w-syd-1", "acme", "syd"));
        AssertAddresses(Ask("top1.nearest.of.web.internal", asker: nowhere, serverRegion: "ams"), Ip("w-ams-1", "acme", "ams"));
    }

    [Theory]
    [InlineData("top0.nearest.of.web.internal")]
    [InlineData("top.nearest.of.web.internal")]
    [InlineData("top-1.nearest.of.web.internal")]
    [InlineData("first2.nearest.of.web.internal")]
    [InlineData("top2.closest.of.web.internal")]
    public void Malformed_nearest_names_do_not_exist(string name)
    {
        Assert.Equal(DnsOutcome.NxDomain, Ask(name).Outcome);
    }

    [Fact]
    public void An_instance_by_id_has_its_address_while_started()
    {
        AssertAddresses(Ask("w-syd-1.vm.web.internal"), Ip("w-syd-1", "acme", "syd"));
        AssertNoData(Ask("w-sin-1.vm.web.internal"));
        Assert.Equal(DnsOutcome.NxDomain, Ask("nope.vm.web.internal").Outcome);
        // An instance is only found under its own app.
        Assert.Equal(DnsOutcome.NxDomain, Ask("w-syd-1.vm.db.internal").Outcome);
    }

    [Fact]
    public void Regions_and_vms_list_started_instances_in_one_string()
    {
        AssertTexts(Ask("regions.web.internal", DnsQuestionType.Txt), "ams,fra,syd");
        AssertTexts(Ask("vms.web.internal", DnsQuestionType.Txt), "w-ams-1 ams,w-ams-2 ams,w-fra-1 fra,w-syd-1 syd");
    }

    [Fact]
    public void Apps_lists_the_askers_org_only()
    {
        AssertTexts(Ask("_apps.internal", DnsQuestionType.Txt), "db,web,worker");
        AssertTexts(Ask("_apps.internal", DnsQuestionType.Txt, RivalInAms), "api");
    }

    [Fact]
    public void Instances_has_one_string_per_started_instance_of_the_org()
    {
        AssertTexts(Ask("_instances.internal", DnsQuestionType.Txt),
            $"instance=w-ams-1,app=web,ip={Ip("w-ams-1", "acme", "ams")},region=ams",
            $"instance=w-ams-2,app=web,ip={Ip("w-ams-2", "acme", "ams")},region=ams",
            $"instance=w-fra-1,app=web,ip={Ip("w-fra-1", "acme", "fra")},region=fra",
            $"instance=w-syd-1,app=web,ip={Ip("w-syd-1", "acme", "syd")},region=syd");
        AssertTexts(Ask("_instances.internal", DnsQuestionType.Txt, RivalInAms),
            $"instance=a-ams-1,app=api,ip={Ip("a-ams-1", "rival", "ams")},region=ams");
    }

    [Theory]
    [InlineData("web.internal", DnsQuestionType.Other)]          // glibc asks A too
    [InlineData("web.internal", DnsQuestionType.Txt)]
    [InlineData("db.internal", DnsQuestionType.Aaaa)]            // only stopped instances
    [InlineData("worker.internal", DnsQuestionType.Aaaa)]        // no instances at all
    [InlineData("top2.nearest.of.db.internal", DnsQuestionType.Aaaa)]
    [InlineData("regions.db.internal", DnsQuestionType.Txt)]
    [InlineData("vms.worker.internal", DnsQuestionType.Txt)]
    [InlineData("regions.web.internal", DnsQuestionType.Aaaa)]
    [InlineData("_apps.internal", DnsQuestionType.Aaaa)]
    [InlineData("_instances.internal", DnsQuestionType.Other)]
    [InlineData("vm.web.internal", DnsQuestionType.Aaaa)]        // empty non-terminals
    [InlineData("nearest.of.web.internal", DnsQuestionType.Aaaa)]
    [InlineData("internal", DnsQuestionType.Aaaa)]               // the zone apex
    public void Names_that_exist_without_data_of_the_asked_type_answer_no_data(string name, DnsQuestionType type)
    {
        AssertNoData(Ask(name, type));
    }

    [Theory]
    [InlineData("nope.internal")]
    [InlineData("a.b.web.internal")]
    [InlineData("x.y.z.web.internal")]
    [InlineData(".internal")]
    public void Unknown_names_under_internal_do_not_exist(string name)
    {
        Assert.Equal(DnsOutcome.NxDomain, Ask(name).Outcome);
        Assert.Equal(DnsOutcome.NxDomain, Ask(name, DnsQuestionType.Txt).Outcome);
    }

    [Theory]
    [InlineData("api.internal", DnsQuestionType.Aaaa)]
    [InlineData("ams.api.internal", DnsQuestionType.Aaaa)]
    [InlineData("a-ams-1.vm.api.internal", DnsQuestionType.Aaaa)]
    [InlineData("top1.nearest.of.api.internal", DnsQuestionType.Aaaa)]
    [InlineData("regions.api.internal", DnsQuestionType.Txt)]
    [InlineData("vms.api.internal", DnsQuestionType.Txt)]
    public void Another_orgs_names_look_exactly_like_names_that_do_not_exist(string name, DnsQuestionType type)
    {
        Assert.Equal(InternalDnsAnswer.NxDomain, Ask(name, type));
        // And the other way round.
        var ours = name.Replace("api", "web").Replace("a-ams-1", "w-ams-1");
        Assert.Equal(DnsOutcome.NoError, Ask(ours, type).Outcome);
        Assert.Equal(InternalDnsAnswer.NxDomain, Ask(ours, type, RivalInAms));
    }

    [Theory]
    [InlineData("10.0.0.1")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("fd00::1")]
    public void Askers_outside_the_private_network_are_refused_everything(string asker)
    {
        Assert.Equal(InternalDnsAnswer.Refused, Ask("web.internal", asker: IPAddress.Parse(asker)));
        Assert.Equal(InternalDnsAnswer.Refused, Ask("_apps.internal", DnsQuestionType.Txt, IPAddress.Parse(asker)));
        Assert.Equal(InternalDnsAnswer.Refused, Ask("nope.internal", asker: IPAddress.Parse(asker)));
    }

    [Fact]
    public void Askers_of_no_known_org_are_refused_everything()
    {
        var stranger = PrivateAddresses.For("nobody", "ams", "box");

        Assert.Equal(InternalDnsAnswer.Refused, Ask("web.internal", asker: stranger));
        Assert.Equal(InternalDnsAnswer.Refused, Ask("_apps.internal", DnsQuestionType.Txt, stranger));
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("web.internal.example.com")]
    [InlineData("internal.com")]
    [InlineData("")]
    [InlineData(".")]
    public void Names_outside_internal_are_refused(string name)
    {
        Assert.Equal(InternalDnsAnswer.Refused, Ask(name));
    }

    [Theory]
    [InlineData("WEB.Internal")]
    [InlineData("web.internal.")]
    [InlineData("Web.INTERNAL.")]
    public void Names_are_case_insensitive_with_or_without_the_final_dot(string name)
    {
        Assert.Equal(4, Ask(name).Addresses.Length);
        AssertAddresses(Ask(name.Replace("web", "W-SYD-1.VM.web", StringComparison.OrdinalIgnoreCase)), Ip("w-syd-1", "acme", "syd"));
        AssertTexts(Ask("_APPS." + name[(name.IndexOf('.') + 1)..], DnsQuestionType.Txt), "db,web,worker");
        AssertAddresses(Ask("TOP1.Nearest.OF." + name), Ip("w-fra-1", "acme", "fra"));
    }

    [Fact]
    public void A_new_table_is_answered_from_at_once()
    {
        Assert.Equal(4, Ask("web.internal").Addresses.Length);
        var next = Build(2, Instance("w-lhr-1", "web", "acme", "lhr"));

        var answer = _resolver.Resolve(next, "lhr.web.internal", DnsQuestionType.Aaaa, AcmeInFra, "ams");

        AssertAddresses(answer, Ip("w-lhr-1", "acme", "lhr"));
        Assert.Equal(4, Ask("web.internal").Addresses.Length);
    }
}
