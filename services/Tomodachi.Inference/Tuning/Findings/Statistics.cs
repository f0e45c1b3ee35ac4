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

    /// <summary>Least-squares line through (i, values[i]): the intercept at i = 0 and the slope per step.</summary>
    public static (double Intercept, double Slope) LeastSquaresLine(IReadOnlyList<double> values)
    {
        var n = values.Count;
        var meanX = (n - 1) / 2.0;
        var meanY = Mean(values);
        double covariance = 0, varianceX = 0;
        for (var i = 0; i < n; i++)
        {
            covariance += (i - meanX) * (values[i] - meanY);
            varianceX += (i - meanX) * (i - meanX);
        }

        var slope = varianceX == 0 ? 0 : covariance / varianceX;
        return (meanY - slope * meanX, slope);
    }
}
