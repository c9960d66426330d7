// Package report builds the weekly top-issues report for product managers
// (`voc report weekly`, and `voc serve`'s /reports/WEEK) and renders it as
// self-contained HTML, GitHub Markdown or JSON, all from one Report value.
//
// Build reads every number from the metric registry (package metrics): the
// headline figures, the top topics with their shares, changes, sparklines,
// sentiment, FCR and repeat rate, their top categories, models and
// channels, and the weekly counts the emerging-issue test compares. The
// package itself defines no metric. It reads rows only for what is not a
// number: the texts it quotes (already redacted at ingestion) and the
// employee suggestion posts it matches to topics.
//
// The emerging-issue test (EmergingConfig, RateTest, Detect) is the exact
// conditional Poisson rate test of this week's count against the previous
// weeks' with contacts as exposure, a minimum count, a minimum rate ratio
// and Benjamini-Hochberg control of the false discovery rate; quotes are
// chosen by typicality against the group's keyword centroid (SelectQuotes);
// suggestions match by topic or keywords (MatchSuggestions). MethodText
// states all of it in the report's footnote; docs/report.md explains it.
//
// A web handler serves a week as `voc report weekly` writes it:
//
//	w, err := report.ParseWeek("2026-W46", zone)
//	r, err := report.Build(ctx, conn, report.Options{Week: w, Lang: "zh"})
//	if errors.Is(err, report.ErrNoData) { /* 404 with err.Error() */ }
//	err = report.RenderHTML(rw, r) // or RenderMarkdown, RenderJSON
//
// Build runs a few dozen registry queries (seconds on a month of data);
// cache the value per week if a page is hit often.
package report
