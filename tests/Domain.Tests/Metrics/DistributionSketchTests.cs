using FsCheck;
using FsCheck.Fluent;
using Vigil.Domain.Metrics.Sketches;

namespace Vigil.Domain.Tests.Metrics;

public sealed class DistributionSketchTests
{
    private static readonly double[] Quantiles = [0.5, 0.9, 0.95, 0.99, 0.999, 0.0, 1.0];

    private static readonly Gen<double> Magnitudes = Gen.OneOf(
        Gen.Choose(1, 1_000_000).Select(i => i / 1000.0),
        Gen.Choose(-1_000_000, 1_000_000).Select(i => i * 1e-6),
        Gen.Choose(1, 1000).Select(i => Math.Pow(10, (i / 100.0) - 5)),
        Gen.Choose(-300, 300).Select(i => i * 1e3),
        Gen.Constant(0.0));

    [Fact]
    public void Quantile_AnyValues_WithinOnePercentOfTheExactValueOfThatRank()
    {
        Prop.ForAll(Arb.From(Magnitudes.NonEmptyListOf()), values =>
        {
            var sketch = new DistributionSketch();
            foreach (var value in values)
            {
                sketch.Add(value);
            }

            var sorted = values.Order().ToArray();
            return Quantiles.All(q =>
            {
                var exact = sorted[(int)Math.Floor(q * (sorted.Length - 1))];
                var estimate = sketch.Quantile(q)!.Value;
                return Math.Abs(exact) < DistributionSketch.MinIndexable
                    ? Math.Abs(estimate) < DistributionSketch.MinIndexable
                    : Math.Abs(estimate - exact) <= (DistributionSketch.RelativeAccuracy * Math.Abs(exact)) + 1e-12;
            });
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Merge_AnySplit_SameAsOneSketchAndOrderDoesNotMatter()
    {
        Prop.ForAll(Arb.From(Magnitudes.ListOf()), Arb.From(Magnitudes.ListOf()), (left, right) =>
        {
            var a = Build(left);
            var b = Build(right);
            var ab = a.Clone();
            ab.Merge(b);
            var ba = b.Clone();
            ba.Merge(a);
            var whole = Build(left.Concat(right));
            return ab.Encode().AsSpan().SequenceEqual(whole.Encode()) && ba.Encode().AsSpan().SequenceEqual(whole.Encode());
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Encode_Decode_RoundTripsExactly()
    {
        Prop.ForAll(Arb.From(Magnitudes.ListOf()), values =>
        {
            var sketch = Build(values);
            var decoded = DistributionSketch.Decode(sketch.Encode());
            return decoded.Count == sketch.Count && decoded.Encode().AsSpan().SequenceEqual(sketch.Encode());
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Encode_TypicalLatencyDistribution_IsCompact()
    {
        var sketch = new DistributionSketch();
        for (var i = 1; i <= 100_000; i++)
        {
            sketch.Add(0.001 * Math.Exp((i % 997) / 150.0)); // 1 ms .. ~0.8 s
        }

        Assert.InRange(sketch.Encode().Length, 1, 2_000);
    }

    [Fact]
    public void Add_MoreDistinctMagnitudesThanMaxBins_KeepsHighQuantilesAccurate()
    {
        var sketch = new DistributionSketch();
        var values = Enumerable.Range(0, 20_000).Select(i => Math.Pow(1.0203, i - 1_000)).ToArray();
        foreach (var value in values)
        {
            sketch.Add(value);
        }

        Assert.True(sketch.BinCount <= DistributionSketch.MaxBins);
        var exact = values[(int)Math.Floor(0.99 * (values.Length - 1))];
        Assert.InRange(sketch.Quantile(0.99)!.Value, exact * 0.99, exact * 1.01);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 2, 0, 0, 0 })]
    [InlineData(new byte[] { 1, 0, 1, 2 })]
    [InlineData(new byte[] { 1, 0xFF, 0xFF })]
    public void TryDecode_Corrupt_ReturnsFalse(byte[] data) => Assert.False(DistributionSketch.TryDecode(data, out _, out _));

    [Fact]
    public void Quantile_Empty_IsNull() => Assert.Null(new DistributionSketch().Quantile(0.5));

    private static DistributionSketch Build(IEnumerable<double> values)
    {
        var sketch = new DistributionSketch();
        foreach (var value in values)
        {
            sketch.Add(value);
        }

        return sketch;
    }
}
