//! Frame-time distributions as SVG charts: one chart per scene, one curve per runner.
//!
//! Each curve is the runner's frame times sorted, drawn against their percentile, on a log time
//! axis (the runners differ by orders of magnitude): the median is where a curve crosses 50, the
//! tail is its right end, and the 16.7 ms frame budget is a line across. People read a picture
//! of a distribution faster than a table of its percentiles.

use plotters::prelude::*;

use crate::Outcome;

/// A curve's colour per runner, in the order runners are listed.
const COLOURS: [RGBColor; 7] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
];

/// The chart of `scene`'s frame times in every runner that ran it, as an SVG document.
pub fn svg(scene: &str, outcomes: &[Outcome]) -> Result<String, crate::Error> {
    let runs: Vec<(&str, Vec<f64>)> = outcomes
        .iter()
        .filter(|o| o.scene == scene && !o.frames.is_empty())
        .map(|o| {
            let mut v: Vec<f64> = o.frames.iter().map(|t| t.max(1e-4)).collect();
            v.sort_by(f64::total_cmp);
            (o.runner, v)
        })
        .collect();
    let lowest = runs.iter().filter_map(|(_, v)| v.first().copied()).fold(f64::INFINITY, f64::min);
    let highest = runs.iter().filter_map(|(_, v)| v.last().copied()).fold(1.0_f64, f64::max);
    // Whole decades, so the log axis labels read 0.01, 0.1, 1, 10…
    let (low, high) = (10f64.powf(lowest.min(highest).log10().floor()), 10f64.powf(highest.log10().ceil()));
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (800, 480)).into_drawing_area();
        let fail = |e: &dyn std::fmt::Display| crate::Error(format!("chart for {scene}: {e}"));
        root.fill(&WHITE).map_err(|e| fail(&e))?;
        let mut chart = ChartBuilder::on(&root)
            .caption(format!("{scene}: frame time by percentile"), ("sans-serif", 20))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(64)
            .build_cartesian_2d(0f64..100f64, (low..high).log_scale())
            .map_err(|e| fail(&e))?;
        chart
            .configure_mesh()
            .x_desc("percentile of frames")
            .y_desc("ms per frame (log)")
            .y_label_formatter(&|v| format!("{v}"))
            .draw()
            .map_err(|e| fail(&e))?;
        let budget = crate::scenes::FRAME_MS;
        if budget < high {
            chart
                .draw_series(LineSeries::new([(0.0, budget), (100.0, budget)], BLACK.mix(0.4)))
                .map_err(|e| fail(&e))?
                .label("16.7 ms budget")
                .legend(|(x, y)| PathElement::new([(x, y), (x + 16, y)], BLACK.mix(0.4)));
        }
        for (i, (runner, times)) in runs.iter().enumerate() {
            let colour = COLOURS[i % COLOURS.len()];
            let last = (times.len() - 1).max(1) as f64;
            let points = times.iter().enumerate().map(|(k, &t)| (k as f64 * 100.0 / last, t));
            chart
                .draw_series(LineSeries::new(points, colour.stroke_width(2)))
                .map_err(|e| fail(&e))?
                .label(*runner)
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 16, y)], colour.stroke_width(2)));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK.mix(0.3))
            .draw()
            .map_err(|e| fail(&e))?;
        root.present().map_err(|e| fail(&e))?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(scene: &'static str, runner: &'static str, frames: Vec<f64>) -> Outcome {
        let (first_frame, memory, digest, phases, latency) = (1.0, None, 0, None, Vec::new());
        Outcome {
            scene,
            runner,
            frames,
            first_frame,
            memory,
            digest,
            phases,
            latency,
            counters: None,
            drawn: None,
            gpu: None,
            browser: None,
        }
    }

    #[test]
    fn a_chart_has_a_curve_and_a_legend_entry_per_runner_of_its_scene() {
        let outcomes = [
            outcome("home", "native", vec![0.01, 0.02, 0.05]),
            outcome("home", "quickjs", vec![3.0, 4.0, 40.0]),
            outcome("text", "native", vec![1.0]),
        ];
        let svg = svg("home", &outcomes).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        let texts: Vec<&str> = svg
            .split("<text")
            .skip(1)
            .filter_map(|t| Some(t.split_once('>')?.1.split_once("</text>")?.0.trim()))
            .collect();
        assert!(texts.contains(&"home: frame time by percentile"), "{texts:?}");
        assert!(texts.contains(&"native") && texts.contains(&"quickjs"), "{texts:?}");
        // quickjs's 40 ms passes the budget: the budget line is drawn and named.
        assert!(texts.contains(&"16.7 ms budget"), "{texts:?}");
        // Each runner's colour: its curve and its legend mark; the third colour is not used,
        // because the other scene's runner is not in this chart.
        for (colour, uses) in [("#1F77B4", 2), ("#FF7F0E", 2), ("#2CA02C", 0)] {
            assert_eq!(svg.matches(&format!("stroke=\"{colour}\"")).count(), uses, "{colour}");
        }
    }
}
