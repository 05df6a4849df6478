// PNG charts for reports (ScottPlot renders headless, no display needed).
using ScottPlot;

namespace GhnQat.Trainer.Reports;

/// <summary>Small chart helpers used by training and evaluation reports.</summary>
public static class Plots
{
    /// <summary>Line chart of one or more series over a shared x axis; writes a PNG.</summary>
    public static void Lines(string path, string title, string xLabel, string yLabel,
        IReadOnlyList<(string Label, double[] X, double[] Y)> series, int width = 900, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(series);
        var plot = new Plot();
        foreach (var (label, x, y) in series)
        {
            var line = plot.Add.ScatterLine(x, y);
            line.LegendText = label;
        }
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        if (series.Count > 1) plot.ShowLegend();
        EnsureFolder(path);
        plot.SavePng(path, width, height);
    }

    /// <summary>Grouped bar chart: one group per category, one bar per series, with error bars.</summary>
    public static void Bars(string path, string title, string yLabel, IReadOnlyList<string> categories,
        IReadOnlyList<(string Label, double[] Mean, double[] Error)> series, int width = 900, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(series);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int n = series.Count;
        for (int s = 0; s < n; s++)
        {
            var bars = new List<Bar>();
            for (int c = 0; c < categories.Count; c++)
            {
                bars.Add(new Bar
                {
                    Position = (c * (n + 1)) + s,
                    Value = series[s].Mean[c],
                    Error = series[s].Error[c],
                    FillColor = palette.GetColor(s),
                });
            }
            var barPlot = plot.Add.Bars(bars);
            barPlot.LegendText = series[s].Label;
        }
        var ticks = categories.Select((c, i) => new Tick((i * (n + 1)) + ((n - 1) / 2.0), c)).ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        if (categories.Count > 8)
        {
            // Many groups: slanted labels so neighbours do not overlap.
            plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
            plot.Axes.Bottom.MinimumSize = 90;
        }
        plot.Title(title);
        plot.YLabel(yLabel);
        plot.ShowLegend(Edge.Right);   // beside the plot, so no bar is hidden under it
        plot.Axes.Margins(bottom: 0);
        EnsureFolder(path);
        plot.SavePng(path, width, height);
    }

    private static void EnsureFolder(string path)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
    }
}
