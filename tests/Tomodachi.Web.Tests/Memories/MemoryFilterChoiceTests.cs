using Tomodachi.Memory.V1;
using Tomodachi.Web.Memories;

namespace Tomodachi.Web.Tests.Memories;

/// <summary>The Memories panel's filters become the List call's filter as the person meant them.</summary>
public sealed class MemoryFilterChoiceTests
{
    [Fact]
    public void Nothing_chosen_filters_nothing()
    {
        var filter = new MemoryFilterChoice().ToFilter();

        Assert.Equal(new ListFilter(), filter);
    }

    [Fact]
    public void The_to_day_is_included_and_days_are_whole_UTC_days()
    {
        var filter = new MemoryFilterChoice { From = new DateOnly(2026, 12, 1), To = new DateOnly(2026, 12, 5) }.ToFilter();

        Assert.Equal(new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc), filter.CreatedAfter.ToDateTime());
        Assert.Equal(new DateTime(2026, 12, 6, 0, 0, 0, DateTimeKind.Utc), filter.CreatedBefore.ToDateTime());
    }

    [Theory]
    [InlineData("user", MemoryRole.User, MemoryOrigin.Unspecified)]
    [InlineData("assistant", MemoryRole.Assistant, MemoryOrigin.Unspecified)]
    [InlineData("note", MemoryRole.Note, MemoryOrigin.Unspecified)]
    [InlineData("imported", MemoryRole.Unspecified, MemoryOrigin.Imported)]
    public void A_kind_is_a_role_or_the_imported_origin(string kind, MemoryRole role, MemoryOrigin origin)
    {
        var filter = new MemoryFilterChoice { Kind = kind, Text = "  boat  ", SessionId = "s1", PinnedOnly = true }.ToFilter();

        Assert.Equal((role, origin), (filter.Role, filter.Origin));
        Assert.Equal(("boat", "s1", true), (filter.TextContains, filter.SessionId, filter.PinnedOnly));
    }
}
