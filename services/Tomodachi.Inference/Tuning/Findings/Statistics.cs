namespace Tomodachi.Inference.Tuning.Findings;

/// <summary>The few descriptive statistics the findings need, over non-empty samples.</summary>
internal static class Statistics
{
    public static double Mean(IReadOnlyList<double> values) => values.Average();

    /// <summary>Population standard deviation: the turns analysed are the whole population being judged.</summary>
    public static double StandardDeviation(IReadOnlyList<double> values)
    {
        var mean = Mean(values);
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
    }

    /// <summary>Least-squares line through (i, values[i]), i.e. over the order of the values.</summary>
    public static (double Intercept, double Slope, double RSquared) LeastSquaresLine(IReadOnlyList<double> values) =>
        LeastSquaresLine(Enumerable.Range(0, values.Count).Select(i => (double)i).ToList(), values);

    /// <summary>
    /// Least-squares line through (xs[i], ys[i]): the intercept at x = 0, the slope, and R² (the share of the
    /// variance of y the line explains; 1 for a perfect line, 0 when y is flat).
    /// </summary>
    public static (double Intercept, double Slope, double RSquared) LeastSquaresLine(IReadOnlyList<double> xs, IReadOnlyList<double> ys)
    {
        var meanX = Mean(xs);
        var meanY = Mean(ys);
        double covariance = 0, varianceX = 0, varianceY = 0;
        for (var i = 0; i < xs.Count; i++)
        {
            covariance += (xs[i] - meanX) * (ys[i] - meanY);
            varianceX += (xs[i] - meanX) * (xs[i] - meanX);
            varianceY += (ys[i] - meanY) * (ys[i] - meanY);
        }

        var slope = varianceX == 0 ? 0 : covariance / varianceX;
        var rSquared = varianceX == 0 || varianceY == 0 ? 0 : covariance * covariance / (varianceX * varianceY);
        return (meanY - slope * meanX, slope, rSquared);
    }

    /// <summary>The <paramref name="percent"/>th percentile, interpolated linearly between the two nearest ranks.</summary>
    public static double Percentile(IReadOnlyList<double> values, double percent)
    {
        var sorted = values.Order().ToList();
        var rank = percent / 100 * (sorted.Count - 1);
        var below = (int)Math.Floor(rank);
        var above = Math.Min(below + 1, sorted.Count - 1);
        return sorted[below] + (rank - below) * (sorted[above] - sorted[below]);
    }
}
