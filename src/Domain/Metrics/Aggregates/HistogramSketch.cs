using Vigil.Domain.Metrics.Sketches;

namespace Vigil.Domain.Metrics.Aggregates;

/// <summary>
/// Turns a Prometheus histogram's bucket increases into sketch observations, so percentiles of a histogram read like
/// those of any other distribution. The observations of a bucket <c>(lower, upper]</c> are spread evenly over up to 16
/// equal-width slices of it (Prometheus's histogram_quantile interpolates linearly inside a bucket the same way); the
/// first bucket starts at 0 when its bound is positive; observations above the highest finite bound are placed on
/// that bound (as histogram_quantile does). The answer can only be as precise as the histogram's bucket layout.
/// </summary>
public static class HistogramSketch
{
    private const int Slices = 16;

    public static DistributionSketch FromIncreases(double[] upperBounds, double[] increases)
    {
        var sketch = new DistributionSketch();
        for (var i = 0; i < upperBounds.Length; i++)
        {
            var n = (long)Math.Round(increases[i]);
            if (n <= 0)
            {
                continue;
            }

            var upper = upperBounds[i];
            if (double.IsPositiveInfinity(upper))
            {
                var highest = i > 0 ? upperBounds[i - 1] : 0;
                sketch.Add(highest, n);
                continue;
            }

            double lower;
            if (i > 0)
            {
                lower = upperBounds[i - 1];
            }
            else if (upper > 0)
            {
                lower = 0;
            }
            else
            {
                sketch.Add(upper, n);
                continue;
            }

            var slices = (int)Math.Min(n, Slices);
            var width = (upper - lower) / slices;
            var each = n / slices;
            var remainder = n % slices;
            for (var s = 0; s < slices; s++)
            {
                sketch.Add(lower + (width * (s + 0.5)), each + (s < remainder ? 1 : 0));
            }
        }

        return sketch;
    }
}
