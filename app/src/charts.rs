//! Small charts drawn on the server as SVG (no chart library, no
//! JavaScript): columns over time and horizontal bars, one or more series.
//! Each is an image with its label (`role="img"`, `aria-label`), scales to
//! its container (`viewBox`, width 100%, so it fits a 375 px screen), and
//! comes with its numbers as a table (`<details>` with a caption) for
//! screen readers and anyone who wants the figures.

use leptos::prelude::*;

/// One series of a chart: its name (legend and table header) and a value
/// per label.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<i64>,
}

const W: f64 = 600.0;
const H: f64 = 240.0;
const LEFT: f64 = 48.0;
const BOTTOM: f64 = 40.0;
const TOP: f64 = 12.0;

/// The colour classes of the series, in order (the legend names them, so
/// colour is never the only signal).
const CLASSES: [&str; 3] = ["s0", "s1", "s2"];

fn top_of(series: &[Series]) -> i64 {
    series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1)
}

/// Columns: one group per label (a week, a month), one column per series.
/// `fmt` writes a value for the axis and the table (counts as they are,
/// money in yuan).
#[component]
pub fn ColumnChart(
    id: &'static str,
    title: String,
    labels: Vec<String>,
    series: Vec<Series>,
    #[prop(into)] label_header: String,
    fmt: fn(i64) -> String,
) -> impl IntoView {
    let max = top_of(&series);
    let n = labels.len().max(1) as f64;
    let plot_w = W - LEFT - 8.0;
    let plot_h = H - TOP - BOTTOM;
    let group_w = plot_w / n;
    let k = series.len().max(1) as f64;
    let bar_w = (group_w * 0.8 / k).max(1.0);
    // Label every label when few, else about every sixth.
    let every = (labels.len() / 6).max(1);
    let mut bars = vec![];
    for (si, s) in series.iter().enumerate() {
        for (i, v) in s.values.iter().enumerate() {
            let h = (*v).max(0) as f64 / max as f64 * plot_h;
            let x = LEFT + group_w * i as f64 + group_w * 0.1 + bar_w * si as f64;
            bars.push(view! {
                <rect class=CLASSES[si % CLASSES.len()] x=format!("{x:.1}") y=format!("{:.1}", TOP + plot_h - h)
                    width=format!("{bar_w:.1}") height=format!("{h:.1}")/>
            });
        }
    }
    let ticks = labels
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, l)| {
            let x = LEFT + group_w * i as f64 + group_w / 2.0;
            let short = l.get(5..).unwrap_or(l).to_string();
            view! { <text x=format!("{x:.1}") y=format!("{:.1}", H - BOTTOM + 16.0) text-anchor="middle" class="tick">{short}</text> }
        })
        .collect_view();
    let axis = view! {
        <line x1=LEFT.to_string() y1=TOP.to_string() x2=LEFT.to_string() y2=(TOP + plot_h).to_string() class="axis"/>
        <line x1=LEFT.to_string() y1=(TOP + plot_h).to_string() x2=(W - 8.0).to_string() y2=(TOP + plot_h).to_string() class="axis"/>
        <text x=(LEFT - 4.0).to_string() y=(TOP + 10.0).to_string() text-anchor="end" class="tick">{fmt(max)}</text>
        <text x=(LEFT - 4.0).to_string() y=(TOP + plot_h).to_string() text-anchor="end" class="tick">"0"</text>
    };
    view! {
        <figure class="chart" id=id>
            <svg viewBox=format!("0 0 {W} {H}") width="100%" role="img" aria-label=title.clone() preserveAspectRatio="xMidYMid meet">
                {axis}
                {bars}
                {ticks}
            </svg>
            <Legend series=series.clone()/>
            <DataTable id=id title=title labels=labels series=series label_header=label_header fmt=fmt/>
        </figure>
    }
}

/// Horizontal bars, one per label (categories, provinces, outcomes).
#[component]
pub fn BarChart(
    id: &'static str,
    title: String,
    labels: Vec<String>,
    values: Vec<i64>,
    #[prop(into)] label_header: String,
    #[prop(into)] value_header: String,
) -> impl IntoView {
    let series = vec![Series {
        name: value_header,
        values: values.clone(),
    }];
    let max = top_of(&series);
    let row_h = 26.0;
    let h = (labels.len().max(1) as f64) * row_h + 8.0;
    let label_w = 180.0;
    let plot_w = W - label_w - 48.0;
    let rows = labels
        .iter()
        .zip(values.iter())
        .enumerate()
        .map(|(i, (l, v))| {
            let y = 4.0 + row_h * i as f64;
            let w = ((*v).max(0) as f64 / max as f64 * plot_w).max(1.0);
            view! {
                <text x=(label_w - 6.0).to_string() y=format!("{:.1}", y + 17.0) text-anchor="end" class="tick">{l.clone()}</text>
                <rect class="s0" x=label_w.to_string() y=format!("{:.1}", y + 4.0) width=format!("{w:.1}") height="18"/>
                <text x=format!("{:.1}", label_w + w + 4.0) y=format!("{:.1}", y + 17.0) class="tick">{v.to_string()}</text>
            }
        })
        .collect_view();
    view! {
        <figure class="chart" id=id>
            <svg viewBox=format!("0 0 {W} {h}") width="100%" role="img" aria-label=title.clone() preserveAspectRatio="xMidYMid meet">
                {rows}
            </svg>
            <DataTable id=id title=title labels=labels series=series label_header=label_header fmt=|v| v.to_string()/>
        </figure>
    }
}

#[component]
fn Legend(series: Vec<Series>) -> impl IntoView {
    (series.len() > 1).then(|| {
        view! {
            <ul class="legend">
                {series.into_iter().enumerate().map(|(i, s)| view! {
                    <li><span class=format!("swatch {}", CLASSES[i % CLASSES.len()]) aria-hidden="true"></span>{s.name}</li>
                }).collect_view()}
            </ul>
        }
    })
}

/// The chart's numbers: a table with a caption, inside `<details>` (open
/// without JavaScript too: it is native).
#[component]
fn DataTable(
    id: &'static str,
    title: String,
    labels: Vec<String>,
    series: Vec<Series>,
    label_header: String,
    fmt: fn(i64) -> String,
) -> impl IntoView {
    let lang = crate::i18n::use_lang();
    view! {
        <details class="chart-data">
            <summary>{domain::t(lang, "dash.table")}</summary>
            <div class="table-wrap">
                <table tabindex="0" id=format!("{id}-table")>
                    <caption>{title}</caption>
                    <thead><tr>
                        <th scope="col">{label_header}</th>
                        {series.iter().map(|s| view! { <th scope="col">{s.name.clone()}</th> }).collect_view()}
                    </tr></thead>
                    <tbody>
                        {labels.iter().enumerate().map(|(i, l)| view! {
                            <tr>
                                <th scope="row">{l.clone()}</th>
                                {series.iter().map(|s| view! { <td class="num">{fmt(s.values.get(i).copied().unwrap_or(0))}</td> }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </details>
    }
}
